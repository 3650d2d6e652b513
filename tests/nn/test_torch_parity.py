"""steepest agrees with PyTorch, the field's reference implementation, step for step.

- The network's forward pass, cost and backpropagation against ``torch.autograd`` on the
  same weights and batch, for every activation, both costs and the softmax output.
- One epoch of training from the same initial weights in the same mini-batch order.
- Each optimizer against its ``torch.optim`` counterpart with the same hyperparameters, for
  200 steps on test functions and on a small network: the same iterates to 1e-10 in float64
  (measured: at most 7e-16 apart on the functions, 1.3e-14 of the largest weight on the
  network; float32 results within 4.3e-7 of the largest entry).

The torch side is written here with torch's own functions (``torch.sigmoid``,
``F.linear``, ``torch.optim.*``), not with :meth:`Network.to_torch`, so that it does not
lean on the code under test. Needs the optional torch (``pip install torch==2.13.0``).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import steepest
from steepest import Network

torch = pytest.importorskip(
    "torch", reason="PyTorch is optional and not installed: pip install torch==2.13.0"
)
F = torch.nn.functional


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Torch on one thread: these tensors are tiny, and threads that wait for each other
    cost more than they give (this file: 54 s with torch's 2 threads, 15 s with one, on a
    2-core machine at load 10)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

HIDDEN = ("sigmoid", "tanh", "relu")
#: (hidden activation, output activation, cost): every activation, both costs, softmax
CASES = [(h, o, "quadratic") for h in HIDDEN for o in (*HIDDEN, "softmax")] + [
    (h, "softmax", "cross-entropy") for h in HIDDEN
]
#: float32 rounding: relative to the largest entry, about 30 float32 ulps (ε = 1.2e-7);
#: measured: at most 4.3e-7 for backprop, 3.8e-7 after an epoch
FLOAT32 = 4e-6


def _activation(name: str):
    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
            "softmax": lambda z: torch.softmax(z, dim=1)}[name]  # fmt: skip


def _torch_layers(net: Network, dtype=torch.float64) -> list:
    """The network's weights and biases as leaf tensors that collect gradients."""
    tensors = []
    for w, b in zip(net.weights, net.biases, strict=True):
        tensors += [torch.tensor(w, dtype=dtype, requires_grad=True),
                    torch.tensor(b, dtype=dtype, requires_grad=True)]  # fmt: skip
    return tensors


def _torch_forward(net: Network, tensors: list, x):
    a = x
    names = [net.activation] * (len(net.weights) - 1) + [net.output]
    for name, w, b in zip(names, tensors[0::2], tensors[1::2], strict=True):
        a = _activation(name)(F.linear(a, w, b))
    return a


def _torch_cost(cost: str, a, y):
    m = a.shape[0]
    if cost == "quadratic":  # C = 1/2m Σ‖a − y‖²
        return ((a - y) ** 2).sum() / (2 * m)
    return -(y * torch.log(a)).sum() / m  # C = −1/m Σ y·ln a


def _batch(net: Network, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, net.sizes[0])).astype(net.dtype)
    return x, rng.integers(0, net.sizes[-1], size=m)


def _close(ours: np.ndarray, reference: np.ndarray, tol: float) -> None:
    """Equal up to ``tol`` times the largest entry of ``reference`` (rounding is absolute)."""
    scale = max(float(np.abs(reference).max()), 1e-30)
    np.testing.assert_allclose(ours, reference, rtol=0, atol=tol * scale)


# ------------------------------------------------------------------ forward and backprop
@pytest.mark.parametrize(("dtype", "tol"), [(np.float32, FLOAT32), (np.float64, 1e-12)])
@pytest.mark.parametrize(("activation", "output", "cost"), CASES)
def test_forward_and_backprop_match_autograd(activation, output, cost, dtype, tol) -> None:
    net = Network([6, 9, 7, 5], activation, output, seed=11, dtype=dtype)
    net.biases[0][...] = np.linspace(-0.5, 0.5, 9)  # biases that are not all zero
    x, labels = _batch(net, 13, seed=12)
    ours = net.backprop(x, labels, cost)
    # the reference: autograd in float64 from the same (float32 or float64) weights
    tensors = _torch_layers(net)
    outputs = _torch_forward(net, tensors, torch.from_numpy(x).double())
    value = _torch_cost(cost, outputs, F.one_hot(torch.from_numpy(labels), 5).double())
    value.backward()
    _close(net.forward(x), outputs.detach().numpy(), tol)
    assert ours.cost == pytest.approx(value.item(), rel=tol)
    for layer in range(3):
        _close(ours.weights[layer], tensors[2 * layer].grad.numpy(), tol)
        _close(ours.biases[layer], tensors[2 * layer + 1].grad.numpy(), tol)


