"""A live ``steepest explore`` for the tests: a child process on 127.0.0.1, a free port.

Started with ``--no-browser``; its address is read from the line it prints. Stopped by the
test (Ctrl-C, as a person stops it), and killed if it does not stop in time.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def explore_server(*options: str) -> Iterator[str]:
    """Run ``steepest explore --no-browser`` and yield its address (``http://127.0.0.1:N/``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "steepest", "explore", "--no-browser", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()  # the address, once it listens
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found is None:
            process.kill()
            raise RuntimeError(f"steepest explore did not start: {line!r} "
                               f"{process.stderr.read()!r}")
        yield found[0]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
