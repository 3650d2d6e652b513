"""Step-by-step derivations: how each partial derivative is found, rule by rule.

:func:`derive` differentiates an expression the way a person does on paper (the power,
product, quotient and chain rules, the table of derivatives for sin, ln, |u|, ..., other
variables held constant) and records every step; :func:`derive_all` does it for each
variable of a gradient. A :class:`Derivation` prints as plain text for the terminal and as
a LaTeX ``align`` block for notebooks and reports.

Every derivation's result is checked to equal ``sympy.diff`` before it is returned: by
simplifying the difference, else numerically at random points. A mismatch is a bug in
steepest and raises ``RuntimeError``; it is never shown as an answer.

The rules themselves live in :mod:`steepest.calculus.rules`. Left out: integrals, implicit
differentiation, higher derivatives (differentiate a derivation's result again), and
multi-argument functions such as ``Max`` or ``atan2``, whose derivatives are quoted from
SymPy's table (rule ``other``) rather than derived.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from steepest.calculus.rules import RULES, Step, listing, pending, walk
from steepest.equation.printing import PlainPrinter, plain

__all__ = ["MAX_STEPS", "RULES", "Derivation", "Step", "derive", "derive_all"]

#: Default limit on the steps of one derivation; past it, the remaining parts are
#: differentiated in one go, each shown as a single step (see :func:`derive`).
MAX_STEPS = 40

# Expressions with more nodes than this, or with any of the functions below, are not
# passed to sympy.simplify (which can take a long time on them, a minute for a Max of
# two terms): the result is the derivative as it comes, and checks fall back to numbers.
_SIMPLIFY_MAX_NODES = 150
_SIMPLIFY_SLOW = (sympy.Heaviside, sympy.DiracDelta, sympy.Max, sympy.Min, sympy.Piecewise)

_LATEX_RULE = {
    "constant": "constant",
    "held constant": "held constant",
    "variable": "the variable itself",
    "constant multiple": "constant multiple",
    "other": "table of derivatives",
    "general power": "logarithmic differentiation",
}


@dataclass(frozen=True)
class Derivation:
    """How the derivative of ``expr`` with respect to ``variable`` is found.

    Attributes
    ----------
    variable
        The variable of differentiation.
    expr
        The expression differentiated.
    result
        The derivative, simplified; checked to equal ``sympy.diff(expr, variable)``.
    steps
        The rules applied, in order: a rule, then the steps for the parts it leaves to
        differentiate (one level deeper).
    variables
        All the variables of the function; the others are held constant.
    summarised
        True when the derivation was too long and some parts were differentiated in one go.

    Examples
    --------
    >>> x, y = sympy.symbols("x y", real=True)
    >>> d = derive(x**2 * sympy.sin(y), x, (x, y))
    >>> d.result
    2*x*sin(y)
    >>> [step.rule for step in d.steps]
    ['constant multiple', 'power']
    >>> print(d.text())
    ∂f/∂x, with y held constant:
      ∂/∂x(x²·sin(y))
          constant multiple: treat y as constant, so sin(y) is a constant factor
        = sin(y)·∂/∂x(x²)
          power rule: ∂/∂x x² = 2·x
        = 2·x·sin(y)
    """

    variable: sympy.Symbol
    expr: sympy.Expr
    result: sympy.Expr
    steps: tuple[Step, ...]
    variables: tuple[sympy.Symbol, ...] = ()
    summarised: bool = False

    @property
    def partial(self) -> bool:
        """Whether this is a partial derivative (other variables are held constant)."""
        return bool(self.held_constant)

    @property
    def held_constant(self) -> tuple[sympy.Symbol, ...]:
        """The other variables, and any other symbol of the expression, held constant."""
        others = set(self.variables) | self.expr.free_symbols
        return tuple(sorted(others - {self.variable}, key=lambda s: s.name))

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules used, in order of first use."""
        return tuple(dict.fromkeys(step.rule for step in self.steps))

    def lines(self) -> list[tuple[Step | None, sympy.Expr]]:
        """The derivation as a chain of equal expressions.

        It starts from the unevaluated derivative of ``expr``; each step replaces one
        unevaluated derivative (a ``sympy.Derivative``) by its rule's result and gives the
        next expression. Steps that change nothing visible (a part met twice) are left out;
        a last line with no step gives the simplified result when it looks different.
        """
        current = pending(self.expr, self.variable)
        chain: list[tuple[Step | None, sympy.Expr]] = [(None, current)]
        for step in self.steps:
            following = current.xreplace({pending(step.before, self.variable): step.applied})
            if following != current:
                chain.append((step, following))
                current = following
        if current != self.result:
            chain.append((None, self.result))
        return chain

    def text(self, name: str = "f") -> str:
        """The derivation as plain text, one rule per line, for a terminal.

        Parameters
        ----------
        name
            The function's name, for the heading (``∂f/∂x``).
        """
        d = "∂" if self.partial else "d"
        x = plain(self.variable)
        heading = f"{d}{name}/{d}{x}"
        if self.held_constant:
            heading += f", with {listing(self.held_constant)} held constant"
        out = [heading + ":"]
        printer = _DerivativePlain(f"{d}/{d}{x}")
        for i, (step, expr) in enumerate(self.lines()):
            shown = printer.doprint(expr).replace("*", "·")  # as steepest.equation.printing.plain
            if i == 0:
                out.append(f"  {shown}")
                continue
            out.append("      " + (step.explanation if step is not None else "simplify"))
            out.append(f"    = {shown}")
        if self.summarised:
            out.append("  (a long derivation: each part marked 'in one go' is shown as one step)")
        return "\n".join(out)

    def latex(self) -> str:
        r"""The derivation as a LaTeX ``align`` block, with each line's rule on the right."""
        printer = _DerivativeLatex(self.partial)
        chain = self.lines()
        out = []
        for i, (step, expr) in enumerate(chain[1:]):
            rule = "simplify" if step is None else _LATEX_RULE.get(step.rule, f"{step.rule} rule")
            left = printer.doprint(chain[0][1]) + " " if i == 0 else ""
            out.append(rf"{left}&= {printer.doprint(expr)} && \text{{{rule}}}")
        return "\\begin{align}\n" + " \\\\\n".join(out) + "\n\\end{align}"

    def _repr_latex_(self) -> str:
        return self.latex()

    def __str__(self) -> str:
        return self.text()


