"""Run the documentation's examples in a scratch folder, so figures they save stay out of docs/."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _scratch_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
