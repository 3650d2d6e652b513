"""``steepest plot``: draw an equation (graph, contour map, surface) and descents on it.

Parses the arguments and calls :mod:`steepest.plot`; matplotlib is imported only inside
:func:`run`. What it leaves out: everything the library does.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from steepest.cli._options import accept_negative_values

#: The largest |end| of a --range: past it the grid's spacing and f's values overflow.
MAX_BOUND = 1e100

HELP = "draw an equation: contour map with gradient field, surface, graph, descent paths"

EPILOG = """examples:
  steepest plot "x^2 sin(y)" --range -3:3,-3:3 --out f.png
  steepest plot "x^2 - y^2" --kind both --out saddle.svg
  steepest plot "(1-x)^2 + 100(y-x^2)^2" --descend --from -1.2,1 --optimizer gd,momentum,adam \\
      --lr 0.001,0.001,0.05 --max-iter 2000 --out rosenbrock.png
  steepest plot "x^2 + 3y^2" --descend --from 2,1 --animate descent.gif
  steepest plot "x^3 - 3x" --out cubic.png                 (one variable: graph and derivative)
  steepest plot "x y z" --fix z=1 --out slice.png           (more: hold some fixed)

Ranges: -3:3 for every axis, or one low:high per variable: -3:3,-2:2. Default: around
the start and the stationary points, else -3:3. Formats by extension: .png .svg .pdf;
animations .gif (or .mp4 when ffmpeg is installed).
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``plot`` command."""
    parser = subparsers.add_parser(
        "plot", help=HELP, epilog=EPILOG,
        description="Draw an equation and its gradient, and descents on it, to a file.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # let values such as -3:3 follow an option (argparse would take them for options)
    accept_negative_values(parser)
    parser.add_argument("equation", help='the equation, e.g. "x^2 sin(y)" (quote it)')
    parser.add_argument("--range", metavar="LO:HI[,LO:HI]", help="the box to draw, per variable")
    parser.add_argument("--out", "-o", default="plot.png", metavar="FILE",
                        help="the picture to write: .png, .svg or .pdf (default: plot.png)")
    parser.add_argument("--kind", choices=("contour", "surface", "both"), default="contour",
                        help="for two variables: contour map, 3-D surface, or both")
    parser.add_argument("--vars", metavar="NAMES", help="the variables and their order: x,y")
    parser.add_argument("--fix", metavar="NAME=VALUE,...",
                        help="hold variables fixed to draw a slice: --fix z=0")
    descent = parser.add_argument_group("descent")
    descent.add_argument("--descend", action="store_true", help="run gradient descent and draw it")
    descent.add_argument("--ascend", action="store_true", help="run gradient ascent instead")
    descent.add_argument("--from", dest="start", action="append", metavar="POINT",
                         help="a start: 1,1 (repeat for several)")
    descent.add_argument("--optimizer", default="gd", metavar="NAMES",
                         help="optimizers to compare: gd,momentum,nesterov,adagrad,rmsprop,adam")
    descent.add_argument("--lr", metavar="RATE[,RATE]",
                         help="learning rate, or one per optimizer (default 0.1)")
    descent.add_argument("--max-iter", type=int, default=500, metavar="N",
                         help="steps at most (default 500)")
    # the old spelling, kept working but no longer shown (as on descend and ascend)
    descent.add_argument("--steps", dest="max_iter", type=int, default=argparse.SUPPRESS,
                         help=argparse.SUPPRESS)
    descent.add_argument("--animate", metavar="FILE",
                         help="also write an animation of the descent: .gif or .mp4")
    look = parser.add_argument_group("appearance")
    look.add_argument("--levels", type=int, metavar="N", help="number of contour levels")
    look.add_argument("--arrows", type=int, default=15, metavar="N",
                      help="gradient arrows per axis (0 for none)")
    look.add_argument("--no-stationary", action="store_true",
                      help="do not find and mark stationary points")
    look.add_argument("--dpi", type=int, default=100, help="pixels per inch for PNG")
    look.add_argument("--fps", type=int, default=12, help="frames per second of an animation")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest plot``."""
    from steepest import plot as figures
    from steepest.cli import UsageError
    from steepest.cli._options import check_max_iter, gradient_of

    figures.output_format(args.out)
    if args.dpi < 1:
        raise UsageError(f"--dpi must be a positive number of pixels per inch; got {args.dpi}"
                         "\nhint: 100 is the default, 300 suits print")
    if args.fps < 1:
        raise UsageError(f"--fps must be at least 1; got {args.fps}\nhint: the default is 12")
    _check_sizes(args)
    check_max_iter(args.max_iter)
    names = [o.strip() for o in args.optimizer.split(",") if o.strip()]
    if not names:
        raise UsageError(f"--optimizer {args.optimizer!r} names no optimizer\nhint: --optimizer "
                         "gd, or several to compare: --optimizer gd,momentum,adam")
    _check_optimizers(args.optimizer, names)
    if args.animate:
        from steepest.plot.animate import ANIMATION_FORMATS

        figures.output_format(args.animate, ANIMATION_FORMATS)
        if args.animate.lower().endswith(".mp4"):
            from steepest.plot.animate import ffmpeg_available

            if not ffmpeg_available():
                raise UsageError(f"--animate {args.animate!r}: MP4 needs the ffmpeg program, "
                                 "which was not found\nhint: write a .gif instead")
    g = gradient_of(args.equation, args.vars)
    g = figures.fix_variables(g, _fixed(args.fix, g.names))
    n = len(g.variables)
    if n > 2:
        fixed = ",".join(f"{v}=0" for v in g.names[2:])
        raise UsageError(
            f"{g.equation} has {n} variables; a picture shows one or two"
            f"\nhint: hold the others fixed: --fix {fixed}"
        )
    if args.animate and n != 2:
        raise UsageError("--animate draws on the contour map: it needs two variables")
    from steepest._files import check_writable
    from steepest.errors import OutputError

    for option, path in (("--out", args.out), ("--animate", args.animate)):
        if path:  # every file found writable before any is drawn
            try:
                check_writable(path)
            except OutputError as error:
                raise UsageError(f"{option}: {error}") from None
    bounds = _range(args.range, g.names) if args.range else None
    if bounds is not None:
        _check_defined(g, bounds, args.range)
    descend = args.descend or args.ascend or bool(args.animate) or bool(args.start)
    options: dict[str, Any] = {}
    if n == 2:
        options = {"arrows": args.arrows, "stationary": not args.no_stationary}
        if args.levels is not None:
            options["levels"] = args.levels
    if not descend:
        return _draw(g, bounds, args, options)
    if n == 2 and args.kind != "contour":
        raise UsageError("descent paths are drawn on the contour map\nhint: drop --kind "
                         f"{args.kind} (or draw the {args.kind} in a second run without --descend)")
    return _descend(g, bounds, args, options, _optimizers(args, names))


