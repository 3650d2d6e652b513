"""Reports that read the library's results: ``steepest tour`` and its HTML page.

:mod:`~steepest.report.tour` runs the tour (an equation, its gradient, a descent, a small
network on real digits) and :mod:`~steepest.report.page` assembles the page it writes.
The core never imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "Report": "steepest.report.page",
    "Section": "steepest.report.page",
    "run_tour": "steepest.report.tour",
}

__all__ = [
    "Report",
    "Section",
    "run_tour",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.report.page import Report, Section
    from steepest.report.tour import run_tour
