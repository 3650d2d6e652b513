"""Faults injected for real: Ctrl-C during writes, bomb files, huge sizes, hostile numbers.

Each case asserts what a user sees (the exit code and message, the old file's bytes) and
bounds memory by running the load in a child process under an ``RLIMIT_AS`` set inside
it (a cap on address space the child cannot exceed; exceeding it is a MemoryError, a
failed test), and hangs by ``RLIMIT_CPU``, never by timing a busy machine.
"""

from __future__ import annotations

import gzip
import io
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

import steepest
from steepest.cli import main
from steepest.nn import Network

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="needs Linux (/proc, RLIMIT_AS)")

_LIMITED = """
import resource, sys
{imports}
def address_space():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
limit = address_space() + {budget}
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
{code}
"""


def run_limited(imports: str, code: str, budget_mb: int = 250) -> subprocess.CompletedProcess:
    """Run ``code`` in a child allowed ``budget_mb`` more address space than after imports."""
    script = _LIMITED.format(imports=imports, code=code, budget=budget_mb << 20)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=600, check=False)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def interrupt_after(child: subprocess.Popen, line_start: str, delay: float) -> str:
    """Send a real SIGINT ``delay`` s after the child prints a line starting ``line_start``."""
    seen = []
    for line in child.stdout:
        seen.append(line)
        if line.startswith(line_start):
            break
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=300)
    return "".join(seen) + out + err


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


# ----------------------------------------------------------------- Ctrl-C during writes

_SAVING_FOREVER = """
import sys
import numpy as np
from steepest.nn import Network
net = Network([784, 1500, 1500, 10], seed=1, dtype=np.float64)  # 3.4 M parameters, 27 MB
print("saving", flush=True)
while True:
    net.save(sys.argv[1])
"""


@pytest.mark.parametrize("delay", [0.3, 0.9])
def test_ctrl_c_while_a_large_model_is_saved_over_an_old_one(tmp_path, delay):
    target = tmp_path / "model.npz"
    old = Network([3, 2], seed=0).save(target).read_bytes()
    child = start("-c", _SAVING_FOREVER, str(target))
    interrupt_after(child, "saving", delay)
    assert child.returncode != 0  # it was stopped, in the middle of some save
    if target.read_bytes() != old:  # then it must be the whole new model
        new = Network([784, 1500, 1500, 10], seed=1, dtype=np.float64)
        np.testing.assert_array_equal(Network.load(target).params, new.params)
    assert parts(tmp_path) == []


_DRAWING_FOREVER = """
import sys
from steepest.plot import contour_map, save_figure
fig = contour_map("sin(3x) cos(3y) + x^2/9", [(-3, 3), (-3, 3)], levels=60, resolution=300,
                  arrows=40)
print("saving", flush=True)
while True:
    save_figure(fig, sys.argv[1])
"""


def test_ctrl_c_while_a_figure_is_saved_over_an_old_one(tmp_path):
    target = tmp_path / "map.svg"
    old = b"<svg>an old picture</svg>\n"
    target.write_bytes(old)
    child = start("-c", _DRAWING_FOREVER, str(target))
    interrupt_after(child, "saving", 1.5)
    content = target.read_bytes()
    assert content == old or content.rstrip().endswith(b"</svg>")
    assert parts(tmp_path) == []


def test_ctrl_c_during_a_tour_leaves_the_old_report_byte_identical(tmp_path):
    out = tmp_path / "tour"
    out.mkdir()
    old = {"index.html": b"<html>an earlier tour</html>", "surface.png": b"old png"}
    for name, content in old.items():
        (out / name).write_bytes(content)
    child = start("-m", "steepest", "tour", "--quick", "--out", str(out))
    said = interrupt_after(child, "2.", 0.2)  # figures of the new run are being written
    assert child.returncode == 130, said
    assert "steepest: interrupted" in said and "Traceback" not in said
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert parts(tmp_path) == []


