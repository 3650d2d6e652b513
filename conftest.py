"""Test settings shared by every test module and doctest.

The property tests (Hypothesis) draw the same examples on every run by default, so that
CI gives the same answer for the same commit: a red run means the change broke
something, not that the dice found an old weakness. To explore new examples, run
``python -m pytest --hypothesis-profile=explore`` (random draws, a new seed each run).
"""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import settings

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

# PyTorch is optional (the `torch` extra): without it, the examples that use it skip with the
# reason, as tests/nn/test_torch_*.py do
_TORCH_EXAMPLES = ("src/steepest/nn/torch_bridge.py", "docs/beyond.md")


def pytest_collection_modifyitems(config, items):
    if importlib.util.find_spec("torch") is not None:
        return
    skip = pytest.mark.skip(reason="PyTorch is optional and not installed: "
                                   "pip install torch==2.13.0")
    for item in items:
        if str(item.path).endswith(_TORCH_EXAMPLES):
            item.add_marker(skip)
