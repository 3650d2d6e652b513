"""Tests for steepest.nn.network: backprop against finite differences, init, save/load."""

from __future__ import annotations

import copy
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from steepest.cost import CROSS_ENTROPY, QUADRATIC, Cost, get_cost, quadratic_cost
from steepest.errors import NetworkError
from steepest.nn import Network, train
from steepest.nn._backprop import TRANSPOSED_FIRST_LAYER


def _data(net: Network, m: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, net.sizes[0])), rng.integers(0, net.sizes[-1], m)


def _numeric_gradient(net: Network, x, y, cost: Cost, h: float = 1e-6) -> np.ndarray:
    """Central differences of the batch cost for every parameter, one at a time."""
    numeric = np.empty_like(net.params)
    for i in range(net.params.size):
        saved = net.params[i]
        net.params[i] = saved + h
        up = cost.value(y, net.forward(x))
        net.params[i] = saved - h
        down = cost.value(y, net.forward(x))
        net.params[i] = saved
        numeric[i] = (up - down) / (2 * h)
    return numeric


def _flat(weights: list[np.ndarray], biases: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([p.ravel() for pair in zip(weights, biases, strict=True) for p in pair])


# a custom Cost takes the general path: ∂C/∂a from cost.grad, then the chain rule
SUM_QUADRATIC = Cost(
    "sum-quadratic", "C = Σ‖y − a‖²",
    lambda y, a: quadratic_cost(y, a), lambda y, a: 2 * (a - y),
)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize(
    ("output", "cost"),
    [(None, QUADRATIC), ("softmax", QUADRATIC), ("softmax", CROSS_ENTROPY),
     ("sigmoid", SUM_QUADRATIC)],
)
def test_backprop_matches_central_differences(activation: str, output, cost: Cost) -> None:
    net = Network([4, 5, 3, 3], activation, output, seed=3, dtype=np.float64)
    net.params[...] += np.random.default_rng(4).normal(0, 0.1, net.params.size)  # biases ≠ 0
    x, y = _data(net)
    grads = net.backprop(x, y, cost)
    numeric = _numeric_gradient(net, x, y, cost)
    np.testing.assert_allclose(_flat(grads.weights, grads.biases), numeric, rtol=1e-5, atol=1e-9)
    assert grads.cost == pytest.approx(cost.value(y, net.forward(x)))


@pytest.mark.parametrize("sizes", [[4, 3], [4, 5, 4, 3, 3]])
def test_backprop_matches_central_differences_without_and_with_many_hidden_layers(sizes) -> None:
    net = Network(sizes, "tanh", "sigmoid", seed=5, dtype=np.float64)
    net.params[...] += np.random.default_rng(6).normal(0, 0.1, net.params.size)
    x, y = _data(net)
    grads = net.backprop(x, y)
    numeric = _numeric_gradient(net, x, y, QUADRATIC)
    np.testing.assert_allclose(_flat(grads.weights, grads.biases), numeric, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("m", [TRANSPOSED_FIRST_LAYER, TRANSPOSED_FIRST_LAYER + 1])
@pytest.mark.parametrize(("sizes", "output"), [([4, 3], "softmax"), ([4, 6, 3], "softmax"),
                                               ([4, 6, 5, 3], None)])
def test_both_forms_of_the_first_layer_give_the_gradient(m, sizes, output) -> None:
    # small mini-batches compute the first layer as zᵀ = W·xᵀ, larger ones as z = x·Wᵀ
    net = Network(sizes, "relu", output, seed=7, dtype=np.float64)
    net.params[...] += np.random.default_rng(8).normal(0, 0.1, net.params.size)
    x, y = _data(net, m=m)
    cost = CROSS_ENTROPY if output == "softmax" else QUADRATIC
    grads = net.backprop(x, y, cost)
    numeric = _numeric_gradient(net, x, y, cost)
    np.testing.assert_allclose(_flat(grads.weights, grads.biases), numeric, rtol=1e-5, atol=1e-9)
    assert grads.cost == pytest.approx(cost.value(y, net.forward(x)))


def test_backprop_accepts_one_hot_rows_and_keeps_its_results() -> None:
    net = Network([3, 4, 2], seed=0, dtype=np.float64)
    x, y = _data(net)
    by_label = net.backprop(x, y)
    by_rows = net.backprop(x, np.eye(2)[y])
    for a, b in zip(by_label.weights + by_label.biases, by_rows.weights + by_rows.biases,
                    strict=True):
        np.testing.assert_array_equal(a, b)
    net.backprop(x[:3], 1 - y[:3])  # overwrites the internal buffers, not the results
    np.testing.assert_array_equal(by_label.weights[0], by_rows.weights[0])


def test_float32_backprop_agrees_with_float64() -> None:
    net64 = Network([5, 6, 3], seed=1, dtype=np.float64)
    net32 = Network([5, 6, 3], seed=1)
    assert net32.params.dtype == np.float32
    np.testing.assert_allclose(net32.params, net64.params, rtol=1e-6)
    x, y = _data(net64, m=8)
    g32, g64 = net32.backprop(x, y), net64.backprop(x, y)
    np.testing.assert_allclose(_flat(g32.weights, g32.biases), _flat(g64.weights, g64.biases),
                               rtol=1e-3, atol=1e-6)


def test_parameters_are_views_of_one_flat_vector() -> None:
    net = Network([3, 4, 2], seed=0)
    assert net.params.size == 3 * 4 + 4 + 4 * 2 + 2
    for array in net.weights + net.biases:
        assert np.shares_memory(array, net.params)
    net.params[...] = 0
    np.testing.assert_array_equal(net.forward([1.0, 2.0, 3.0]), [0.5, 0.5])


def test_initialisation_scales_and_seeds() -> None:
    wide = Network([1000, 300, 300], "relu", "sigmoid", seed=0)
    assert wide.weights[0].std() == pytest.approx(np.sqrt(2 / 1000), rel=0.02)  # He
    assert wide.weights[1].std() == pytest.approx(np.sqrt(1 / 300), rel=0.02)  # LeCun
    assert not any(b.any() for b in wide.biases)
    a, b = Network([4, 3, 2], seed=7), Network([4, 3, 2], seed=7)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, Network([4, 3, 2], seed=8).params)
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(a.params, Network([4, 3, 2], seed=rng).params)


def test_forward_computes_the_layers() -> None:
    net = Network([3, 4, 2], "tanh", "sigmoid", seed=0, dtype=np.float64)
    x = np.random.default_rng(0).normal(size=(5, 3))
    hidden = np.tanh(x @ net.weights[0].T + net.biases[0])
    expected = 1 / (1 + np.exp(-(hidden @ net.weights[1].T + net.biases[1])))
    np.testing.assert_allclose(net.forward(x), expected, rtol=1e-12)
    np.testing.assert_allclose(net.forward(x[0]), expected[0], rtol=1e-12)
    np.testing.assert_array_equal(net.predict(x), expected.argmax(axis=1))
    assert net.predict(x[0]) == expected[0].argmax()


def test_softmax_rows_sum_to_one_and_extreme_inputs_do_not_overflow() -> None:
    net = Network([2, 3, 4], "relu", "softmax", seed=0)
    out = net.forward([[1e4, -1e4], [0.0, 0.0]])
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-6)
    sigmoid = Network([2, 3], seed=0).forward([[1e6, -1e6], [-1e6, 1e6]])
    assert np.isfinite(sigmoid).all()


