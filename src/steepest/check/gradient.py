"""Exercise 1: check a gradient computed by hand, one partial derivative at a time.

:func:`check_gradient` reads the learner's answer (the forms are listed in
:mod:`steepest.check._answer`), and decides for each partial derivative whether it equals
steepest's. Never by comparing text: ``sin(y)*2*x`` and ``2x sin(y)`` are the same
answer. The decision is made in this order:

1. the two expressions are identical once SymPy has read them: right;
2. their values are compared at a few exact points (small numbers such as ``(1, 2)``
   first, then random ones), with 30 significant digits: a point where they differ by
   more than a relative 1e-20 makes the answer wrong, and is shown;
3. if they agree at every point, ``sympy.simplify`` of the difference (when it has at
   most a few hundred nodes, so that it stays quick) decides: 0 proves it right, a
   nonzero number (``+ 1e-30``) proves it wrong; if it decides neither, agreement at all
   the points is taken as right (the report says "checked numerically").

The answer must equal the right one wherever the right one is defined:
``x^2 sqrt(1 - sin(y)^2)`` is ``x^2 |cos(y)|``, right only where ``cos(y) >= 0``, and is
wrong.

A wrong partial derivative is matched against common slips: the wrong sign, the
derivative with respect to another variable (or the components swapped), the function
itself, a constant factor, a missing or extra factor. The hint is the first step of its
derivation (:mod:`steepest.calculus.derivations`), or only the rule to use where that
one step would be the answer. The report shows hints first: the right derivative only on
request (``text(reveal=True)``, ``steepest check gradient --reveal``); the full
derivations are one call away. Left out: partial credit, and answers with constants
other than the equation's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from steepest.calculus.gradients import Gradient, gradient
from steepest.check._answer import read_answer
from steepest.check._compare import (
    SIMPLIFY_MAX_NODES,
    Point,
    decided,
    equal,
    gap,
    points_for,
    real,
    same,
    size,
)
from steepest.equation import Equation, parse
from steepest.equation.printing import plain

__all__ = ["ComponentCheck", "GradientCheck", "check_gradient"]

@dataclass(frozen=True)
class ComponentCheck:
    """The verdict on one partial derivative.

    Attributes
    ----------
    variable
        The variable it is taken with respect to.
    expected, given
        steepest's partial derivative, and the learner's.
    correct
        Whether they are the same function.
    method
        How that was decided: ``"symbolic"`` (the difference simplifies to 0, or the
        expressions are identical) or ``"numeric"`` (values compared at points).
    point
        For a wrong answer, a point where the two differ (exact coordinates, in variable
        order); None otherwise.
    expected_value, given_value
        Their values at ``point`` (``given_value`` is None where the learner's expression
        is not a finite real number there).
    diagnosis
        The common slip the wrong answer matches, in words, or None.
    hint
        The first step of the derivation, as text, or None.
    """

    variable: str
    expected: sympy.Expr
    given: sympy.Expr
    correct: bool
    method: str
    point: tuple[sympy.Expr, ...] | None = None
    expected_value: float | None = None
    given_value: float | None = None
    diagnosis: str | None = None
    hint: str | None = None
    #: theirs minus the right one at ``point``, evaluated with 30 digits (see difference)
    gap: float | None = None

    @property
    def difference(self) -> float | None:
        """How much the learner's value differs at ``point`` (theirs minus the right one)."""
        if self.given_value is None or self.expected_value is None:
            return None
        if self.gap is not None:
            return self.gap
        return self.given_value - self.expected_value


