"""The explorer: a local web app over the library (``steepest explore``).

:func:`~steepest.web.app.create_app` builds a FastAPI app with a JSON API under ``/api``
(one router per area of the page: :mod:`~steepest.web.equation` for the equation, its
surface and map, :mod:`~steepest.web.descent` for descents, steps and basins) and the
static page (plain HTML, CSS and ES modules in ``static/``, one module per panel, with
Plotly.js served from the installed ``plotly`` package). The routes call the public
library, as the command line does; every computation runs in a bounded worker pool with a
time limit (:mod:`~steepest.web._work`), under ``steepest explore`` in child processes
(:mod:`~steepest.web._children`). Nothing in the library imports this package.

To add an area (a part of the page): a router module with its models, listed in
:data:`~steepest.web.app.AREAS`, and its panel modules under ``static/js/``.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(**options):  # type: ignore[no-untyped-def]
    """The explorer's app; see :func:`steepest.web.app.create_app`."""
    from steepest.web.app import create_app as create

    return create(**options)
