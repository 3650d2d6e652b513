"""Stationary points: where the gradient is zero, and what kind of point each one is.

:func:`stationary_points` solves ∇f = 0 inside a box, first symbolically with SymPy,
bounded in size and time (a system too large, or a solve too slow, is left to the
numeric search; a solve cut off by its time limit finishes in a daemon thread whose
answer is dropped, as Python cannot stop a thread), then numerically by Newton's method
on ∇f from a grid of seeds inside the box. Points are classified by the eigenvalues of
the Hessian (:func:`classify`). Symbolic solutions that leave a variable free
(``x²·sin(y)`` is stationary on the whole line ``x = 0``) are reported as
:class:`StationaryCurve` objects.

What it leaves out: points outside the box, stationary points of functions that are not
differentiable there (``|x|`` at 0), and any guarantee of completeness for
non-polynomial functions (the numeric search finds what its seeds lead to; ``complete``
says when the answer is known to be whole). Drawing the points is :mod:`steepest.plot`'s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from steepest.errors import SteepestError

__all__ = [
    "KINDS",
    "Stationary",
    "StationaryCurve",
    "StationaryPoint",
    "classify",
    "stationary_points",
]

#: The kinds of stationary point, as the second-derivative (Hessian) test names them.
KINDS: tuple[str, ...] = ("minimum", "maximum", "saddle", "degenerate")

# Size bounds for the symbolic attempt: larger systems go straight to the numeric search.
_MAX_BEZOUT = 6  # product of the total degrees of a polynomial system
_MAX_OPS = 80  # sympy.count_ops of a non-polynomial system
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
        if self.exact is not None:
            where = ", ".join(str(c) for c in self.exact)
        else:
            where = ", ".join(f"{c:.6g}" for c in self.point)
        return f"{self.kind} at ({where}), value {self.value:.6g}"


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
    """

    points: tuple[StationaryPoint, ...]
    curves: tuple[StationaryCurve, ...]
    bounds: tuple[tuple[float, float], ...]
    method: str
    complete: bool

    def __iter__(self) -> Iterator[StationaryPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, index: int) -> StationaryPoint:
        return self.points[index]

    def of_kind(self, kind: str) -> list[StationaryPoint]:
        """The points of one kind (``"minimum"``, ``"maximum"``, ...)."""
        if kind not in KINDS:
            raise SteepestError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
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
        raise SteepestError(f"hessian must be a square matrix; got shape {h.shape}")
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
        :class:`~steepest.gradients.Gradient`.
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
    box = _check_bounds(bounds, len(variables))
    if method not in ("auto", "symbolic", "numeric"):
        raise SteepestError(
            f"method must be 'auto', 'symbolic' or 'numeric'; got {method!r}"
        )
    grad = [sympy.diff(expr, v) for v in variables]
    hess = sympy.Matrix([[sympy.diff(gi, v) for v in variables] for gi in grad])

    exact: list[tuple[sympy.Expr, ...]] = []
    curves: list[StationaryCurve] = []
    complete = False
    used = []
    if method in ("auto", "symbolic"):
        solved = _solve_symbolic(grad, variables, timeout, force=method == "symbolic")
        if solved is not None:
            used.append("symbolic")
            exact, curves, complete = solved
        elif method == "symbolic":
            raise SteepestError(
                f"SymPy could not solve ∇f = 0 within timeout={timeout:g} s"
                "\nhint: use method='numeric' (or 'auto'), or allow a longer timeout"
            )
    numeric: np.ndarray = np.empty((0, len(variables)))
    if method == "numeric" or (method == "auto" and not complete):
        used.append("numeric")
        numeric = _newton(grad, hess, variables, box, seeds)

    points = _assemble(expr, hess, variables, box, exact, curves, numeric)
    curves = [c for c in curves if not c.solution or np.isfinite(c.sample(box, 200)).any()]
    return Stationary(tuple(points), tuple(curves), box, "+".join(used), complete)


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


def _check_bounds(bounds: Any, n: int) -> tuple[tuple[float, float], ...]:
    try:
        box = tuple((float(lo), float(hi)) for lo, hi in bounds)
    except (TypeError, ValueError):
        raise SteepestError(
            f"bounds must be one (low, high) pair per variable; got {bounds!r}\n"
            "hint: for f(x, y) use bounds=[(-3, 3), (-3, 3)]"
        ) from None
    if len(box) != n:
        raise SteepestError(
            f"bounds must have one (low, high) pair for each of the {n} variables; "
            f"got {len(box)}"
        )
    for lo, hi in box:
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise SteepestError(
                f"each bound must be finite with low < high; got ({lo:g}, {hi:g})"
            )
    return box


def _small_enough(grad: list[sympy.Expr], variables: tuple[sympy.Symbol, ...]) -> bool:
    if all(g.is_polynomial(*variables) for g in grad):
        bezout = 1
        for g in grad:
            bezout *= max(1, sympy.Poly(g, *variables).total_degree())
        return bezout <= _MAX_BEZOUT
    return sympy.count_ops(grad) <= _MAX_OPS


