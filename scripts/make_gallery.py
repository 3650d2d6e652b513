"""Generate docs/gallery/: every picture made by steepest itself, none drawn by hand.

Run from the repository: ``python scripts/make_gallery.py [--out docs/gallery]``. Each
figure is described in ``GALLERY`` below; the script prints each file with its size and
refuses to leave a gallery larger than 2 MB in total.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import steepest
from steepest.descent.testfunctions import SURFACES
from steepest.plot import (
    animate_descent,
    compare_optimizers,
    graph,
    plot_gradient,
    plot_paths,
    save_figure,
    surface,
)

MAX_TOTAL_BYTES = 2_000_000
DPI = 100


def box(name: str) -> list[tuple[float, float]]:
    x0, x1, y0, y1 = SURFACES[name].box
    return [(x0, x1), (y0, y1)]


def contour_x2_sin_y() -> Any:
    """The seed's example: f(x, y) = x²·sin(y), its gradient field and stationary line."""
    return plot_gradient("x^2 sin(y)", [(-3, 3), (-3, 3)])


def surface_x2_sin_y() -> Any:
    """The same function as a surface, steepest ascent highlighted at (1.5, 1)."""
    return surface("x^2 sin(y)", [(-3, 3), (-3, 3)], highlight=[1.5, 1.0])


def saddle_both() -> Any:
    """x² − y²: a saddle, seen as a surface and as a map."""
    return plot_gradient("x^2 - y^2", [(-2, 2), (-2, 2)], kind="both")


def graph_cubic() -> Any:
    """One variable: x³ − 3x, tangents at two points, and its derivative."""
    return graph("x^3 - 3x", (-2.2, 2.2), tangent_at=[-1.6, 0.5])


def himmelblau_paths() -> Any:
    """Himmelblau's four minima, and where three optimizers go from (0, 0)."""
    s = SURFACES["himmelblau"]
    runs = [steepest.minimize(s.text, s.start, optimizer=name, learning_rate=rate, max_iter=300)
            for name, rate in [("gd", 0.01), ("momentum", 0.002), ("adam", 0.2)]]
    return plot_paths(s.text, runs, box("himmelblau"))


def rosenbrock_compare() -> Any:
    """Rosenbrock's valley: four optimizers from (−1.2, 1), paths and values.

    The map is the part of the valley the paths cross (closer than the surface's usual
    box), so the four paths along its floor are wide enough apart to tell.
    """
    s = SURFACES["rosenbrock"]
    rates = {"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adam": 0.05}
    return compare_optimizers(s.text, s.start, list(rates), learning_rate=rates, max_iter=2000,
                              bounds=[(-1.5, 1.5), (-0.5, 1.5)], arrows=12)


def ellipse_animation(out: Path) -> Path:
    """Plain descent zig-zagging down a stretched bowl, beside momentum."""
    s = SURFACES["ellipse"]
    runs = [steepest.minimize(s.text, s.start, optimizer=name, learning_rate=rate, max_iter=40)
            for name, rate in [("gd", 0.3), ("momentum", 0.05)]]
    return animate_descent(s.text, runs, out, box("ellipse"), fps=8, max_frames=41, dpi=80,
                           arrows=10)


def shrink(path: Path) -> Path:
    """Rewrite a PNG with a 256-colour palette: a third of the size, the same picture."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path


GALLERY: dict[str, Callable[[], Any]] = {
    "contour_x2_sin_y.png": contour_x2_sin_y,
    "surface_x2_sin_y.png": surface_x2_sin_y,
    "saddle_both.png": saddle_both,
    "graph_cubic.png": graph_cubic,
    "himmelblau_paths.png": himmelblau_paths,
    "rosenbrock_compare.png": rosenbrock_compare,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "docs/gallery")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in GALLERY.items():
        written.append(shrink(save_figure(make(), args.out / name, dpi=DPI)))
    written.append(ellipse_animation(args.out / "ellipse_descent.gif"))
    total = 0
    for path in written:
        size = path.stat().st_size
        total += size
        print(f"{path}  {size / 1024:6.0f} KiB")
    print(f"total {total / 1024:.0f} KiB")
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"the gallery is {total / 1e6:.1f} MB; keep it under 2 MB")


if __name__ == "__main__":
    main()
