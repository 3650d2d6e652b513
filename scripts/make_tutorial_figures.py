"""Draw the tutorial's figures by running the tutorial itself.

Runs every example of ``docs/tutorial.md`` (as the test suite does) inside
``docs/tutorial/``, so the figures its code saves land there, where the tutorial shows
them. The examples' printed output is checked on the way: a failing example stops the
script.

Run: ``python scripts/make_tutorial_figures.py``
"""

from __future__ import annotations

import doctest
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> int:
    folder = DOCS / "tutorial"
    folder.mkdir(exist_ok=True)
    os.chdir(folder)
    result = doctest.testfile(str(DOCS / "tutorial.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    written = sorted(p.name for p in folder.glob("*.png"))
    print(f"{result.attempted} examples, {result.failed} failed; figures: {', '.join(written)}")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
