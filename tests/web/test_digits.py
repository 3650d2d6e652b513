"""The explorer's Digits API through the ASGI test client: runs, streams, control, panels, caps."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi")

from fastapi import FastAPI
from fastapi.testclient import TestClient

from steepest.data import load_mnist_sample
from steepest.nn import Network
from steepest.nn.evaluation import prepare_image
from steepest.web.digits import router
from steepest.web.runs import Runs

SMALL = {"hidden": [16], "epochs": 2, "batch_size": 50, "optimizer": "adam",
         "learning_rate": 0.003, "cost": "cross-entropy", "activation": "relu"}


def make_app(limit: int = 2, model: Any = None) -> FastAPI:
    try:
        from steepest.web.app import create_app
    except ImportError:  # the explorer's app is not in this branch yet
        app = FastAPI()
        app.include_router(router)
    else:
        app = create_app()
    app.state.digits = Runs(limit=limit, model=model)
    return app


@pytest.fixture
def client():
    app = make_app()
    with TestClient(app) as test_client:
        yield test_client
    app.state.digits.close()


def events(client: TestClient, run: str, *, until=None, act=None) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Read a run's stream; ``act(update, seen)`` may act while it streams."""
    seen: list[dict[str, Any]] = []
    with client.stream("GET", f"/api/digits/runs/{run}/stream") as stream:
        for line in stream.iter_lines():
            if not line.startswith("data: "):
                continue
            seen.append(json.loads(line[6:]))
            if act is not None:
                act(seen[-1], seen)
            if seen[-1].get("end") or (until is not None and until(seen[-1])):
                break
    return seen


def test_a_run_starts_streams_and_ends_with_its_epochs(client: TestClient) -> None:
    start = client.post("/api/digits/runs", json=SMALL)
    assert start.status_code == 200
    run = start.json()["run"]
    assert start.json()["sizes"] == [784, 16, 10]
    seen = events(client, run)
    assert seen[0]["type"] == "hello" and seen[-1] == {**seen[-1], "state": "finished"}
    epochs = [u for u in seen if u["type"] == "epoch"]
    assert [u["epoch"] for u in epochs] == [1, 2]
    assert epochs[1]["test_accuracy"] > 0.8
    batches = [u for u in seen if u["type"] == "batch"]
    costs = [c for u in batches for c in u["costs"]]
    assert len(costs) == 2 * 100  # every mini-batch's cost reaches the page, once
    assert batches[-1]["steps"] == 200
    weights = np.frombuffer(base64.b64decode(batches[-1]["weights"]), "<f4")
    assert weights.shape == (16 * 784,)
    assert client.post("/api/digits/runs/" + run + "/stop").json()["state"] == "finished"


def test_the_learning_rate_changes_mid_run_and_the_next_updates_use_it(client) -> None:
    run = client.post("/api/digits/runs", json={**SMALL, "epochs": 20, "pace": 400}).json()["run"]
    changed: dict[str, Any] = {}

    def act(update: dict[str, Any], seen: list[dict[str, Any]]) -> None:
        if update["type"] == "batch" and not changed:
            answer = client.post(f"/api/digits/runs/{run}/settings",
                                 json={"learning_rate": 0.0005, "beta1": 0.8})
            changed.update(answer.json()["optimizer"], at=update["steps"])

    seen = events(client, run, act=act,
                  until=lambda u: u["type"] == "batch" and u["learning_rate"] == 0.0005
                  and u["steps"] > changed.get("at", 10**9) + 20)
    assert changed["learning_rate"] == 0.0005 and changed["beta1"] == 0.8
    note = next(u for u in seen if u["type"] == "settings")
    assert note["optimizer"] == {"learning_rate": 0.0005, "beta1": 0.8, "beta2": 0.999,
                                 "eps": 1e-08}
    after = [u for u in seen if u["type"] == "batch" and u["seq"] > note["seq"]]
    before = [u for u in seen if u["type"] == "batch" and u["seq"] < note["seq"]]
    assert all(u["learning_rate"] == 0.0005 for u in after) and after
    assert all(u["learning_rate"] == 0.003 for u in before) and before
    stopped = client.post(f"/api/digits/runs/{run}/stop").json()
    assert stopped["state"] == "stopped"
    assert stopped["optimizer"]["learning_rate"] == 0.0005


