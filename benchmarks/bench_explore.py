"""Benchmark: the explorer's server time, beside the same work done by calling the library.

1. Server time, median over ``--repeat`` requests (20) after one warm-up, through a live
   ``steepest explore`` on 127.0.0.1 (the time a client waits, loopback included), beside
   the library calls that do the same work in this process (so the ratio is the web
   layer's cost: validation, the worker pool, packing, JSON, HTTP):
   a. typing an equation to everything panels 1-3 show: ``/api/equation`` (reading,
      gradient, derivations) then ``/api/surface`` (200 × 200 grid of f and ∇f, the
      arrows, the stationary points), for the seed's x²·sin(y) and for Rosenbrock's
      function. Each request renames the two variables (``a^2 sin(b)``, ``c^2 sin(d)``...),
      the same work for a function the server has not seen, so that its kept answers are
      not what is measured. Target: ≤ 150 ms.
   b. a race of four optimizers × 2,000 steps (``/api/descend``). Target: ≤ 100 ms.
   c. basins for 50 × 50 starts (``/api/basins``, 1,000 steps at most). Target: ≤ 1 s.
2. A bounded load on loopback only: ``--clients`` (50) concurrent clients for
   ``--seconds`` (30), each repeating what a learner's page sends: one of four equations
   (typed with different spacing), its 100 × 100 surface over a box panned to a new place
   each time (so the grid, the field and the numeric search for stationary points are
   computed for every request; SymPy's solve of ∇f = 0 is kept per function), and a race
   of two optimizers × 500 steps from a new start each time. Errors (any answer but 200)
   counted, latency p50 and p99 printed. Target: 0 errors, p99 ≤ 1 s.

Run: ``python benchmarks/bench_explore.py [--repeat 20] [--clients 50] [--seconds 30]``.
The client runs on the same machine as the server and takes its share of the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import statistics
import sys
import time
from pathlib import Path

import httpx
import numpy as np
from _timing import processor_name

import steepest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.web.live_server import explore_server

SEED = "x^2 sin(y)"
ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
RACE = [{"optimizer": "gd", "learning_rate": 1e-3},
        {"optimizer": "momentum", "learning_rate": 1e-4},
        {"optimizer": "adam", "learning_rate": 1e-3},
        {"optimizer": "rmsprop", "learning_rate": 1e-4}]


def median_ms(work, repeat: int) -> float:
    work(-1)
    times = []
    for k in range(repeat):
        start = time.perf_counter()
        work(k)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def library_panels(text: str) -> None:
    """What /api/equation and /api/surface compute, by calling the library."""
    from steepest.web._maths import mathml

    g = steepest.gradient(text)
    _ = [mathml(c) for c in g.components], [d.lines() for d in g.steps()]
    xs = np.linspace(-3, 3, 200)
    X, Y = np.meshgrid(xs, xs)
    with np.errstate(all="ignore"):
        g.value_and_grad(np.stack([X, Y], axis=-1))
        c = -3 + 6 * (np.arange(15) + 0.5) / 15
        g.at(np.stack(np.meshgrid(c, c), axis=-1))
    steepest.stationary_points(g, [(-3, 3), (-3, 3)], timeout=0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(f"processor: {processor_name()}")
    print("(a shared, busy machine: figures vary from run to run)\n")
    with explore_server() as url, httpx.Client(base_url=url, timeout=60) as client:

        def post(path: str, body: dict) -> dict:
            answer = client.post(path, json=body)
            answer.raise_for_status()
            return answer.json()

        print(f"{'work':48s} {'server':>10s} {'library':>10s} {'ratio':>7s}")
        for name, text in (("x²·sin(y)", SEED), ("Rosenbrock", ROSENBROCK)):
            def web(k=-1, text=text):
                typed = renamed(text, k + 1)
                post("/api/equation", {"equation": typed})
                post("/api/surface", {"equation": typed, "grid": 200})

            def lib(k=-1, text=text):
                library_panels(renamed(text, k + 1))

            show(f"panels 1-3, {name}, 200 × 200 (≤ 150 ms)", web, lib, args.repeat)

        race = {"equation": ROSENBROCK, "starts": [[-1.2, 1.0]], "runs": RACE, "max_iter": 2000,
                "tol": 0}  # fmt: skip
        runs = post("/api/descend", race)["runs"]
        steps = {r["iterations"] for run in runs for r in run["results"]}
        g = steepest.gradient(ROSENBROCK)

        def lib_race(k=0):
            for r in RACE:
                options = {k: v for k, v in r.items() if k != "optimizer"}
                steepest.minimize(g, [-1.2, 1.0], optimizer=r["optimizer"], max_iter=2000, tol=0,
                                  **options)  # fmt: skip

        show(f"race, 4 optimizers × {max(steps):,} steps (≤ 100 ms)",
             lambda k=0: post("/api/descend", race), lib_race, args.repeat)
        quartic = "(x^2 - 1)^2 + (y^2 - 1)^2"
        body = {"equation": quartic, "bounds": [[-2, 2], [-2, 2]], "num": 50, "max_iter": 1000,
                "run": {"learning_rate": 0.02}}  # fmt: skip
        show("basins, 50 × 50 starts (≤ 1 s)", lambda k=0: post("/api/basins", body),
             lambda k=0: steepest.basins(quartic, [(-2, 2), (-2, 2)], 50, learning_rate=0.02,
                                         max_iter=1000), max(5, args.repeat // 4))  # fmt: skip
        print()
        load(url, args.clients, args.seconds)


_LETTERS = "abcdghjkmnpqrstuvwxyz"
#: pairs of variable names in alphabetical order (so that x stays first), (x, y) first
_NAMES = [("x", "y")] + [(a, b) for a, b in itertools.combinations(_LETTERS, 2) if "x" not in a + b
                         and "y" not in a + b]  # fmt: skip


def renamed(text: str, k: int) -> str:
    """``text`` with x and y renamed by the ``k``-th pair of letters: the same work, a new
    function for the server."""
    a, b = _NAMES[k % len(_NAMES)]
    return text.translate(str.maketrans({"x": a, "y": b}))


def show(name: str, web, lib, repeat: int) -> None:
    server, library = median_ms(web, repeat), median_ms(lib, repeat)
    print(f"{name:48s} {server:8.1f} ms {library:8.1f} ms {server / library:6.2f}x")


def load(url: str, clients: int, seconds: float) -> None:
    """``clients`` concurrent clients for ``seconds``; latencies and errors.

    Each client is one keep-alive HTTP/1.1 connection written with asyncio's streams (a
    general client such as httpx spent about 4.6 ms of CPU a request here, a core's share
    that the server would otherwise have; this one reads the status and the body's length
    and nothing more).
    """
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    equations = itertools.cycle([SEED, ROSENBROCK, "x^2 + 3y^2", "sin(x) cos(y)"])
    rng = np.random.default_rng(0)
    host, port = url.split("//", 1)[1].rstrip("/").split(":")

    async def post(stream, path: str, body: dict) -> tuple[int, bytes]:
        reader, writer = stream
        data = json.dumps(body).encode()
        writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json"
                     f"\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)  # fmt: skip
        head = await reader.readuntil(b"\r\n\r\n")
        found = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if found is None:
            raise ValueError(f"no Content-Length in {head[:200]!r}")
        return int(head.split(b" ", 2)[1]), await reader.readexactly(int(found[1]))

    async def client(k: int, end: float) -> None:
        stream = await asyncio.open_connection(host, int(port))
        while time.perf_counter() < end:
            text = next(equations) + " " * (k % 7)
            dx, dy = rng.uniform(-1, 1, 2).round(3)  # the map panned somewhere new
            box = [[-3 + dx, 3 + dx], [-3 + dy, 3 + dy]]
            click = rng.uniform(-2, 2, 2).round(3).tolist()  # a new start
            for path, body in (("/api/equation", {"equation": text}),
                               ("/api/surface", {"equation": text, "grid": 100, "bounds": box}),
                               ("/api/descend", {"equation": text, "starts": [click],
                                                 "runs": RACE[:2], "max_iter": 500})):  # fmt: skip
                sent = time.perf_counter()
                try:
                    status, answer = await post(stream, path, body)
                    if status != 200:
                        errors.append(f"{path}: {status} {answer[:80]!r}")
                except (OSError, ValueError, asyncio.IncompleteReadError) as error:
                    errors.append(f"{path}: {type(error).__name__}")
                    stream[1].close()
                    stream = await asyncio.open_connection(host, int(port))
                latencies.setdefault(path, []).append(time.perf_counter() - sent)
        stream[1].close()

    async def run() -> None:
        end = time.perf_counter() + seconds
        await asyncio.gather(*(client(k, end) for k in range(clients)))

    started, cpu = time.perf_counter(), time.process_time()
    asyncio.run(run())
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    ms = np.concatenate(list(latencies.values())) * 1e3
    print(f"load: {clients} clients for {seconds:g} s on loopback ({took:.1f} s with the last "
          f"answers): {len(ms):,} requests, {len(errors)} errors; the clients' CPU "
          f"{1e3 * cpu / len(ms):.2f} ms a request")  # fmt: skip
    print(f"      latency p50 {np.percentile(ms, 50):.0f} ms, p99 {np.percentile(ms, 99):.0f} ms "
          f"(target: 0 errors, p99 ≤ 1000 ms)")  # fmt: skip
    for path, times in latencies.items():
        each = np.array(times) * 1e3
        print(f"      {path:14s} {len(each):6,} requests, p50 {np.percentile(each, 50):.0f} ms, "
              f"p99 {np.percentile(each, 99):.0f} ms")  # fmt: skip
    for error in sorted(set(errors))[:5]:
        print(f"      {error}")


if __name__ == "__main__":
    main()
