"""The tutorial's pictures: every figure it shows exists and is drawn by its own code.

The tutorial's examples themselves run as a doctest of docs/tutorial.md (see pyproject's
``--doctest-glob``); this checks the links between its text and its figures.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_figure_shown_is_saved_by_the_tutorials_code_and_exists():
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\(tutorial/([^)]+)\)", text)
    saved = re.findall(r'save_figure\(fig, "([^"]+)"\)', text)
    assert shown and sorted(shown) == sorted(saved)
    for name in shown:
        with Image.open(DOCS / "tutorial" / name) as image:
            image.verify()


def test_the_tutorial_has_one_section_per_exercise():
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d)\. ", text, flags=re.MULTILINE)
    assert headings == ["1", "2", "3", "4", "5"]
