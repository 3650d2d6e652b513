"""Hypothesis strategies shared by the tests, kept together in one place.

- :func:`expressions`: random well-formed equation TEXT together with the SymPy expression
  it must parse to. Every function used is smooth on the whole real line (no poles, no
  kinks), so the gradient can be checked against finite differences at any point.
- :func:`maths_text` and :func:`hostile_text`: arbitrary strings for fuzzing the parser.
- :func:`number_heavy_text`: well-formed text full of huge and awkward exact numbers, for
  checking that the parser's size guards refuse what SymPy would choke on.

Nothing here is a test; tests import these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy
from hypothesis import strategies as st

__all__ = ["HOSTILE", "Pair", "expressions", "hostile_text", "maths_text", "number_heavy_text"]

Pair = tuple[str, sympy.Expr]

# spellings of the same operation; the parser must read them all alike
_PLUS = ("+", " + ")
_MINUS = ("-", " - ", " − ")
_TIMES = ("*", " * ", "·", " × ", "")  # "" is an implicit product of two parentheses
_POWER = ("^", "**")
_SUPERSCRIPT = {2: "²", 3: "³"}

# name -> SymPy builder; all smooth and finite on the whole real line
_SMOOTH: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tanh": sympy.tanh,
    "atan": sympy.atan,
    "arctan": sympy.atan,
    "erf": sympy.erf,
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
}


def _leaves(variables: Sequence[str]) -> st.SearchStrategy[Pair]:
    symbols = [sympy.Symbol(v, real=True) for v in variables]
    named = st.sampled_from(list(zip(variables, symbols, strict=True)))
    integers = st.integers(1, 9).map(lambda k: (str(k), sympy.Integer(k)))
    decimals = st.sampled_from(
        [
            ("0.5", sympy.Rational(1, 2)),
            ("1.5", sympy.Rational(3, 2)),
            ("0.1", sympy.Rational(1, 10)),
        ]
    )
    constants = st.sampled_from([("pi", sympy.pi), ("π", sympy.pi), ("e", sympy.E)])
    return st.one_of(named, named, integers, decimals, constants)


def _grow(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    """One level of structure over ``children``: sums, products, powers, calls."""

    def add(a: Pair, b: Pair, op: str) -> Pair:
        return f"({a[0]}){op}({b[0]})", a[1] + b[1]

    def sub(a: Pair, b: Pair, op: str) -> Pair:
        return f"({a[0]}){op}({b[0]})", a[1] - b[1]

    def mul(a: Pair, b: Pair, op: str) -> Pair:
        return f"({a[0]}){op}({b[0]})", a[1] * b[1]

    def div(a: Pair, b: Pair, k: int) -> Pair:  # a / (k + b²): never divides by zero
        return f"({a[0]})/({k} + ({b[0]})^2)", a[1] / (k + b[1] ** 2)

    def power(a: Pair, n: int, op: str) -> Pair:
        spelled = _SUPERSCRIPT[n] if op == "sup" else f"{op}{n}"
        return f"({a[0]}){spelled}", a[1] ** n

    def call(a: Pair, name: str) -> Pair:
        return f"{name}({a[0]})", _SMOOTH[name](a[1])

    def soft(a: Pair, which: str) -> Pair:  # smooth roots and logarithms of 1 + a²
        inner = 1 + a[1] ** 2
        if which == "sqrt":
            return f"sqrt(1 + ({a[0]})^2)", sympy.sqrt(inner)
        if which == "√":
            return f"√(1 + ({a[0]})²)", sympy.sqrt(inner)
        return f"ln(1 + ({a[0]})^2)", sympy.log(inner)

    def scaled(a: Pair, k: int) -> Pair:  # an implicit product: number then parenthesis
        return f"{k}({a[0]})", k * a[1]

    with_variable = children.filter(lambda pair: bool(pair[1].free_symbols))
    return st.one_of(
        st.builds(add, children, children, st.sampled_from(_PLUS)),
        st.builds(sub, children, children, st.sampled_from(_MINUS)),
        st.builds(mul, children, children, st.sampled_from(_TIMES)),
        st.builds(div, children, children, st.integers(1, 3)),
        st.builds(power, children, st.sampled_from([2, 3]), st.sampled_from([*_POWER, "sup"])),
        # functions only of something with a variable in it: the parser refuses deep
        # towers of exact constants such as atan(sqrt(1 + e^2))
        st.builds(call, with_variable, st.sampled_from(sorted(_SMOOTH))),
        st.builds(soft, with_variable, st.sampled_from(["sqrt", "√", "ln"])),
        st.builds(scaled, children, st.integers(2, 5)),
    )


def expressions(
    variables: Sequence[str] = ("x", "y"), max_leaves: int = 8
) -> st.SearchStrategy[Pair]:
    """Random well-formed equation text and the SymPy expression it must parse to.

    Every variable is a real ``sympy.Symbol``; every function is smooth and finite on the
    whole real line, so the gradient exists everywhere. The text mixes spellings (``^`` and
    ``**``, ``·`` and implicit products, superscripts, ``√``, ``π``) and always wraps
    operands in parentheses, so it never depends on precedence rules it does not test.
    Functions apply only to subexpressions with a variable in them (the parser refuses
    towers of exact constants). Not every variable need appear; pass ``variables=`` to
    ``parse`` to keep them all.
    """
    return st.recursive(_leaves(variables), _grow, max_leaves=max_leaves)


# ---------------------------------------------------------------- fuzzing

_ALPHABET = (
    "0123456789.xyzabeEst_ +-*/^()|,=²³⁻¹⁰·×−–÷√πθαλsincoexplgqrtabh  \t\n'\";:[]{}<>!\\@#$%&~`?"
)

HOSTILE: tuple[str, ...] = (
    "__import__('os').system('id')",
    "x.real",
    "x.__class__",
    "lambda x: x",
    '"abc"',
    "'abc'",
    "x; y",
    "x ==1",
    "x = 1 = 2",
    "foo(x)",
    "eval(x)",
    "open('/etc/passwd')",
    "9^9^9^9",
    "10^10^10",
    "2^(10^100)",
    "(10^1000)^(10^1000)",
    "x^(10^100)",
    "exp(10^100*ln(2))",
    "e^(ln(10^99)*5000)",
    "sqrt(10^999+1)",
    "(10^99+1)^(1/3)*(10^99+3)^(1/3)",
    "1e99999",
    "9" * 150,
    "(" * 200,
    ")" * 200,
    "sqrt(" * 100 + "x" + ")" * 100,
    "|" * 101,
    "x^" * 100 + "2",
    "2^-" * 100 + "2",
    "sin^-1^-1(x)",
    "∞",
    "\x00",
    "𝑥+1",
    "x²⁻",
    "x⁻",
    "f(x) = ",
    "f(x, x) = x",
    "= x",
)


def maths_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary strings over maths characters, operators and a few stray symbols."""
    return st.text(alphabet=_ALPHABET, max_size=max_size)


