"""Tests of steepest.descent.optimizers: each optimizer against its formula written out plainly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from steepest.descent.optimizers import (
    OPTIMIZERS,
    AdaGrad,
    Adam,
    GradientDescent,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    exponential_decay,
    inverse_sqrt,
    inverse_time,
    make_optimizer,
)
from steepest.errors import OptimizerError

SHAPES = [(3, 4), (4,), (2, 3), (1,)]


def reference_steps(name, hyper, params, grads_seq, lr_at=None):
    """The textbook formulas, out of place, in float64, one step per entry of grads_seq."""
    lr0 = hyper["learning_rate"]
    ps = [p.astype(np.float64) for p in params]
    a = [np.zeros_like(p) for p in ps]
    b = [np.zeros_like(p) for p in ps]
    for t, grads in enumerate(grads_seq, start=1):
        lr = lr0 * (lr_at(t - 1) if lr_at else 1.0)
        for i, g in enumerate(grads):
            g = g.astype(np.float64)
            if name == "gd":
                ps[i] = ps[i] - lr * g
            elif name == "momentum":
                a[i] = hyper["momentum"] * a[i] + g
                ps[i] = ps[i] - lr * a[i]
            elif name == "nesterov":
                a[i] = hyper["momentum"] * a[i] + g
                ps[i] = ps[i] - lr * (g + hyper["momentum"] * a[i])
            elif name == "adagrad":
                a[i] = a[i] + g**2
                ps[i] = ps[i] - lr * g / (np.sqrt(a[i]) + hyper["eps"])
            elif name == "rmsprop":
                a[i] = hyper["rho"] * a[i] + (1 - hyper["rho"]) * g**2
                ps[i] = ps[i] - lr * g / (np.sqrt(a[i]) + hyper["eps"])
            elif name == "adam":
                b1, b2 = hyper["beta1"], hyper["beta2"]
                a[i] = b1 * a[i] + (1 - b1) * g
                b[i] = b2 * b[i] + (1 - b2) * g**2
                m_hat = a[i] / (1 - b1**t)
                v_hat = b[i] / (1 - b2**t)
                ps[i] = ps[i] - lr * m_hat / (np.sqrt(v_hat) + hyper["eps"])
    return ps


HYPER = {
    "gd": {},
    "momentum": {"momentum": 0.8},
    "nesterov": {"momentum": 0.7},
    "adagrad": {"eps": 1e-3},
    "rmsprop": {"rho": 0.85, "eps": 1e-3},
    "adam": {"beta1": 0.8, "beta2": 0.95, "eps": 1e-3},
}


def random_problem(rng, dtype=np.float64, steps=5):
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads_seq = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    return params, grads_seq


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_steps_follow_the_formula(name):
    rng = np.random.default_rng(1)
    params, grads_seq = random_problem(rng)
    expected = reference_steps(name, {"learning_rate": 0.05, **HYPER[name]}, params, grads_seq)
    opt = make_optimizer(name, 0.05, **HYPER[name])
    for grads in grads_seq:
        returned = opt.step(params, grads)
        assert returned is params
    assert opt.t == len(grads_seq)
    for p, e in zip(params, expected, strict=True):
        np.testing.assert_allclose(p, e, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_stays_float32_and_updates_in_place(name):
    rng = np.random.default_rng(2)
    params, grads_seq = random_problem(rng, np.float32, steps=3)
    expected = reference_steps(name, {"learning_rate": 0.05, **HYPER[name]}, params, grads_seq)
    ids = [id(p) for p in params]
    opt = make_optimizer(name, 0.05, **HYPER[name])
    for grads in grads_seq:
        opt.step(params, grads)
    assert [id(p) for p in params] == ids
    assert all(p.dtype == np.float32 for p in params)
    for s, p in zip(opt.state, params, strict=True):
        assert set(s) == set(type(opt).slots)
        assert all(a.dtype == np.float32 and a.shape == p.shape for a in s.values())
    for p, e in zip(params, expected, strict=True):
        np.testing.assert_allclose(p, e, rtol=1e-5, atol=1e-5)


def test_state_is_per_parameter_and_reset_forgets_it():
    opt = Momentum(0.1, momentum=0.5)
    p, q = np.zeros(2), np.zeros(3)
    opt.step([p, q], [np.array([1.0, 2.0]), np.array([3.0, 0.0, -1.0])])
    np.testing.assert_array_equal(opt.state[0]["velocity"], [1.0, 2.0])
    np.testing.assert_array_equal(opt.state[1]["velocity"], [3.0, 0.0, -1.0])
    opt.reset()
    assert opt.state == [] and opt.t == 0
    # after reset the optimizer behaves like a new one, even on arrays of other shapes
    r, fresh = np.ones(5), np.ones(5)
    g = np.arange(5.0)
    opt.step([r], [g])
    Momentum(0.1, momentum=0.5).step([fresh], [g])
    np.testing.assert_array_equal(r, fresh)


def test_momentum_zero_is_plain_descent_and_adam_first_step_is_sign():
    rng = np.random.default_rng(3)
    p1 = rng.standard_normal(4)
    p2 = p1.copy()
    for _ in range(3):
        g = rng.standard_normal(4)
        Momentum(0.1, momentum=0.0).step([p1], [g])  # fresh each time: no memory anyway
        GradientDescent(0.1).step([p2], [g])
    np.testing.assert_allclose(p1, p2)
    p = np.zeros(3)
    Adam(0.01).step([p], [np.array([100.0, -0.5, 2.0])])
    np.testing.assert_allclose(p, [-0.01, 0.01, -0.01], rtol=1e-6)


def test_schedule_scales_each_step():
    rng = np.random.default_rng(4)
    params, grads_seq = random_problem(rng, steps=4)
    expected = reference_steps(
        "momentum", {"learning_rate": 0.1, "momentum": 0.5}, params, grads_seq,
        lr_at=lambda t: 1 / (1 + 0.5 * t),
    )  # fmt: skip
    opt = Momentum(0.1, momentum=0.5, schedule=inverse_time(0.5))
    for grads in grads_seq:
        opt.step(params, grads)
    for p, e in zip(params, expected, strict=True):
        np.testing.assert_allclose(p, e, rtol=1e-12)


def test_named_schedules():
    assert inverse_sqrt()(3) == 0.5
    assert exponential_decay(0.5)(3) == 0.125
    assert inverse_time(0.01)(100) == 0.5
    p = np.array([1.0])
    opt = GradientDescent(1.0, schedule="exponential")  # 0.99**t
    for _ in range(3):
        opt.step([p], [np.array([1.0])])
    assert math.isclose(p[0], 1 - (1 + 0.99 + 0.99**2))
    with pytest.raises(OptimizerError, match=r"'schedule'.*one of"):
        GradientDescent(schedule="cosine")
    with pytest.raises(TypeError, match="'schedule'"):
        GradientDescent(schedule=3)


@pytest.mark.parametrize("bad", [0, -0.1, math.inf, math.nan])
def test_learning_rate_must_be_positive_and_finite(bad):
    with pytest.raises(OptimizerError, match=r"'learning_rate' parameter of Adam must be a float in the range \(0, inf\)"):  # noqa: E501
        Adam(bad)
    opt = GradientDescent(0.1)
    with pytest.raises(OptimizerError, match="'learning_rate'"):
        opt.learning_rate = bad
    assert opt.learning_rate == 0.1


@pytest.mark.parametrize(
    ("cls", "option", "bad"),
    [
        (Momentum, "momentum", 1.0),
        (Nesterov, "momentum", -0.1),
        (RMSProp, "rho", 1.5),
        (Adam, "beta1", 1.0),
        (Adam, "beta2", -1e-9),
        (Adam, "eps", 0.0),
        (AdaGrad, "eps", -1e-8),
    ],
)
def test_hyperparameters_are_validated(cls, option, bad):
    with pytest.raises(OptimizerError, match=f"'{option}' parameter of {cls.__name__}.*Got"):
        cls(0.1, **{option: bad})


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match=r"'learning_rate'.*real number.*str"):
        GradientDescent("0.1")
    with pytest.raises(TypeError, match="real number"):
        Momentum(0.1, momentum=True)
    with pytest.raises(TypeError, match="floating-point NumPy array"):
        GradientDescent(0.1).step([np.array([1, 2])], [np.array([1, 1])])
    with pytest.raises(TypeError, match="floating-point NumPy array"):
        GradientDescent(0.1).step([[1.0, 2.0]], [np.array([1.0, 1.0])])
    with pytest.raises(TypeError, match="lists of arrays"):
        GradientDescent(0.1).step(np.zeros(2), np.zeros(2))


def test_mismatched_lists_are_explained():
    opt = Adam(0.1)
    with pytest.raises(OptimizerError, match="2 parameter arrays but 1 gradients"):
        opt.step([np.zeros(2), np.zeros(3)], [np.zeros(2)])
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(OptimizerError, match=r"reset\(\)"):
        opt.step([np.zeros(2), np.zeros(3)], [np.ones(2), np.ones(3)])
    read_only = np.zeros(2)
    read_only.flags.writeable = False
    with pytest.raises(OptimizerError, match="read-only"):
        Adam(0.1).step([read_only], [np.ones(2)])


def test_make_optimizer():
    opt = make_optimizer("ADAM", 0.01, beta1=0.5)
    assert isinstance(opt, Adam) and opt.learning_rate == 0.01 and opt.beta1 == 0.5
    assert make_optimizer("gd").learning_rate == GradientDescent.default_learning_rate
    assert isinstance(make_optimizer(RMSProp, 0.1), RMSProp)
    same = Nesterov(0.2)
    assert make_optimizer(same, 0.5) is same and same.learning_rate == 0.2
    with pytest.raises(OptimizerError, match="Did you mean 'momentum'"):
        make_optimizer("momentom")
    with pytest.raises(OptimizerError, match="'gd', 'momentum', 'nesterov', 'adagrad'"):
        make_optimizer("lbfgs")
    with pytest.raises(OptimizerError, match="set them when constructing"):
        make_optimizer(same, momentum=0.5)
    with pytest.raises(OptimizerError, match=r"does not take.*\['beta1'\].*'momentum'"):
        make_optimizer("momentum", 0.1, beta1=0.9)
    with pytest.raises(TypeError, match="optimizer must be"):
        make_optimizer(3)
    assert repr(Momentum(0.1)) == "Momentum(learning_rate=0.1, momentum=0.9)"


class _HalfStep(Optimizer):
    """A user-defined optimizer: the protocol needs only ``_update``."""

    name = "half"

    def _update(self, p, g, s, buf, lr):
        p -= 0.5 * lr * g


def test_user_subclass_follows_the_protocol():
    p = np.array([1.0])
    make_optimizer(_HalfStep, 1.0).step([p], [np.array([1.0])])
    assert p[0] == 0.5


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_minimizes_a_quadratic_bowl(name):
    # f(w) = ½ Σ a_i w_i² on two arrays; gradient a·w; minimum at 0
    lr = {"gd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5, "rmsprop": 0.01,
          "adam": 0.05}[name]  # fmt: skip
    a = [np.array([1.0, 3.0]), np.array([[2.0], [0.5]])]
    w = [np.array([2.0, -1.0]), np.array([[1.0], [-3.0]])]
    opt = make_optimizer(name, lr)
    for _ in range(2000):
        opt.step(w, [ai * wi for ai, wi in zip(a, w, strict=True)])
    for wi in w:
        np.testing.assert_allclose(wi, 0.0, atol=1e-2)


def test_select_rows_keeps_the_state_of_those_rows():
    # descent of many starts drops the rows that stopped; the others go on unchanged
    rng = np.random.default_rng(5)
    p = rng.standard_normal((4, 2))
    grads = [rng.standard_normal((4, 2)) for _ in range(4)]
    full, part = Adam(0.1), Adam(0.1)
    q = p.copy()
    full.step([p], [grads[0]])
    part.step([q], [grads[0]])
    keep = np.array([0, 2])
    part.select_rows(keep)
    q = q[keep]
    for g in grads[1:]:
        full.step([p], [g])
        part.step([q], [g[keep]])
    np.testing.assert_array_equal(q, p[keep])
    assert part.state[0]["m"].shape == (2, 2)


def test_fresh_copies_the_settings_and_none_of_the_state():
    adam = Adam(0.05, beta2=0.99, schedule="inverse_sqrt")
    adam.step([np.ones(3)], [np.ones(3)])
    run = adam.fresh()
    assert type(run) is Adam and repr(run) == repr(adam) and run.schedule is adam.schedule
    assert run.t == 0 and run.state == [] and adam.t == 1
    run.step([np.ones(3)], [np.ones(3)])
    assert adam.t == 1 and adam.state[0]["m"] is not run.state[0]["m"]


def test_optimizer_errors_are_descent_errors_named_for_the_optimizer():
    from steepest.errors import DescentError

    with pytest.raises(OptimizerError) as caught:
        make_optimizer("adm")
    assert isinstance(caught.value, DescentError)