def test_pause_holds_the_weights_and_stop_ends_a_paused_run_at_once(client) -> None:
    run = client.post("/api/digits/runs", json={**SMALL, "epochs": 50, "pace": 300}).json()["run"]
    events(client, run, until=lambda u: u["type"] == "batch")  # then the tab goes away
    closed = time.monotonic()
    digits = client.app.state.digits  # type: ignore[attr-defined]
    assert digits.get(run).join(1.0), "the run outlived its stream by a second"
    assert time.monotonic() - closed < 1.0 and digits.get(run).state == "stopped"
    run = client.post("/api/digits/runs", json={**SMALL, "epochs": 50, "pace": 300}).json()["run"]
    time.sleep(0.3)
    client.post(f"/api/digits/runs/{run}/pause")
    time.sleep(0.2)
    first = digits.get(run).snapshot()[0].params.copy()
    time.sleep(0.3)
    np.testing.assert_array_equal(digits.get(run).snapshot()[0].params, first)
    started = time.monotonic()
    assert client.post(f"/api/digits/runs/{run}/stop").json()["state"] == "stopped"
    assert time.monotonic() - started < 1.0


def test_two_tabs_train_apart_and_a_third_run_is_refused_while_busy(client) -> None:
    one = client.post("/api/digits/runs", json={**SMALL, "epochs": 50, "pace": 200}).json()
    two = client.post("/api/digits/runs", json={**SMALL, "epochs": 50, "pace": 200,
                                                "learning_rate": 0.01, "seed": 1}).json()
    assert one["run"] != two["run"]
    busy = client.post("/api/digits/runs", json=SMALL)
    assert busy.status_code == 503 and "busy" in busy.json()["error"]
    assert "try again" in busy.json()["error"]
    client.post(f"/api/digits/runs/{one['run']}/settings", json={"learning_rate": 0.0001})
    time.sleep(0.2)
    digits = client.app.state.digits  # type: ignore[attr-defined]
    a, b = digits.get(one["run"]), digits.get(two["run"])
    assert a.optimizer.learning_rate == 0.0001 and b.optimizer.learning_rate == 0.01
    assert not np.array_equal(a.snapshot()[0].params, b.snapshot()[0].params)
    client.post(f"/api/digits/runs/{one['run']}/stop")
    assert client.post("/api/digits/runs", json=SMALL).status_code == 200  # a core is free


@pytest.mark.parametrize(("change", "words"), [
    ({"hidden": [300]}, "hidden.0 must be at most 256"),
    ({"hidden": [10, 10, 10, 10]}, "hidden must have at most 3 items"),
    ({"epochs": 500}, "epochs must be at most 50"),
    ({"batch_size": 0}, "batch_size must be at least 1"),
    ({"learning_rate": -1}, "learning_rate must be more than 0"),
    ({"optimizer": "sgd2"}, "optimizer"),
    ({"epochs": 50, "batch_size": 1, "hidden": [4]}, "at most 100,000 here"),
])
def test_caps_are_refused_with_a_clear_message(client, change, words, monkeypatch) -> None:
    monkeypatch.setattr("steepest.web.runs.MAX_BATCHES", 100_000)  # 250,000 asked here
    answer = client.post("/api/digits/runs", json={**SMALL, **change})
    assert 400 <= answer.status_code < 500
    body = answer.json()
    if "error" in body:  # the explorer's words, or the library's
        assert words in body["error"]
    else:  # FastAPI's own form, in an app without the explorer's handlers
        field = words.split()[0].split(".")[0]
        assert any(field in detail["loc"] for detail in body["detail"])


