"""load_mnist from folders, the environment and a download, the bundled sample, the full set.

Downloads go to an HTTP server on 127.0.0.1 started here, serving small MNIST-shaped files
written here, with their real SHA-256 registered in place of the official ones.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import socket
import struct
import threading
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from steepest.data import MNIST, load_mnist, load_mnist_sample, mnist
from steepest.errors import DataError

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
FULL = Path(__file__).resolve().parents[2].parent / "shared/data/mnist"


def write_mnist(folder: Path, *, n_train: int = 30, n_test: int = 20, compress: bool = True):
    """Write four MNIST-format files of random digits; return the raw arrays written."""
    rng = np.random.default_rng(1)
    folder.mkdir(parents=True, exist_ok=True)
    raw = {}
    for (images_name, labels_name), n in ((FILES[:2], n_train), (FILES[2:], n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        rng.shuffle(labels)
        for name, magic, array in (
            (images_name, 0x00000803, images),
            (labels_name, 0x00000801, labels),
        ):
            data = struct.pack(f">I{array.ndim}I", magic, *array.shape) + array.tobytes()
            if compress:
                (folder / name).write_bytes(gzip.compress(data))
            else:
                (folder / name.removesuffix(".gz")).write_bytes(data)
            raw[name] = array
    return raw


def check_matches(data: MNIST, raw: dict[str, np.ndarray]) -> None:
    for split, (images_name, labels_name) in ((data.train, FILES[:2]), (data.test, FILES[2:])):
        images, labels = split
        assert images.dtype == np.float32 and labels.dtype == np.int64
        assert images.shape == (len(raw[images_name]), 784)
        np.testing.assert_array_equal(images * 255, raw[images_name].reshape(-1, 784))
        np.testing.assert_array_equal(labels, raw[labels_name])


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)


# --- folders -------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False])
def test_loads_a_folder(tmp_path, compress):
    raw = write_mnist(tmp_path, compress=compress)
    data = load_mnist(tmp_path, download=False)
    check_matches(data, raw)
    assert data.source == str(tmp_path)
    (x, y), (x_test, y_test) = data
    assert x is data.train.images and y is data.train.labels
    assert x_test is data.test.images and y_test is data.test.labels
    assert repr(data) == f"MNIST(train=30 images, test=20 images, source='{tmp_path}')"


def test_environment_variable_then_data_dir(tmp_path, monkeypatch):
    env_raw = write_mnist(tmp_path / "env", n_train=12)
    arg_raw = write_mnist(tmp_path / "arg", n_train=14)
    monkeypatch.setenv(mnist.ENV_VAR, str(tmp_path / "env"))
    check_matches(load_mnist(download=False), env_raw)
    check_matches(load_mnist(tmp_path / "arg", download=False), arg_raw)


def test_named_folder_incomplete_is_an_error_without_download(tmp_path, monkeypatch):
    write_mnist(tmp_path)
    (tmp_path / FILES[2]).unlink()
    monkeypatch.setattr(mnist, "_download", pytest.fail)  # must not be reached
    with pytest.raises(DataError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert f"missing from {tmp_path} (given as data_dir)" in message
    assert FILES[2] in message
    assert not any(name in message for name in FILES if name != FILES[2])


def test_offline_with_nothing_cached_says_what_and_where(tmp_path):
    cache = tmp_path / "cache"
    with pytest.raises(DataError) as info:
        load_mnist(download=False, cache_dir=cache)
    message = str(info.value)
    assert f"missing from {cache}" in message and "downloading is off" in message
    for name in FILES:
        assert f"\n  {name}  (" in message
    assert "STEEPEST_DATA" in message and "--data-dir" in message and "data_dir=" in message
    assert "load_mnist_sample()" in message


def test_images_and_labels_counts_must_match(tmp_path):
    write_mnist(tmp_path, n_train=30, n_test=20)
    (tmp_path / FILES[1]).write_bytes((tmp_path / FILES[3]).read_bytes())  # 20 labels
    with pytest.raises(DataError, match="do not match") as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert "30 images" in message and "20 labels" in message
    assert str(tmp_path / FILES[0]) in message and str(tmp_path / FILES[1]) in message


def test_swapped_files_are_caught_by_their_magic_numbers(tmp_path):
    write_mnist(tmp_path)
    images, labels = (tmp_path / name for name in FILES[2:])
    data = images.read_bytes()
    images.write_bytes(labels.read_bytes())
    labels.write_bytes(data)
    with pytest.raises(DataError, match="expected 0x00000803") as info:
        load_mnist(tmp_path)
    assert str(images) in str(info.value)


def test_labels_outside_0_to_9_and_wrong_image_size(tmp_path):
    write_mnist(tmp_path)
    labels = bytes([1, 2, 10] + [0] * 17)
    (tmp_path / FILES[3]).write_bytes(gzip.compress(struct.pack(">II", 0x801, 20) + labels))
    with pytest.raises(DataError, match=r"digits 0\.\.9, label 2 is 10"):
        load_mnist(tmp_path)

    write_mnist(tmp_path)
    pixels = bytes(20 * 27 * 28)
    (tmp_path / FILES[2]).write_bytes(struct.pack(">IIII", 0x803, 20, 27, 28) + pixels)
    with pytest.raises(DataError, match=r"shape \(20, 27, 28\), expected uint8 of shape"):
        load_mnist(tmp_path)


def test_folder_must_be_a_path(tmp_path):
    with pytest.raises(TypeError, match=r"data_dir must be a folder path .* got int: 3"):
        load_mnist(3)
    with pytest.raises(TypeError, match="cache_dir must be a folder path"):
        load_mnist(cache_dir=[tmp_path])


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path, monkeypatch):
    """Serve ``tmp_path / "served"`` over HTTP on 127.0.0.1; yield (base URL, requested paths)."""
    served = tmp_path / "served"
    served.mkdir()
    requested: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

        def log_message(self, format, *args):  # quiet
            pass

    handler = functools.partial(Handler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", served, requested
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def serve_mnist(server, monkeypatch, **hash_overrides):
    """Write MNIST files to the server's folder and register their SHA-256 as the official."""
    url, served, _ = server
    raw = write_mnist(served / "mnist")
    hashes = {
        name: hashlib.sha256((served / "mnist" / name).read_bytes()).hexdigest() for name in FILES
    }
    hashes.update(hash_overrides)
    monkeypatch.setattr(mnist, "_SHA256", hashes)
    # the first mirror has no MNIST at all (404), the second has it
    monkeypatch.setattr(mnist, "_MIRRORS", (f"{url}/nothing/", f"{url}/mnist/"))
    return raw


