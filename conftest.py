"""Test settings shared by every test module and doctest.

The property tests (Hypothesis) draw the same examples on every run by default, so that
CI gives the same answer for the same commit: a red run means the change broke
something, not that the dice found an old weakness. To explore new examples, run
``python -m pytest --hypothesis-profile=explore`` (random draws, a new seed each run).
"""

from __future__ import annotations

import importlib.util

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

# PyTorch is optional (the `torch` extra): without it, the files whose examples use it are
# not collected, and tests/test_torch_*.py skip with a reason
collect_ignore = []
if importlib.util.find_spec("torch") is None:
    collect_ignore += ["src/steepest/nn/torch_bridge.py", "docs/beyond.md"]
