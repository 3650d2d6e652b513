"""The bridge to PyTorch: Network.to_torch / from_torch, their refusals, the .pt file, and the
error without PyTorch. Needs the optional torch (``pip install torch==2.13.0``); the tests
that need it skip with that reason when it is missing."""

from __future__ import annotations

import importlib.util
import itertools
import sys

import numpy as np
import pytest

from steepest import Network
from steepest.errors import NetworkError, OutputError, SteepestError
from steepest.nn import torch_bridge
from steepest.nn.torch_bridge import TorchMissingError

HAVE_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(
    not HAVE_TORCH, reason="PyTorch is optional and not installed: pip install torch==2.13.0"
)
if HAVE_TORCH:
    import torch
    from torch import nn

ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUTS = ("sigmoid", "tanh", "relu", "softmax")


def _outputs(module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


@needs_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("activation", "output"), list(itertools.product(ACTIVATIONS, OUTPUTS)))
def test_to_torch_computes_the_same_outputs(activation: str, output: str, dtype) -> None:
    net = Network([5, 7, 6, 4], activation, output, seed=3, dtype=dtype)
    module = net.to_torch()
    kinds = [type(m).__name__ for m in module]
    names = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "softmax": "Softmax"}
    assert kinds == ["Linear", names[activation]] * 2 + ["Linear", names[output]]
    x = np.random.default_rng(0).normal(size=(9, 5)).astype(dtype)
    ours, theirs = net.forward(x), _outputs(module, x)
    assert theirs.dtype == ours.dtype
    # the same sums in another order: equal to the dtype's rounding
    tol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(theirs, ours, rtol=tol, atol=tol)
    np.testing.assert_allclose(_outputs(module, x[0]), net.forward(x[0]), rtol=tol, atol=tol)


@needs_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("sizes", "activation", "output"),
    [([3, 2], "tanh", "tanh"), ([784, 30, 10], "sigmoid", "sigmoid"),
     ([4, 8, 8, 3], "relu", "softmax"), ([2, 5, 1], "tanh", "relu")],
)
def test_round_trip_is_bit_for_bit(sizes, activation: str, output: str, dtype) -> None:
    net = Network(sizes, activation, output, seed=1, dtype=dtype)
    net.params[...] += np.random.default_rng(2).normal(size=net.params.size)  # biases too
    back = Network.from_torch(net.to_torch())
    assert repr(back) == repr(net)
    assert back.params.dtype == net.params.dtype
    assert back.params.tobytes() == net.params.tobytes()


@needs_torch
def test_to_torch_copies_and_leaves_torch_random_state_alone() -> None:
    net = Network([3, 4, 2], seed=0)
    before = net.params.copy()
    state = torch.random.get_rng_state()
    module = net.to_torch()
    assert torch.equal(torch.random.get_rng_state(), state)
    with torch.no_grad():
        module[0].weight += 1.0
    np.testing.assert_array_equal(net.params, before)
    net.params[...] = 0.0
    assert module[2].bias.abs().sum() == 0  # the biases started at 0 and were not shared
    assert module[0].weight.abs().sum() > 0


@needs_torch
def test_from_torch_reads_a_module_built_in_torch() -> None:
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(6, 5), nn.ReLU(inplace=True), nn.Linear(5, 5), nn.ReLU(),
                           nn.Linear(5, 3, bias=False), nn.Softmax(dim=1)).double()
    net = Network.from_torch(module)
    assert repr(net) == "Network([6, 5, 5, 3], activation='relu', output='softmax', dtype=float64)"
    np.testing.assert_array_equal(net.biases[2], np.zeros(3))  # no bias: a bias of zeros
    x = np.random.default_rng(1).normal(size=(4, 6))
    np.testing.assert_allclose(net.forward(x), _outputs(module, x), rtol=1e-14, atol=1e-15)
    single = Network.from_torch(nn.Sequential(nn.Linear(2, 3), nn.Softmax(-1)))
    assert single.activation == "sigmoid"  # no hidden layer: the unused hidden activation


def _refusal(module) -> str:
    with pytest.raises(NetworkError) as caught:
        Network.from_torch(module)
    return str(caught.value)


