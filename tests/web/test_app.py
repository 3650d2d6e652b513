"""The explorer's API through an ASGI client: every endpoint, every cap, hostile equations
(the same words as the command line), a request past its time limit, the pool's bounds."""

from __future__ import annotations

import asyncio
import math
import threading
import time

import httpx
import numpy as np
import pytest

import steepest
from steepest.cli import main
from steepest.web import create_app
from steepest.web._arrays import pack, unpack
from steepest.web._work import BusyError, OutOfTimeError, Pool
from steepest.web.app import validation_message

EQ = "x^2 sin(y)"


def call(app, path: str, body=None, *, method: str = "POST", raw: bytes | None = None):
    """One request to ``app`` through httpx's ASGI transport."""

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            if method == "GET":
                return await client.get(path)
            if raw is not None:
                return await client.post(path, content=raw,
                                         headers={"content-type": "application/json"})
            return await client.post(path, json=body)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def app():
    return create_app()


def cli_error(capsys, *argv: str) -> str:
    """The message ``steepest`` prints for ``argv`` (without 'steepest: error: ')."""
    assert main(list(argv)) == 2
    return capsys.readouterr().err.removeprefix("steepest: error: ").rstrip("\n")


# ------------------------------------------------------------------------- the page


def test_the_page_its_modules_and_plotly_are_served(app):
    page = call(app, "/", method="GET")
    assert page.status_code == 200 and "<script type=\"module\"" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for module in ("main.js", "store.js", "api.js", "equation/part.js", "equation/map.js"):
        assert call(app, f"/static/js/{module}", method="GET").status_code == 200
    plotly = call(app, "/vendor/plotly.min.js", method="GET")
    assert plotly.status_code == 200 and plotly.text.startswith("/**\n* plotly.js v")
    assert "javascript" in plotly.headers["content-type"]


def test_the_openapi_schema_states_the_caps(app):
    schema = call(app, "/api/openapi.json", method="GET").json()
    assert set(schema["paths"]) >= {"/api/equation", "/api/surface", "/api/descend",
                                    "/api/step", "/api/basins"}  # fmt: skip
    parts = schema["components"]["schemas"]
    assert parts["SurfaceRequest"]["properties"]["grid"]["maximum"] == 400
    assert parts["DescendRequest"]["properties"]["runs"]["maxItems"] == 8
    assert parts["DescendRequest"]["properties"]["max_iter"]["maximum"] == 10_000
    assert parts["BasinsRequest"]["properties"]["num"]["maximum"] == 50


# ------------------------------------------------------------------------- panel 1


def test_equation_gives_the_reading_gradient_and_derivations(app):
    answer = call(app, "/api/equation", {"equation": EQ}).json()
    assert answer["function"] == "f(x, y) = x²·sin(y)"
    assert answer["variables"] == ["x", "y"]
    assert [c["plain"] for c in answer["gradient"]] == ["2·x·sin(y)", "x²·cos(y)"]
    assert answer["mathml"].startswith("<math>") and "<msup>" in answer["mathml"]
    assert "\\" not in answer["mathml"]  # rendered mathematics, not LaTeX source
    rules = [line["rule"] for line in answer["derivations"][0]["lines"]]
    assert rules[0] is None and any(r.startswith("power rule") for r in rules[1:])
    assert answer["derivations"][1]["heading"] == "∂f/∂y, with x held constant"


@pytest.mark.parametrize("text", ["x^2 sin(y", "x^^2", "2^2^2^2^2^2^2^2", "__import__('os')",
                                  "x" * 2001, "sin()", "x +* y", "exp(exp(exp(exp(x))))^1e9"])
def test_hostile_equations_are_refused_with_the_words_of_the_cli(app, capsys, text):
    answer = call(app, "/api/equation", {"equation": text})
    if len(text) > 2000:  # the model's cap, before the parser
        assert answer.status_code == 422
        assert answer.json()["error"] == "equation must have at most 2000 characters; got 2001"
        return
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == cli_error(capsys, "grad", text)


def test_an_equation_error_carries_its_position_and_hint(app):
    error = call(app, "/api/equation", {"equation": "x^2 sin(y"}).json()
    assert error["position"] == 7 and error["hint"] == "add ')' where the group ends"
    assert error["error"].splitlines()[1:3] == ["    x^2 sin(y", "           ^"]


# ------------------------------------------------------------------------- panels 2, 3