def test_evaluate_gives_mean_cost_and_accuracy() -> None:
    net = Network([2, 2], output="softmax", seed=0, dtype=np.float64)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])
    labels = net.predict(x)
    cost, accuracy = net.evaluate(x, labels, "cross-entropy")
    assert accuracy == 1.0
    assert cost == pytest.approx(get_cost("cross-entropy").value(labels, net.forward(x)))
    assert net.evaluate(x, 1 - labels)[1] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"sizes": [784]}, "at least two"),
        ({"sizes": [784, 0, 10]}, "positive whole"),
        ({"sizes": [784, 2.5, 10]}, "positive whole"),
        ({"sizes": [2, 2], "activation": "softmax"}, "activation must be one of"),
        ({"sizes": [2, 2], "output": "linear"}, "output must be one of"),
        ({"sizes": [2, 2], "dtype": np.float16}, "float32 or float64"),
    ],
)
def test_bad_networks_are_refused(kwargs, words: str) -> None:
    with pytest.raises(NetworkError, match=words):
        Network(**kwargs)


def test_bad_inputs_are_refused() -> None:
    net = Network([3, 2], seed=0)
    with pytest.raises(NetworkError, match=r"\(3,\) for one example.*got shape \(2,\)"):
        net.forward([1.0, 2.0])
    with pytest.raises(NetworkError, match=r"finite.*nan at x\[1, 0\]"):
        net.forward([[1.0, 2.0, 3.0], [np.nan, 0.0, 0.0]])
    with pytest.raises(TypeError, match="numbers"):
        net.forward(["a", "b", "c"])
    with pytest.raises(NetworkError, match="2-D"):
        net.backprop([1.0, 2.0, 3.0], [1])
    with pytest.raises(NetworkError, match=r"labels.*0\.\.1.*got 2"):
        net.backprop([[1.0, 2.0, 3.0]], [2])
    with pytest.raises(NetworkError, match="softmax"):
        net.backprop([[1.0, 2.0, 3.0]], [1], cost="cross-entropy")


# --------------------------------------------------------------------------- save / load
def test_save_then_load_gives_identical_predictions(tmp_path: Path) -> None:
    for dtype in (np.float32, np.float64):
        net = Network([6, 5, 4, 3], "tanh", "softmax", seed=2, dtype=dtype)
        path = net.save(tmp_path / "model.npz")
        loaded = Network.load(path)
        assert repr(loaded) == repr(net)
        np.testing.assert_array_equal(loaded.params, net.params)
        x = np.random.default_rng(0).normal(size=(10, 6))
        np.testing.assert_array_equal(loaded.forward(x), net.forward(x))