def _draw(g: Any, bounds: Any, args: argparse.Namespace, options: dict[str, Any]) -> int:
    from steepest import plot as figures
    from steepest.calculus.stationary import stationary_points
    from steepest.plot import plot_gradient

    if len(g.variables) == 2:
        options["kind"] = args.kind
        if args.kind == "surface":
            options = {"kind": "surface"}
    box = bounds if bounds is not None else figures.default_bounds(g)
    if bounds is None:
        _check_defined(g, box, ",".join(f"{lo:g}:{hi:g}" for lo, hi in box))
    fig = plot_gradient(g, box, **options)
    path = _save(fig, args.out, args.dpi)
    print(f"wrote {path}")
    if not args.no_stationary:
        found = stationary_points(g, box)
        for point in found.points:
            print(f"  {point.describe(g.names)}")
        for curve in found.curves:
            print(f"  {curve}")
    return 0


def _optimizers(args: argparse.Namespace, names: list[str]) -> list[tuple[str, Any]]:
    """Each named optimizer at its rate, all checked before the first descent runs."""
    from steepest.cli import UsageError
    from steepest.cli._options import check_positive, optimizer_from
    from steepest.descent.run import EQUATION_LEARNING_RATE

    rates: list[Any] = [None] if args.lr is None else [
        check_positive(rate, "--lr") for rate in _numbers(args.lr, "--lr")]
    if len(rates) not in (1, len(names)):
        raise UsageError(f"--lr has {_count(len(rates), 'value')} for "
                         f"{_count(len(names), 'optimizer')}"
                         "\nhint: give one rate for all, or one per optimizer, in order")
    rates = rates * len(names) if len(rates) == 1 else rates
    return [(name, optimizer_from(name, rate, default=EQUATION_LEARNING_RATE))
            for name, rate in zip(names, rates, strict=True)]