@needs_torch
@pytest.mark.parametrize(
    ("layers", "words"),
    [
        (lambda: [nn.Linear(3, 4), nn.GELU()], "layer 1 (GELU(approximate='none')) cannot be"),
        (lambda: [nn.Linear(3, 4), nn.Dropout(), nn.Linear(4, 2), nn.Sigmoid()], "layer 1 (Drop"),
        (lambda: [nn.Linear(3, 4), nn.LogSoftmax(dim=1)], "cannot be represented"),
        (lambda: [nn.Flatten(), nn.Linear(3, 4)], "layer 0 (Flatten"),
        (lambda: [nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)], "without an activation after"),
        (lambda: [nn.ReLU(), nn.Linear(3, 4)], "must be a torch.nn.Linear"),
        (lambda: [nn.Linear(3, 4), nn.ReLU(), nn.Tanh(), nn.Linear(4, 2)], "layer 2 (Tanh())"),
        (lambda: [nn.Linear(3, 4), nn.Softmax(-1), nn.Linear(4, 2), nn.Sigmoid()], "only be the"),
        (lambda: [nn.Linear(3, 4), nn.Softmax(dim=0)], "got dim=0"),
        (lambda: [nn.Linear(3, 4), nn.Softmax()], "got dim=None"),
        (lambda: [nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2), nn.ReLU()], "takes 5 inputs"),
        (lambda: [nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2),
                  nn.Sigmoid()], "layer 3 (Tanh()) differs from layer 1's ReLU"),
        (lambda: [nn.Linear(3, 4).half(), nn.ReLU()], "float16 tensors"),
        (lambda: [nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2).double(), nn.ReLU()], "mix"),
        (lambda: [], "empty"),
    ],
)
def test_from_torch_refuses_what_it_cannot_represent(layers, words: str) -> None:
    assert words in _refusal(nn.Sequential(*layers()))


@needs_torch
def test_from_torch_refuses_bad_tensors_and_other_modules() -> None:
    wrong = nn.Linear(3, 4)
    wrong.weight = nn.Parameter(torch.zeros(4, 2))  # swapped for a tensor of another shape
    assert "weight of shape (4, 2)" in _refusal(nn.Sequential(wrong, nn.ReLU()))
    broken = nn.Linear(3, 4)
    with torch.no_grad():
        broken.bias[1] = float("nan")
    assert "not finite" in _refusal(nn.Sequential(broken, nn.ReLU()))
    assert "meta" in _refusal(nn.Sequential(nn.Linear(3, 4, device="meta"), nn.ReLU()))
    assert "got a Linear" in _refusal(nn.Linear(3, 4))
    assert "got a ModuleList" in _refusal(nn.ModuleList([nn.Linear(3, 4), nn.ReLU()]))
    assert "no weights yet" in _refusal(nn.Sequential(nn.LazyLinear(4), nn.ReLU()))

    class Scaled(nn.Linear):  # a Linear whose forward is its own
        def forward(self, x):
            return 2 * super().forward(x)

    class Reversed(nn.Sequential):
        def forward(self, x):
            return super().forward(x.flip(-1))

    class Bounded(nn.ReLU):
        def forward(self, x):
            return super().forward(x).clamp(max=6)

    assert "Scaled, a Linear with its own forward" in _refusal(nn.Sequential(Scaled(3, 4),
                                                                            nn.ReLU()))
    assert "got a Reversed" in _refusal(Reversed(nn.Linear(3, 4), nn.ReLU()))
    assert "layer 1 (Bounded()) cannot be" in _refusal(nn.Sequential(nn.Linear(3, 4), Bounded()))
    nested = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    assert "layer 0 (Sequential) must be a torch.nn.Linear" in _refusal(nn.Sequential(nested,
                                                                                     nn.ReLU()))
    with pytest.raises(TypeError, match="got list"):
        Network.from_torch([nn.Linear(3, 4), nn.ReLU()])


@needs_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_torch_writes_a_file_torch_rebuilds_alone(tmp_path, dtype) -> None:
    net = Network([6, 5, 3], "tanh", "softmax", seed=4, dtype=dtype)
    path = torch_bridge.save_torch(net, tmp_path / "model.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]  # no temporary left
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint["sizes"] == [6, 5, 3] and checkpoint["output"] == "softmax"
    assert checkpoint["layers"] == [["Linear", 6, 5], ["Tanh"], ["Linear", 5, 3], ["Softmax", -1]]
    # the lines of save_torch's docstring, with PyTorch alone
    model = nn.Sequential(*(getattr(nn, name)(*args) for name, *args in checkpoint["layers"]))
    model.to(getattr(torch, checkpoint["dtype"])).load_state_dict(checkpoint["state_dict"])
    assert Network.from_torch(model).params.tobytes() == net.params.tobytes()


@needs_torch
def test_save_torch_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch) -> None:
    path = tmp_path / "model.pt"
    path.write_bytes(b"the old file")

    def fail(data, file):
        file.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", fail)
    with pytest.raises(OutputError, match="disk full"):
        torch_bridge.save_torch(Network([2, 2], seed=0), path)
    assert path.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]
    with pytest.raises(OutputError, match="does not exist"):
        torch_bridge.save_torch(Network([2, 2], seed=0), tmp_path / "no" / "model.pt")


def test_without_torch_the_error_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # what a missing module looks like
    net = Network([2, 2], seed=0)
    for attempt in (net.to_torch, lambda: Network.from_torch(object()),
                    lambda: torch_bridge.save_torch(net, "never.pt")):
        with pytest.raises(TorchMissingError, match=r"pip install torch==2\.13\.0"):
            attempt()
    assert issubclass(TorchMissingError, SteepestError) and issubclass(TorchMissingError,
                                                                       ImportError)
