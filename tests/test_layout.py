"""The package's layout: a folder per concept, public names never shadowed, old paths kept."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import steepest

SOURCE = Path(steepest.__file__).parent

PACKAGES = ("steepest", "steepest.equation", "steepest.calculus", "steepest.descent",
            "steepest.report", "steepest.plot", "steepest.check")

#: module paths from before the folders -> where the module is now
MOVED = {
    "steepest.optim": "steepest.descent.optimizers",
    "steepest.schedules": "steepest.descent.schedules",
    "steepest.testfunctions": "steepest.descent.testfunctions",
    "steepest.gradients": "steepest.calculus.gradients",
    "steepest.steps": "steepest.calculus.derivations",
    "steepest.stationary": "steepest.calculus.stationary",
    "steepest.digits": "steepest.nn.evaluation",
    "steepest.exercises": "steepest.check.exercises",
    "steepest.tour": "steepest.report.tour",
}


def all_modules() -> list[str]:
    """Every module of the package, by walking its folders (not by a list kept by hand)."""
    return ["steepest"] + [
        info.name for info in pkgutil.walk_packages(steepest.__path__, "steepest.")
        if not info.name.endswith("__main__")
    ]


def test_no_public_name_is_shadowed_by_a_module_of_the_same_name():
    # importing a module sets it as an attribute of its package: a subpackage named like a
    # public function (steepest.gradient) would replace that function once imported
    for name in all_modules():
        importlib.import_module(name)
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for name in package.__all__:
            value = getattr(package, name)
            assert not isinstance(value, types.ModuleType), f"{package_name}.{name}"


@pytest.mark.parametrize("package_name", PACKAGES)
def test_each_lazy_name_is_exported_and_comes_from_the_module_named(package_name):
    package = importlib.import_module(package_name)
    for name, module in package._LAZY.items():
        assert name in package.__all__
        assert getattr(package, name) is getattr(importlib.import_module(module), name)


def written_exports(package_name: str) -> tuple[object, dict[str, str]]:
    """A package's ``__all__`` as written (a list of names, or None if it is computed) and
    its ``TYPE_CHECKING`` imports (name -> module), read from its source."""
    import ast

    path = Path(importlib.import_module(package_name).__file__)
    written, checked = None, {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [
            "__all__"
        ]:
            try:
                written = ast.literal_eval(node.value)
            except ValueError:  # computed, e.g. [*_LAZY]
                written = None
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom):
                    for alias in statement.names:
                        checked[alias.asname or alias.name] = statement.module
    return written, checked


@pytest.mark.parametrize("package_name", PACKAGES)
def test_type_checkers_see_every_lazy_name(package_name):
    # mypy and pyright read __all__ only as a literal list (`mypy --strict` finds nothing
    # exported by a computed one), and a lazy name's type only through its TYPE_CHECKING
    # import: both must say what the table says
    package = importlib.import_module(package_name)
    written, checked = written_exports(package_name)
    assert written == package.__all__
    assert checked == package._LAZY


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_a_moved_module_is_still_found_at_its_old_path(old, new):
    assert importlib.import_module(old) is importlib.import_module(new)


def test_an_old_import_path_works_in_a_fresh_interpreter():
    code = ("from steepest.optim import Adam; import steepest.gradients as g; "
            "import steepest.descent.optimizers as o; "
            "assert Adam is o.Adam and g.gradient is __import__('steepest').gradient")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_pickle_naming_an_old_module_path_loads():
    optimizer = steepest.Adam(learning_rate=0.01)
    data = pickle.dumps(optimizer, protocol=0)
    assert b"steepest.descent.optimizers" in data
    old = data.replace(b"steepest.descent.optimizers", b"steepest.optim")
    assert repr(pickle.loads(old)) == repr(optimizer)


def test_the_old_module_steepest_descent_still_gives_its_names():
    import steepest.descent

    assert steepest.descent.minimize is steepest.minimize
    assert steepest.descent.Result is steepest.Result


def private_imports(path: Path) -> list[str]:
    """Imports of underscore names or modules that belong to another package than ``path``'s."""
    import ast

    module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if not module.endswith("__init__") else module[:-9]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("steepest"):
            continue
        for alias in node.names:
            target = f"{node.module}.{alias.name}".split(".")
            private = [i for i, part in enumerate(target) if part.startswith("_")
                       and not part.startswith("__")]
            if not private:
                continue
            owner = ".".join(target[: private[0]])  # the package the private name lives in
            if not (package == owner or package.startswith(owner + ".")):
                found.append(f"{module}: from {node.module} import {alias.name}")
    return found


def test_no_module_reaches_into_another_packages_underscore_names():
    reaches = [line for path in sorted(SOURCE.rglob("*.py")) for line in private_imports(path)]
    assert reaches == []