def _descend(g: Any, bounds: Any, args: argparse.Namespace, options: dict[str, Any],
             optimizers: list[tuple[str, Any]]) -> int:
    from steepest import plot as figures
    from steepest.cli._options import check_start
    from steepest.descent.run import maximize, minimize
    from steepest.plot import animate_descent, plot_result

    box = bounds
    if args.start:
        starts = [_point(text, g.names) for text in args.start]
        for text, start in zip(args.start, starts, strict=True):
            check_start(g, start, "--from", text)
    else:
        box = box if box is not None else figures.default_bounds(g)
        starts = [[lo + 0.8 * (hi - lo) for lo, hi in box]]
        print("no --from given: starting at (" + ", ".join(f"{c:.3g}" for c in starts[0]) + ")")
    run_one = maximize if args.ascend else minimize
    results: dict[str, list[Any]] = {}
    for name, optimizer in optimizers:
        rate = optimizer.learning_rate  # the rate it runs at, for the line
        for start in starts:
            r = run_one(g, start, optimizer=optimizer, max_iter=args.max_iter)
            results.setdefault(name, []).append(r)
            where = ", ".join(f"{c:.4g}" for c in r.x)
            print(f"{name} (lr {rate:g}) from ({', '.join(f'{c:g}' for c in start)}): "
                  f"{r.status.replace('_', ' ')} after {_count(r.iterations, 'step')} "
                  f"at ({where}), "
                  f"{g.equation.name} = {r.value:.6g}")
    fig = plot_result(results, g, box, **options)
    print(f"wrote {_save(fig, args.out, args.dpi)}")
    if args.animate:  # two variables: checked in run
        print(f"wrote {animate_descent(g, results, args.animate, box, fps=args.fps, **options)}")
    return 0


def _save(fig: Any, out: str, dpi: int) -> Any:
    """Write the figure, once ``--dpi`` is found to give it a picture of a size we draw."""
    from steepest import plot as figures
    from steepest.cli import UsageError
    from steepest.plot import MAX_PIXELS

    width, height = fig.get_size_inches()
    pixels = round(width * dpi) * round(height * dpi)
    if pixels > MAX_PIXELS:
        most = int((MAX_PIXELS / (width * height)) ** 0.5)
        while round(width * most) * round(height * most) > MAX_PIXELS:
            most -= 1  # the sides are rounded to whole pixels
        raise UsageError(f"--dpi {dpi} makes this {width:g} × {height:g} inch picture "
                         f"{round(width * dpi):,} × {round(height * dpi):,} = "
                         f"{pixels / 1e6:.1f} million pixels; at most "
                         f"{MAX_PIXELS / 1e6:g} million\nhint: --dpi {most} or less "
                         "(300 suits print)")
    return figures.save_figure(fig, out, dpi=dpi)


def _check_optimizers(text: str, names: list[str]) -> None:
    """Refuse an optimizer name ``--optimizer`` does not know, with the closest ones."""
    import difflib

    from steepest.cli import UsageError
    from steepest.cli.descend import OPTIMIZERS

    for name in names:
        if name.lower() not in OPTIMIZERS:
            close = difflib.get_close_matches(name.lower(), OPTIMIZERS, n=1)
            also = f"did you mean {close[0]}? " if close else ""
            raise UsageError(f"--optimizer {text!r}: unknown optimizer {name!r}\nhint: {also}"
                             f"the optimizers are {', '.join(OPTIMIZERS)}")


def _check_sizes(args: argparse.Namespace) -> None:
    """Refuse size options past the bounds of :mod:`steepest.plot` (minutes or gigabytes)."""
    from steepest import plot as figures
    from steepest.cli import UsageError
    from steepest.plot.animate import MAX_FPS

    bounds = (("--dpi", args.dpi, 1, figures.MAX_DPI, "100 is the default, 300 suits print"),
              ("--levels", args.levels, 2, figures.MAX_LEVELS, "the default draws about 15"),
              ("--arrows", args.arrows, 0, figures.MAX_ARROWS, "the default is 15; 0 for none"),
              ("--fps", args.fps, 1, MAX_FPS, "the default is 12"))
    for option, value, low, high, hint in bounds:
        if value is not None and not low <= value <= high:
            raise UsageError(f"{option} must be from {low} to {high}; got {value}\nhint: {hint}")


