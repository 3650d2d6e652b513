"""``steepest landscape``: draw a saved network's cost around its weights, with its path.

Loads a network written by ``steepest train``, measures its cost on a stated set of
MNIST images over a grid in a plane through its weights
(:func:`steepest.nn.landscape.landscape`), and writes the contour map
(:func:`steepest.plot.landscape.plot_landscape`). When the model file records the path
training took (``steepest train --record-path``), the path is drawn and, by default, the
plane is the one it moved in most (PCA). Left out: 3-D views (the explorer shows them).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

HELP = "draw a saved network's cost around its weights, with the path training took"

EPILOG = """directions:
  auto     pca when the model file records its training path, else random (default)
  pca      the two directions the recorded path moved along most
  random   filter-normalised random directions (Li et al., 2018), biases not moved

examples:
  steepest train --sample --epochs 5 --record-path --out small.npz
  steepest landscape small.npz --sample --out landscape.png
  steepest landscape small.npz --sample --directions random --grid 61 --images 2000
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``landscape`` command."""
    from steepest.cli.train import add_data_arguments
    from steepest.nn.landscape import MAX_GRID, MAX_IMAGES

    parser = subparsers.add_parser(
        "landscape", help=HELP, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Draw a saved network's cost on a plane through its weights, as a "
                    "contour map, with the path training took when the file records it.",
    )
    parser.add_argument("model", help="a network file written by 'steepest train' (.npz)")
    parser.add_argument("--out", default="landscape.png", metavar="FILE",
                        help="where to write the picture (.png/.svg/.pdf; default "
                             "landscape.png)")
    parser.add_argument("--directions", choices=("auto", "pca", "random"), default="auto",
                        help="the plane's two directions (default: auto)")
    parser.add_argument("--grid", type=int, default=41, metavar="N",
                        help=f"points a side, 3 to {MAX_GRID} (default 41)")
    parser.add_argument("--images", type=int, default=1000, metavar="N",
                        help=f"measure the cost on the first N images, 1 to {MAX_IMAGES:,} "
                             "(default 1,000)")
    parser.add_argument("--split", choices=("train", "test"), default="train",
                        help="which images (default: train, the cost training lowered)")
    parser.add_argument("--cost", choices=("quadratic", "cross-entropy"),
                        help="default: cross-entropy for a softmax output, else quadratic")
    parser.add_argument("--seed", type=int, default=0, help="seed of random directions")
    add_data_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest landscape``."""
    from steepest.cli import UsageError
    from steepest.cli._options import digit_network
    from steepest.cli.train import load_data
    from steepest.nn.landscape import MAX_GRID, MAX_IMAGES, landscape
    from steepest.nn.path import TrainingPath

    if not 3 <= args.grid <= MAX_GRID:
        raise UsageError(f"--grid must be 3 to {MAX_GRID}; got {args.grid}")
    if not 1 <= args.images <= MAX_IMAGES:
        raise UsageError(f"--images must be 1 to {MAX_IMAGES:,}; got {args.images}")
    if args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer; got {args.seed}")
    _check_out(args.out)
    started = time.perf_counter()
    network = digit_network(args.model)
    path = TrainingPath.read(args.model, network)
    directions = args.directions
    if directions == "auto":
        directions = "random" if path is None else "pca"
    if directions == "pca" and path is None:
        raise UsageError(f"--directions pca: {args.model} records no training path\nhint: "
                         "train with 'steepest train --record-path', or use --directions random")
    data = load_data(args)
    images, labels = data.train if args.split == "train" else data.test
    images, labels = images[: args.images], labels[: args.images]
    where = "the bundled sample" if data.source == "sample" else "MNIST"
    kind = "training" if args.split == "train" else "test"
    subset = f"the first {len(labels):,} {kind} images of {where}"
    result = landscape(network, images, labels, cost=args.cost, directions=directions,
                       path=path, grid=args.grid, seed=args.seed)
    from steepest.plot.landscape import plot_landscape

    sizes = "-".join(map(str, network.sizes))
    figure = plot_landscape(result, subset=subset,
                            title=f"The cost of the {sizes} network around its trained weights")
    _write(figure, args.out)
    print(f"{result.describe()}; images: {subset}")
    print(f"cost at the trained weights {result.centre:.4g}; lowest on the grid "
          f"{float(result.values.min()):.4g}, highest {float(result.values.max()):.4g}")
    if result.path is not None:
        print(f"path: {len(result.path)} snapshots over {int(result.path_steps[-1]):,} steps, "
              f"cost {result.path_values[0]:.4g} -> {result.path_values[-1]:.4g}")
    print(f"written to {args.out} ({time.perf_counter() - started:.1f} s)")
    return 0


def _check_out(out: str) -> None:
    """Refuse an unusable --out before any work."""
    from steepest.cli import UsageError
    from steepest.plot import output_format

    target = Path(out)
    if target.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name, e.g. "
                         f"--out {target / 'landscape.png'}")
    if not target.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {target.parent} does not exist")
    output_format(target)


def _write(figure: Any, out: str) -> None:
    """Write the figure whole or not at all (``save_figure`` writes aside and renames)."""
    from steepest.plot import save_figure

    save_figure(figure, out)