class _DerivativePlain(PlainPrinter):
    """The plain printer, with pending derivatives written ``d/dx(u)`` or ``∂/∂x(u)``."""

    def __init__(self, operator: str) -> None:
        super().__init__()
        self._operator = operator

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        return f"{self._operator}({self._print(expr.expr)})"


class _DerivativeLatex(LatexPrinter):
    """LaTeX with every pending derivative written the same way, d/dx or ∂/∂x."""

    def __init__(self, partial: bool) -> None:
        super().__init__({"ln_notation": True})
        self._d = r"\partial" if partial else "d"

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        var = self._print(expr.variables[0])
        return rf"\frac{{{self._d}}}{{{self._d} {var}}}\left({self._print(expr.expr)}\right)"


def derive(
    expr: sympy.Expr,
    variable: sympy.Symbol,
    variables: Sequence[sympy.Symbol] = (),
    *,
    max_steps: int = MAX_STEPS,
) -> Derivation:
    """The derivative of ``expr`` with respect to ``variable``, step by step.

    Parameters
    ----------
    expr
        The expression, over real SymPy symbols.
    variable
        The variable to differentiate by.
    variables
        All the function's variables (the others are held constant); by default every
        symbol of ``expr``.
    max_steps
        At most this many steps. A part whose steps would not fit in what is left is
        differentiated in one go and shown as a single step that still names its rule;
        the derivation is then marked ``summarised``.

    Returns
    -------
    Derivation
        The steps and the result, checked against ``sympy.diff``.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or ``variable`` not a SymPy symbol.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> d = derive(sympy.sin(x**2), x)
    >>> d.rules
    ('chain', 'power')
    >>> d.result
    2*x*cos(x**2)
    """
    if not isinstance(expr, sympy.Expr):
        raise TypeError(f"expr must be a SymPy expression; got {type(expr).__name__} {expr!r}")
    if not isinstance(variable, sympy.Symbol):
        raise TypeError(
            f"variable must be a SymPy Symbol; got {type(variable).__name__} {variable!r}"
        )
    undefined = sorted(str(f.func) for f in expr.atoms(AppliedUndef))
    if undefined:
        raise TypeError(
            f"expr must be built from known functions; {', '.join(undefined)} is undefined"
        )
    variables = tuple(variables)
    wrong = [v for v in variables if not isinstance(v, sympy.Symbol)]
    if wrong:
        raise TypeError(f"variables must be SymPy Symbols; got {wrong[0]!r} among them")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int):
        raise TypeError(f"max_steps must be an int; got {type(max_steps).__name__}")
    if max_steps < 1:
        from steepest.errors import GradientError

        raise GradientError(f"max_steps must be at least 1; got {max_steps}")
    others = set(variables) | expr.free_symbols
    partial = bool(others - {variable})
    derivative, steps, summarised = walk(expr, variable, partial=partial, max_steps=max_steps)
    reference = sympy.diff(expr, variable)
    exact = not reference.has(sympy.Derivative)
    if not exact:  # SymPy will not say, e.g. for sign(ln(x)), as ln(x) may not be real
        reference = _central_difference(expr, variable)
    if not _equal(derivative, reference, domain=expr):
        raise RuntimeError(
            f"internal error in steepest.calculus.derivations: the derivation of "
            f"d/d{variable} ({expr}) "
            f"ends at {derivative}, but SymPy's derivative is {reference}; "
            "this is a bug, please report it"
        )
    return Derivation(
        variable=variable,
        expr=expr,
        result=_simplest(derivative, reference) if exact else derivative,
        steps=tuple(steps),
        variables=variables,
        summarised=summarised,
    )


