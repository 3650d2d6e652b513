"""The explorer's API against its own OpenAPI schema, with schemathesis, on a live server.

Bounded: a few examples per operation (derandomised, as every property test here). Every
answer must be in the schema and none a 5xx. The check that every request valid by the
schema is accepted is left out: an equation is a string to the schema, and the parser
rightly refuses most strings (a 400 the schema states).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.web.live_server import explore_server

schemathesis = pytest.importorskip("schemathesis")
pytestmark = pytest.mark.slow

EXAMPLES = 12  # per operation, and as many again with equations that parse
EQUATIONS = ["x^2 sin(y)", "x^2 + 3y^2", "(1 - x)^2 + 100(y - x^2)^2", "sin(x) cos(y)"]


def pad(start):
    return [*start, 0.5, 0.5][:2] if isinstance(start, list) else start


def readable(case, equation):
    """The case with an equation that parses, starts of two coordinates and a run small
    enough for a test (at most 20 × 20 basin starts and 2,000 steps): so that answers other
    than refusals are checked against the schema too."""
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("equation"), str):
        body["equation"] = equation
        for key, most in (("num", 20), ("max_iter", 2000), ("grid", 200)):
            if isinstance(body.get(key), int) and body[key] > most:
                body[key] = most
        if isinstance(body.get("starts"), list):  # points of f(x, y): two coordinates
            body["starts"] = [pad(start) for start in body["starts"]]
        if isinstance(body.get("start"), list):
            body["start"] = pad(body["start"])
    return case


@pytest.fixture(scope="module")
def live_schema():
    # a generous time limit: on a busy machine a large valid request may take seconds, and
    # its 503 (a clear answer, tested in test_app.py) is not what this test looks for
    with explore_server("--time-limit", "120") as url:
        yield schemathesis.openapi.from_url(url + "api/openapi.json")


def test_the_schema_has_the_five_operations(live_schema):
    paths = sorted(op.ok().path for op in live_schema.get_all_operations())
    paths = [path for path in paths if not path.startswith("/api/digits/")]  # their own tests
    assert paths == ["/api/basins", "/api/descend", "/api/equation", "/api/step", "/api/surface"]


@pytest.mark.parametrize("path", ["/api/equation", "/api/surface", "/api/descend", "/api/step",
                                  "/api/basins"])
def test_the_api_keeps_to_its_schema_and_never_answers_5xx(live_schema, path):
    from schemathesis.checks import positive_data_acceptance

    operation = live_schema[path]["POST"]
    seen: list[int] = []

    cases = operation.as_strategy()
    fixed = st.builds(readable, cases, st.sampled_from(EQUATIONS))

    @given(case=st.one_of(cases, fixed))
    @settings(max_examples=2 * EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case):
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        seen.append(response.status_code)
        assert response.status_code < 500

    run()
    assert all(code < 500 for code in seen)
    assert 200 in seen or path == "/api/step"  # a step past a run's end is a 400