def test_downloads_missing_files_into_the_cache(tmp_path, server, monkeypatch):
    raw = serve_mnist(server, monkeypatch)
    cache = tmp_path / "cache"
    data = load_mnist(cache_dir=cache)
    check_matches(data, raw)
    assert data.source == str(cache)
    assert sorted(p.name for p in cache.iterdir()) == sorted(FILES)
    requested = server[2]
    assert [p for p in requested if p.startswith("/mnist/")] == [f"/mnist/{n}" for n in FILES]

    # cached now: nothing more is asked of the server
    requested.clear()
    check_matches(load_mnist(cache_dir=cache, download=False), raw)
    (cache / FILES[1]).unlink()
    check_matches(load_mnist(cache_dir=cache), raw)
    assert requested == [f"/nothing/{FILES[1]}", f"/mnist/{FILES[1]}"]


def test_wrong_checksum_is_a_data_error_and_leaves_nothing(tmp_path, server, monkeypatch):
    serve_mnist(server, monkeypatch, **{FILES[2]: "0" * 64})
    cache = tmp_path / "cache"
    with pytest.raises(DataError) as info:
        load_mnist(cache_dir=cache)
    message = str(info.value)
    assert f"could not download {FILES[2]} into {cache}" in message
    assert f"/mnist/{FILES[2]}: SHA256 hash of downloaded file" in message
    assert f"/nothing/{FILES[2]}: 404" in message
    assert not (cache / FILES[2]).exists()
    assert (cache / FILES[0]).exists()  # the files before it were fine and are kept


def test_every_mirror_failing_lists_each(tmp_path, server, monkeypatch):
    url, _, _ = server
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"
    monkeypatch.setattr(mnist, "_MIRRORS", (f"{url}/a/", f"{closed}/b/"))
    with pytest.raises(DataError) as info:
        load_mnist(cache_dir=tmp_path)
    message = str(info.value)
    assert f"{url}/a/{FILES[0]}: 404 File not found" in message
    assert f"{closed}/b/{FILES[0]}: could not connect" in message
    assert "--data-dir" in message


# --- the bundled sample and the full set ---------------------------------------------------


def test_sample_shapes_dtypes_ranges_and_classes():
    data = load_mnist_sample()
    assert data.source == "sample"
    for split, n in ((data.train, 5000), (data.test, 1000)):
        images, labels = split
        assert images.shape == (n, 784) and images.dtype == np.float32
        assert labels.shape == (n,) and labels.dtype == np.int64
        assert images.min() == 0.0 and images.max() == 1.0
        assert set(np.unique(labels)) == set(range(10))
        assert np.bincount(labels).min() > n // 20  # every digit well represented


def test_sample_fits_the_size_limit():
    size = resources.files("steepest.data").joinpath("mnist-sample.npz").stat().st_size
    assert size <= 1_000_000


@pytest.fixture(scope="module")
def full() -> MNIST:
    if not all((FULL / name).is_file() for name in FILES):
        pytest.skip(f"the full MNIST files are not in {FULL}")
    return load_mnist(FULL, download=False)


@pytest.mark.mnist
def test_full_set_counts_match_its_readme(full):
    assert len(full.train.labels) == 60000 and len(full.test.labels) == 10000
    assert np.bincount(full.train.labels).tolist() == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949
    ]  # fmt: skip
    assert np.bincount(full.test.labels).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009
    ]  # fmt: skip
    assert full.train.labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert full.test.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert full.train.images.min() == 0.0 and full.train.images.max() == 1.0


@pytest.mark.mnist
def test_sample_is_the_official_images_at_its_indices(full):
    sample = load_mnist_sample()
    with resources.files("steepest.data").joinpath("mnist-sample.npz").open("rb") as file:
        arrays = np.load(file)
        train_indices, test_indices = arrays["train_indices"], arrays["test_indices"]
    np.testing.assert_array_equal(train_indices, np.arange(0, 60000, 12))
    np.testing.assert_array_equal(test_indices, np.arange(0, 10000, 10))
    for part, indices in ((sample.train, train_indices), (sample.test, test_indices)):
        official = full.train if part is sample.train else full.test
        np.testing.assert_array_equal(part.images, official.images[indices])
        np.testing.assert_array_equal(part.labels, official.labels[indices])
