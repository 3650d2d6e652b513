"""Option values that several commands read the same way (not a command itself).

What it leaves out: options that only one command has, and everything after parsing
(the commands call the library).
"""

from __future__ import annotations

import argparse
import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from steepest.calculus.gradients import Gradient
    from steepest.descent.optimizers import Optimizer
    from steepest.nn import Network

__all__ = [
    "NEGATIVE_VALUE",
    "accept_negative_values",
    "check_data_dir",
    "check_max_iter",
    "check_positive",
    "check_start",
    "cli_words",
    "digit_network",
    "gradient_of",
    "optimizer_from",
    "real_number",
    "variable_names",
]

# library parameter names -> the options that set them on the command line
_FLAGS = {"max_iter": "--max-iter", "learning_rate": "--lr", "tol": "--tol",
          "optimizer": "--optimizer"}

#: Values such as "-1,2", "-3:3,-3:3" or "-pi/4,1" start with a minus sign but are not options.
NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|pi|e\b)")


def accept_negative_values(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Let an option take a value that starts with a minus sign: ``--from -1,2``.

    argparse takes ``-1,2`` for an option (it only knows plain negative numbers such as
    ``-1``); this widens its test of "a negative number" to :data:`NEGATIVE_VALUE`. Safe
    as long as the parser has no option that itself starts with a digit or ``pi``.

    Examples
    --------
    >>> parser = accept_negative_values(argparse.ArgumentParser())
    >>> _ = parser.add_argument("--from", dest="start")
    >>> parser.parse_args(["--from", "-1,2"]).start
    '-1,2'
    """
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = NEGATIVE_VALUE
    return parser


def variable_names(text: str | None) -> list[str] | None:
    """The names given to ``--vars`` (``"x, y"`` -> ``['x', 'y']``), or None without it.

    Examples
    --------
    >>> variable_names("y, x,"), variable_names(None)
    (['y', 'x'], None)
    """
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def gradient_of(equation: str, names: str | None) -> Gradient:
    """The gradient of the equation typed, its variables in the order ``--vars`` gives;
    a problem with ``--vars`` named in the option's words (not ``variables=[...]``)."""
    from steepest.calculus.gradients import gradient
    from steepest.cli import UsageError
    from steepest.errors import EquationError

    given = variable_names(names)
    try:
        return gradient(equation, given)
    except EquationError as error:
        if given is None:
            raise
        message = str(error)
        if message.startswith("variables: "):  # a name given to --vars: no caret to show
            first = message.splitlines()[0].removeprefix("variables: ")
            hint = f"\nhint: {error.hint}" if error.hint else ""
            raise UsageError(f"--vars {names}: {first}{hint}") from None
        message = re.sub(r"given as variables=\[[^\]]*\]", f"given by --vars {names}", message)
        raise UsageError(re.sub(r"variables=\[[^\]]*\]", f"--vars {names}", message)) from None


def check_max_iter(value: int) -> int:
    """``--max-iter`` if a descent can take that many steps, else a UsageError."""
    from steepest.cli import UsageError
    from steepest.descent.run import MAX_ITER_LIMIT

    if value < 0:
        raise UsageError(f"--max-iter must be 0 or more, got {value}")
    if value > MAX_ITER_LIMIT:
        raise UsageError(f"--max-iter must be at most {MAX_ITER_LIMIT:,} (every point of the "
                         f"path is kept), got {value:,}\nhint: a run that needs more "
                         "steps needs a larger --lr or another --optimizer")
    return value


def check_positive(value: float, option: str, *, zero: bool = False) -> float:
    """``value`` if it is a positive finite number (or 0 with ``zero``), else a UsageError
    in the user's words: ``--lr must be a positive number, got -0.1``."""
    from steepest.cli import UsageError

    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        expected = "0 or a positive number" if zero else "a positive number"
        raise UsageError(f"{option} must be {expected}, got {value:g}")
    return value


def real_number(text: str, option: str, *, exact: bool = False) -> Any:
    """A finite real number written as a number or with constants (``2``, ``-1.5``,
    ``pi/2``), as a float (or, with ``exact``, the exact SymPy number); anything else is
    a UsageError in the option's words.

    Examples
    --------
    >>> real_number("pi/2", "--at"), real_number("1/3", "--at", exact=True)
    (1.5707963267948966, 1/3)
    >>> real_number("abc", "--at")
    Traceback (most recent call last):
    ...
    steepest.cli.UsageError: --at: 'abc' is not a finite real number
    hint: write 2, -1.5 or pi/2
    """
    from steepest.cli import UsageError
    from steepest.equation import parse
    from steepest.errors import SteepestError

    hint = "\nhint: write 2, -1.5 or pi/2"
    shown = repr(text) if len(text) <= 40 else repr(text[:37]) + "…"
    try:
        expr = parse(text, variables=[]).expr
    except SteepestError as error:
        if str(error).startswith("unknown variable"):  # letters: a name, not a number
            raise UsageError(f"{option}: {shown} is not a finite real number{hint}") from None
        raise UsageError(f"{option}: {error}") from None  # the parser's reason and caret
    try:
        value = complex(expr.evalf())
    except TypeError:
        value = complex("nan")
    real = expr.is_real and expr.is_finite if exact else (
        value.imag == 0 and math.isfinite(value.real))
    if not real:
        raise UsageError(f"{option}: {shown} is not a finite real number{hint}")
    return expr if exact else value.real


def check_data_dir(text: str, *, sample: bool, variable: bool = False) -> None:
    """Refuse a ``--data-dir`` that is not a folder holding the four MNIST files, at once
    (before a command trains, scores or serves), in the option's words.

    ``sample`` says whether the command has ``--sample`` for the hint; ``variable``, that
    the folder came from the environment variable ``STEEPEST_DATA`` instead.
    """
    from pathlib import Path

    from steepest.cli import UsageError
    from steepest.data.mnist import ENV_VAR, FILES, missing_files

    files = f"the four MNIST files ({', '.join(FILES)}; each may be uncompressed)"
    if variable:
        said = f"{ENV_VAR}={text} (the environment variable)"
        hint = (f"\nhint: point {ENV_VAR} at the folder that holds {files}, or unset it"
                + (", or add --sample to use the digits bundled with steepest" if sample
                   else ""))
    else:
        said = f"--data-dir {text}"
        other = ("or add --sample to use the 5,000 + 1,000 digits bundled with steepest"
                 if sample else "or leave out --data-dir to use the digits bundled with "
                 "steepest")
        hint = f"\nhint: name the folder that holds {files}, {other}"
    folder = Path(text).expanduser()
    if not folder.exists():
        raise UsageError(f"{said}: no such folder{hint}")
    if not folder.is_dir():
        raise UsageError(f"{said}: is a file, not a folder{hint}")
    missing = missing_files(folder)
    if len(missing) == len(FILES):
        raise UsageError(f"{said}: none of the four MNIST files is there{hint}")
    if missing:
        raise UsageError(f"{said}: {len(missing)} of the four MNIST files "
                         f"{'is' if len(missing) == 1 else 'are'} missing: "
                         f"{', '.join(missing)}{hint}")


def check_start(g: Any, start: list[float], option: str, text: str) -> None:
    """Refuse a start where descent cannot begin, in one line: outside f's domain (naming
    the piece of f that breaks there and what it needs), or where ∇f is not defined.
    ``option`` and ``text`` are the option and the value the user typed.

    A run that leaves the domain later is the descent's to report (``diverged``); a start
    outside it is bad input.
    """
    import numpy as np

    from steepest.calculus.domain import why_undefined
    from steepest.cli import UsageError
    from steepest.equation.printing import symbol_text
    from steepest.errors import GradientError

    names = [symbol_text(n) for n in g.names]
    at = (f"{names[0]} = {start[0]:g}" if len(names) == 1 else
          f"({', '.join(names)}) = ({', '.join(f'{c:g}' for c in start)})")
    given = f"{option} {text}: the start {at}"
    with np.errstate(all="ignore"):
        value, grad = g.value_and_grad(np.array(start, dtype=float))
    value, grad = complex(value), np.asarray(grad, dtype=complex)
    if value.imag != 0 or not math.isfinite(value.real):
        why = why_undefined(g.equation.expr, g.variables, start)
        if why is not None:
            raise UsageError(f"{given} is outside the domain of {g.equation}: {why}"
                             "\nhint: start where f is defined")
        what = ("is too large for floating point numbers there" if math.isinf(value.real)
                else "has no finite value there")
        raise UsageError(f"{given}: {g.equation.name} {what} ({g.equation.name} = "
                         f"{value.real if value.imag == 0 else value:g})\nhint: start where "
                         f"{g.equation.name} is defined and smaller")
    if np.all(np.isfinite(grad.real) & (grad.imag == 0)):
        return
    try:
        g.explain_at(start)
        reason = "it is too large for floating point numbers there"
    except GradientError as error:
        reason = str(error).splitlines()[0].replace(" at this point", "")
    raise UsageError(f"{given} has no gradient: {reason}\nhint: start at a point next to it")


def cli_words(message: str) -> str:
    """A library message with its hints in command-line words.

    Examples
    --------
    >>> cli_words("stopped after max_iter=5 steps; hint: raise max_iter, or try another "
    ...           "learning_rate or optimizer")
    'stopped after 5 steps; hint: raise --max-iter, or try another --lr or --optimizer'
    >>> cli_words("the step size 5 is too large for this function: ...; try 0.5")
    'the step size 5 is too large for this function: ...; try --lr 0.5'
    >>> cli_words("a step 10 times smaller stays inside: try learning_rate 0.3 (but ...)")
    'a step 10 times smaller stays inside: try --lr 0.3 (but ...)'
    """
    message = re.sub(r"\bmax_iter=(\d+) steps",
                     lambda m: f"{m[1]} step{'s' * (m[1] != '1')}", message)
    head, sep, hint = message.partition("hint:")
    if sep:
        hint = re.sub(r"\b(" + "|".join(_FLAGS) + r")\b", lambda m: _FLAGS[m[1]], hint)
        message = head + sep + hint
    message = re.sub(r"\btry learning_rate (?=\d)", "try --lr ", message)
    return re.sub(r"; try (\d[\d.e+-]*)$", r"; try --lr \1", message)


def optimizer_from(
    name: str, learning_rate: float | None, *, default: float | None = None, schedule: Any = None
) -> Optimizer:
    """The optimizer that ``--optimizer NAME`` and ``--lr RATE`` ask for.

    The one route from the flags to an optimizer, for ``descend``, ``ascend``, ``plot`` and
    ``train``. Without ``--lr`` (``learning_rate`` None): ``default``, the named default of
    the command's world (:data:`steepest.descent.EQUATION_LEARNING_RATE` for an equation),
    or else the optimizer's own default. A bad value raises the library's
    :class:`~steepest.errors.OptimizerError`, which the CLI prints as one line.
    """
    from steepest.descent.optimizers import make_optimizer

    if learning_rate is not None:  # in the user's words, before the library's
        check_positive(learning_rate, "--lr")
    rate = default if learning_rate is None else learning_rate
    return make_optimizer(name, rate, **({} if schedule is None else {"schedule": schedule}))


def digit_network(path: str) -> Network:
    """The network saved in ``path``, refused in one line unless it reads MNIST digits:
    784 inputs (28 × 28 pixels) and 10 outputs (one per digit)."""
    from steepest.errors import NetworkError
    from steepest.nn import Network

    network = Network.load(path)
    inputs, outputs = network.sizes[0], network.sizes[-1]
    if (inputs, outputs) != (784, 10):
        shape = "-".join(str(size) for size in network.sizes)
        raise NetworkError(
            f"{path} holds a {shape} network ({inputs} input{'s' * (inputs != 1)}, "
            f"{outputs} output{'s' * (outputs != 1)}); reading digits needs 784 inputs "
            "(28 × 28 pixels) and 10 outputs (one per digit), as 'steepest train' makes"
        )
    return network
