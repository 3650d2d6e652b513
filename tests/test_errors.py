"""The error family: every raise names the part that failed, and the CLI prints one line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import steepest
from steepest import errors

SOURCE = Path(steepest.__file__).parent


def raised_names(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, name)`` of every ``raise Name(...)`` or ``raise Name`` in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(target, ast.Name):
                found.append((node.lineno, target.id))
    return found


def test_no_module_raises_the_bare_steepest_error():
    bare = [
        f"{path.relative_to(SOURCE.parent)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        for line, name in raised_names(ast.parse(path.read_text(encoding="utf-8")))
        if name == "SteepestError"
    ]
    assert bare == [], "raise a specific child of SteepestError instead: " + ", ".join(bare)


def test_the_walk_would_find_a_bare_raise():
    tree = ast.parse("def f():\n    raise SteepestError('x')\n")
    assert raised_names(tree) == [(2, "SteepestError")]


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_is_a_steepest_error_exported_at_the_top(name):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.SteepestError) and issubclass(cls, ValueError)
    assert getattr(steepest, name) is cls and name in steepest.__all__


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: steepest.gradient("x^2 + y").at([1, 2, 3]), errors.EquationError),
        (lambda: steepest.gradient("abs(x)").explain_at([0]), errors.GradientError),
        (lambda: steepest.quadratic_cost([1, 2], [[0.5, 0.5]]), errors.CostError),
        (lambda: steepest.make_optimizer("adm"), errors.OptimizerError),
        (lambda: steepest.minimize("x^2", [1], max_iter=-1), errors.DescentError),
    ],
)
def test_each_part_raises_its_own_error(call, error):
    with pytest.raises(error):
        call()
