"""``steepest train``: train a digit classifier on MNIST and save it.

Three setups are built in, from the one table :data:`steepest.nn.presets.PRESETS`. The
default is the best this package ships: 784-512-512-10 with ReLU hidden neurons, a softmax
output and the cross-entropy cost with label smoothing 0.1, trained by Adam (learning rate
0.002 falling along a cosine to 0, mini-batches of 256) for 10 epochs. ``--quick`` is a
smaller setup to watch learn (784-128-10, 8 epochs of 128). ``--nielsen`` is the setup of
Nielsen's book, chapter 1: 784-30-10, sigmoid neurons, the quadratic cost, plain gradient
descent with learning rate 3.0 on mini-batches of 10; ``--cost quadratic`` also starts from
it, so that the command of the book's chapter 1 (``--hidden 30 --batch 10 --lr 3.0 --cost
quadratic``) means what it says there. Any flag given overrides the setup's value.

Measured on the full MNIST (2-core AMD EPYC, busy with other work; ``docs/training.md``
and ``benchmarks/bench_accuracy.py`` have the figures): the default ends at 98.61%,
98.77% and 98.78% for seeds 0, 1 and 2, passing 98.5% in its third or fourth epoch.

The test split is scored after every epoch (as Nielsen does; there is no validation
split); the file written holds the weights after the last epoch. Left out: resuming a
run, validation splits, and data other than MNIST.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path
from typing import Any

HELP = "train a digit classifier on MNIST and save it"

#: The names in steepest.nn.presets.PRESETS and SCHEDULE_SHAPES, written out so that
#: building the command line imports no network code (a test keeps them equal)
PRESET_NAMES = ("default", "quick", "nielsen")
SCHEDULE_SHAPES = ("constant", "exponential", "cosine")
#: The command's flags for the settings of a preset (steepest.nn.presets.Preset's fields)
FLAGS = {
    "hidden": "hidden", "activation": "activation", "cost": "cost", "optimizer": "optimizer",
    "lr": "learning_rate", "schedule": "schedule", "lr_decay": "lr_decay", "batch": "batch_size",
    "epochs": "epochs", "label_smoothing": "label_smoothing",
}

#: The pixels of an MNIST image, the network's inputs.
INPUTS = 784
#: The largest network ``train`` builds: 10^8 parameters, 0.8 GB in float64, and the
#: optimizer and gradient hold copies; far beyond what MNIST needs.
MAX_PARAMETERS = 10**8

EPILOG = """setups (steepest.nn.presets.PRESETS):
  default     784-512-512-10, ReLU, softmax output, cross-entropy cost with label
              smoothing 0.1, Adam at 0.002 falling along a cosine to 0, mini-batch
              256, 10 epochs (measured: 98.61-98.78% at the end, seeds 0-2)
  --quick     784-128-10, ReLU, the same cost and optimizer at 0.004, mini-batch
              128, 8 epochs: to watch it learn (about 98% in a few seconds)
  --nielsen   784-30-10, sigmoid, quadratic cost, gradient descent at 3.0,
              mini-batch 10, 30 epochs (Nielsen reports 95.42%);
              --cost quadratic also starts from this setup
  any flag overrides the setup's value; an --optimizer other than the setup's,
  without --lr, runs at that optimizer's own default learning rate.

data: --data-dir DIR, else the folder in $STEEPEST_DATA, else the user cache
(downloaded there once, about 11 MB); --sample trains on the 5,000 digits bundled
with steepest (no download).

