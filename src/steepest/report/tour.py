"""The tour: the whole lesson in one run, from a typed gradient to a trained digit classifier.

:func:`run_tour` walks five steps in order (the gradient of x²·sin(y); its surface and
contour map; descent into a valley, ascent up a hill and a race of optimizers on
Rosenbrock's valley; the quadratic cost of one digit-classifier output; a classifier
trained on MNIST by gradient descent), writes every figure and an ``index.html`` report
into one folder, and returns a short summary. It only calls the library: each step is
what a user could type. It works offline: the full MNIST when it is at hand (``data_dir``,
``STEEPEST_DATA`` or the cache; it never downloads), else the bundled sample.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from steepest.report.page import Report, Section

__all__ = ["TourSummary", "run_tour"]

SEED_EQUATION = "x^2 sin(y)"
SEED_POINT = (1.0, 2.0)
#: Every file a tour writes: a folder holding nothing else may be replaced by a new tour.
TOUR_FILES = frozenset({
    "index.html", "surface.png", "contour.png", "descent.png", "descent.gif", "diverged.png",
    "ascent.png", "rosenbrock.png", "cost.png", "digits.png", "weights.png",
})
#: A learning rate too large for x² + 3y² (steps beyond 2/6 overshoot along y and grow).
TOO_LARGE = 0.4


@dataclass
class TourSummary:
    """What the tour did: where its report is, and one line per step."""

    folder: Path
    report: Path
    lines: list[str] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def run_tour(
    out: str | Path = "steepest-tour",
    *,
    quick: bool = False,
    data_dir: str | Path | None = None,
    echo: Callable[[str], Any] | None = print,
    seed: int = 0,
) -> TourSummary:
    """Run the tour and write its report and figures into ``out``.

    Parameters
    ----------
    out
        The output folder, created if needed. It is written whole: assembled beside it
        and moved into place at the end, so an interrupted tour leaves an earlier report
        as it was. An existing folder is replaced only if it holds nothing but a
        report's files (:data:`TOUR_FILES`), else an
        :class:`~steepest.errors.OutputError`.
    quick
        A shorter run (smaller grids, fewer steps, a short training on the sample).
    data_dir
        A folder with the four MNIST files; else ``STEEPEST_DATA`` or the cache, else
        the bundled sample. Nothing is downloaded.
    echo
        Where progress lines go (``None`` for silence).
    seed
        Seed of the network's initial weights and of the mini-batch order.

    Returns
    -------
    TourSummary
    """
    from steepest._files import replace_folder
    from steepest.plot import save_figure

    start = time.perf_counter()
    folder = Path(out)
    say = echo or (lambda line: None)
    report = Report(
        "The steepest tour",
        "Gradients, gradient descent and a digit classifier trained by gradient descent, "
        "computed by steepest. Every number and figure on this page was made by this run.",
    )
    summary = TourSummary(folder, folder / "index.html")

    def build(aside: Path) -> None:
        def figure(fig: Any, name: str) -> str:
            save_figure(fig, aside / name, dpi=90 if quick else 110)
            summary.figures.append(folder / name)
            return name

        def animation(f: Any, results: Any, name: str, box: Any, **options: Any) -> str:
            from steepest.plot import animate_descent

            animate_descent(f, results, aside / name, box, **options)
            summary.figures.append(folder / name)
            return name

        steps = [_gradient_step, _pictures_step, _descent_step, _cost_step, _digits_step,
                 _exercises_step]
        for number, step in enumerate(steps, 1):
            began = time.perf_counter()
            section, line = step(figure, quick=quick, data_dir=data_dir, seed=seed,
                                 animation=animation)
            section.title = f"{number}. {section.title}"
            report.add(section)
            summary.lines.append(f"{number}. {line}")
            say(f"{number}. {line}  ({time.perf_counter() - began:.1f} s)")
        report.write(aside)

    # assembled aside and moved into place whole: an interrupted tour leaves the old
    # report as it was; only a folder of an earlier tour's files is replaced
    replace_folder(folder, build, lambda entry: entry.is_file() and entry.name in TOUR_FILES)
    summary.seconds = time.perf_counter() - start
    return summary


# -- the steps ---------------------------------------------------------------------------


def _gradient_step(figure: Callable[..., str], **_: Any) -> tuple[Section, str]:
    import steepest

    g = steepest.gradient(SEED_EQUATION)
    evaluated = g.explain_at([1, 2])
    lines = [str(g.equation), str(g), ""]
    lines += [d.text(name=g.equation.name) for d in g.steps()]
    lines += ["", evaluated.text()]
    section = Section(
        "The gradient of f(x, y) = x²·sin(y)",
        [
            "The gradient collects the partial derivatives: how fast f changes along each "
            "variable while the others are held constant. Its direction is the direction "
            "of steepest ascent; its length is how steep that is.",
        ],
        text="\n".join(lines),
    )
    norm = evaluated.norm
    return section, f"{g}; at (1, 2) its length is {norm:.4g}"


def _pictures_step(figure: Callable[..., str], *, quick: bool, **_: Any) -> tuple[Section, str]:
    from steepest.plot import contour_map, surface

    box = [(-3.0, 3.0), (-3.0, 3.0)]
    names = [
        figure(surface(SEED_EQUATION, box, highlight=SEED_POINT,
                       resolution=30 if quick else 60), "surface.png"),
        figure(contour_map(SEED_EQUATION, box, resolution=100 if quick else 250,
                           arrows=12 if quick else 17), "contour.png"),
    ]
    section = Section(
        "Its graph and contour map",
        pairs=[
            ("On the surface, the red arrow at (1, 2) points up the steepest slope, and the "
             "black arrows show the steepest way up elsewhere: longer where the surface is "
             "steeper.", names[0], "the surface z = x²·sin(y) with steepest-ascent arrows"),
            ("On the contour map every arrow is the gradient: it crosses the contour lines "
             "at right angles, and its length is |∇f| (the key above the map gives the "
             "scale), so the arrows shrink where the map is flat, along the line x = 0 where "
             "every point is stationary.", names[1],
             "contour map of x²·sin(y) with its gradient field"),
        ],
    )
    return section, "surface and contour map with the gradient field drawn"


def _descent_step(figure: Callable[..., str], *, quick: bool, animation: Callable[..., str],
                  **_: Any) -> tuple[Section, str]:
    import re

    import steepest
    from steepest.descent.testfunctions import surface as test_surface
    from steepest.plot import compare_optimizers, plot_paths, plot_result

    bowl, box = "x^2 + 3y^2", [(-2.5, 2.5), (-2.5, 2.5)]
    valley = steepest.minimize(bowl, [2.0, 1.0], learning_rate=0.1)
    wild = steepest.minimize(bowl, [2.0, 1.0], learning_rate=TOO_LARGE)
    suggested = re.search(r"try (\d[\d.e+-]*)$", wild.message)
    rate = float(suggested.group(1)) if suggested else 0.1
    tamed = steepest.minimize(bowl, [2.0, 1.0], learning_rate=rate)
    hill = steepest.maximize("-(x-1)^2 - (y+2)^2 + 5", [0.0, 0.0], learning_rate=0.1)
    rosenbrock = test_surface("rosenbrock")
    budget = 300 if quick else 3000
    names = [
        animation(bowl, valley, "descent.gif", box, fps=6, max_frames=25 if quick else 40,
                  dpi=72 if quick else 90, arrows=10),
        figure(plot_result({f"learning rate {TOO_LARGE:g}": wild}, bowl, box),
               "diverged.png"),
        figure(plot_paths("-(x-1)^2 - (y+2)^2 + 5", hill), "ascent.png"),
        figure(
            compare_optimizers(
                rosenbrock.text, rosenbrock.start, ("gd", "momentum", "nesterov", "adam"),
                learning_rate={"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adam": 0.05},
                # the part of the valley the paths cross, so the four stay apart
                max_iter=budget, bounds=[(-1.5, 1.5), (-0.5, 1.5)], arrows=12,
            ),
            "rosenbrock.png",
        ),
    ]
    figure(plot_paths(bowl, valley, box), "descent.png")  # a still of the same, for print
    section = Section(
        "Gradient descent and ascent",
        pairs=[
            ("Descent: compute the gradient, take a small step against it, repeat until "
             "the gradient is (nearly) zero. Here from (2, 1) on x² + 3y², learning rate "
             f"0.1:\n\n{_result_line(valley)}", names[0],
             "descent into the valley of x² + 3y², step by step"),
            (f"The most common beginner's mistake: a learning rate too large. With "
             f"{TOO_LARGE:g} each step overshoots the valley's floor further than the last, "
             f"and steepest stops and says so:\n\n{wild.status}: {wild.message}\n\n"
             f"With the suggested {rate:g}: {_result_line(tamed)}", names[1],
             f"learning rate {TOO_LARGE:g} on x² + 3y²: each step jumps across the valley "
             "(up and down, near x = 0), further than the last, and the value grows"),
            ("Ascent is the same loop on −f: from (0, 0) up the hill "
             f"−(x − 1)² − (y + 2)² + 5, learning rate 0.1:\n\n{_result_line(hill)}",
             names[2], "ascent to the top of −(x − 1)² − (y + 2)² + 5"),
            ("Rosenbrock's function has a long curved valley: plain steps crawl along it, "
             "momentum and Adam get further in the same number of steps. Each optimizer has "
             "its own colour, line style and marker, the same on the map and in the value "
             "plot; where paths run together the wider one shows on both sides of the "
             "narrower one drawn on top.", names[3],
             f"four optimizers on Rosenbrock's valley, {budget} steps each"),
        ],
        wide={names[1], names[3]},
    )
    line = (f"descent reached ({_point(valley.x)}) in {valley.iterations} steps; "
            f"learning rate {TOO_LARGE:g} diverged, {rate:g} reached ({_point(tamed.x)}); "
            f"ascent reached ({_point(hill.x)}) in {hill.iterations} steps")
    return section, line


def _cost_step(figure: Callable[..., str], *, seed: int, **_: Any) -> tuple[Section, str]:
    from steepest import quadratic_cost

    expected = np.zeros(10)
    expected[3] = 1.0
    predicted = np.array([0.43, 0.28, 0.19, 0.88, 0.72, 0.01, 0.64, 0.86, 0.99, 0.63])
    cost = float(quadratic_cost(expected, predicted))
    rows = ["digit  expected  predicted  (expected − predicted)²"]
    for digit, (e, p) in enumerate(zip(expected, predicted, strict=True)):
        rows.append(f"{digit:>5}  {e:>8.2f}  {p:>9.2f}  {(e - p) ** 2:>12.4f}")
    rows.append(f"{'':>5}  {'':>8}  {'sum':>9}  {cost:>12.4f}")
    section = Section(
        "The cost of one digit classifier output",
        [
            "A digit classifier answers with ten numbers, one per digit. For a picture of "
            "a 3 the expected answer is 1 for '3' and 0 elsewhere. The quadratic cost adds "
            "up the squared differences: large when the network is confidently wrong, 0 "
            "when it is exactly right. Training means making its average over all "
            "training pictures small, by gradient descent on every weight and bias.",
        ],
        text="\n".join(rows),
    )
    return section, f"quadratic cost of a wrong answer to a '3': {cost:.4f}"


def _digits_step(
    figure: Callable[..., str], *, quick: bool, data_dir: Any, seed: int, **_: Any
) -> tuple[Section, str]:
    from steepest.nn.evaluation import evaluate
    from steepest.nn.presets import PRESETS
    from steepest.plot import plot_digits, plot_history, plot_weights

    data, source = _digits_data(data_dir)
    (x, y), (xt, yt) = data.train, data.test
    if quick:  # as many images as the bundled sample holds
        x, y = x[:5000], y[:5000]
        xt, yt = xt[:1000], yt[:1000]
    which = f"{source} ({len(x):,} training, {len(xt):,} test images)"
    setup = PRESETS["quick"]  # the setup for watching a network learn: seconds on MNIST
    network, history = setup.run((x, y), test=(xt, yt), seed=seed)
    result = evaluate(network, xt, yt)
    names = [
        figure(plot_history(history), "cost.png"),
        figure(plot_digits(xt[:40], result.predictions[:40], yt[:40]), "digits.png"),
        figure(plot_weights(network, count=30), "weights.png"),
    ]
    seconds = sum(history.seconds)
    lines = [history.line(i) for i in range(history.epochs)]
    lines += ["", result.report()]
    hidden = setup.hidden[0]
    section = Section(
        "A digit classifier trained by gradient descent",
        [
            f"Data: {which}. A network with 784 inputs (one per pixel), {hidden} hidden "
            f"{setup.activation} neurons and 10 softmax outputs, trained for {setup.epochs} "
            f"epochs by Adam, a gradient descent that scales each weight's step by its own "
            f"history (mini-batches of {setup.batch_size}, learning rate "
            f"{setup.learning_rate:g} falling along a cosine to 0), on the cross-entropy "
            f"cost with label smoothing {setup.label_smoothing:g}: steepest's quick setup "
            "(`steepest train --quick`). Backpropagation gives the gradient, the same "
            "optimizer code as above takes the step. The quadratic cost of the step before "
            "trains too, more slowly: `steepest train --preset nielsen` is Nielsen's "
            "784-30-10 network on it.",
        ],
        text="\n".join(lines),
        figures=[(names[0], "cost and test accuracy, epoch by epoch"),
                 (names[1], "test digits with the network's answers (wrong ones marked)"),
                 (names[2], f"what 30 of the {hidden} hidden neurons look for: their 784 "
                            "input weights")],
    )
    line = (f"digit classifier on {which}: {result.accuracy:.1%} test accuracy after "
            f"{setup.epochs} epochs ({seconds:.2f} s of training)")
    return section, line


def _exercises_step(figure: Callable[..., str], **_: Any) -> tuple[Section, str]:
    from steepest.check.exercises import EXERCISES

    section = Section(
        "Your turn: the exercises",
        ["Each exercise of the lesson, and the command that checks your answer "
         "(`steepest exercises N` prints the full statement and a file to start from)."],
        exercises=[(f"{e.number}. {e.title}", e.prompt, e.check) for e in EXERCISES],
    )
    return section, f"{len(EXERCISES)} exercises, each with the command that checks it"


# -- helpers -----------------------------------------------------------------------------


def _digits_data(data_dir: Any) -> tuple[Any, str]:
    """The full MNIST when it is at hand without downloading, else the bundled sample."""
    from steepest.data.mnist import load_mnist, load_mnist_sample
    from steepest.errors import DataError

    try:
        data = load_mnist(data_dir, download=False)
    except DataError:
        if data_dir is not None:
            raise
        return load_mnist_sample(), "the MNIST sample bundled with steepest"
    return data, f"the full MNIST from {data.source}"


def _result_line(result: Any) -> str:
    return (f"{result.status} at ({_point(result.x)}), f = {result.value:.6g}, "
            f"{result.iterations} steps: {result.message}")


def _point(x: Any) -> str:
    return ", ".join(f"{v:.4g}" for v in np.asarray(x, dtype=float))
