"""Cut the MNIST sample bundled with steepest from the official MNIST files.

Usage::

    python scripts/make_mnist_sample.py [MNIST_DIR] [--out PATH]

``MNIST_DIR`` (default: ``shared/data/mnist`` next to the repository) must hold the four
official files, which are checked against their SHA-256 before anything is read:

    440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609  train-images-idx3-ubyte.gz
    3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c  train-labels-idx1-ubyte.gz
    8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6  t10k-images-idx3-ubyte.gz
    f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6  t10k-labels-idx1-ubyte.gz

Selection rule (no randomness): every 12th training image, official indices 0, 12, ...,
59988 (5,000 images), and every 10th test image, indices 0, 10, ..., 9990 (1,000 images),
in the official order. A stride keeps the class proportions of the official files and
draws from both halves of the test set (the first 5,000 test digits come from NIST's
cleaner writers, the last 5,000 from the harder ones).

The output, ``src/steepest/data/mnist-sample.npz``, is a NumPy ``.npz`` archive holding
``train_images`` (5000, 28, 28) uint8, ``train_labels`` (5000,) uint8, ``test_images``
(1000, 28, 28) uint8, ``test_labels`` (1000,) uint8 (pixels and labels exactly as in the
official files), and ``train_indices``, ``test_indices`` (int32, the official index of
each image). The archive is written with fixed timestamps, so the same input gives the
same bytes (with the same zlib).

Licence: the MNIST database of handwritten digits is by Yann LeCun and Corinna Cortes,
with Christopher J.C. Burges, under the licence Creative Commons Attribution-Share Alike
3.0 (CC BY-SA 3.0); the sample is derived data under the same licence and attribution
(see ``src/steepest/data/README.md``).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np

from steepest.data.idx import read_idx
from steepest.data.mnist import _SHA256, _TEST, _TRAIN

ROOT = Path(__file__).resolve().parents[1]
TRAIN_STRIDE, TEST_STRIDE = 12, 10
SIZE_LIMIT = 1_000_000  # bytes


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as a compressed ``.npz`` that ``numpy.load`` reads, byte-reproducibly."""
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1998, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mnist_dir", nargs="?", type=Path, default=ROOT.parent / "shared/data/mnist"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "src/steepest/data/mnist-sample.npz")
    args = parser.parse_args()

    for name, expected in _SHA256.items():
        found = sha256(args.mnist_dir / name)
        if found != expected:
            raise SystemExit(f"{args.mnist_dir / name}: SHA-256 {found}, expected {expected}")

    arrays = {}
    for part, (images_name, labels_name), stride in (
        ("train", _TRAIN, TRAIN_STRIDE),
        ("test", _TEST, TEST_STRIDE),
    ):
        images = read_idx(args.mnist_dir / images_name, magic=0x00000803)
        labels = read_idx(args.mnist_dir / labels_name, magic=0x00000801)
        indices = np.arange(0, len(labels), stride, dtype=np.int32)
        arrays[f"{part}_images"] = images[indices]
        arrays[f"{part}_labels"] = labels[indices]
        arrays[f"{part}_indices"] = indices
        counts = np.bincount(labels[indices], minlength=10)
        print(f"{part}: {len(indices)} images, per digit {counts.tolist()}")

    write_npz(args.out, arrays)
    size = args.out.stat().st_size
    print(f"wrote {args.out}: {size:,} bytes, sha256 {sha256(args.out)}")
    if size > SIZE_LIMIT:
        raise SystemExit(f"the sample is {size:,} bytes, over the limit of {SIZE_LIMIT:,}")


if __name__ == "__main__":
    main()