def test_ctrl_c_during_training_saves_a_whole_model_over_the_old_one(tmp_path):
    target = tmp_path / "model.npz"
    old = Network([3, 2], seed=0).save(target).read_bytes()
    child = start("-m", "steepest", "train", "--sample", "--epochs", "400", "--out",
                  str(target))
    said = interrupt_after(child, "training:", 2.0)
    assert child.returncode == 130, said
    if "nothing was saved" in said:  # interrupted before the first epoch ended
        assert target.read_bytes() == old
    else:
        assert "saving the weights" in said and Network.load(target).sizes[0] == 784
    assert parts(tmp_path) == []


# ------------------------------------------------------------------ sizes before memory


def _gzip_bomb(path: Path, header: bytes, inflated_mb: int) -> None:
    """``header`` then ``inflated_mb`` MB of zeros, as gzip members (a few kB on disk)."""
    zeros = gzip.compress(bytes(1 << 20), compresslevel=9)
    path.write_bytes(gzip.compress(header) + zeros * inflated_mb)


def test_a_small_gzip_that_inflates_to_gigabytes_stops_at_the_promised_size(tmp_path):
    bomb = tmp_path / "labels.gz"
    _gzip_bomb(bomb, struct.pack(">II", 0x801, 10) + bytes(10), inflated_mb=1500)
    assert bomb.stat().st_size < 2_000_000
    done = run_limited("from steepest.data import read_idx\nfrom steepest.errors import DataError",
                       f"try:\n    read_idx({str(bomb)!r})\nexcept DataError as e:\n    print(e)")
    assert done.returncode == 0, done.stderr
    assert "longer than its header says" in done.stdout and "more than 10 bytes" in done.stdout


@pytest.mark.parametrize(("count", "words"), [
    (2**31, "more than the 1,073,741,824 bytes steepest reads"),
    (1_000_000, "is truncated"),  # 784 MB promised, 100 images there
])
def test_an_idx_header_that_promises_too_much_allocates_nothing_of_it(tmp_path, count, words):
    images = tmp_path / "images.gz"
    images.write_bytes(gzip.compress(struct.pack(">IIII", 0x803, count, 28, 28) + bytes(78400)))
    done = run_limited("from steepest.data import read_idx\nfrom steepest.errors import DataError",
                       f"try:\n    read_idx({str(images)!r})\nexcept DataError as e:\n    print(e)",
                       budget_mb=150)
    assert done.returncode == 0, done.stderr
    assert words in done.stdout