def test_surface_packs_f_and_its_gradient_on_the_grid(app):
    answer = call(app, "/api/surface", {"equation": EQ, "bounds": [[-1, 2], [0, 3]],
                                        "grid": 31}).json()  # fmt: skip
    x, y, f = unpack(answer["x"]), unpack(answer["y"]), unpack(answer["f"]).reshape(31, 31)
    assert x[0] == -1 and x[-1] == 2 and y[0] == 0 and y[-1] == 3
    X, Y = np.meshgrid(x.astype(float), y.astype(float))
    np.testing.assert_allclose(f, X**2 * np.sin(Y), rtol=1e-6, atol=1e-6)
    fx, fy = (unpack(answer[k]).reshape(31, 31) for k in ("fx", "fy"))
    np.testing.assert_allclose(fx, 2 * X * np.sin(Y), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(fy, X**2 * np.cos(Y), rtol=1e-6, atol=1e-6)
    assert len(unpack(answer["arrows"]["u"])) == 15 * 15
    assert answer["stationary"] == []  # x = 0 is a line of stationary points: a curve
    assert len(answer["curves"]) == 1


def test_surface_classifies_the_stationary_points():
    answer = call(create_app(), "/api/surface",
                  {"equation": "(x^2 - 1)^2 + (y^2 - 1)^2", "bounds": [[-2, 2], [-2, 2]],
                   "grid": 20}).json()  # fmt: skip
    kinds = sorted(p["kind"] for p in answer["stationary"])
    assert kinds == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4


def test_a_200_grid_is_well_under_a_megabyte(app):
    answer = call(app, "/api/surface", {"equation": EQ, "grid": 200})
    assert answer.status_code == 200 and len(answer.content) < 700_000


def test_not_finite_values_cross_as_nan(app):
    answer = call(app, "/api/surface", {"equation": "sqrt(x) + y", "bounds": [[-1, 1], [0, 1]],
                                        "grid": 3}).json()  # fmt: skip
    f = unpack(answer["f"]).reshape(3, 3)
    assert np.isnan(f[:, 0]).all() and np.isfinite(f[:, 1:]).all()
    assert pack([math.inf, -math.inf, math.nan]) == pack([math.nan] * 3)


def test_surface_needs_two_variables(app):
    answer = call(app, "/api/surface", {"equation": "x^2"})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("the surface and the map need an equation of two")


# ------------------------------------------------------------------------- panel 4


def test_descend_runs_each_optimizer_from_every_start_as_the_library_does(app):
    runs = [{"optimizer": "momentum", "learning_rate": 0.05, "momentum": 0.8},
            {"optimizer": "gd", "learning_rate": 1.0, "line_search": True}]
    starts = [[1.0, 2.0], [-1.5, 0.5]]
    answer = call(app, "/api/descend", {"equation": EQ, "starts": starts, "runs": runs,
                                        "max_iter": 300}).json()  # fmt: skip
    for run, out in zip(runs, answer["runs"], strict=True):
        options = {k: v for k, v in run.items() if k != "optimizer"}
        for start, got in zip(starts, out["results"], strict=True):
            want = steepest.minimize(EQ, start, optimizer=run["optimizer"], max_iter=300,
                                     **options)  # fmt: skip
            assert got["status"] == want.status and got["message"] == want.message
            assert got["iterations"] == want.iterations
            path = unpack(got["path"]).reshape(-1, 2)
            np.testing.assert_allclose(path, want.path.astype(np.float32), rtol=1e-6)


def test_ascend_climbs(app):
    answer = call(app, "/api/descend", {"equation": "-(x-1)^2 - (y+2)^2 + 5",
                                        "starts": [[0, 0]], "runs": [{}], "maximize": True}).json()
    result = answer["runs"][0]["results"][0]
    assert result["status"] == "converged"
    assert unpack(result["values"])[-1] == pytest.approx(5.0)


def test_a_diverging_run_says_so_with_the_step_to_try(app):
    answer = call(app, "/api/descend", {"equation": "x^2 + 3y^2", "starts": [[2, 1]],
                                        "runs": [{"learning_rate": 1.2}]}).json()  # fmt: skip
    result = answer["runs"][0]["results"][0]
    assert result["status"] == "diverged" and result["message"].endswith("try 0.1")


def test_a_start_of_the_wrong_size_is_refused(app):
    answer = call(app, "/api/descend", {"equation": EQ, "starts": [[1.0]], "runs": [{}]})
    assert answer.status_code == 400
    assert "is not a point of f(x, y): give 2 numbers" in answer.json()["error"]


# ------------------------------------------------------------------------- panels 5, 6


def test_step_gives_the_maths_of_step_k_with_the_state(app):
    body = {"equation": EQ, "start": [1, 2], "k": 3,
            "run": {"optimizer": "adam", "learning_rate": 0.1}}
    d = call(app, "/api/step", body).json()
    run = steepest.minimize(EQ, [1, 2], optimizer="adam", learning_rate=0.1, max_iter=10)
    assert d["point"] == pytest.approx(run.path[3].tolist(), rel=1e-12)
    assert d["new_point"] == pytest.approx(run.path[4].tolist(), rel=1e-12)
    assert set(d["state_before"]) == {"m", "v"}
    assert d["formula"][-1] == "x ← x − η·m̂ / (√v̂ + ε)"
    assert d["lines"][0] == "step 3 of Adam (adam), η = 0.1"


def test_a_step_past_the_end_of_the_run_is_refused(app):
    body = {"equation": "x^2 + y^2", "start": [1, 1], "k": 50, "run": {"learning_rate": 0.5}}
    answer = call(app, "/api/step", body)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("the run has no step 50: it stops after 1 step ")


def test_basins_label_every_start_by_its_end(app):
    body = {"equation": "(x^2 - 1)^2 + y^2", "bounds": [[-2, 2], [-1, 1]], "num": 10,
            "run": {"learning_rate": 0.05}}
    answer = call(app, "/api/basins", body).json()
    labels = unpack(answer["labels"]).reshape(10, 10)
    assert sorted(round(e["point"][0]) for e in answer["ends"]) == [-1, 1]
    assert set(np.unique(labels[:, :5])) == {0} or set(np.unique(labels[:, :5])) == {1}
    assert (labels[:, :5] != labels[:, 5:]).all()
    assert answer["counts"] == {"converged": 100}


# ------------------------------------------------------------------------- caps


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/api/surface", {"equation": EQ, "grid": 401}, "grid must be at most 400; got 401"),
    ("/api/descend", {"equation": EQ, "starts": [[1, 1]], "runs": [{}] * 9},
     "runs must have at most 8 items; got 9"),
    ("/api/descend", {"equation": EQ, "starts": [[1, 1]], "runs": [{}], "max_iter": 10_001},
     "max_iter must be at most 10,000; got 10001"),
    ("/api/descend", {"equation": EQ, "starts": [[1, 1]] * 17, "runs": [{}]},
     "starts must have at most 16 items; got 17"),
    ("/api/basins", {"equation": EQ, "num": 51}, "num must be at most 50; got 51"),
    ("/api/step", {"equation": EQ, "start": [1, 1], "k": 10_000},
     "k must be less than 10,000; got 10000"),
    ("/api/descend", {"equation": EQ, "starts": [[1, 1]], "runs": [{"learning_rate": 0}]},
     "runs.0.learning_rate must be more than 0.0; got 0"),
    ("/api/descend", {"equation": EQ, "starts": [[1, 1]], "runs": [{"optimizer": "sgd"}]},
     "runs.0.optimizer: Input should be 'gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop' "
     "or 'adam'"),
    ("/api/surface", {"equation": EQ, "bounds": [[1, 0], [0, 1]]},
     "bounds: each range must have low < high; got [1, 0]"),
    ("/api/surface", {"equation": EQ, "bounds": [[0, 1e7], [0, 1]]},
     "bounds.0.1 must be at most 1000000.0; got 10000000.0"),
    ("/api/equation", {"equation": ""}, "equation must not be empty"),
    ("/api/equation", {"equation": EQ, "unknown": 1}, "unknown is not a known field"),
    ("/api/equation", {}, "equation is required"),
])  # fmt: skip
def test_every_cap_is_a_4xx_with_a_message(app, path, body, message):
    answer = call(app, path, body)
    assert answer.status_code == 422
    assert answer.json() == {"error": message}