# ----------------------------------------------------------------------- one epoch
def _torch_train(net: Network, x, y, cost: str, orders, batch_size: int, make_optimizer):
    """Train a float64 copy of ``net``'s weights in torch, batch by batch in ``orders``."""
    tensors = _torch_layers(net)
    optimizer = make_optimizer(tensors)
    targets = F.one_hot(torch.from_numpy(y), net.sizes[-1]).double()
    inputs = torch.from_numpy(x).double()
    for order in orders:
        for start in range(0, len(order), batch_size):
            batch = torch.from_numpy(order[start : start + batch_size])
            optimizer.zero_grad()
            outputs = _torch_forward(net, tensors, inputs[batch])
            _torch_cost(cost, outputs, targets[batch]).backward()
            optimizer.step()
    return [t.detach().numpy() for t in tensors]


EPOCH_CASES = [
    # Nielsen's chapter 1: sigmoid, quadratic cost, plain SGD at 3.0
    ("sigmoid", "sigmoid", "quadratic", lambda: steepest.GradientDescent(3.0),
     lambda p: torch.optim.SGD(p, lr=3.0)),
    ("relu", "softmax", "cross-entropy", lambda: steepest.Adam(0.01),
     lambda p: torch.optim.Adam(p, lr=0.01)),
    ("tanh", "softmax", "quadratic", lambda: steepest.Momentum(0.5, momentum=0.9),
     lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9)),
]  # fmt: skip


@pytest.mark.parametrize(("dtype", "tol"), [(np.float32, FLOAT32), (np.float64, 1e-12)])
@pytest.mark.parametrize(("activation", "output", "cost", "ours", "theirs"), EPOCH_CASES)
def test_one_epoch_of_training_matches_torch(activation, output, cost, ours, theirs,
                                             dtype, tol) -> None:  # fmt: skip
    net = Network([8, 16, 4], activation, output, seed=5, dtype=dtype)
    start = copy.deepcopy(net)
    x, y = _batch(net, 203, seed=6)  # 20 mini-batches of 10 and a last one of 3
    history = steepest.train(net, (x, y), epochs=1, batch_size=10, optimizer=ours(),
                             cost=cost, seed=np.random.default_rng(7))
    assert history.epochs == 1
    # train draws one permutation an epoch from its generator: the same draw here
    order = np.random.default_rng(7).permutation(len(y))
    reference = _torch_train(start, x, y, cost, [order], 10, theirs)
    for layer in range(2):
        _close(net.weights[layer], reference[2 * layer], tol)
        _close(net.biases[layer], reference[2 * layer + 1], tol)
    moved = np.abs(net.params - start.params).max()
    assert moved > 100 * tol  # the check means something: the weights did move


# ------------------------------------------------------------------------- optimizers
#: name -> (steepest optimizer for a learning rate (and a schedule), torch optimizer for
#: params and rate);
#: hyperparameters off their defaults, so that each one is seen to be passed on
OPTIMIZERS = {
    "gd": (lambda lr, **kw: steepest.GradientDescent(lr, **kw),
           lambda p, lr: torch.optim.SGD(p, lr=lr)),
    "momentum": (lambda lr, **kw: steepest.Momentum(lr, momentum=0.8, **kw),
                 lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8)),
    "nesterov": (lambda lr, **kw: steepest.Nesterov(lr, momentum=0.8, **kw),
                 lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8, nesterov=True)),
    "adagrad": (lambda lr, **kw: steepest.AdaGrad(lr, eps=1e-7, **kw),
                lambda p, lr: torch.optim.Adagrad(p, lr=lr, eps=1e-7)),
    "rmsprop": (lambda lr, **kw: steepest.RMSProp(lr, rho=0.95, eps=1e-7, **kw),
                lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.95, eps=1e-7)),
    "adam": (lambda lr, **kw: steepest.Adam(lr, beta1=0.85, beta2=0.995, eps=1e-7, **kw),
             lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.85, 0.995), eps=1e-7)),
}  # fmt: skip
#: test functions: equation text, the same function in torch, a start, and two learning
#: rates: for the optimizers that step along the raw gradient (gd, momentum, nesterov) and
#: for the adaptive ones, whose steps are about that long in each coordinate. The rates are
#: small enough that no run reaches its minimum to the last bit within 200 steps (a run that
#: stops moving ends early) and that no run is chaotic: RMSProp at 0.02 on Rosenbrock
#: bounces across the valley, where a change in the last bit of the start grows to 1e-2 by
#: step 100, between two steepest runs as between steepest and torch.
FUNCTIONS = {
    "ellipse": ("x^2 + 3y^2", lambda x, y: x**2 + 3 * y**2, (2.0, 1.0), 0.01, 0.02),
    "rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2",
                   lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, (-1.2, 1.0), 5e-4, 0.002),
    "himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                   lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (0.5, 0.5), 3e-4,
                   0.02),
    "tilted": ("x^2 + x*y + y^2 - 3x + sin(x)", lambda x, y: x**2 + x * y + y**2 - 3 * x
               + torch.sin(x), (-1.0, 2.0), 0.02, 0.02),
}  # fmt: skip
STEPS = 200


