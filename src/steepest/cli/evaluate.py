"""``steepest evaluate``: how well a saved digit classifier reads MNIST.

Prints the accuracy, the accuracy on each digit and the confusion matrix as text;
``--plot DIR`` also writes pictures of them. Left out: comparing several models at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

HELP = "score a saved digit classifier: accuracy, per digit, confusion matrix"

EPILOG = """pictures written by --plot DIR:
  confusion.png  the confusion matrix
  digits.png     the first 40 images with the network's answers (wrong ones marked)
  mistakes.png   the first 40 images it gets wrong
  weights.png    the first layer's weights as 28 x 28 pictures

examples:
  steepest evaluate model.npz
  steepest evaluate model.npz --sample --plot figures
"""

GRID = 40  # digits per picture


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``evaluate`` command."""
    from steepest.cli.train import add_data_arguments

    parser = subparsers.add_parser(
        "evaluate", help=HELP, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Score a network saved by 'steepest train' on the MNIST digits.",
    )
    parser.add_argument("model", help="a network file written by 'steepest train' (.npz)")
    add_data_arguments(parser)
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="which images to score (default: test)")
    parser.add_argument("--plot", metavar="DIR",
                        help="write confusion.png, digits.png, mistakes.png, weights.png there")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest evaluate``."""
    import os

    from steepest.cli._options import digit_network
    from steepest.cli.train import load_data
    from steepest.data.mnist import ENV_VAR
    from steepest.nn import trained_on
    from steepest.nn.evaluation import evaluate

    if args.plot is not None:
        _check_folder(args.plot)
    network = digit_network(args.model)
    if (not args.sample and args.data_dir is None and not os.environ.get(ENV_VAR)
            and trained_on(args.model) == "sample"):
        # scored on the data it learned from: no download (--data-dir DIR for the full set)
        args.sample = True
    data = load_data(args)
    images, labels = data.test if args.split == "test" else data.train
    result = evaluate(network, images, labels)
    source = "the sample bundled with steepest" if data.source == "sample" else data.source
    print(f"model: {args.model}: {network!r}")
    print(f"data: {len(labels):,} {args.split} images from {source}")
    if data.source == "sample" and trained_on(args.model) == "sample":
        print("(the model was trained on that sample; --data-dir DIR scores it on the full "
              "MNIST)")
    print()
    print(result.report())
    if args.plot is not None:
        written = _pictures(network, images, result, Path(args.plot))
        print()
        print(f"pictures written to {args.plot}: {', '.join(written)}")
    return 0


def _check_folder(text: str) -> None:
    """Refuse a --plot folder that could not be made or written, before any scoring."""
    from steepest._files import check_writable
    from steepest.cli import UsageError
    from steepest.errors import OutputError

    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--plot {text}: is a file, not a folder\nhint: --plot takes a "
                         "folder for the four pictures (made if missing)")
    nearest = next(p for p in (folder, *folder.absolute().parents) if p.exists())
    if not nearest.is_dir():
        raise UsageError(f"--plot {text}: {nearest} is a file, so the folder cannot be made")
    try:  # a picture in the folder, or else in the folder it would be made in
        check_writable(nearest / "confusion.png")
    except OutputError:
        raise UsageError(f"--plot {text}: the folder cannot be "
                         f"{'written' if nearest == folder else 'made'} ({nearest} is not "
                         "writable)\nhint: --plot a folder of your own, e.g. --plot figures"
                         ) from None


def _pictures(network: Any, images: Any, result: Any, folder: Path) -> list[str]:
    """Write the evaluation's pictures into ``folder`` (made if needed); their names."""
    from steepest._files import make_folder
    from steepest.plot import save_figure
    from steepest.plot.digits import plot_confusion, plot_digits, plot_weights

    make_folder(folder)
    figures = {"confusion.png": plot_confusion(result.confusion)}
    shown = slice(0, GRID)
    figures["digits.png"] = plot_digits(images[shown], result.predictions[shown],
                                        result.labels[shown])
    wrong = result.wrong[:GRID]
    if wrong.size:
        figures["mistakes.png"] = plot_digits(
            images[wrong], result.predictions[wrong], result.labels[wrong],
            title=f"the first {wrong.size} of {result.wrong.size:,} mistakes "
                  "(answer, and the true digit)",
        )
    if network.sizes[0] == 784:
        figures["weights.png"] = plot_weights(network)
    for name, figure in figures.items():
        save_figure(figure, folder / name)
    return list(figures)
