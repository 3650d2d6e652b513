"""Timing helper shared by the benchmark scripts (run them as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(function: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``function()`` over ``repeat`` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def processor_name() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux), for every figure printed.

    Ratios measured on one processor do not carry over to another; each benchmark prints
    this beside its figures, with the load average (the machine may be shared).
    """
    import os
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
            else:
                name = ""
    except OSError:
        name = ""
    name = name or platform.processor() or platform.machine() or "unknown processor"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{name}, {os.cpu_count()} CPUs, load average {load:.2f} at start"


def load() -> str:
    """The load average now, in words (other programs slow every figure)."""
    import os

    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"
