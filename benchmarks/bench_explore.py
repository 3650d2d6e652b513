"""Benchmark: the explorer's server time, beside the same work done by calling the library.

1. Server time, median over ``--repeat`` requests (20) after one warm-up, through a live
   ``steepest explore`` on 127.0.0.1 (the time a client waits, loopback included), beside
   the library calls that do the same work in this process (so the ratio is the web
   layer's cost: validation, the worker pool, packing, JSON, HTTP):
   a. typing an equation to everything panels 1-3 show: ``/api/equation`` (reading,
      gradient, derivations) then ``/api/surface`` (200 × 200 grid of f and ∇f, the
      arrows, the stationary points), for the seed's x²·sin(y) and for Rosenbrock's
      function. Each request's text differs by trailing spaces, so that the server's cache
      of parsed equations is not what is measured. Target: ≤ 150 ms.
   b. a race of four optimizers × 2,000 steps (``/api/descend``). Target: ≤ 100 ms.
   c. basins for 50 × 50 starts (``/api/basins``, 1,000 steps at most). Target: ≤ 1 s.
2. A bounded load on loopback only: ``--clients`` (50) concurrent clients for
   ``--seconds`` (30), each repeating what a learner's page sends (a typed equation, a
   100 × 100 surface, a race of two optimizers × 500 steps); errors (any answer but 200)
   counted, latency p50 and p99 printed. Target: 0 errors, p99 ≤ 1 s.

Run: ``python benchmarks/bench_explore.py [--repeat 20] [--clients 50] [--seconds 30]``.
The client runs on the same machine as the server and takes its share of the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
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
    work()
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
            def web(k=0, text=text):
                typed = text + " " * (k + 1)
                post("/api/equation", {"equation": typed})
                post("/api/surface", {"equation": typed, "grid": 200})

            def lib(k=0, text=text):
                library_panels(text + " " * (k + 1))

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


def show(name: str, web, lib, repeat: int) -> None:
    server, library = median_ms(web, repeat), median_ms(lib, repeat)
    print(f"{name:48s} {server:8.1f} ms {library:8.1f} ms {server / library:6.2f}x")


def load(url: str, clients: int, seconds: float) -> None:
    """``clients`` concurrent clients for ``seconds``; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    equations = itertools.cycle([SEED, ROSENBROCK, "x^2 + 3y^2", "sin(x) cos(y)"])

    async def client(k: int, http: httpx.AsyncClient, end: float) -> None:
        count = 0
        while time.perf_counter() < end:
            text = next(equations) + " " * (k % 7)
            for path, body in (("/api/equation", {"equation": text}),
                               ("/api/surface", {"equation": text, "grid": 100}),
                               ("/api/descend", {"equation": text, "starts": [[1.0, 1.5]],
                                                 "runs": RACE[:2], "max_iter": 500})):  # fmt: skip
                start = time.perf_counter()
                try:
                    answer = await http.post(path, json=body)
                    if answer.status_code != 200:
                        errors.append(f"{path}: {answer.status_code} {answer.text[:80]}")
                except httpx.HTTPError as error:
                    errors.append(f"{path}: {type(error).__name__}")
                latencies.append(time.perf_counter() - start)
                count += 1

    async def run() -> None:
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            end = time.perf_counter() + seconds
            await asyncio.gather(*(client(k, http, end) for k in range(clients)))

    started = time.perf_counter()
    asyncio.run(run())
    took = time.perf_counter() - started
    ms = np.array(latencies) * 1e3
    print(f"load: {clients} clients for {seconds:g} s on loopback ({took:.1f} s with the last "
          f"answers): {len(ms):,} requests, {len(errors)} errors")  # fmt: skip
    print(f"      latency p50 {np.percentile(ms, 50):.0f} ms, p99 {np.percentile(ms, 99):.0f} ms "
          f"(target: 0 errors, p99 ≤ 1000 ms)")  # fmt: skip
    for error in sorted(set(errors))[:5]:
        print(f"      {error}")


if __name__ == "__main__":
    main()