def _check_defined(g: Any, box: Any, text: str) -> None:
    """Refuse a box where f has no finite value on a grid (it lies outside f's domain)."""
    import numpy as np

    from steepest import plot as figures
    from steepest.cli import UsageError

    points = figures.grid(box, 101 if len(box) == 1 else 41)
    with np.errstate(all="ignore"):
        try:
            values = np.asarray(g.equation(*points), dtype=complex) * np.ones_like(points[0])
        except (ArithmeticError, TypeError, ValueError):
            return  # let the drawing report it
    if not (np.isfinite(values) & (values.imag == 0)).any():
        raise UsageError(
            f"f is not finite anywhere in the box {text}: {g.equation}"
            "\nhint: the box lies outside f's domain (a root or log of negative numbers, a "
            "division by zero); choose a --range where f is defined"
        )


# -- argument parsing ------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    """``1 step``, ``2 steps``: a number and its noun in agreement."""
    return f"{n} {noun}{'s' * (n != 1)}"


def _numbers(text: str, option: str) -> list[float]:
    from steepest.cli._options import real_number

    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        from steepest.cli import UsageError

        raise UsageError(f"{option} {text!r} has an empty value")
    return [real_number(p, option) for p in parts]


def _point(text: str, names: tuple[str, ...]) -> list[float]:
    from steepest.cli import UsageError

    if "=" in text:
        given = _assignments(text, "--from")
        if sorted(given) != sorted(names):
            raise UsageError(f"--from {text!r} does not match the variables ({', '.join(names)})"
                             f"\nhint: --from {','.join(n + '=1' for n in names)}")
        return [given[n] for n in names]
    values = _numbers(text, "--from")
    if len(values) != len(names):
        raise UsageError(
            f"--from {text!r} has {_count(len(values), 'coordinate')} but the equation has "
            f"{_count(len(names), 'variable')} ({', '.join(names)})"
            f"\nhint: --from {','.join('1' * len(names))}"
        )
    return values


def _assignments(text: str | None, option: str) -> dict[str, float]:
    if not text:
        return {}
    from steepest.cli import UsageError
    from steepest.cli._options import real_number

    result = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"{option} {text!r}: expected NAME=VALUE pairs\nhint: {option} z=0")
        if name.strip() in result:
            raise UsageError(f"{option} {text!r} gives {name.strip()} twice\nhint: give each "
                             "variable one value")
        result[name.strip()] = real_number(value.strip(), option)
    return result


def _fixed(text: str | None, names: tuple[str, ...]) -> dict[str, float]:
    """The values ``--fix`` holds, each naming a variable of f, and one or two left free."""
    from steepest.cli import UsageError

    fixed = _assignments(text, "--fix")
    unknown = [name for name in fixed if name not in names]
    if unknown:
        raise UsageError(f"--fix {text!r} names {', '.join(unknown)}, which f does not have; "
                         f"its variables are {', '.join(names)}\nhint: --fix {names[-1]}=0")
    if fixed and len(fixed) == len(names):
        raise UsageError(f"--fix {text!r} holds every variable of f, leaving none to draw"
                         "\nhint: hold all but one or two: --fix "
                         + ",".join(f"{n}=0" for n in names[2:] or names[1:]))
    return fixed


def _range(text: str, names: tuple[str, ...]) -> list[tuple[float, float]]:
    from steepest.cli import UsageError
    from steepest.cli._options import real_number

    pieces = [p.strip() for p in text.split(",")]
    if len(pieces) == 1:
        pieces = pieces * len(names)
    if len(pieces) != len(names):
        raise UsageError(
            f"--range {text!r} has {_count(len(pieces), 'range')} for "
            f"{_count(len(names), 'variable')} "
            f"({', '.join(names)})\nhint: --range " + ",".join(["-3:3"] * len(names))
        )
    box = []
    for piece in pieces:
        lo, _, hi = piece.partition(":")
        if piece.count(":") != 1:
            got = f"; got {piece!r}" if piece != text else ""
            raise UsageError(f"--range {text!r}: each range is LOW:HIGH, one colon between two "
                             f"numbers{got}\nhint: --range -3:3 for every axis, or "
                             "one per variable: --range -3:3,-2:2")
        low, high = real_number(lo, "--range"), real_number(hi, "--range")
        if not low < high:
            raise UsageError(f"--range {piece!r}: the low end must be below the high end")
        if max(abs(low), abs(high)) > MAX_BOUND or not math.isfinite(high - low):
            raise UsageError(f"--range {piece!r}: each end must lie within ±{MAX_BOUND:.0e}, "
                             "so that f can be computed across it\nhint: --range -3:3")
        box.append((low, high))
    return box
