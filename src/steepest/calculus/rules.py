"""The differentiation rules behind :mod:`steepest.calculus.derivations`, one SymPy node at a time.

:func:`walk` differentiates an expression by recursion over its SymPy tree: for each node
it picks one rule (power, product, chain, ...), records a :class:`Step` saying what the
rule does there, differentiates the parts the rule leaves open, and combines them. It
works on SymPy's canonical forms: a quotient ``a/b`` is ``Mul(a, Pow(b, -1))``, a square
root is ``Pow(u, 1/2)``, a difference is an ``Add`` with a ``-1`` coefficient and
``log(u, b)`` is ``log(u)/log(b)``. Functions outside the table (``Max``, ``atan2``, ...)
take their derivative from SymPy under the rule ``other``.

Checking the result against ``sympy.diff`` and rendering the steps are left to
:mod:`steepest.calculus.derivations`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import prod

import sympy

from steepest.equation.printing import plain

__all__ = ["RULES", "Step", "pending", "walk"]

#: Every rule a step can name.
RULES: tuple[str, ...] = (
    "constant",
    "held constant",
    "variable",
    "constant multiple",
    "sum",
    "power",
    "square root",
    "product",
    "quotient",
    "chain",
    "exponential",
    "logarithm",
    "trigonometric",
    "inverse trigonometric",
    "hyperbolic",
    "inverse hyperbolic",
    "absolute value",
    "general power",
    "other",
)

_FAMILIES: dict[str, tuple[type[sympy.Function], ...]] = {
    "exponential": (sympy.exp,),
    "logarithm": (sympy.log,),
    "trigonometric": (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc),
    "inverse trigonometric": (
        sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc,
    ),
    "hyperbolic": (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch),
    "inverse hyperbolic": (
        sympy.asinh, sympy.acosh, sympy.atanh, sympy.acoth, sympy.asech, sympy.acsch,
    ),
    "absolute value": (sympy.Abs,),
}  # fmt: skip
_FAMILY_OF = {cls: family for family, classes in _FAMILIES.items() for cls in classes}


@dataclass(frozen=True)
class Step:
    """One rule applied to one part of the expression.

    Attributes
    ----------
    rule
        The rule's name, one of :data:`RULES`.
    explanation
        A short plain sentence: what the rule says here.
    before
        The part being differentiated.
    after
        Its derivative.
    depth
        How deeply this part is nested (0 for the whole expression); for indentation.
    applied
        The rule applied to ``before`` with the derivatives still to find left
        unevaluated (as ``sympy.Derivative``), e.g. ``sin(y)*Derivative(x**2, x)``.
        The same as ``after`` for a rule that needs no further steps.
    """

    rule: str
    explanation: str
    before: sympy.Expr
    after: sympy.Expr
    depth: int
    applied: sympy.Expr


@dataclass(frozen=True)
class _Plan:
    """A rule chosen for a node: the parts still to differentiate and how to combine them."""

    rule: str
    explanation: str
    parts: tuple[sympy.Expr, ...]
    combine: Callable[..., sympy.Expr]


def pending(expr: sympy.Expr, variable: sympy.Symbol) -> sympy.Derivative:
    """The derivative of ``expr``, written but not yet found."""
    return sympy.Derivative(expr, variable, evaluate=False)


def walk(
    expr: sympy.Expr, variable: sympy.Symbol, *, partial: bool, max_steps: int
) -> tuple[sympy.Expr, list[Step], bool]:
    """Differentiate ``expr`` rule by rule.

    Returns the derivative, the steps in the order a person would take them (a rule,
    then the steps it leads to), and whether some parts were worked out in one go
    because the derivation would have had more than ``max_steps`` steps.
    """
    walker = _Walker(variable, partial)
    derivative, _ = walker.derive(expr, 0, max_steps)
    return derivative, walker.steps, walker.summarised


class _Walker:
    def __init__(self, variable: sympy.Symbol, partial: bool) -> None:
        self.x = variable
        self.d = f"∂/∂{plain(variable)}" if partial else f"d/d{plain(variable)}"
        self.steps: list[Step] = []
        self.summarised = False

    def derive(self, expr: sympy.Expr, depth: int, budget: int) -> tuple[sympy.Expr, int]:
        """Differentiate ``expr`` in at most ``budget`` steps; return it and the steps used."""
        plan = self.plan(expr)
        index = len(self.steps)
        self.steps.append(None)  # type: ignore[arg-type]  # filled in below, parent first
        parts = plan.parts
        explanation = plan.explanation
        used = 1
        if len(parts) > budget - 1:  # too many steps: state the result of this rule at once
            self.summarised = True
            after = applied = sympy.diff(expr, self.x)
            explanation += " (worked out in one go: the derivation is long)"
        else:
            derivatives = []
            for i, part in enumerate(parts):
                allowance = budget - used - (len(parts) - 1 - i)  # one step kept per later part
                derivative, spent = self.derive(part, depth + 1, allowance)
                derivatives.append(derivative)
                used += spent
            after = plan.combine(*derivatives)
            applied = plan.combine(*(pending(part, self.x) for part in parts))
        self.steps[index] = Step(plan.rule, explanation, expr, after, depth, applied)
        return after, used

    # -- choosing the rule --------------------------------------------------------
    def plan(self, expr: sympy.Expr) -> _Plan:
        x, d = self.x, self.d
        if not expr.has(x):
            others = listing(expr.free_symbols)
            if not others:
                text = f"constant rule: {plain(expr)} is a constant, so {d} {plain(expr)} = 0"
                return _leaf("constant", text, sympy.S.Zero)
            verb = "is" if len(expr.free_symbols) == 1 else "are"
            text = f"{others} {verb} held constant, so {d} {plain(expr)} = 0"
            return _leaf("held constant", text, sympy.S.Zero)
        if expr == x:
            return _leaf("variable", f"the variable itself: {d} {plain(x)} = 1", sympy.S.One)
        if expr.is_Add:
            return self.sum(expr)
        if expr.is_Mul:
            return self.mul(expr)
        if expr.is_Pow and not expr.base.is_zero:  # 0^u has no derivative: left to "other"
            return self.pow(expr)
        if isinstance(expr, sympy.Function) and len(expr.args) == 1:
            u = sympy.Dummy("u", real=True)
            outer = expr.func(u)
            slope = sympy.diff(outer, u)
            if not slope.has(sympy.Derivative):
                rule = _FAMILY_OF.get(expr.func, "other")
                return self.composite(expr, expr.args[0], outer, slope, u, rule)
        derivative = sympy.diff(expr, x)
        text = f"from the table of derivatives: {d} {plain(expr)} = {plain(derivative)}"
        if len(text) > 100:
            text = f"from the table of derivatives, for {plain(expr)}"
        return _leaf("other", text, derivative)

    def sum(self, expr: sympy.Add) -> _Plan:
        coefficients, parts = [], []
        for term in expr.args:
            coefficient, rest = term.as_coeff_Mul() if term.has(self.x) else (sympy.S.One, term)
            coefficients.append(coefficient)
            parts.append(rest)
        name = "sum and difference" if any(c.is_negative for c in coefficients) else "sum"
        text = f"{name} rule: differentiate term by term"
        if any(c != 1 for c in coefficients):
            text += ", keeping the constant coefficients"
        return _Plan(
            "sum", text, tuple(parts),
            lambda *ds: sympy.Add(*(c * d for c, d in zip(coefficients, ds, strict=True))),
        )  # fmt: skip

    def mul(self, expr: sympy.Mul) -> _Plan:
        x = self.x
        factors = [f for f in expr.args if f.has(x)]
        constant = sympy.Mul(*(f for f in expr.args if not f.has(x)))
        rest = sympy.Mul(*factors)
        if constant != 1:
            base = _log_base(constant, rest)
            if base is not None and constant * sympy.log(base) == 1:
                return self.log_base(rest.args[0], base)
            if base is not None:  # c·log(u)/log(b): keep log(u)/log(b) together
                rest, constant = rest / sympy.log(base), constant * sympy.log(base)
            others = listing(constant.free_symbols)
            if constant == -1:
                text = "constant multiple: the minus sign stays in front"
            elif constant.is_Symbol:
                text = f"constant multiple: {others} is held constant, so it is a constant factor"
            elif others:
                text = (
                    f"constant multiple: treat {others} as constant, "
                    f"so {plain(constant)} is a constant factor"
                )
            else:
                text = f"constant multiple: the constant factor {plain(constant)} stays in front"
            return _Plan("constant multiple", text, (rest,), lambda d: constant * d)
        below = [f for f in factors if f.is_Pow and f.exp.is_number and f.exp.is_negative]
        if below:  # a fraction whose denominator depends on the variable
            u = sympy.Mul(*(f for f in factors if f not in below))
            v = sympy.Mul(*(f.base ** (-f.exp) for f in below))
            text = (
                f"quotient rule: (u/v)′ = (u′·v − u·v′)/v², with u = {plain(u)} and v = {plain(v)}"
            )
            return _Plan("quotient", text, (u, v), lambda du, dv: (du * v - u * dv) / v**2)
        if len(factors) == 2:
            u, v = factors
            text = f"product rule: (u·v)′ = u′·v + u·v′, with u = {plain(u)} and v = {plain(v)}"
        else:
            listed = ", ".join(plain(f) for f in factors)
            text = f"product rule: differentiate one factor at a time ({listed}), keep the others"
        return _Plan("product", text, tuple(factors), lambda *ds: _product_rule(factors, ds))

    def pow(self, expr: sympy.Pow) -> _Plan:
        x, (base, exponent) = self.x, expr.args
        u = sympy.Dummy("u", real=True)
        if not exponent.has(x):
            rule = "square root" if exponent == sympy.S.Half else "power"
            return self.composite(expr, base, u**exponent, exponent * u ** (exponent - 1), u, rule)
        if not base.has(x):
            return self.composite(
                expr, exponent, base**u, base**u * sympy.log(base), u, "exponential"
            )
        text = (
            f"general power rule: {plain(x)} is in the base and the exponent; "
            f"as u^v = e^(v·ln(u)), (u^v)′ = u^v·(v′·ln(u) + v·u′/u), "
            f"with u = {plain(base)} and v = {plain(exponent)}"
        )
        return _Plan(
            "general power", text, (base, exponent),
            lambda du, dv: expr * (dv * sympy.log(base) + exponent * du / base),
        )  # fmt: skip

    def log_base(self, inner: sympy.Expr, base: sympy.Expr) -> _Plan:
        u = sympy.Dummy("u", real=True)
        ln_b = sympy.log(base)
        note = f"log in base {plain(base)} is ln(u)/{plain(ln_b)}"
        expr = sympy.log(inner) / ln_b
        return self.composite(
            expr, inner, sympy.log(u) / ln_b, 1 / (u * ln_b), u, "logarithm", note
        )

    def composite(
        self,
        expr: sympy.Expr,
        inner: sympy.Expr,
        outer: sympy.Expr,
        slope: sympy.Expr,
        u: sympy.Dummy,
        rule: str,
        note: str = "",
    ) -> _Plan:
        """``expr = outer(inner)`` with ``outer′ = slope`` in ``u``: a rule or the chain rule."""
        name = _RULE_TEXT.get(rule, rule)
        prefix = f"{note}; " if note else ""
        if inner == self.x:
            derivative = slope.xreplace({u: inner})
            text = f"{name}: {prefix}{self.d} {plain(expr)} = {plain(derivative)}"
            return _leaf(rule, text, derivative)
        taken = {s.name for s in expr.free_symbols}
        shown = sympy.Symbol(next(n for n in ("u", "w", "u_0", "w_0") if n not in taken))
        text = (
            f"chain rule: the outer function is {plain(outer.xreplace({u: shown}))}, "
            f"the inner is {plain(shown)} = {plain(inner)}; {prefix}{name}: "
            f"d/d{shown} {plain(outer.xreplace({u: shown}))} = {plain(slope.xreplace({u: shown}))}"
        )
        outer_slope = slope.xreplace({u: inner})
        return _Plan("chain", text, (inner,), lambda d: outer_slope * d)


_RULE_TEXT = {
    "power": "power rule",
    "square root": "square root as the power u^(1/2)",
    "exponential": "exponential rule",
    "logarithm": "logarithm rule",
    "trigonometric": "trigonometric rule",
    "inverse trigonometric": "inverse trigonometric rule",
    "hyperbolic": "hyperbolic rule",
    "inverse hyperbolic": "inverse hyperbolic rule",
    "absolute value": "absolute value (no derivative where its argument is 0)",
    "other": "from the table of derivatives",
}


def _leaf(rule: str, explanation: str, derivative: sympy.Expr) -> _Plan:
    return _Plan(rule, explanation, (), lambda: derivative)


def _product_rule(factors: Sequence[sympy.Expr], derivatives: Sequence[sympy.Expr]) -> sympy.Expr:
    """u′·v·w + u·v′·w + u·v·w′ + ..."""
    return sympy.Add(
        *(
            prod(
                (derivatives[i] if j == i else f for j, f in enumerate(factors)), start=sympy.S.One
            )
            for i in range(len(factors))
        )
    )


def _log_base(constant: sympy.Expr, rest: sympy.Expr) -> sympy.Expr | None:
    """``b`` when ``constant·rest`` is ``c·log(u)/log(b)`` (SymPy's form of log(u, b))."""
    if not isinstance(rest, sympy.log):
        return None
    for factor in sympy.Mul.make_args(constant):
        if factor.is_Pow and factor.exp == -1 and isinstance(factor.base, sympy.log):
            return factor.base.args[0]
    return None


def listing(symbols: Iterable[sympy.Basic]) -> str:
    """``"y"``, ``"y and z"``, ``"a, b and c"`` or ``""``: the symbols, sorted, for a sentence."""
    names = sorted(plain(s) for s in symbols)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
