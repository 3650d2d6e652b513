"""Data for steepest's networks: the MNIST digits, full or as a bundled sample.

:func:`load_mnist` reads (and if needed downloads) the official files,
:func:`load_mnist_sample` a small real sample that ships with the package, and
:func:`read_idx` any file in the IDX format MNIST uses, and :func:`prepare_image` turns a
picture of a digit into MNIST-style inputs. Other datasets are left out.
"""

from steepest.data.idx import read_idx
from steepest.data.images import prepare_image
from steepest.data.mnist import MNIST, Split, load_mnist, load_mnist_sample

__all__ = ["MNIST", "Split", "load_mnist", "load_mnist_sample", "prepare_image", "read_idx"]