def test_bad_settings_changes_and_unknown_runs(client) -> None:
    run = client.post("/api/digits/runs", json={**SMALL, "epochs": 50, "pace": 200}).json()["run"]
    answer = client.post(f"/api/digits/runs/{run}/settings", json={"momentum": 0.5})
    assert answer.status_code == 400 and "Adam has no setting 'momentum'" in answer.json()["error"]
    client.post(f"/api/digits/runs/{run}/stop")
    missing = client.post("/api/digits/runs/abc/stop")
    assert missing.status_code == 404 and "no training run" in missing.json()["error"]
    assert client.post("/api/digits/image", json={"source": "abc", "index": 0}).status_code == 404


def test_the_panels_agree_with_the_library(client) -> None:
    run = client.post("/api/digits/runs", json=SMALL).json()["run"]
    events(client, run)
    network = client.app.state.digits.get(run).network  # type: ignore[attr-defined]
    (_, _), (tx, ty) = load_mnist_sample()
    worked = client.post("/api/digits/image", json={"source": run, "index": 3}).json()
    outputs = network.forward(tx[3])
    np.testing.assert_allclose(worked["outputs"], outputs, rtol=1e-6)
    assert worked["label"] == int(ty[3])
    assert worked["quadratic"] == pytest.approx(float(((np.eye(10)[ty[3]] - outputs) ** 2).sum()),
                                                rel=1e-5)
    assert len(worked["activations"]) == 2
    grid = client.post("/api/digits/tests", json={"source": run, "start": 10, "count": 20}).json()
    assert grid["guesses"] == network.predict(tx[10:30]).tolist()
    assert grid["labels"] == ty[10:30].tolist()
    matrix = np.array(client.post("/api/digits/confusion", json={"source": run}).json()["matrix"])
    assert matrix.sum() == 1000 and np.trace(matrix) == (network.predict(tx) == ty).sum()
    land = client.post("/api/digits/landscape",
                       json={"source": run, "grid": 5, "images": 100}).json()
    assert land["kind"] == "pca" and land["path"][-1] == pytest.approx([0, 0], abs=1e-9)
    assert len(land["path"]) == len(land["path_values"]) >= 3
    land = client.post("/api/digits/landscape", json={
        "source": run, "grid": 5, "images": 100, "directions": "random"}).json()
    assert land["centre"] == pytest.approx(network.evaluate(load_mnist_sample().train.images[:100],
                                                            load_mnist_sample().train.labels[:100],
                                                            "cross-entropy")[0], rel=1e-5)
    values = np.frombuffer(base64.b64decode(land["values"]), "<f4").reshape(5, 5)
    assert values[2, 2] == pytest.approx(land["centre"], rel=1e-5)


def test_a_drawing_is_prepared_as_predict_prepares_it_and_read_by_the_model() -> None:
    net = Network([784, 10], output="softmax", seed=0)
    app = make_app(model=(net, None))
    sheet = np.zeros((90, 90, 4), np.uint8)
    sheet[15:75, 40:50] = (0, 0, 0, 255)  # a "1"
    with TestClient(app) as client:
        answer = client.post("/api/digits/draw", json={
            "source": "model", "width": 90, "height": 90,
            "rgba": base64.b64encode(sheet.tobytes()).decode()}).json()
        x = np.frombuffer(base64.b64decode(answer["input"]), "<f4")
        np.testing.assert_array_equal(x, prepare_image(sheet))
        np.testing.assert_allclose(answer["outputs"], net.forward(x), rtol=1e-6)
        empty = client.post("/api/digits/draw", json={
            "source": "model", "width": 10, "height": 10,
            "rgba": base64.b64encode(bytes(400)).decode()})
        assert empty.status_code == 400 and "nothing is drawn yet" in empty.json()["error"]
        wrong = client.post("/api/digits/draw", json={
            "source": "model", "width": 10, "height": 11,
            "rgba": base64.b64encode(bytes(400)).decode()})
        assert wrong.status_code == 400 and "has 440 RGBA values" in wrong.json()["error"]
        huge = client.post("/api/digits/draw", json={
            "source": "model", "width": 200, "height": 200, "rgba": "A" * 70_000})
        assert huge.status_code in (413, 422)
        info = client.get("/api/digits/info").json()
        assert info["model"]["sizes"] == [784, 10]
    app.state.digits.close()