def _torch_path(function, start, make_optimizer, lr: float, schedule=None) -> np.ndarray:
    point = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([point], lr)
    scheduler = None if schedule is None else torch.optim.lr_scheduler.LambdaLR(optimizer,
                                                                                schedule)
    path = [point.detach().clone()]
    for _ in range(STEPS):
        optimizer.zero_grad()
        function(point[0], point[1]).backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        path.append(point.detach().clone())
    return torch.stack(path).numpy()


@pytest.mark.parametrize("function", list(FUNCTIONS))
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_take_torchs_steps_on_test_functions(name: str, function: str) -> None:
    text, torch_function, start, raw_rate, adaptive_rate = FUNCTIONS[function]
    ours, theirs = OPTIMIZERS[name]
    lr = raw_rate if name in ("gd", "momentum", "nesterov") else adaptive_rate
    result = steepest.minimize(text, start, optimizer=ours(lr), max_iter=STEPS, tol=0)
    assert (result.status, result.iterations) == ("max_iterations", STEPS), result.message
    reference = _torch_path(torch_function, start, theirs, lr)
    np.testing.assert_allclose(result.path, reference, rtol=0, atol=1e-10)
    assert np.abs(reference[-1] - reference[0]).max() > 0.01  # the path went somewhere


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_schedule_takes_the_steps_of_torchs_lambda_lr(name: str) -> None:
    """Step t at ``learning_rate·schedule(t)``, t from 0: torch's LambdaLR stepped after
    each optimizer step. (Momentum's velocity holds raw gradients, as torch's does, so a
    changing rate scales the whole step, not only the newest gradient.)"""
    text, torch_function, start, raw_rate, adaptive_rate = FUNCTIONS["tilted"]
    ours, theirs = OPTIMIZERS[name]
    lr = 5 * (raw_rate if name in ("gd", "momentum", "nesterov") else adaptive_rate)
    result = steepest.minimize(text, start, optimizer=ours(lr, schedule=lambda t: 0.98**t),
                               max_iter=STEPS, tol=0)
    assert (result.status, result.iterations) == ("max_iterations", STEPS), result.message
    reference = _torch_path(torch_function, start, theirs, lr, lambda t: 0.98**t)
    np.testing.assert_allclose(result.path, reference, rtol=0, atol=1e-10)
    plain = steepest.minimize(text, start, optimizer=ours(lr), max_iter=STEPS, tol=0)
    assert np.abs(plain.path[:51] - result.path[:51]).max() > 0.01  # the schedule mattered


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_take_torchs_steps_on_a_network(name: str) -> None:
    """200 mini-batch steps (20 epochs of 10 batches), float64: the same weights to 1e-10."""
    ours, theirs = OPTIMIZERS[name]
    lr = 0.5 if name in ("gd", "momentum", "nesterov") else 0.02
    net = Network([6, 10, 3], "tanh", "softmax", seed=8, dtype=np.float64)
    start = copy.deepcopy(net)
    x, y = _batch(net, 200, seed=9)
    shuffle = np.random.default_rng(10)
    history = steepest.train(net, (x, y), epochs=20, batch_size=20, optimizer=ours(lr),
                             cost="cross-entropy", seed=copy.deepcopy(shuffle))
    assert history.epochs == 20 and not history.diverged
    orders = [shuffle.permutation(len(y)) for _ in range(20)]  # train's draws, one an epoch
    reference = _torch_train(start, x, y, "cross-entropy", orders, 20,
                             lambda p: theirs(p, lr))
    for layer in range(2):
        _close(net.weights[layer], reference[2 * layer], 1e-10)
        _close(net.biases[layer], reference[2 * layer + 1], 1e-10)
    assert np.abs(net.params - start.params).max() > 0.1
