"""Names a package exports but imports only when first used (a module ``__getattr__``, PEP 562).

``steepest``, ``steepest.plot`` and ``steepest.check`` each keep a table from public name
to the module defining it, and get their ``__getattr__`` and ``__dir__`` from
:func:`lazy_exports`, so that importing the package costs nothing until a name is used.
What it leaves out: the tables themselves, ``__all__``, and the ``TYPE_CHECKING`` imports
that let type checkers see the names; those stay in each package's ``__init__``.

:class:`ModuleAliases` keeps the import paths of modules that have moved into folders
(``steepest.optim`` is now ``steepest.descent.optimizers``) working without a file at the
old place: importing the old name gives the module itself, so user code, ``isinstance``
and pickles that name the old path keep working.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

__all__ = ["ModuleAliases", "lazy_exports"]


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


class ModuleAliases:
    """A meta path finder that answers an old module name with the module at its new place.

    Parameters
    ----------
    table
        Old full module name -> new full module name.

    Examples
    --------
    >>> import sys
    >>> aliases = ModuleAliases({"demo_old_math": "math"})
    >>> sys.meta_path.append(aliases)
    >>> import demo_old_math, math
    >>> demo_old_math is math
    True
    >>> sys.meta_path.remove(aliases); del sys.modules["demo_old_math"]
    """

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = dict(table)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        """A spec for an old name (loaded by this object), ``None`` for any other name."""
        if fullname not in self.table:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> None:
        """Let the import system make a placeholder; :meth:`exec_module` replaces it."""
        return None

    def exec_module(self, module: Any) -> None:
        """Import the new module and put it in ``sys.modules`` under the old name too."""
        sys.modules[module.__name__] = importlib.import_module(self.table[module.__name__])
