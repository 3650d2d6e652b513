"""Benchmark: the explorer's Digits page, measured through its real server on loopback.

- An epoch of 784-30-10 (sigmoid, quadratic cost, gradient descent at 3.0, mini-batch 10)
  on the bundled sample while the run streams to a client (target ≤ 0.3 s), beside the
  same ``train`` call without the server (the ratio is the cost of watching).
- Updates a second that reach the client while a run trains (target ≥ 5).
- A drawing to the ten outputs (``POST /api/digits/draw``, a 96 × 96 RGBA picture):
  server time, the handler's work timed inside the server process (target ≤ 50 ms), and
  the whole round trip; medians over 20 requests after one warm-up.

The server runs in this process (uvicorn in a thread), the client is httpx. The machine
may be shared: its load average is printed beside the figures.
Run: ``python benchmarks/bench_digits_web.py``.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import statistics
import threading
import time

import httpx
import numpy as np
import uvicorn

from steepest.data import load_mnist_sample
from steepest.nn import Network, train
from steepest.web.app import create_app
from steepest.web.runs import Runs

SETUP = {"hidden": [30], "activation": "sigmoid", "cost": "quadratic", "optimizer": "gd",
         "learning_rate": 3.0, "batch_size": 10, "data": "sample", "seed": 0, "pace": 0}
EPOCHS = 10


def processor() -> str:
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def serve(app) -> tuple[str, uvicorn.Server]:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def streamed_run(client: httpx.Client, settings: dict) -> tuple[list[dict], float]:  # type: ignore[type-arg]
    run = client.post("/api/digits/runs", json=settings).json()["run"]
    updates, started = [], time.perf_counter()
    with client.stream("GET", f"/api/digits/runs/{run}/stream", timeout=120) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                update = json.loads(line[6:])
                update["received"] = time.perf_counter() - started
                updates.append(update)
                if update.get("end"):
                    break
    return updates, time.perf_counter() - started


def main() -> None:
    print(f"processor: {processor()} ({os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f}: the machine is shared)")
    data = load_mnist_sample()
    plain = []
    for _ in range(2):
        net = Network([784, 30, 10], seed=0)
        history = train(net, data.train, epochs=EPOCHS, batch_size=10, learning_rate=3.0,
                        test=tuple(data.test), seed=0)
        plain.append(statistics.median(history.seconds[1:]))
    app = create_app()
    app.state.digits = Runs(limit=2)
    url, server = serve(app)
    with httpx.Client(base_url=url, timeout=30) as client:
        streamed = []
        for _ in range(2):
            updates, _ = streamed_run(client, {**SETUP, "epochs": EPOCHS})
            seconds = [u["seconds"] for u in updates if u["type"] == "epoch"]
            streamed.append(statistics.median(seconds[1:]))
        epoch, alone = min(streamed), min(plain)
        print(f"\nan epoch of 784-30-10 on the sample (mini-batch 10), streaming: {epoch:.3f} s "
              f"(best of 2 runs, median epoch; target ≤ 0.3 s: "
              f"{'met' if epoch <= 0.3 else 'MISSED'})")
        print(f"  the same train call without the server: {alone:.3f} s; ratio {epoch / alone:.2f}")

        updates, total = streamed_run(client, {**SETUP, "epochs": 20, "pace": 2000})
        batches = [u for u in updates if u["type"] == "batch"]
        span = batches[-1]["received"] - batches[0]["received"]
        rate = (len(batches) - 1) / span
        verdict = "met" if rate >= 5 else "MISSED"
        print(f"\nupdates reaching the client while training (pace 2,000 steps a second, "
              f"{total:.1f} s): {rate:.1f} a second (target ≥ 5: {verdict})")
        gaps = np.diff([u["received"] for u in batches])
        print(f"  gap between updates: median {1000 * np.median(gaps):.0f} ms, "
              f"longest {1000 * gaps.max():.0f} ms")

        model = Network([784, 30, 10], seed=0)
        app.state.digits.model = (model, None)
        sheet = np.zeros((96, 96, 4), np.uint8)
        sheet[20:30, 25:75] = (0, 0, 0, 255)
        for row in range(30, 80):
            column = int(70 - 0.4 * (row - 30))
            sheet[row, column - 5 : column + 5] = (0, 0, 0, 255)
        body = {"source": "model", "width": 96, "height": 96,
                "rgba": base64.b64encode(sheet.tobytes()).decode()}
        from steepest.data.images import prepare_drawing

        def handler_work() -> None:
            x = prepare_drawing(base64.b64decode(body["rgba"]), 96, 96)
            model.forward(x)

        handler_work()
        work = []
        for _ in range(20):
            start = time.perf_counter()
            handler_work()
            work.append(time.perf_counter() - start)
        client.post("/api/digits/draw", json=body)
        trips = []
        for _ in range(20):
            start = time.perf_counter()
            answer = client.post("/api/digits/draw", json=body)
            trips.append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.text
        server_ms = 1000 * statistics.median(work)
        print(f"\na drawing to the ten outputs: {server_ms:.1f} ms server time (the handler's "
              f"work; target ≤ 50 ms: {'met' if server_ms <= 50 else 'MISSED'}), "
              f"{1000 * statistics.median(trips):.1f} ms round trip (median of 20)")
    app.state.digits.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