def _png(path: Path, width: int, height: int) -> None:
    """A grey PNG of ``width × height`` black pixels: a few hundred kB however large."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    packer = zlib.compressobj(9)
    row = bytes(width + 1)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def test_predict_refuses_a_169_megapixel_png_before_decoding(tmp_path):
    picture, model = tmp_path / "huge.png", tmp_path / "model.npz"
    _png(picture, 13_000, 13_000)
    Network([784, 10], seed=0).save(model)
    done = run_limited(
        "from steepest.cli import main\nimport steepest.cli.predict, steepest.nn.evaluation"
        "\nimport PIL.Image, PIL.PngImagePlugin",
        f"sys.exit(main(['predict', {str(model)!r}, {str(picture)!r}]))")
    assert done.returncode == 2, done.stderr
    first = done.stderr.splitlines()[0]
    assert "13,000 × 13,000 pixels (169.0 megapixels)" in first and "at most 24 megapixels" in first
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr


def test_predict_names_the_limit_for_a_header_pillow_refuses(tmp_path, capsys):
    picture, model = tmp_path / "bomb.png", tmp_path / "model.npz"
    _png(picture, 30_000, 30_000)
    Network([784, 10], seed=0).save(model)
    assert main(["predict", str(model), str(picture)]) == 2
    err = capsys.readouterr().err
    assert err == (f"steepest: error: '{picture}' is larger than the 24 megapixels steepest "
                   "reads (900.0 megapixels)\nhint: a digit needs few pixels: scale the "
                   "picture down (MNIST's are 28 × 28)\n")  # one limit named: ours


def _npz(path: Path, fields: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in fields.items():
            archive.writestr(name + ".npy", content)


def _npy(value) -> bytes:
    out = io.BytesIO()
    np.save(out, value)
    return out.getvalue()


def _model_fields(sizes) -> dict[str, bytes]:
    return {"format": _npy(np.str_("steepest-network")), "version": _npy(np.int64(1)),
            "sizes": _npy(np.array(sizes, np.int64)), "activation": _npy(np.str_("sigmoid")),
            "output": _npy(np.str_("sigmoid")), "dtype": _npy(np.str_("float32"))}


def test_a_model_claiming_a_billion_neurons_is_refused_before_allocating(tmp_path):
    path = tmp_path / "model.npz"
    _npz(path, {**_model_fields([784, 10**9, 10]), "params": _npy(np.zeros(8, np.float32))})
    done = run_limited("from steepest.nn import Network\nfrom steepest.errors import NetworkError",
                       f"try:\n    Network.load({str(path)!r})\nexcept NetworkError as e:\n"
                       "    print(e)")
    assert done.returncode == 0, done.stderr
    assert "795,000,000,010 parameters; at most 1000 layers and 100,000,000" in done.stdout


def test_a_parameter_header_claiming_10_to_the_11_is_refused_before_reading(tmp_path):
    path = tmp_path / "model.npz"
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f4", "fortran_order": False, "shape": (10**11,)})
    _npz(path, {**_model_fields([3, 2]), "params": head.getvalue() + bytes(32)})
    done = run_limited("from steepest.nn import Network\nfrom steepest.errors import NetworkError",
                       f"try:\n    Network.load({str(path)!r})\nexcept NetworkError as e:\n"
                       "    print(e)")
    assert done.returncode == 0, done.stderr
    assert "holds 100000000000 float32 parameters (32 bytes)" in done.stdout
    assert "needs (8,) float32" in done.stdout


def test_a_small_field_whose_header_promises_gigabytes_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<i8", "fortran_order": False, "shape": (10**9,)})
    fields = {**_model_fields([3, 2]), "params": _npy(np.zeros(8, np.float32))}
    _npz(path, {**fields, "sizes": head.getvalue() + bytes(16)})
    done = run_limited("from steepest.nn import Network\nfrom steepest.errors import NetworkError",
                       f"try:\n    Network.load({str(path)!r})\nexcept NetworkError as e:\n"
                       "    print(e)")
    assert done.returncode == 0, done.stderr
    assert "'sizes.npy' promises 8,000,000,000 bytes and holds 16" in done.stdout


@pytest.mark.parametrize(("option", "value"), [
    ("--levels", "100000000"), ("--dpi", "100000"), ("--arrows", "100000"), ("--fps", "10000"),
])
def test_plot_size_options_are_bounded_with_one_line(tmp_path, capsys, option, value):
    assert main(["plot", "x^2 + y^2", option, value, "--out", str(tmp_path / "f.png")]) == 2
    first, *rest = capsys.readouterr().err.splitlines()
    assert first.startswith(f"steepest: error: {option} must be from ") and first.endswith(value)
    assert all(line.startswith("hint:") for line in rest)
    assert not (tmp_path / "f.png").exists()


def test_library_plot_sizes_are_bounded_too():
    from steepest.plot import contour_map, graph

    with pytest.raises(steepest.SteepestError, match="levels must be a whole number from 2"):
        contour_map("x^2 + y^2", [(-1, 1), (-1, 1)], levels=10**8)
    with pytest.raises(steepest.SteepestError, match="resolution must be a whole number"):
        contour_map("x^2 + y^2", [(-1, 1), (-1, 1)], resolution=100_000)
    with pytest.raises(steepest.SteepestError, match="resolution must be a whole number"):
        graph("x^2", (-1, 1), resolution=10**9)


# ------------------------------------------------------------------ numbers too large

def _grad(*args: str) -> subprocess.CompletedProcess:
    """``steepest grad`` in a child limited to 60 s of processor time (it used to take hours)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    return subprocess.run([sys.executable, "-m", "steepest", "grad", *args],
                          capture_output=True, text=True, timeout=600, preexec_fn=limit,
                          check=False)