examples:
  steepest train --sample --quick --out small.npz
  steepest train --nielsen --out nielsen.npz
  steepest train --hidden 30 --epochs 30 --batch 10 --lr 3.0 --cost quadratic \\
      --out model.npz   (Nielsen's setup, spelled out)
  steepest train --hidden 16,16 --schedule exponential --lr-decay 0.05 --plot curves.png
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``train`` command."""
    parser = subparsers.add_parser(
        "train", help=HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a network on the MNIST digits, show its progress, save it.",
    )
    net = parser.add_argument_group("network and training (default: the shipped best setup)")
    setup = net.add_mutually_exclusive_group()
    setup.add_argument("--preset", choices=PRESET_NAMES, help="the setup to start from")
    setup.add_argument("--quick", action="store_const", const="quick", dest="preset",
                       help="start from the quick setup (--preset quick)")
    setup.add_argument("--nielsen", action="store_const", const="nielsen", dest="preset",
                       help="start from Nielsen's setup (--preset nielsen; so does "
                            "--cost quadratic)")
    net.add_argument("--hidden", metavar="SIZES", help="hidden layer sizes: 30, or 16,16")
    net.add_argument("--activation", choices=("sigmoid", "tanh", "relu"),
                     help="the hidden neurons' activation")
    net.add_argument("--cost", choices=("quadratic", "cross-entropy"),
                     help="cross-entropy gives a softmax output layer, quadratic a sigmoid one")
    net.add_argument("--optimizer", choices=("gd", "momentum", "nesterov", "adagrad",
                                             "rmsprop", "adam"), help="the descent method")
    net.add_argument("--lr", type=float, metavar="RATE", help="the learning rate η")
    net.add_argument("--schedule", choices=SCHEDULE_SHAPES,
                     help="how the learning rate moves over the run")
    net.add_argument("--lr-decay", type=float, metavar="F",
                     help="the fraction of the learning rate left at the last step")
    net.add_argument("--label-smoothing", type=float, metavar="EPS",
                     help="train towards 1 - EPS + EPS/10 and EPS/10 instead of 1 and 0")
    net.add_argument("--batch", type=int, metavar="N", help="examples per mini-batch")
    net.add_argument("--epochs", type=int, metavar="N", help="passes over the training images")
    net.add_argument("--seed", type=int, help="seed for the initial weights and the shuffling")
    net.add_argument("--blas-threads", default="auto", metavar="N|auto",
                     help="threads for the matrix products: a count, or auto (the default: "
                          "time the first steps on one thread and on every idle core, keep "
                          "the faster); the summary says the count, which repeats a run")
    net.add_argument("--processes", default="auto", metavar="N|auto",
                     help="split each mini-batch between N processes, one a core, each on "
                          "one BLAS thread (Linux); auto (the default) times that too, "
                          "beside the thread counts, where the mini-batch is large enough")
    add_data_arguments(parser).add_argument(
        "--limit", type=int, metavar="N", help="train on the first N training images only")
    out = parser.add_argument_group("output")
    out.add_argument("--out", default="model.npz", metavar="FILE",
                     help="where to write the trained network (default: model.npz)")
    out.add_argument("--plot", metavar="FILE", help="write the learning curves (.png/.svg/.pdf)")
    out.add_argument("--record-path", action="store_true",
                     help="also store the path the weights took (at most 64 evenly spaced "
                          "snapshots, at most 32 MB) in the model file, for 'steepest "
                          "landscape'")
    out.add_argument("--quiet", action="store_true", help="no progress bar or epoch lines")
    return parser


def add_data_arguments(parser: argparse.ArgumentParser) -> Any:
    """``--data-dir`` and ``--sample``, shared by ``train`` and ``evaluate``; their group."""
    group = parser.add_argument_group("data")
    data = group.add_mutually_exclusive_group()
    data.add_argument("--data-dir", metavar="DIR",
                      help="a folder with the four MNIST .gz files (else $STEEPEST_DATA, "
                           "else the user cache, downloading once)")
    data.add_argument("--sample", action="store_true",
                      help="use the 5,000 + 1,000 digits bundled with steepest (no download)")
    return group


def load_data(args: argparse.Namespace) -> Any:
    """The MNIST set the arguments ask for; a missing set's error hints at ``--sample``."""
    from steepest.data import load_mnist, load_mnist_sample
    from steepest.data.mnist import ENV_VAR
    from steepest.errors import DataError

    if args.sample:
        return load_mnist_sample()
    folder = os.environ.get(ENV_VAR)
    if args.data_dir is None and folder:  # refused in the command line's words
        from steepest.cli._options import check_data_dir

        check_data_dir(folder, sample=True, variable=True)
    try:
        return load_mnist(args.data_dir)
    except DataError as error:
        first = str(error).splitlines()[0]
        if "could be reached (offline?)" in first:  # one line, and the remedy in flags
            raise DataError(
                f"{first}\nhint: add --sample to use the 5,000 training and 1,000 test "
                "digits bundled with steepest, or --data-dir DIR with the four MNIST files"
            ) from None
        raise DataError(
            f"{error}\nhint: add --sample to use the 5,000 training and 1,000 test digits "
            "bundled with steepest (no download needed)"
        ) from None


def _settings(args: argparse.Namespace) -> Any:
    """The preset, with every flag the user gave laid over it, checked."""
    from steepest.cli import UsageError
    from steepest.nn.presets import PRESETS

    name = args.preset or ("nielsen" if args.cost == "quadratic" else "default")
    preset = PRESETS[name]
    chosen = {flag: getattr(preset, field) for flag, field in FLAGS.items()}
    if args.optimizer is not None and args.lr is None and args.optimizer != preset.optimizer:
        chosen["lr"] = None  # the optimizer's own default, not the setup's
    for key in chosen:
        if getattr(args, key) is not None:
            chosen[key] = getattr(args, key)
    try:
        hidden = str(chosen["hidden"]).strip("()").split(",")
        chosen["hidden"] = tuple(int(s) for s in hidden if s.strip())
    except ValueError:
        chosen["hidden"] = None
    if not chosen["hidden"] or min(chosen["hidden"]) < 1:
        raise UsageError(f"--hidden must be sizes like 30 or 16,16; got {args.hidden!r}")
    for key, flag in (("batch", "--batch"), ("epochs", "--epochs")):
        if chosen[key] < 1:
            raise UsageError(f"{flag} must be at least 1; got {chosen[key]}")
    if chosen["lr"] is not None and not chosen["lr"] > 0:
        raise UsageError(f"--lr must be a positive number, got {chosen['lr']:g}")
    cosine = chosen["schedule"] == "cosine"
    if not (0 <= chosen["lr_decay"] <= 1 and (cosine or chosen["lr_decay"] > 0)):
        span = "[0, 1] for a cosine schedule" if cosine else "(0, 1] (1: constant)"
        raise UsageError(f"--lr-decay must lie in {span}; got {chosen['lr_decay']}")
    if not 0 <= chosen["label_smoothing"] < 1:
        raise UsageError(f"--label-smoothing must lie in [0, 1) (0: none; 0.1 is usual); "
                         f"got {chosen['label_smoothing']}")
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be at least 1; got {args.limit}")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer; got {args.seed}"
                         "\nhint: --seed 0")
    args.blas_threads = _count_or_auto(args.blas_threads, "--blas-threads")
    args.processes = _count_or_auto(args.processes, "--processes")
    sizes = [INPUTS, *chosen["hidden"], 10]
    count = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if count > MAX_PARAMETERS:
        raise UsageError(
            f"--hidden {args.hidden}: a {'-'.join(map(str, sizes))} network has {count:.3g} "
            f"parameters, more than the {MAX_PARAMETERS:.0e} allowed here (about "
            f"{MAX_PARAMETERS * 8 / 1e9:.1f} GB a copy)\nhint: a few hundred neurons a layer "
            "are plenty for MNIST: --hidden 300"
        )
    return preset.replace(**{FLAGS[key]: value for key, value in chosen.items()})


