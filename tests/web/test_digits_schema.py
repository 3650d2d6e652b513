"""The Digits API's looking routes against the OpenAPI schema, with schemathesis, on a live
`steepest explore --model` server: every answer in the schema, none a 5xx. Bounded: a few
derandomised examples per operation; the training routes (which start threads and stream)
are tested in test_web_digits.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.web.live_server import explore_server

from steepest.nn import Network

schemathesis = pytest.importorskip("schemathesis")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live_schema(tmp_path_factory):
    model = Network([784, 10], output="softmax", seed=0).save(
        tmp_path_factory.mktemp("model") / "m.npz")
    with explore_server("--model", str(model)) as url:
        yield schemathesis.openapi.from_url(url + "api/openapi.json")


def with_the_model(case, index):  # type: ignore[no-untyped-def]
    """The case aimed at the model given, so that answers other than refusals are checked."""
    if isinstance(case.body, dict) and "source" in case.body:
        case.body["source"] = "model"
        if isinstance(case.body.get("index"), int):
            case.body["index"] = index
        if isinstance(case.body.get("grid"), int):
            case.body["grid"] = min(case.body["grid"], 11)
    return case


@pytest.mark.parametrize("path", ["/api/digits/image", "/api/digits/tests",
                                  "/api/digits/confusion", "/api/digits/draw",
                                  "/api/digits/landscape"])
def test_the_digits_api_keeps_to_its_schema_and_never_answers_5xx(live_schema, path):
    from schemathesis.checks import positive_data_acceptance

    operation = live_schema[path]["POST"]
    seen: list[int] = []
    cases = operation.as_strategy()

    @given(case=st.one_of(cases, st.builds(with_the_model, cases, st.integers(0, 999))))
    @settings(max_examples=16, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case):
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        seen.append(response.status_code)
        assert response.status_code < 500

    run()
    assert all(code < 500 for code in seen)
    assert 200 in seen or path == "/api/digits/draw"  # a random drawing is rarely usable
