"""Tests of steepest.nn.blas: the rule that chooses BLAS threads from the work."""

from __future__ import annotations

import numpy as np
import pytest

from steepest.nn import Network, blas, train
from steepest.nn.blas import (
    MIN_PARALLEL_PRODUCT,
    available_cores,
    blas_threads_for,
    choose_blas_threads,
    idle_cores,
)


@pytest.mark.parametrize(
    ("sizes", "batch", "threads"),
    [
        ([784, 30, 10], 10, 1),  # Nielsen's network: 235,200 multiply-adds, one thread
        ([784, 300, 10], 10, 1),  # wide but a small mini-batch: 2.35 million
        ([784, 30, 10], 128, 2),  # a mini-batch of 128: 3.0 million
        ([784, 512, 512, 10], 256, 2),  # the default setup: 103 million
        ([2, 3, 3], 10, 1),
    ],
)
def test_small_products_get_one_thread_and_large_ones_every_core(sizes, batch, threads) -> None:
    assert blas_threads_for(sizes, batch, cores=2) == threads


def test_the_threshold_is_where_the_largest_product_reaches_it() -> None:
    # the largest product of 784-100-100-10 is the first layer's, 78,400 per example
    per_example = 784 * 100
    below = (MIN_PARALLEL_PRODUCT - 1) // per_example
    assert blas_threads_for([784, 100, 100, 10], below, cores=4) == 1
    assert blas_threads_for([784, 100, 100, 10], below + 1, cores=4) == 4


def test_one_core_means_one_thread_and_the_default_is_the_cores_available() -> None:
    assert blas_threads_for([784, 1024, 10], 512, cores=1) == 1
    assert blas_threads_for([784, 1024, 10], 512) == available_cores() >= 1


@pytest.mark.parametrize(("idle", "threads"), [(2.0, 2), (1.6, 2), (1.4, 1), (0.2, 1), (None, 2)])
def test_the_choice_takes_no_more_threads_than_idle_cores(monkeypatch, idle, threads) -> None:
    watched = []
    monkeypatch.setattr(blas, "available_cores", lambda: 2)
    monkeypatch.setattr(blas, "idle_cores", lambda: watched.append(1) or idle)
    assert choose_blas_threads([784, 512, 512, 10], 256) == threads
    assert choose_blas_threads([784, 30, 10], 10) == 1  # small work: the cores are not watched
    assert len(watched) == 1


def test_idle_cores_are_between_none_and_all() -> None:
    idle = idle_cores(0.05)
    assert idle is None or 0 <= idle <= available_cores()


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.mark.parametrize(("sizes", "batch", "idle"), [([20, 8, 3], 10, None),
                                                      ([20, 3000, 3], 100, 2.0),
                                                      ([20, 3000, 3], 100, 0.5)])
def test_train_uses_the_choice_by_default_and_says_so(monkeypatch, sizes, batch, idle) -> None:
    from threadpoolctl import threadpool_limits

    monkeypatch.setattr(blas, "idle_cores", lambda: idle)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 20)), rng.integers(0, 3, 200)
    seen: list[list[int]] = []
    with threadpool_limits(3, user_api="blas"):
        history = train(Network(sizes, seed=0), (x, y), epochs=1, batch_size=batch,
                        progress=lambda h: seen.append(_blas_threads()))
        configured = _blas_threads()
    chosen = choose_blas_threads(sizes, batch)
    assert history.settings["blas_threads"] == chosen
    assert chosen == (1 if idle is None or idle < 1 else min(2, available_cores()))
    assert seen == [[min(chosen, n) for n in configured]]
