"""Test cases for a learner's function, their results, and the report a check returns.

A :class:`Case` is one call: named inputs, the expected answer, and what the case is
about. :func:`run_battery` runs a learner's function on a list of cases (through
:mod:`steepest.check._sandbox`, so with a time limit) and compares each result with a
comparison function the exercise gives. The :class:`CodeCheck` report lists every case
with ✓ or ✗ and explains the first one that went wrong: its inputs, the expected and the
received value, or the learner's traceback. Left out: the cases themselves (each
exercise's module builds its own) and re-running cases after a call that timed out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from steepest.check._sandbox import Outcome, Target, Unusual, parse_target, run_calls

__all__ = ["Case", "CaseResult", "CodeCheck", "as_array", "plain_data", "run_battery", "show"]

#: compare(case, received) -> None when right, else a sentence saying what is wrong
Compare = Callable[["Case", Any], "str | None"]


@dataclass(frozen=True)
class Case:
    """One call of the learner's function.

    Attributes
    ----------
    name
        A short name (``"a perfect prediction"``).
    inputs
        The arguments by name, in call order.
    expected
        The answer the reference gives.
    about
        What this case checks, in a few words; shown when it fails.
    """

    name: str
    inputs: dict[str, Any]
    expected: Any
    about: str = ""


@dataclass(frozen=True)
class CaseResult:
    """How the learner's function did on one :class:`Case`."""

    case: Case
    outcome: Outcome
    problem: str | None

    @property
    def ok(self) -> bool:
        """Whether the function gave the expected answer."""
        return self.problem is None