@pytest.mark.parametrize(("equation", "at"), [
    ("x^x^x^x^x^x^x^x", "2"), ("exp(exp(exp(exp(x))))", "3"), ("exp(exp(x))", "100"),
    ("x^y", "1.000001,1000000000"),
])
def test_grad_at_huge_values_says_so_instead_of_hanging(equation, at):
    done = _grad(equation, "--at", at)
    assert done.returncode == 2, done.stderr
    assert "too large to evaluate exactly" in done.stderr
    assert "overflows to infinity" in done.stderr and "Traceback" not in done.stderr


def test_grad_at_falls_back_to_floating_point_when_the_value_is_fine():
    done = _grad("x^y", "--at", "1.000001,1000000")
    assert done.returncode == 0, done.stderr
    assert "too large to evaluate exactly: these values are floating-point" in done.stdout
    assert "f ≈ 2.71828" in done.stdout


# ------------------------------------------------------------------ small ones

@pytest.mark.parametrize("argv", [
    ["tour", "--quick", "--out", "/proc/steepest-nope"],
    ["plot", "x^2", "--out", "/proc/steepest-nope/f.png"],
    ["train", "--sample", "--epochs", "1", "--out", "/proc/steepest-model.npz"],
])
def test_an_unwritable_output_is_one_line_naming_path_and_reason(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    said = err.removeprefix("steepest: error: ").removeprefix("--out: ")  # plot, tour name it
    assert said != err.removeprefix("steepest: error: ") or argv[0] == "train"
    assert err.count("\n") == 1 and said.startswith("cannot write '/proc/")
    assert "steepest-" in err and ": " in err.removeprefix("steepest: error: ")


def test_evaluate_plot_into_an_unwritable_folder(tmp_path, capsys):
    model = Network([784, 10], seed=0).save(tmp_path / "model.npz")
    assert main(["evaluate", str(model), "--sample", "--plot", "/proc/steepest-nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before the scoring, not after its report
    assert captured.err.splitlines() == [
        "steepest: error: --plot /proc/steepest-nope: the folder cannot be made (/proc is not "
        "writable)", "hint: --plot a folder of your own, e.g. --plot figures"]


@pytest.mark.parametrize("f", ["x", "x + y", "-log(x)", "exp(-x)"])
def test_functions_that_keep_decreasing_have_no_minimum(f):
    start = [1.0] * len(steepest.parse(f).variables)
    result = steepest.minimize(f, start)
    assert result.status == "max_iterations"
    assert "f seems to have no minimum" in result.message
    assert "seems to have no maximum" in steepest.maximize(f"-({f})", start).message


def test_a_run_speeding_away_from_a_saddle_towards_a_far_minimum_is_not_unbounded():
    # stopped while its fall still speeds up; the minimum is at y = ±22.4, 6 times further
    result = steepest.minimize("x^2 - y^2 + 0.001 y^4", [0.5, 0.01], learning_rate=0.01,
                               max_iter=300)  # fmt: skip
    assert result.status == "max_iterations" and "no minimum" not in result.message
    assert 1 < result.path[-1][1] < 10


def test_a_plateau_before_a_far_well_is_not_unbounded():
    # Adam crossing a plateau speeds up; the minimum is at x = 10,000, far beyond where a
    # probe 100 times the path's last half would look
    result = steepest.minimize("1 - exp(-(x - 10000)^2 / 10^8)", [0.0], optimizer="adam",
                               learning_rate=0.1, max_iter=1000)  # fmt: skip
    assert result.status == "max_iterations" and "no minimum" not in result.message


@pytest.mark.parametrize(("f", "start", "rate"), [
    ("(1-x)^2 + 100(y-x^2)^2", [-1.2, 1.0], 0.001),  # a slow crawl along the valley
    ("x^2 + 0.0001 y^2", [1.0, 1.0], 0.1),  # a long narrow bowl
    ("x^3", [0.5], 0.1),  # creeping towards the flat point at 0
])
def test_a_slow_approach_is_not_called_unbounded(f, start, rate):
    result = steepest.minimize(f, start, learning_rate=rate)
    assert result.status == "max_iterations" and "no minimum" not in result.message