@dataclass(frozen=True)
class GradientCheck:
    """The report of :func:`check_gradient`: one :class:`ComponentCheck` per variable."""

    gradient: Gradient
    components: tuple[ComponentCheck, ...]

    @property
    def equation(self) -> Equation:
        """The equation whose gradient was asked for."""
        return self.gradient.equation

    @property
    def correct(self) -> bool:
        """True when every partial derivative is right."""
        return all(c.correct for c in self.components)

    @property
    def wrong(self) -> tuple[ComponentCheck, ...]:
        """The partial derivatives that are wrong."""
        return tuple(c for c in self.components if not c.correct)

    def derivations(self) -> list[Any]:
        """The step-by-step derivation of every partial derivative (``calculus.derivations``)."""
        return self.gradient.steps()

    def text(self, show_steps: bool = False, reveal: bool = False) -> str:
        """The report as plain text: each wrong partial derivative with where it differs,
        the slip it matches and the first step of its derivation as a hint.

        Parameters
        ----------
        show_steps
            Show every full derivation after the report (which gives the answers away,
            so it implies ``reveal``).
        reveal
            Also show the right partial derivative beside each wrong one.
        """
        reveal = reveal or show_steps
        name = self.equation.name
        names = ", ".join(plain(v) for v in self.equation.variables)
        lines = [str(self.equation)]
        d_ = "∂" if len(self.components) > 1 else "d"
        for c in self.components:
            d = f"{d_}{name}/{d_}{plain(sympy.Symbol(c.variable))}"
            if c.correct:
                how = "" if c.method == "symbolic" else "  (checked numerically, at points)"
                lines.append(f"  ✓ {d} = {plain(c.given)}{how}")
                continue
            lines.append(f"  ✗ {d}: you gave {plain(c.given)}")
            if reveal:
                lines.append(f"      the right one is {plain(c.expected)}")
            if c.point is not None:
                at = ", ".join(plain(p) for p in c.point)
                at = f"({names}) = ({at})" if len(c.point) > 1 else f"{names} = {at}"
                yours = "undefined" if c.given_value is None else f"{c.given_value:.6g}"
                off = "" if c.difference is None else f" (off by {c.difference:.6g})"
                lines.append(f"      at {at}: right {c.expected_value:.6g}, "
                             f"yours {yours}{off}")
            if c.diagnosis:
                lines.append(f"      {c.diagnosis}")
            if c.hint and not show_steps:
                lines.append("      hint, the first step:")
                lines += ["        " + line for line in c.hint.splitlines()]
        right = sum(c.correct for c in self.components)
        total = len(self.components)
        if right == total:
            lines.append("All right.")
        else:
            lines.append("Not right." if total == 1 else f"{right} of {total} partial "
                         "derivatives right.")
        if show_steps:
            for derivation in self.derivations():
                lines += ["", derivation.text(name)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        marks = " ".join(("✓" if c.correct else "✗") + c.variable for c in self.components)
        return f"<GradientCheck {self.equation}: {marks}>"

    def to_dict(self, reveal: bool = False) -> dict[str, Any]:
        """The report as plain data for JSON: expressions as steepest prints them, the
        point where a wrong answer differs as exact text and the values there as numbers.
        The right expression of a wrong partial derivative (``expected``) is None unless
        ``reveal``; the values at the point, the slip and the hint are always there.

        Examples
        --------
        >>> part = check_gradient("x^2", "3x").to_dict()["components"][0]
        >>> part["correct"], part["expected"], part["given"], part["expected_value"]
        (False, None, '3·x', 3.0)
        >>> check_gradient("x^2", "3x").to_dict(reveal=True)["components"][0]["expected"]
        '2·x'
        """
        # here, not at the top: _cases brings the learner-code sandbox, which checking a
        # gradient by hand does not need
        from steepest.check._cases import plain_data

        components = [{
            "variable": c.variable, "correct": c.correct, "method": c.method,
            "expected": plain(c.expected) if c.correct or reveal else None,
            "given": plain(c.given),
            "point": None if c.point is None else [plain(p) for p in c.point],
            "expected_value": plain_data(c.expected_value),
            "given_value": plain_data(c.given_value), "difference": plain_data(c.difference),
            "diagnosis": c.diagnosis, "hint": c.hint,
        } for c in self.components]  # fmt: skip
        return {"exercise": "gradient", "equation": str(self.equation),
                "variables": [plain(v) for v in self.equation.variables],
                "correct": self.correct, "revealed": reveal,
                "components": components}  # fmt: skip


def check_gradient(
    equation: str | Equation,
    answer: str | Sequence[Any] | dict[str, Any],
    *,
    variables: Sequence[str] | None = None,
    seed: int = 0,
) -> GradientCheck:
    """Check a gradient computed by hand.

    Parameters
    ----------
    equation
        The function, as text (``"x^2 sin(y)"``) or an :class:`~steepest.Equation`.
    answer
        The learner's partial derivatives, in variable order: ``"2x sin(y), x^2 cos(y)"``,
        ``"(…, …)"``, ``"∂f/∂x = …; ∂f/∂y = …"``, a list of texts, or a dict from
        variable name to text (see :mod:`steepest.check._answer`).
    variables
        The variables and their order, when ``equation`` is text (default: as declared
        in it, else alphabetical).
    seed
        Seed of the random points of the numeric comparison.

    Returns
    -------
    GradientCheck
        ``.correct``, ``.components`` (one verdict per variable) and ``str()``, the report.

    Raises
    ------
    EquationError
        If the equation or a part of the answer cannot be read.
    SteepestError
        If the answer has the wrong number of parts or names other variables.

    Examples
    --------
    >>> check_gradient("x^2 sin(y)", "sin(y)*2*x, x^2 cos(y)").correct
    True
    >>> report = check_gradient("x^2 sin(y)", "2x sin(y), -x^2 cos(y)")
    >>> [c.correct for c in report.components]
    [True, False]
    >>> report.components[1].diagnosis
    'the sign is wrong'
    """
    eq = equation if isinstance(equation, Equation) else parse(equation, variables)
    g = gradient(eq)
    given = read_answer(answer, eq)
    points = points_for(eq, g.components, seed)
    verdicts = [
        _verdict(i, g, expr, given, points) for i, expr in enumerate(given)
    ]
    return GradientCheck(g, tuple(verdicts))


# ----------------------------------------------------------------------------- deciding
def _verdict(
    i: int, g: Gradient, given: sympy.Expr, answer: list[sympy.Expr], points: list[Point]
) -> ComponentCheck:
    variable = g.names[i]
    expected = g.components[i]
    verdict = same(expected, given, points)
    if verdict is None:
        return ComponentCheck(variable, expected, given, True, "symbolic")
    if verdict is True:
        decision = decided(expected, given)
        if decision:
            return ComponentCheck(variable, expected, given, True, "symbolic")
        if decision is False:  # equal to 30 digits at every point, yet a nonzero constant off
            return _wrong(i, g, given, answer, points, points[0] if points else None,
                          "symbolic")
        if points:
            return ComponentCheck(variable, expected, given, True, "numeric")
        return ComponentCheck(  # no point to compare at, and no proof: not shown to be right
            variable, expected, given, False, "numeric",
            diagnosis="could not be checked: SymPy cannot simplify the difference to 0, and "
            "no point was found where the function and its derivatives are real numbers",
        )
    return _wrong(i, g, given, answer, points, verdict, "numeric")


def _wrong(
    i: int, g: Gradient, given: sympy.Expr, answer: list[sympy.Expr], points: list[Point],
    point: Point | None, method: str,
) -> ComponentCheck:
    expected = g.components[i]
    return ComponentCheck(
        g.names[i], expected, given, False, method,
        point=None if point is None else tuple(point[v] for v in g.variables),
        expected_value=None if point is None else real(expected, point),
        given_value=None if point is None else real(given, point),
        diagnosis=_diagnose(i, g, given, answer, points),
        hint=_first_step(g, i),
        gap=None if point is None else gap(expected, given, point),
    )


def _diagnose(
    i: int, g: Gradient, given: sympy.Expr, answer: list[sympy.Expr], points: list[Point]
) -> str | None:
    """Which common slip ``given`` (the learner's ∂f/∂xᵢ) matches, in words."""
    name, expected = g.equation.name, g.components[i]
    if equal(-expected, given, points):
        return "the sign is wrong"
    for j, other in enumerate(g.components):
        if j != i and equal(other, given, points):
            d = f"∂{name}/∂{plain(g.variables[j])}"
            if equal(g.components[i], answer[j], points):
                return f"this is {d}: the two partial derivatives are swapped"
            return f"this is {d}, the derivative with respect to {plain(g.variables[j])}"
    if equal(g.equation.expr, given, points):
        return f"this is {name} itself, not its derivative"
    return _offset(expected, given) or _factor(expected, given, points)


def _offset(expected: sympy.Expr, given: sympy.Expr) -> str | None:
    """A constant term added to, or taken from, the right answer."""
    if size(expected) + size(given) > SIMPLIFY_MAX_NODES:
        return None
    offset = sympy.simplify(given - expected)
    if not offset.is_number or offset.is_zero is not False or not offset.is_real:
        return None
    more = "plus" if offset.is_positive else "minus"
    return (f"yours is the right one {more} the constant {plain(abs(offset))}: "
            "a constant term is off")


def _factor(expected: sympy.Expr, given: sympy.Expr, points: list[Point]) -> str | None:
    """A constant factor, or a simple missing or extra factor, between the two."""
    if given == 0 or expected == 0:
        return None
    if size(expected) + size(given) > SIMPLIFY_MAX_NODES:
        return None
    ratio = sympy.cancel(given / expected)
    if ratio.is_number:
        if ratio.is_real and ratio != 1:
            return f"yours is {plain(ratio)} times the right one: a constant factor is off"
        return None
    extra, missing = sympy.fraction(ratio)  # given = expected · extra / missing
    if extra.is_number and _divides(missing, expected):
        return f"a factor {plain(missing / extra)} is missing"
    if missing.is_number and _divides(extra, given):
        return f"there is an extra factor {plain(extra / missing)}"
    return None


def _divides(factor: sympy.Expr, expr: sympy.Expr) -> bool:
    """Whether ``factor`` is a product of some of the factors ``expr`` is written with."""
    if factor.is_number or sympy.count_ops(factor) > 6:
        return False
    available = list(sympy.Mul.make_args(sympy.factor_terms(expr)))
    for part in sympy.Mul.make_args(factor):
        if part.is_number:
            continue
        if part not in available:
            return False
        available.remove(part)
    return True


def _first_step(g: Gradient, i: int) -> str | None:
    """The first rule of the derivation of ∂f/∂xᵢ: heading, start, rule, result.

    Where that one rule finishes the derivation (``x²`` by the power rule), its result
    and its worked explanation would be the answer: only the rule's name is given.
    """
    from steepest.calculus.derivations import derive

    try:
        derivation = derive(g.equation.expr, g.variables[i], g.variables)
        chain = derivation.lines()
    except Exception:  # a hint is a courtesy; never let it hide the verdict
        return None
    lines = derivation.text(g.equation.name).splitlines()
    if len(chain) < 2 or chain[1][0] is None:
        return None
    step, after = chain[1]
    if after.has(sympy.Derivative):
        return "\n".join(lines[:4])
    rule = _RULE_NAMES.get(step.rule, f"the {step.rule} rule")
    return "\n".join([*lines[:2], f"      use {rule}"])


#: how a hint names the rules whose name is not "the ... rule"
_RULE_NAMES = {
    "held constant": "that the other variables are constants",
    "variable": "d/dx x = 1",
    "other": "the table of derivatives",
    "general power": "logarithmic differentiation (write u^v as exp(v·ln(u)))",
}
