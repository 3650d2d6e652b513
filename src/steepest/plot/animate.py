"""Animations: descent paths stepping across the contour map, written as GIF or MP4.

The map is drawn once; each frame extends the paths to the next iteration and moves a
marker to the current point. GIF needs only Pillow; MP4 needs the ``ffmpeg`` program,
and asking for one without it is a clear error (write a GIF instead). Long runs are
subsampled to at most ``max_frames`` frames, always ending on the last iteration.
What it leaves out: interactive playback (save the file and open it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from steepest.errors import PlotError
from steepest.plot import _common

__all__ = ["animate_descent", "ffmpeg_available", "frame_indices"]

ANIMATION_FORMATS = {".gif": "gif", ".mp4": "mp4"}
MAX_FRAMES = 1000
MAX_FPS = 120
MAX_FRAME_PIXELS = 100_000_000  # all frames together (300 MB as RGB): kept in memory


def ffmpeg_available() -> bool:
    """Whether the ``ffmpeg`` program (matplotlib's ``animation.ffmpeg_path``) is found."""
    import shutil

    from matplotlib import rcParams

    return shutil.which(rcParams["animation.ffmpeg_path"]) is not None


def frame_indices(length: int, max_frames: int) -> np.ndarray:
    """Iteration indices shown, at most ``max_frames``, from 0 to ``length - 1`` inclusive.

    Examples
    --------
    >>> frame_indices(5, 10).tolist()
    [0, 1, 2, 3, 4]
    >>> frame_indices(1001, 5).tolist()
    [0, 250, 500, 750, 1000]
    """
    if max_frames < 2:
        raise PlotError(f"max_frames must be at least 2; got {max_frames}")
    if length <= max_frames:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, max_frames).round().astype(int))


def animate_descent(
    f: Any,
    results: Any,
    out: str | Path,
    bounds: Sequence[tuple[float, float]] | None = None,
    *,
    fps: int = 12,
    max_frames: int = 80,
    dpi: int = 80,
    hold: int = 6,
    **options: Any,
) -> Path:
    """Write an animation of descent paths stepping across the contour map of f.

    Parameters
    ----------
    f
        The function the descents ran on (two variables).
    results
        A Result, a list of them, or a mapping label -> Result(s).
    out
        The file to write: ``*.gif`` (Pillow) or ``*.mp4`` (needs ffmpeg).
    bounds
        The box; default around the paths and stationary points.
    fps
        Frames per second.
    max_frames
        At most this many frames; long paths are subsampled.
    dpi
        Resolution of the frames.
    hold
        Extra frames that repeat the last one, so a looping GIF pauses at the end.
    **options
        Passed to the map (:func:`~steepest.plot.contour_map`).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from steepest.plot.contour import contour_map, finish_axes
    from steepest.plot.paths import as_results, box_for_paths, draw_paths, pairs_to_mapping

    out = Path(out)
    fmt = _common.output_format(out, ANIMATION_FORMATS)
    if fmt == "mp4" and not ffmpeg_available():
        raise PlotError(
            f"cannot write {str(out)!r}: MP4 needs the ffmpeg program, which was not found"
            f"\nhint: write a GIF instead ({out.with_suffix('.gif').name}), or install ffmpeg"
        )
    if not out.parent.exists():
        raise PlotError(f"cannot write {str(out)!r}: the folder does not exist")
    if not isinstance(fps, (int, np.integer)) or fps < 1:
        raise PlotError(f"fps must be a positive whole number; got {fps!r}")
    _common.check_count(fps, "fps", 1, MAX_FPS, "the default is 12 frames per second")
    _common.check_count(max_frames, "max_frames", 2, MAX_FRAMES, "the default is 80")
    _common.check_count(hold, "hold", 0, MAX_FRAMES, "the default is 6")
    _common.check_dpi(dpi)

    g = _common.as_gradient(f)
    pairs = as_results(results)
    box = box_for_paths(g, pairs, bounds)
    options.setdefault("resolution", 120)
    options.setdefault("arrows", 12)
    options.setdefault("colorbar", False)  # more room for the map; the contours are labelled
    fig = contour_map(g, box, **options)
    fig.set_dpi(dpi)
    ax = fig.axes[0]
    lines = draw_paths(ax, pairs_to_mapping(pairs))
    finish_axes(ax, g, box)  # again, for the legend of the paths
    paths = [np.asarray(r.path, dtype=float) for _, r in pairs]
    heads = [ax.plot([], [], "o", ms=7, color=line.get_color(), mec="k", zorder=9)[0]
             for line in lines]
    ends = [a for a in ax.get_lines() if a.get_gid() == "path-end"]
    counter = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=9,
                      bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8})
    casings = [getattr(line, "steepest_casing", None) for line in lines]
    moving = [*[c for c in casings if c is not None], *lines, *heads, counter]
    for artist in [*moving, *ends]:
        artist.set_animated(True)  # left out of the background, drawn frame by frame

    width, height = (round(side * dpi) for side in fig.get_size_inches())
    frames = min(max_frames, max(len(p) for p in paths)) + 1 + hold
    if frames * width * height > MAX_FRAME_PIXELS:
        raise PlotError(
            f"the animation would hold {frames} frames of {width} × {height} pixels, "
            f"{frames * width * height / 1e6:.0f} million in all; at most "
            f"{MAX_FRAME_PIXELS / 1e6:g} million\nhint: lower dpi or max_frames"
        )
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)

    def frame(k: int, extra: list[Any]) -> np.ndarray:
        canvas.restore_region(background)
        for line, casing, head, path in zip(lines, casings, heads, paths, strict=True):
            upto = min(k, len(path) - 1)
            for drawn in (line, casing) if casing is not None else (line,):
                drawn.set_data(path[: upto + 1, 0], path[: upto + 1, 1])
            head.set_data(path[upto : upto + 1, 0], path[upto : upto + 1, 1])
        counter.set_text(f"iteration {k}")
        for artist in [*moving, *extra]:
            ax.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()

    steps = frame_indices(max(len(p) for p in paths), max_frames)
    images = [frame(int(k), []) for k in steps]
    images += [frame(int(steps[-1]), ends)] * (1 + max(0, hold))
    from steepest._files import atomic_path

    with atomic_path(out) as aside:  # whole or not at all: an old file survives a Ctrl-C
        if fmt == "gif":
            _write_gif(images, aside, fps)
        else:
            _write_mp4(images, aside, fps)
    return out


def _write_gif(images: list[np.ndarray], out: Path, fps: int) -> None:
    from PIL import Image

    # one palette for every frame (taken from the last, which shows every path)
    palette = Image.fromarray(images[-1]).quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    frames = [Image.fromarray(a).quantize(palette=palette, dither=Image.Dither.NONE)
              for a in images]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:],
                   duration=round(1000 / fps), loop=0)


def _write_mp4(images: list[np.ndarray], out: Path, fps: int) -> None:
    import subprocess

    from matplotlib import rcParams

    height, width = images[0].shape[:2]
    # yuv420p (what players expect) needs even sizes: crop a pixel where needed
    h, w = height - height % 2, width - width % 2
    command = [
        rcParams["animation.ffmpeg_path"], "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
        "-pix_fmt", "yuv420p", "-vcodec", "libx264", str(out),
    ]
    data = b"".join(np.ascontiguousarray(a[:h, :w]).tobytes() for a in images)
    done = subprocess.run(command, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise PlotError(f"ffmpeg could not write the animation: {reason[0]}")