@dataclass(frozen=True)
class CodeCheck:
    """The report of checking a learner's function on a battery of cases.

    Attributes
    ----------
    exercise
        The exercise's name (``"cost"``).
    target
        The function checked, as given (``"answer.py:cost"``) or its ``__name__``.
    results
        One per case run, in order.
    not_run
        Cases not run because an earlier call timed out, ended its process, or sent
        something that could not be read.
    """

    exercise: str
    target: str
    results: tuple[CaseResult, ...]
    not_run: tuple[Case, ...] = ()

    @property
    def correct(self) -> bool:
        """True when every case was run and right."""
        return not self.not_run and all(r.ok for r in self.results)

    @property
    def first_wrong(self) -> CaseResult | None:
        """The first case that went wrong, or None."""
        return next((r for r in self.results if not r.ok), None)

    def __str__(self) -> str:
        lines = []
        for r in self.results:
            lines.append(f"  {'✓' if r.ok else '✗'} {r.case.name}")
        lines += [f"  · {c.name} (not run)" for c in self.not_run]
        right = sum(r.ok for r in self.results)
        total = len(self.results) + len(self.not_run)
        head = f"{self.exercise}: {self.target}: {right} of {total} cases right"
        if self.first_wrong is None:
            return "\n".join([head, *lines, "All right."])
        # the first wrong case of each part ("step: …", "loop: …") is explained
        explained: dict[str, CaseResult] = {}
        for r in self.results:
            part = r.case.name.partition(": ")[0] if ": " in r.case.name else ""
            if not r.ok and part not in explained:
                explained[part] = r
        for r in explained.values():
            lines += ["", *_explain(r)]
        return "\n".join([head, *lines])

    def __repr__(self) -> str:
        right = sum(r.ok for r in self.results)
        total = len(self.results) + len(self.not_run)
        return f"<CodeCheck {self.exercise} {self.target}: {right}/{total} right>"

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data for JSON: every case with its inputs, the right
        answer, what came back (a value, the learner's traceback, a time-out, the end of
        its process, or a message that could not be read) and what is wrong with it;
        numbers as numbers, NaN and infinities as text."""
        cases = []
        for r in self.results:
            outcome = r.outcome
            cases.append({
                "name": r.case.name, "ok": r.ok, "about": r.case.about,
                "inputs": {k: plain_data(v) for k, v in r.case.inputs.items()},
                "expected": plain_data(r.case.expected),
                "received": plain_data(outcome.value) if outcome.returned else None,
                "error": outcome.error, "timed_out": outcome.timed_out,
                "ended": outcome.ended, "unreadable": outcome.unreadable,
                "problem": r.problem,
            })  # fmt: skip
        return {"exercise": self.exercise, "target": self.target, "correct": self.correct,
                "cases": cases, "not_run": [c.name for c in self.not_run]}  # fmt: skip


def _explain(result: CaseResult) -> list[str]:
    case = result.case
    about = f" ({case.about})" if case.about else ""
    lines = [f"First wrong case: {case.name}{about}", "  inputs:"]
    lines += [f"    {name} = {show(value)}" for name, value in case.inputs.items()]
    lines.append(f"  right answer: {show(case.expected)}")
    outcome = result.outcome
    if outcome.returned:
        lines.append(f"  yours:        {show(outcome.value)}")
    lines.append(f"  {result.problem}")
    if outcome.error:
        lines.append("  your code raised:")
        lines += ["    " + line for line in outcome.error.splitlines()]
    return lines


def show(value: Any) -> str:
    """A value as the report prints it: arrays on one line, 6 significant digits.

    Examples
    --------
    >>> show(np.array([0.5, 1 / 3]))
    'array([0.5, 0.333333])'
    >>> show(0.1 + 0.2)
    '0.3'
    >>> show(np.array([0.0, 1.0]))
    'array([0., 1.])'
    """
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return show(value.item())
        text = np.array2string(
            value, separator=", ", max_line_width=10_000, threshold=200,
            formatter={"float_kind": _number},
        )
        return f"array({' '.join(text.split())})"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, Unusual):
        return str(value)
    return repr(value)


def plain_data(value: Any) -> Any:
    """``value`` as JSON can hold it: arrays as nested lists, NumPy numbers as Python
    numbers, NaN and infinities as the text ``"nan"``, ``"inf"``, ``"-inf"`` (JSON has no
    such numbers), anything else (a function, an unusual return value) as its text.

    Examples
    --------
    >>> plain_data(np.array([[0.5, np.nan]]))
    [[0.5, 'nan']]
    >>> plain_data(np.int64(3)), plain_data(True), plain_data(None)
    (3, True, None)
    """
    if isinstance(value, np.ndarray):
        return plain_data(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if np.isfinite(number) else str(number)
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _number(value: float) -> str:
    """A float with 6 significant digits that still reads as a float: ``1.``, ``0.25``."""
    text = f"{value:.6g}"
    return text if any(c in text for c in ".ein") else text + "."


def run_battery(
    exercise: str,
    function: str | Target | Callable[..., Any],
    cases: Sequence[Case],
    compare: Compare,
    *,
    timeout: float,
    default_name: str,
    changes_inputs: str | None = None,
) -> CodeCheck:
    """Run ``function`` on every case and compare each result.

    Parameters
    ----------
    exercise
        The exercise's name, for the report.
    function
        A target (``"answer.py:cost"``) or a Python callable.
    cases
        The battery.
    compare
        ``compare(case, received) -> None | str``: None when right, else what is wrong.
    timeout
        Seconds allowed for each call (and for importing the target).
    default_name
        The function's name when a target names none.
    changes_inputs
        If given, changing an array argument in place is wrong, and this is the reason
        shown (e.g. "a cost function should only read its arguments").
    """
    outcomes = run_calls(
        function, [tuple(c.inputs.values()) for c in cases], timeout=timeout,
        default_name=default_name,
    )
    names = [list(c.inputs) for c in cases]
    results = []
    for case, outcome, argnames in zip(cases, outcomes, names, strict=False):
        results.append(CaseResult(case, outcome, _problem(case, outcome, compare, argnames,
                                                          timeout, changes_inputs)))
    if isinstance(function, str):
        label = str(parse_target(function, default_name))
    elif isinstance(function, Target):
        label = str(function)
    else:
        label = getattr(function, "__name__", repr(function))
    return CodeCheck(exercise, label, tuple(results), tuple(cases[len(outcomes):]))


def _problem(
    case: Case, outcome: Outcome, compare: Compare, argnames: list[str], timeout: float,
    changes_inputs: str | None,
) -> str | None:
    if outcome.timed_out:
        return (f"your function did not return within {timeout:g} s: is there a loop that "
                "never ends? (the remaining cases were not run)")
    if outcome.ended is not None:
        return outcome.ended
    if outcome.unreadable is not None:
        return outcome.unreadable + " (the remaining cases were not run)"
    if outcome.error is not None:
        return "your function raised an exception instead of returning an answer"
    problem = compare(case, outcome.value)
    if problem is None and changes_inputs and outcome.mutated:
        changed = ", ".join(argnames[i] for i in outcome.mutated)
        return (f"the answer is right, but your function changed {changed} in place; "
                f"{changes_inputs}")
    return problem


def as_array(received: Any, what: str) -> np.ndarray | str:
    """``received`` as a float array, or a sentence saying why it cannot be one."""
    problem = f"your function returned {show(received)} where {what} was expected"
    if isinstance(received, Unusual) or received is None or isinstance(received, str):
        return problem
    try:
        return np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return problem
