"""Running ``steepest`` in-process for the CLI tests: its exit code, stdout and stderr."""

from __future__ import annotations

import contextlib
import io

from steepest.cli import main


def call(*args: str) -> tuple[int, str, str]:
    """``main`` in-process, with its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()