def derive_all(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> list[Derivation]:
    """One :class:`Derivation` per variable, in the order of ``variables``.

    Examples
    --------
    >>> x, y = sympy.symbols("x y", real=True)
    >>> [d.result for d in derive_all(x**2 * sympy.sin(y), (x, y))]
    [2*x*sin(y), x**2*cos(y)]
    """
    variables = tuple(variables)
    return [derive(expr, variable, variables) for variable in variables]


def _equal(
    a: sympy.Expr,
    b: sympy.Expr,
    *,
    domain: sympy.Expr | None = None,
    symbolic: bool = True,
    points: int = 6,
    seed: int = 0,
) -> bool:
    """Whether ``a`` and ``b`` are the same function: symbolically, else at random points.

    The symbolic check (skipped when ``symbolic`` is false) expands, then simplifies the
    difference. The numeric check compares values at ``points`` random real points, to a
    relative 1e-9: points where ``domain`` (the function differentiated) is real and
    finite, as only there is the derivative wanted; failing any such point, points where
    both are finite, comparing complex values.
    """
    if a == b:
        return True
    difference = a - b
    if difference == 0:
        return True
    if (
        symbolic
        and _simplifiable(difference)
        and (sympy.expand(difference) == 0 or sympy.simplify(difference) == 0)
    ):
        return True
    symbols = set(difference.free_symbols)
    if domain is not None:
        symbols |= domain.free_symbols
    order = sorted(symbols, key=lambda s: s.name)
    for where in (domain, None):
        checked = _compare(a, b, where, order, points, random.Random(seed))
        if checked is not None:
            return checked
    return False


def _compare(
    a: sympy.Expr,
    b: sympy.Expr,
    domain: sympy.Expr | None,
    symbols: list[sympy.Symbol],
    points: int,
    rng: random.Random,
) -> bool | None:
    """Compare at random points where ``domain`` is real; None if no such point was found."""
    # the function is real at a point when every function and root in it is
    parts = [] if domain is None else [
        node
        for node in sympy.preorder_traversal(domain)
        if isinstance(node, sympy.Function) or (node.is_Pow and not node.exp.is_integer)
    ] + [domain]  # fmt: skip
    checked = 0
    for _ in range(20 * points):
        scale = rng.choice((0.5, 2.0, 5.0))
        at = {s: sympy.Float(rng.uniform(-scale, scale), 30) for s in symbols}
        if not all((value := _value(part, at)) is not None and value.imag == 0 for part in parts):
            continue
        va, vb = _value(a, at), _value(b, at)
        if va is None or vb is None:
            continue
        if abs(va - vb) > 1e-9 * max(1.0, abs(va), abs(vb)):
            return False
        checked += 1
        if checked == points:
            break
    return True if checked else None


def _value(expr: sympy.Expr, at: dict[sympy.Symbol, sympy.Float]) -> complex | None:
    """``expr``'s value at a point, or None where it is not a finite number."""
    try:
        value = complex(expr.evalf(30, subs=at))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if value != value or abs(value) == float("inf"):
        return None
    return value


def _simplifiable(expr: sympy.Expr) -> bool:
    """Whether ``sympy.simplify(expr)`` is expected to be quick."""
    return not expr.has(*_SIMPLIFY_SLOW) and _size(expr) <= _SIMPLIFY_MAX_NODES


def _size(expr: sympy.Expr) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expr))


def _central_difference(expr: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """The central difference of ``expr`` with a step of 1e-12.

    It stands in for the derivative where SymPy leaves it unevaluated: at the 30 digits
    :func:`_equal` works with, it is accurate to about 1e-18.
    """
    h = sympy.Float("1e-12", 30)
    ahead, behind = (expr.xreplace({variable: variable + step}) for step in (h, -h))
    return (ahead - behind) / (2 * h)


def _simplest(derivative: sympy.Expr, reference: sympy.Expr) -> sympy.Expr:
    """The shortest of the derived form, SymPy's derivative and its simplified form."""
    if not _simplifiable(reference):
        return derivative
    forms = [derivative, reference, sympy.simplify(reference)]
    return min(forms, key=sympy.count_ops)  # the first of the shortest
