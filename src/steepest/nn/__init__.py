"""Neural networks trained by gradient descent: :class:`Network` and :func:`train`.

The network (layers, forward pass, backpropagation, save/load) lives in
:mod:`steepest.nn.network` (its activations in :mod:`steepest.nn.activations`, its
backpropagation closure in :mod:`steepest.nn._backprop`); the training loop (epochs,
mini-batches, progress) in :mod:`steepest.nn.training`, which takes its BLAS threads from
:mod:`steepest.nn.blas` and records a run in :mod:`steepest.nn.history`; the named
training setups (the default, a quick one, Nielsen's) in :mod:`steepest.nn.presets`.
Nothing here imports SymPy or matplotlib.
"""

from steepest.nn._file import trained_on
from steepest.nn.evaluation import Evaluation, evaluate
from steepest.nn.history import History, TrainingStep
from steepest.nn.network import Gradients, Network
from steepest.nn.training import train

__all__ = ["Evaluation", "Gradients", "History", "Network", "TrainingStep", "evaluate",
           "train", "trained_on"]
