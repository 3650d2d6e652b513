"""Stationary points: where the gradient is zero, and what kind of point each one is.

:func:`stationary_points` solves ∇f = 0 inside a box, first symbolically with SymPy,
bounded in size and time (a system too large, or a solve too slow, is left to the
numeric search; a solve cut off by its time limit finishes in a daemon thread whose
answer is dropped, as Python cannot stop a thread; while two such solves run, later
searches skip SymPy unless ``method="symbolic"``), then numerically by Newton's method
on ∇f from a grid of seeds inside the box. Points are classified by the eigenvalues of
the Hessian (:func:`classify`). Symbolic solutions that leave a variable free
(``x²·sin(y)`` is stationary on the whole line ``x = 0``) are reported as
:class:`StationaryCurve` objects.

What it leaves out: points outside the box, stationary points of functions that are not
differentiable there (``|x|`` at 0), and any guarantee of completeness for
non-polynomial functions (the numeric search finds what its seeds lead to; ``complete``
says when the answer is known to be whole). Drawing the points is :mod:`steepest.plot`'s; the two
searches themselves are in :mod:`steepest.calculus.stationary_search`, this module holds the
result types, the classification and the merging of the two answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from steepest.calculus.stationary_search import compile_points, dirac_free, newton, solve_symbolic
from steepest.errors import GradientError

__all__ = [
    "KINDS",
    "Stationary",
    "StationaryCurve",
    "StationaryPoint",
    "check_bounds",
    "classify",
    "stationary_points",
]

#: The kinds of stationary point, as the second-derivative (Hessian) test names them.
KINDS: tuple[str, ...] = ("minimum", "maximum", "saddle", "degenerate")

_MAX_DEGENERATE = 8  # more numeric degenerate roots than this: a curve, not points


@dataclass(frozen=True, eq=False)
class StationaryPoint:
    """A point where the gradient is zero.

    Attributes
    ----------
    point
        The coordinates, shape ``(n,)``.
    value
        f at the point.
    kind
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"degenerate"`` (the Hessian is
        singular there, so the second-derivative test says nothing).
    eigenvalues
        The Hessian's eigenvalues at the point, ascending.
    exact
        The coordinates as SymPy numbers when they were found symbolically, else None.
    """

    point: np.ndarray
    value: float
    kind: str
    eigenvalues: np.ndarray
    exact: tuple[sympy.Expr, ...] | None = None

    def __str__(self) -> str:
        return self.describe()

    def describe(self, names: Sequence[str] | None = None) -> str:
        """One line: ``minimum at x = 1, value -2`` (with the name of a single variable),
        else ``saddle at (0, 0), value 0``."""
        if self.exact is not None:
            coords = [str(c) for c in self.exact]
        else:
            coords = [f"{c:.6g}" for c in self.point]
        if names is not None and len(names) == 1 == len(coords):
            where = f"{names[0]} = {coords[0]}"
        else:
            where = f"({', '.join(coords)})"
        return f"{self.kind} at {where}, value {self.value:.6g}"


@dataclass(frozen=True, eq=False)
class StationaryCurve:
    """A set of stationary points that is not isolated.

    Found symbolically, ``solution`` maps the determined variables to expressions in the
    ``free`` ones: ``{x: 0}`` with ``free = (y,)`` is the line x = 0. Found numerically
    (many degenerate points, as on the hyperbolas where sin(x·y) = ±1), ``solution`` is
    None and ``samples`` holds the points found, shape ``(m, n)``.
    """

    solution: dict[sympy.Symbol, sympy.Expr] | None
    free: tuple[sympy.Symbol, ...]
    variables: tuple[sympy.Symbol, ...]
    samples: np.ndarray | None = None

    def __str__(self) -> str:
        if self.solution is None:
            m = 0 if self.samples is None else len(self.samples)
            return f"stationary on a curve or region (numeric: {m} points found on it)"
        if not self.solution:
            return "stationary everywhere (the gradient is zero)"
        parts = ", ".join(f"{k} = {v}" for k, v in self.solution.items())
        return f"stationary everywhere on {parts}"

    def sample(self, bounds: Sequence[tuple[float, float]], num: int = 400) -> np.ndarray:
        """Points of the curve inside ``bounds``, shape ``(m, n)`` (NaN rows split pieces).

        Only curves with one free variable are sampled; others give an empty array.
        """
        n = len(self.variables)
        if self.solution is None:
            return np.empty((0, n)) if self.samples is None else self.samples
        if len(self.free) != 1:
            return np.empty((0, n))
        free = self.free[0]
        k = self.variables.index(free)
        t = np.linspace(bounds[k][0], bounds[k][1], num)
        columns = []
        for i, v in enumerate(self.variables):
            if i == k:
                columns.append(t)
                continue
            fn = sympy.lambdify([free], self.solution.get(v, v), "numpy")
            with np.errstate(all="ignore"):
                columns.append(np.broadcast_to(np.asarray(fn(t), dtype=float), t.shape))
        pts = np.stack(columns, axis=-1)
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        outside = ~np.all((pts >= lo) & (pts <= hi), axis=-1)
        pts[outside] = np.nan
        return pts


@dataclass(frozen=True, eq=False)
class Stationary:
    """The stationary points found in a box; iterating gives the isolated points.

    Attributes
    ----------
    points
        The isolated stationary points, sorted by kind then coordinates.
    curves
        Non-isolated sets found symbolically.
    bounds
        The box searched, one ``(low, high)`` per variable.
    method
        ``"symbolic"``, ``"numeric"`` or ``"symbolic+numeric"``.
    complete
        True when the symbolic solve is known to have found every solution (a
        polynomial gradient solved in time); otherwise the numeric search may miss some.
    note
        Why the symbolic solve gave no answer, when it was asked for and gave none
        (``"SymPy did not solve ∇f = 0 within the time limit (1 s)"``); else ``""``.
    """

    points: tuple[StationaryPoint, ...]
    curves: tuple[StationaryCurve, ...]
    bounds: tuple[tuple[float, float], ...]
    method: str
    complete: bool
    note: str = ""

    def __iter__(self) -> Iterator[StationaryPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, index: int) -> StationaryPoint:
        return self.points[index]

    def of_kind(self, kind: str) -> list[StationaryPoint]:
        """The points of one kind (``"minimum"``, ``"maximum"``, ...)."""
        if kind not in KINDS:
            raise GradientError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
        return [p for p in self.points if p.kind == kind]


def classify(hessian: Any, rtol: float = 1e-6) -> str:
    """Name a stationary point from the Hessian there (the second-derivative test).

    Parameters
    ----------
    hessian
        The Hessian matrix at the point, shape ``(n, n)``.
    rtol
        Eigenvalues smaller than ``rtol`` times the largest in size (or than ``rtol``
        when all are small) count as zero.

    Returns
    -------
    str
        ``"minimum"`` (all eigenvalues positive), ``"maximum"`` (all negative),
        ``"saddle"`` (both signs, none zero) or ``"degenerate"`` (some zero: the test
        is inconclusive, as for x⁴ at 0).

    Examples
    --------
    >>> classify([[2, 0], [0, 2]])
    'minimum'
    >>> classify([[2, 0], [0, -2]])
    'saddle'
    >>> classify([[0, 0], [0, 2]])
    'degenerate'
    """
    h = np.asarray(hessian, dtype=float)
    if h.ndim != 2 or h.shape[0] != h.shape[1]:
        raise GradientError(f"hessian must be a square matrix; got shape {h.shape}")
    eig = np.linalg.eigvalsh((h + h.T) / 2)
    return _kind(eig, rtol)


def _kind(eig: np.ndarray, rtol: float) -> str:
    if not np.all(np.isfinite(eig)):
        return "degenerate"
    zero = rtol * max(1.0, float(np.max(np.abs(eig), initial=0.0)))
    if np.any(np.abs(eig) <= zero):
        return "degenerate"
    if np.all(eig > 0):
        return "minimum"
    if np.all(eig < 0):
        return "maximum"
    return "saddle"


def stationary_points(
    f: Any,
    bounds: Sequence[tuple[float, float]],
    *,
    method: str = "auto",
    timeout: float = 1.0,
    seeds: int | None = None,
) -> Stationary:
    """Find the stationary points of f inside a box and classify them.

    Parameters
    ----------
    f
        An equation as text, an :class:`~steepest.equation.Equation` or a
        :class:`~steepest.calculus.gradients.Gradient`.
    bounds
        One ``(low, high)`` per variable, in the equation's variable order.
    method
        ``"auto"`` (symbolic when the system is small, then numeric unless the
        symbolic answer is known to be complete), ``"symbolic"`` or ``"numeric"``.
    timeout
        Seconds the symbolic solve may take before the numeric search takes over.
    seeds
        Newton seeds per axis (default: 24 for one variable, 14 for two, 7 for three).

    Returns
    -------
    Stationary
        The points (iterable), curves, and whether the answer is complete.

    Examples
    --------
    >>> found = stationary_points("x^2 - y^2", [(-2, 2), (-2, 2)])
    >>> [str(p) for p in found]
    ['saddle at (0, 0), value 0']
    >>> found.complete
    True
    """
    expr, variables = _expression(f)
    box = check_bounds(bounds, len(variables))
    if method not in ("auto", "symbolic", "numeric"):
        raise GradientError(
            f"method must be 'auto', 'symbolic' or 'numeric'; got {method!r}"
        )
    grad = [sympy.diff(expr, v) for v in variables]
    hess = sympy.Matrix([[sympy.diff(gi, v) for v in variables] for gi in grad])

    exact: list[tuple[sympy.Expr, ...]] = []
    curves: list[StationaryCurve] = []
    complete = False
    used = []
    note = ""
    if method in ("auto", "symbolic"):
        solved = solve_symbolic(grad, variables, timeout, force=method == "symbolic")
        if not isinstance(solved, str):
            used.append("symbolic")
            exact, loci, complete = solved
            curves = [StationaryCurve(solution, free, variables) for solution, free in loci]
        elif method == "symbolic":
            raise GradientError(
                f"{solved}\nhint: use method='numeric' (or 'auto'), or allow a longer timeout"
            )
        else:
            note = solved
    numeric: np.ndarray = np.empty((0, len(variables)))
    if method == "numeric" or (method == "auto" and not complete):
        used.append("numeric")
        numeric = newton(grad, hess, variables, box, seeds)

    points = _assemble(expr, hess, variables, box, exact, curves, numeric)
    curves = [c for c in curves if not c.solution or np.isfinite(c.sample(box, 200)).any()]
    return Stationary(tuple(points), tuple(curves), box, "+".join(used), complete, note)


# ---------------------------------------------------------------------------- helpers


def _expression(f: Any) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    if isinstance(f, str):
        from steepest.equation import parse

        f = parse(f)
    equation = getattr(f, "equation", None)
    if equation is not None and hasattr(equation, "expr"):
        f = equation
    if hasattr(f, "expr") and hasattr(f, "variables"):
        return f.expr, tuple(f.variables)
    raise TypeError(
        "f must be an equation as text, an Equation or a Gradient; "
        f"got {type(f).__name__}"
    )


def check_bounds(bounds: Any, n: int) -> tuple[tuple[float, float], ...]:
    try:
        box = tuple((float(lo), float(hi)) for lo, hi in bounds)
    except (TypeError, ValueError):
        raise GradientError(
            f"bounds must be one (low, high) pair per variable; got {bounds!r}\n"
            "hint: for f(x, y) use bounds=[(-3, 3), (-3, 3)]"
        ) from None
    if len(box) != n:
        raise GradientError(
            f"bounds must have one (low, high) pair for each of the {n} variables; "
            f"got {len(box)}"
        )
    for lo, hi in box:
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise GradientError(
                f"each bound must be finite with low < high; got ({lo:g}, {hi:g})"
            )
    return box


def _on_curve(point: np.ndarray, curve: StationaryCurve, tol: float) -> bool:
    if curve.solution is None:
        return False
    values = dict(zip(curve.variables, point, strict=True))
    for v, e in curve.solution.items():
        with np.errstate(all="ignore"):
            target = complex(e.subs({s: values[s] for s in curve.free}).evalf())
        if not abs(target.imag) <= tol or not abs(target.real - values[v]) <= tol:
            return False
    return True


def _assemble(
    expr: sympy.Expr,
    hess: sympy.Matrix,
    variables: tuple[sympy.Symbol, ...],
    box: tuple[tuple[float, float], ...],
    exact: list[tuple[sympy.Expr, ...]],
    curves: list[StationaryCurve],
    numeric: np.ndarray,
) -> list[StationaryPoint]:
    lo = np.array([b[0] for b in box])
    hi = np.array([b[1] for b in box])
    tol = 1e-6 * float(np.linalg.norm(hi - lo))
    f_fn = compile_points([expr], variables)
    h_fn = compile_points(list(hess), variables)
    found: list[StationaryPoint] = []
    for coords in exact:
        p = np.array([complex(sympy.N(c, 30)).real for c in coords])
        if not np.all((p >= lo - tol) & (p <= hi + tol)):
            continue
        subs = dict(zip(variables, coords, strict=True))
        h_exact = np.array(dirac_free(hess).subs(subs).evalf(30).tolist(), dtype=complex).real
        eig = np.linalg.eigvalsh(h_exact)
        simple = tuple(sympy.nsimplify(c) if c.is_Float else c for c in coords)
        value = complex(sympy.N(expr.subs(subs), 30)).real
        found.append(StationaryPoint(p, value, _kind(eig, 1e-9), eig, simple))
    n = len(variables)
    loose: list[StationaryPoint] = []
    for p in numeric:
        if any(np.linalg.norm(p - q.point) <= 1e3 * tol for q in found):
            continue
        if any(_on_curve(p, c, 1e3 * tol) for c in curves):
            continue
        eig = np.linalg.eigvalsh(h_fn(p[None])[0].reshape(n, n))
        value = float(f_fn(p[None])[0, 0])
        loose.append(StationaryPoint(p, value, _kind(eig, 1e-6), eig, None))
    degenerate = [s for s in loose if s.kind == "degenerate"]
    if len(degenerate) > _MAX_DEGENERATE:
        # many degenerate roots: Newton landed all over a non-isolated set
        samples = np.array([s.point for s in degenerate])
        curves.append(StationaryCurve(None, (), variables, samples))
        loose = [s for s in loose if s.kind != "degenerate"]
    found.extend(loose)
    found.sort(key=lambda s: (KINDS.index(s.kind), *s.point))
    return found