def test_not_a_number_is_refused(app):
    answer = call(app, "/api/descend", raw=b'{"equation": "x", "starts": [[NaN]], "runs": [{}]}')
    assert answer.status_code == 422


def test_a_body_over_64_kb_is_refused_before_it_is_read(app):
    answer = call(app, "/api/equation", raw=b'{"equation": "' + b"x" * 70_000 + b'"}')
    assert answer.status_code == 413
    assert answer.json()["error"] == ("the request body is 70,016 bytes; at most 65,536 (64 KB) "
                                      "are allowed")  # fmt: skip


def test_validation_messages_read_like_the_cli():
    errors = [{"loc": ("body", "grid"), "type": "less_than_equal", "ctx": {"le": 400},
               "input": 1000}, {"loc": ("body", "x"), "type": "missing", "input": None}]
    assert validation_message(errors) == "grid must be at most 400; got 1000; x is required"


# ------------------------------------------------------------------------- time and load


def test_a_request_past_its_time_limit_is_answered_not_hung():
    app = create_app(time_limit=0.2)
    body = {"equation": "(x^2 - 1)^2 + (y^2 - 1)^2", "num": 50, "max_iter": 10_000,
            "run": {"optimizer": "adam", "learning_rate": 1e-4}}  # 2,500 slow starts
    started = time.perf_counter()
    answer = call(app, "/api/basins", body)
    took = time.perf_counter() - started
    assert answer.status_code == 503
    assert answer.json()["error"].startswith("this computation took longer than the time "
                                             "limit of 0.2 s and was stopped")  # fmt: skip
    assert took < 5


