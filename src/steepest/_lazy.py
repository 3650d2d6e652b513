"""Names a package exports but imports only when first used (a module ``__getattr__``, PEP 562).

``steepest``, ``steepest.plot`` and ``steepest.check`` each keep a table from public name
to the module defining it, and get their ``__getattr__`` and ``__dir__`` from
:func:`lazy_exports`, so that importing the package costs nothing until a name is used.
What it leaves out: the tables themselves, ``__all__``, and the ``TYPE_CHECKING`` imports
that let type checkers see the names; those stay in each package's ``__init__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    table: Mapping[str, str],
    exported: Sequence[str],
    namespace: MutableMapping[str, Any],
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names load on first use.

    Parameters
    ----------
    package
        The package's name, for the error message (``__name__``).
    table
        Public name -> the module that defines it; read when a name is asked for, so
        entries added to the table later are found too.
    exported
        What ``dir(package)`` lists (its ``__all__``).
    namespace
        The package's ``globals()``: a loaded name is stored there, so that
        ``__getattr__`` runs once per name.

    Returns
    -------
    tuple of callable
        ``(__getattr__, __dir__)``, to assign at the package's top level.

    Examples
    --------
    >>> namespace = {}
    >>> getattr_, dir_ = lazy_exports("demo", {"sqrt": "math"}, ["sqrt"], namespace)
    >>> getattr_("sqrt")(9.0), "sqrt" in namespace, dir_()
    (3.0, True, ['sqrt'])
    >>> getattr_("cube")
    Traceback (most recent call last):
    ...
    AttributeError: module 'demo' has no attribute 'cube'
    """

    def lazy_getattr(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def lazy_dir() -> list[str]:
        return sorted(exported)

    return lazy_getattr, lazy_dir