def _solve_symbolic(
    grad: list[sympy.Expr],
    variables: tuple[sympy.Symbol, ...],
    timeout: float,
    force: bool,
) -> tuple[list[tuple[sympy.Expr, ...]], list[StationaryCurve], bool] | None:
    """Solve ∇f = 0 with SymPy in a daemon thread; None if too big, too slow or unsolved."""
    if all(g.is_zero for g in grad):
        return [], [StationaryCurve({}, variables, variables)], True
    if not force and not _small_enough(grad, variables):
        return None
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["solutions"] = sympy.solve(grad, list(variables), dict=True)
        except (NotImplementedError, ValueError, TypeError, AttributeError):
            box["solutions"] = None

    thread = threading.Thread(target=work, daemon=True, name="steepest-solve")
    thread.start()
    thread.join(timeout)
    solutions = box.get("solutions")
    if thread.is_alive() or solutions is None:
        return None
    points: list[tuple[sympy.Expr, ...]] = []
    curves: list[StationaryCurve] = []
    for solution in solutions:
        free = tuple(v for v in variables if v not in solution)
        if free:
            curves.append(StationaryCurve(dict(solution), free, variables))
            continue
        coords = tuple(solution[v] for v in variables)
        values = [complex(sympy.N(c, 30)) for c in coords]
        if all(abs(c.imag) <= 1e-12 * max(1.0, abs(c.real)) for c in values):
            points.append(coords)
    polynomial = all(g.is_polynomial(*variables) for g in grad)
    return points, curves, polynomial


def _dirac_free(matrix: sympy.Matrix) -> sympy.Matrix:
    return matrix.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)


def _compile(
    exprs: Sequence[sympy.Expr], variables: tuple[sympy.Symbol, ...]
) -> Callable[[np.ndarray], np.ndarray]:
    """exprs -> a function of points (m, n) returning (m, len(exprs)), constants broadcast.

    DiracDelta (from differentiating sign or Heaviside, as in the Hessian of |x|) is zero
    wherever it is a number, and NumPy has no such function: it is compiled as 0.
    """
    exprs = [sympy.sympify(e).replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
             for e in exprs]
    fn = sympy.lambdify(variables, exprs, "numpy")

    def evaluate(points: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(*points.T)
        m = points.shape[0]
        return np.stack([np.broadcast_to(np.asarray(o, dtype=float), (m,)) for o in out], -1)

    return evaluate


def _newton(
    grad: list[sympy.Expr],
    hess: sympy.Matrix,
    variables: tuple[sympy.Symbol, ...],
    box: tuple[tuple[float, float], ...],
    seeds: int | None,
    iterations: int = 60,
) -> np.ndarray:
    """Roots of ∇f in the box by damped Gauss–Newton from a grid of seeds, deduplicated."""
    n = len(variables)
    per_axis = seeds or {1: 24, 2: 14, 3: 7}.get(n, 4)
    lo = np.array([b[0] for b in box])
    hi = np.array([b[1] for b in box])
    width = hi - lo
    axes = [lo[i] + (np.arange(per_axis) + 0.5) / per_axis * width[i] for i in range(n)]
    x = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=-1)
    g_fn = _compile(grad, variables)
    h_fn = _compile(list(hess), variables)
    eye = np.eye(n)
    with np.errstate(all="ignore"):
        scale = float(np.nanmedian(np.linalg.norm(g_fn(x), axis=-1)))
    scale = max(1.0, scale) if np.isfinite(scale) else 1.0
    for _ in range(iterations):
        g = g_fn(x)
        h = h_fn(x).reshape(-1, n, n)
        bad = ~(np.all(np.isfinite(g), axis=-1) & np.all(np.isfinite(h), axis=(1, 2)))
        g[bad] = 0.0
        h[bad] = eye
        # Gauss-Newton on |∇f|²: finds saddles and maxima too, and survives singular H.
        ht = np.swapaxes(h, 1, 2)
        a = ht @ h
        damping = (1e-12 * np.trace(a, axis1=1, axis2=2) + 1e-300)[:, None, None] * eye
        step = np.linalg.solve(a + damping, -(ht @ g[..., None]))[..., 0]
        # never jump more than a quarter of the box in one step
        longest = np.max(np.abs(step) / (0.25 * width), axis=-1, keepdims=True)
        step = np.where(longest > 1, step / np.maximum(longest, 1), step)
        x = np.where(bad[:, None], np.nan, x + step)
    with np.errstate(invalid="ignore"):
        g = g_fn(x)
        ok = np.all(np.isfinite(x), axis=-1) & np.all(np.abs(g) <= 1e-9 * scale, axis=-1)
        margin = 1e-9 * width
        ok &= np.all((x >= lo - margin) & (x <= hi + margin), axis=-1)
    return _dedupe(np.clip(x[ok], lo, hi), 1e-6 * float(np.linalg.norm(width)))


def _dedupe(points: np.ndarray, distance: float) -> np.ndarray:
    kept: list[np.ndarray] = []
    for p in points:
        if all(np.linalg.norm(p - q) > distance for q in kept):
            kept.append(p)
    return np.array(kept).reshape(-1, points.shape[-1])


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
    f_fn = _compile([expr], variables)
    h_fn = _compile(list(hess), variables)
    found: list[StationaryPoint] = []
    for coords in exact:
        p = np.array([complex(sympy.N(c, 30)).real for c in coords])
        if not np.all((p >= lo - tol) & (p <= hi + tol)):
            continue
        subs = dict(zip(variables, coords, strict=True))
        h_exact = np.array(_dirac_free(hess).subs(subs).evalf(30).tolist(), dtype=complex).real
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