def test_the_deadline_stops_the_descent_in_its_thread():
    pool = Pool(workers=1, time_limit=0.1)
    finished = threading.Event()

    def work(deadline):
        try:
            steepest.minimize("x^2 + y^2", np.ones((2000, 2)), learning_rate=1e-9,
                              max_iter=10_000_000, tol=0, callback=deadline.callback)
        finally:
            finished.set()

    with pytest.raises(OutOfTimeError):
        asyncio.run(pool.run(work))
    assert finished.wait(2)  # the thread stopped at the next step, not after 10 million
    pool.close()


def test_a_full_pool_answers_busy_at_once():
    pool = Pool(workers=1, waiting=0, time_limit=5)
    release = threading.Event()

    async def both():
        first = asyncio.ensure_future(pool.run(lambda _: release.wait(5)))
        await asyncio.sleep(0.05)
        with pytest.raises(BusyError):
            await pool.run(lambda _: None)
        release.set()
        return await first

    assert asyncio.run(both()) is True
    pool.close()


def test_a_slow_request_does_not_hold_up_a_quick_one():
    app = create_app(time_limit=5)

    async def both():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            slow = asyncio.ensure_future(client.post("/api/basins", json={
                "equation": "(x^2 - 1)^2 + (y^2 - 1)^2", "num": 50, "max_iter": 2000,
                "run": {"optimizer": "adam", "learning_rate": 1e-4}}))
            await asyncio.sleep(0.05)
            started = time.perf_counter()
            quick = await client.post("/api/equation", json={"equation": "x^2 + y^2"})
            quick_time = time.perf_counter() - started
            return quick, quick_time, await slow

    quick, quick_time, slow = asyncio.run(both())
    assert quick.status_code == 200 and slow.status_code in (200, 503)
    assert quick_time < 5  # answered beside the slow one, not after it


def test_a_chunked_body_over_64_kb_is_refused_too(app):
    async def go():
        async def chunks():
            for _ in range(10):
                yield b"x" * 8_000

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/api/equation", content=chunks(),
                                     headers={"content-type": "application/json"})

    answer = asyncio.run(go())
    assert answer.status_code == 413
    assert answer.json() == {"error": "the request body is more than 65,536 bytes; at most "
                                      "65,536 (64 KB) are allowed"}


def test_a_small_chunked_body_is_read_whole():
    async def go(app):
        async def chunks():
            yield b'{"equation": '
            yield b'"x^2 + y"}'

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/api/equation", content=chunks(),
                                     headers={"content-type": "application/json"})

    answer = asyncio.run(go(create_app()))
    assert answer.status_code == 200 and answer.json()["variables"] == ["x", "y"]


def test_unknown_addresses_and_methods_answer_in_the_explorers_form(app):
    missing = call(app, "/api/nothing", {})
    assert missing.status_code == 404
    assert missing.json() == {"error": "there is nothing at this address; the API's addresses "
                                       "are listed at /api/docs"}
    wrong = call(app, "/api/equation", method="GET")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert wrong.json() == {"error": "this address does not take that method; see /api/docs"}