def _count_or_auto(value: object, flag: str) -> int | str:
    """``--blas-threads`` or ``--processes``: ``"auto"`` or a count from 1 to the cores this
    process may use."""
    from steepest.cli import UsageError
    from steepest.nn.blas import available_cores

    text, cores = str(value).strip(), available_cores()
    if text == "auto":
        return "auto"
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= cores:
        raise UsageError(f"{flag} must be auto or a whole number from 1 to {cores} "
                         f"(the cores here); got {text!r}")
    return count


def _check_processes(args: argparse.Namespace, batch_size: int) -> None:
    """``--processes`` against the mini-batch and ``--blas-threads``, before any training."""
    from steepest.cli import UsageError

    if args.processes == "auto" or args.processes == 1:
        return
    if args.processes > batch_size:
        what = (f"--batch {batch_size}" if args.batch is not None
                else f"the setup's mini-batch of {batch_size}")
        raise UsageError(f"--processes {args.processes} is more than {what}: each process "
                         "needs at least one example\nhint: --processes 1")
    if args.blas_threads not in ("auto", 1):
        raise UsageError(f"--processes {args.processes} runs every part of a mini-batch on "
                         f"one BLAS thread: --blas-threads must be 1 or auto with it, not "
                         f"{args.blas_threads}")


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse unusable output paths before training, not after."""
    from steepest.cli import UsageError

    for flag, value in (("--out", args.out), ("--plot", args.plot)):
        if value is not None and not Path(value).parent.is_dir():
            raise UsageError(f"{flag} {value}: the folder {Path(value).parent} does not exist")
        if value is not None and Path(value).is_dir():
            example = Path(value) / ("model.npz" if flag == "--out" else "curves.png")
            raise UsageError(f"{flag} {value}: is a folder; give a file name, e.g. "
                             f"{flag} {example}")
    if args.plot is not None:
        from steepest.plot import output_format

        output_format(args.plot)
    from steepest._files import check_writable

    for value in (args.out, args.plot):
        if value is not None:
            check_writable(value)  # an unwritable file found now, not after the training


def run(args: argparse.Namespace) -> int:
    """Run ``steepest train``."""
    import numpy as np

    from steepest.cli._options import optimizer_from
    from steepest.nn import train

    setup = _settings(args)
    _check_processes(args, setup.batch_size)
    _check_outputs(args)
    started = time.perf_counter()
    data = load_data(args)
    (x, y), test = data
    if args.limit is not None:
        x, y = x[: args.limit], y[: args.limit]
    if setup.batch_size > len(y):  # known only now that the data is; before any training
        from steepest.cli import UsageError

        what = (f"--batch {setup.batch_size}" if args.batch is not None
                else f"the setup's mini-batch of {setup.batch_size}")
        more = ", or a larger --limit" if args.limit else ""
        raise UsageError(f"{what} is larger than the {len(y):,} training images\nhint: "
                         f"--batch {min(len(y), 100)}{more}")
    seed = args.seed if args.seed is not None else int(np.random.SeedSequence().entropy % 2**31)
    rng = np.random.default_rng(seed)
    network = setup.network(x.shape[1], 10, seed=rng)
    steps = setup.epochs * -(-len(y) // setup.batch_size)
    optimizer = optimizer_from(setup.optimizer, setup.learning_rate,
                               schedule=setup.learning_rate_schedule(steps))

    source = "the sample bundled with steepest" if data.source == "sample" else data.source
    print(f"data: {len(y):,} training and {len(test.labels):,} test images from {source}")
    print(f"network: {'-'.join(map(str, network.sizes))}, {setup.activation} hidden, "
          f"{setup.output} output, {setup.cost} cost")
    epochs = setup.epochs
    print(f"training: {optimizer!r}{_describe(setup)}, mini-batch {setup.batch_size}, "
          f"{epochs} epoch{'s' * (epochs != 1)}, seed {seed}", flush=True)

    recorder = None
    if args.record_path:
        from steepest.nn.path import PathRecorder

        recorder = PathRecorder(network)
    history = train(network, (x, y), epochs=epochs, batch_size=setup.batch_size,
                    optimizer=optimizer, cost=setup.cost, test=tuple(test), seed=rng,
                    label_smoothing=setup.label_smoothing, progress=not args.quiet,
                    on_batch=recorder, blas_threads=args.blas_threads,
                    processes=args.processes)
    if history.diverged:
        what = (f"the cost became {history.cost[-1]}" if not np.isfinite(history.cost[-1])
                else "the weights or outputs became infinite or NaN")
        print(f"steepest: training diverged at epoch {history.epochs} ({what}); nothing "
              "was saved\nhint: try a smaller --lr", file=sys.stderr)
        return 1
    if history.epochs == 0:
        print("steepest: interrupted before the first epoch ended; nothing was saved",
              file=sys.stderr)
        return 130
    # the file says what it learned from, so that evaluate scores it on the same data
    network.save(args.out, trained_on="sample" if data.source == "sample" else "mnist",
                 extra=None if recorder is None else recorder.path().arrays())
    if args.plot is not None:
        from steepest.plot import save_figure
        from steepest.plot.digits import plot_history

        save_figure(plot_history(history), args.plot)
    _summary(history, time.perf_counter() - started, args, seed)
    return 130 if history.interrupted else 0


def _describe(setup: Any) -> str:
    """How the learning rate moves, and the label smoothing, for the ``training:`` line."""
    text = ""
    end = "0" if setup.lr_decay == 0 else f"{setup.lr_decay:g}× the first rate"
    if setup.schedule == "cosine":
        text = f", falling along a cosine to {end} by the end"
    elif setup.schedule == "exponential" and setup.lr_decay != 1:
        text = f", falling to {end} by the end"
    if setup.label_smoothing:
        text += f", label smoothing {setup.label_smoothing:g}"
    return text


def _summary(history: Any, total: float, args: argparse.Namespace, seed: int) -> None:
    """Best and last epoch, times, and the files written."""
    last = history.epochs
    if history.interrupted:
        print(f"interrupted: {last} epoch{'s' * (last != 1)} completed; saving the weights "
              "of the last step")
    accuracy = history.test_accuracy
    best = max(range(len(accuracy)), key=accuracy.__getitem__)
    print(f"best epoch {best + 1}: test accuracy {accuracy[best]:.2%}")
    print(f"last epoch {last}: test accuracy {accuracy[-1]:.2%}, training cost "
          f"{history.cost[-1]:.4f}")
    training = sum(history.seconds)
    threads = history.settings.get("blas_threads")
    processes = history.settings.get("processes", 1)
    probe = history.settings.get("blas_probe")
    where = f" in each of {processes} processes" if processes > 1 else ""
    repeat = f" --processes {processes}" if processes > 1 else ""
    how = (f", {probe['reason']}: --seed {seed} --blas-threads {threads}{repeat} repeats the "
           "run" if probe else "")
    print(f"time: {total:.1f} s in all, {training:.1f} s training "
          f"({training / last:.2f} s an epoch, {sum(history.cpu_seconds):.1f} s of CPU; "
          f"BLAS on {threads} thread{'s' * (threads != 1)}{where}{how})")
    refused = history.settings.get("processes_refused")
    if refused:
        print(f"note: the parts of each mini-batch were computed one after another here: "
              f"{refused}")
    for lost in history.settings.get("processes_lost", []):
        print(f"note: {lost}")
    print(f"model written to {args.out}" + (f", curves to {args.plot}" if args.plot else ""))