def test_save_writes_exactly_the_path_given(tmp_path: Path) -> None:
    path = Network([2, 2], seed=0).save(tmp_path / "model.weights")
    assert path == tmp_path / "model.weights" and path.is_file()
    assert Network.load(path).sizes == (2, 2)


def _our_fields(**changes) -> dict:
    net = Network([3, 2], seed=0)
    fields = {"format": np.str_("steepest-network"), "version": np.int64(1),
              "sizes": np.array([3, 2]), "activation": np.str_("sigmoid"),
              "output": np.str_("sigmoid"), "dtype": np.str_("float32"), "params": net.params}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"weights": np.zeros(3)}, "not a steepest network file"),
        (_our_fields(version=np.int64(2)), "format version 2"),
        (_our_fields(params=None), "lacks params"),
        (_our_fields(params=np.zeros(5, np.float32)), "needs"),
        (_our_fields(sizes=np.array([3, -2])), "unusable network"),
        (_our_fields(params=np.full(8, np.nan, np.float32)), "finite"),
    ],
)
def test_foreign_or_wrong_files_are_refused(tmp_path: Path, fields: dict, words: str) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, **fields)
    with pytest.raises(NetworkError, match=words) as caught:
        Network.load(path)
    assert str(path) in str(caught.value)


def test_truncated_and_non_npz_files_are_refused(tmp_path: Path) -> None:
    good = Network([30, 20, 10], seed=0).save(tmp_path / "good.npz").read_bytes()
    for name, content in [("truncated.npz", good[: len(good) // 2]),
                          ("cut-end.npz", good[:-40]),
                          ("text.npz", b"hello, I am not a network\n"),
                          ("empty.npz", b"")]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(NetworkError, match="not") as caught:
            Network.load(path)
        assert str(path) in str(caught.value)
    array_file = tmp_path / "array.npy"
    np.save(array_file, np.zeros(3))
    with pytest.raises(NetworkError, match="not a steepest network"):
        Network.load(array_file)
    with pytest.raises(NetworkError, match="no network file"):
        Network.load(tmp_path / "missing.npz")
    assert zipfile.is_zipfile(tmp_path / "good.npz")


def test_network_seed_is_checked_with_our_message():
    with pytest.raises(NetworkError, match="Network: seed must be a non-negative int"):
        Network([2, 2], seed=-1)
    with pytest.raises(TypeError, match="Network: seed must be an int"):
        Network([2, 2], seed="0")


@pytest.mark.parametrize("duplicate", [lambda n: pickle.loads(pickle.dumps(n)), copy.deepcopy])
def test_a_pickled_or_copied_network_trains_like_the_original(duplicate):
    net = Network([4, 5, 3], "tanh", "softmax", seed=2)
    x, y = _data(net, m=20)
    train(net, (x, y), epochs=1, batch_size=5, cost="cross-entropy", seed=0)  # has plans
    twin = duplicate(net)
    assert twin.params is not net.params and twin.weights[0].base is twin.params
    for network in (net, twin):
        train(network, (x, y), epochs=2, batch_size=5, cost="cross-entropy", seed=1)
    np.testing.assert_array_equal(twin.params, net.params)  # the views are live
    assert repr(twin) == repr(net)


def test_a_cost_whose_functions_cannot_be_hashed_still_trains():
    class Value:  # a class with __eq__ and no __hash__: instances are unhashable
        def __eq__(self, other):
            return isinstance(other, Value)

        def __call__(self, y, a):
            return quadratic_cost(y, a, reduce="mean", half=True)

    class Grad(Value):
        def __call__(self, y, a):
            return (a - y) / len(a)

    cost = Cost("mine", "C = 1/2m Σ‖y − a‖²", Value(), Grad())
    net = Network([4, 5, 3], seed=2)
    x, y = _data(net)
    mine, reference = net.backprop(x, y, cost), net.backprop(x, y, QUADRATIC)
    assert mine.cost == pytest.approx(reference.cost)
    for a, b in zip(mine.weights + mine.biases, reference.weights + reference.biases,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    history = train(net, (x, y), epochs=2, batch_size=3, cost=cost, seed=0)
    assert len(history.cost) == 2


def test_an_interrupted_save_leaves_the_old_model_whole(tmp_path: Path, monkeypatch) -> None:
    import steepest.nn._file as model_file

    target = Network([3, 2], seed=0).save(tmp_path / "model.npz")
    old = target.read_bytes()

    def interrupted(file, **arrays):  # Ctrl-C once the archive has begun
        file.write(b"PK\x03\x04" + bytes(1000))
        raise KeyboardInterrupt

    monkeypatch.setattr(model_file.np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Network([30, 20, 10], seed=1).save(target)
    monkeypatch.undo()
    assert target.read_bytes() == old and Network.load(target).sizes == (3, 2)
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_sizes_beyond_the_cap_are_refused_before_allocating() -> None:
    with pytest.raises(NetworkError, match=r"795,000,000,010 parameters; at most"):
        Network([784, 10**9, 10])