def test_explore_serves_the_model_given(tmp_path) -> None:
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    model = Network([784, 12, 10], output="softmax", seed=0).save(tmp_path / "best.npz")
    server = subprocess.Popen([sys.executable, "-m", "steepest", "explore", "--no-browser",
                               "--model", str(model)], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r"http://\S+/", line)[0]  # type: ignore[index]
        with urllib.request.urlopen(url + "api/digits/info", timeout=20) as answer:
            info = json.load(answer)
        assert info["model"] == {"sizes": [784, 12, 10], "activation": "sigmoid",
                                 "output": "softmax", "path": False}
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=20)
    assert server.returncode == 0
    bad = tmp_path / "bad.npz"
    Network([5, 2]).save(bad)
    refused = subprocess.run([sys.executable, "-m", "steepest", "explore", "--no-browser",
                              "--model", str(bad)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "reading digits needs 784 inputs" in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_the_openapi_schema_states_the_digits_caps(client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/api/digits/runs", "/api/digits/draw", "/api/digits/landscape"} <= set(schema["paths"])
    parts = schema["components"]["schemas"]
    assert parts["TrainRequest"]["properties"]["epochs"]["maximum"] == 50
    assert parts["LandscapeRequest"]["properties"]["grid"]["maximum"] == 61
    assert parts["DrawRequest"]["properties"]["rgba"]["maxLength"] == 60_000


def test_a_run_starts_from_the_quick_setup_by_default() -> None:
    from steepest.nn.presets import PRESETS
    from steepest.web.digits import TrainRequest

    quick, request = PRESETS["quick"], TrainRequest()
    assert (tuple(request.hidden), request.activation, request.cost, request.optimizer,
            request.learning_rate, request.batch_size, request.epochs, request.schedule,
            request.label_smoothing) == (
        quick.hidden, quick.activation, quick.cost, quick.optimizer, quick.learning_rate,
        quick.batch_size, quick.epochs, quick.schedule, quick.label_smoothing)


def test_a_run_on_the_quick_setup_trains_as_the_library_does(client) -> None:
    """The page's default run: the learning rate falls along the cosine, the labels are
    smoothed, and the network ends where ``PRESETS["quick"]`` trained by the library ends."""
    from steepest.data import load_mnist_sample
    from steepest.nn import train
    from steepest.nn.presets import PRESETS

    quick = PRESETS["quick"].replace(epochs=2)
    run = client.post("/api/digits/runs", json={"epochs": 2}).json()["run"]
    seen = events(client, run)
    assert seen[-1]["state"] == "finished"
    batches = [u for u in seen if u["type"] == "batch"]
    sizes = [u["step_size"] for u in batches]
    assert all(u["learning_rate"] == quick.learning_rate for u in batches)
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < 0.01 * quick.learning_rate
    sample = load_mnist_sample()
    network = quick.network(seed=0)
    history = train(network, sample.train, epochs=2, batch_size=quick.batch_size,
                    optimizer=quick.make_optimizer(len(sample.train[0])), cost=quick.cost,
                    test=sample.test, seed=0, label_smoothing=quick.label_smoothing)
    epochs = [u for u in seen if u["type"] == "epoch"]
    np.testing.assert_allclose(epochs[-1]["test_accuracy"], history.test_accuracy[-1], atol=0.01)


def test_a_page_of_test_images_past_the_last_is_refused(client) -> None:
    run = client.post("/api/digits/runs", json=SMALL).json()["run"]
    events(client, run)
    answer = client.post("/api/digits/tests", json={"source": run, "start": 5000})
    assert answer.status_code == 400
    assert answer.json() == {"error": "start must be below 1,000 (the test images); got 5,000"}
    last = client.post("/api/digits/tests", json={"source": run, "start": 990, "count": 60})
    assert last.status_code == 200 and len(last.json()["labels"]) == 10