def hostile_text() -> st.SearchStrategy[str]:
    """Hostile snippets alone, mixed with random maths text, or random unicode."""
    snippet = st.sampled_from(HOSTILE)
    mixed = st.builds(lambda a, b, c: a + b + c, maths_text(12), snippet, maths_text(12))
    return st.one_of(snippet, mixed, maths_text(), st.text(max_size=30))


_HEAVY_LEAVES = (
    "x", "y", "0", "-1", "2", "9", "10", "0.5", "1/3", "1e-99", "pi", "e", "ln(2)",
    "10^99+1", "7^1000", "10^3999",
)  # fmt: skip
_HEAVY_UNARY = (
    "sqrt", "cbrt", "exp", "ln", "log10", "sin", "tan", "cot", "asin", "acosh", "atanh",
    "sech", "abs", "sign", "erf", "sigmoid",
)  # fmt: skip
_HEAVY_BINARY = ("root", "log", "atan2", "max", "min")


def number_heavy_text(max_leaves: int = 14) -> st.SearchStrategy[str]:
    """Well-formed text over huge and awkward exact numbers, powers, roots and logarithms."""

    def grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(
                lambda a, b, op: f"({a}){op}({b})",
                children,
                children,
                st.sampled_from(["+", "-", "*", "/", "^", "", " "]),
            ),
            st.builds(lambda a, f: f"{f}({a})", children, st.sampled_from(_HEAVY_UNARY)),
            st.builds(
                lambda a, b, f: f"{f}({a}, {b})",
                children,
                children,
                st.sampled_from(_HEAVY_BINARY),
            ),
        )

    return st.recursive(st.sampled_from(_HEAVY_LEAVES), grow, max_leaves=max_leaves)
