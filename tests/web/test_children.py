"""The explorer's computations in child processes: the same answers as in threads, the
library's refusals in the same words, a task past its limit stopped by ending its process,
and nothing a child sends trusted beyond what it is."""

from __future__ import annotations

import sys
import time

import pytest
from tests.web.test_app import call

from steepest.web import _children
from steepest.web._children import ChildError, Children
from steepest.web._work import Deadline, OutOfTimeError, RefusedError
from steepest.web.app import create_app

# one line of 100 terms: about 1.6 s of SymPy for its reading, which checks no deadline
SLOW = " + ".join(f"sin({k}x + {k + 1}y)^{k}" for k in range(1, 100))[:1900].rsplit(" + ", 1)[0]


@pytest.fixture(scope="module")
def apps():
    """The same app computing in child processes and in threads."""
    there, here = create_app(processes=True), create_app()
    yield there, here
    there.state.pool.close()
    here.state.pool.close()


@pytest.mark.parametrize(("path", "body"), [
    ("/api/equation", {"equation": "x^2 sin(y)"}),
    ("/api/surface", {"equation": "sin(x) cos(y)", "grid": 40, "bounds": [[-2, 2], [-1, 3]]}),
    ("/api/descend", {"equation": "(1 - x)^2 + 100(y - x^2)^2", "starts": [[-1.2, 1]],
                      "runs": [{"optimizer": "adam", "learning_rate": 0.01}], "max_iter": 300}),
    ("/api/step", {"equation": "x^2 + 3y^2", "start": [1, 1], "k": 3,
                   "run": {"optimizer": "momentum", "learning_rate": 0.1}}),
    ("/api/basins", {"equation": "(x^2 - 1)^2 + y^2", "bounds": [[-2, 2], [-1, 1]], "num": 8,
                     "run": {"learning_rate": 0.05}}),
])  # fmt: skip
def test_a_child_answers_as_a_thread_does(apps, path, body):
    there, here = (call(app, path, body) for app in apps)
    assert there.status_code == here.status_code == 200
    assert there.json() == here.json()


@pytest.mark.parametrize("text", ["x^2 +", "__import__('os')", "x^99999999", "sin(x"])
def test_a_refusal_in_a_child_has_the_command_lines_words(apps, text):
    there, here = (call(app, "/api/equation", {"equation": text}) for app in apps)
    assert there.status_code == here.status_code == 400
    assert there.json() == here.json() and there.json()["error"]


def test_a_task_past_its_limit_ends_its_process_and_the_next_gets_a_new_one():
    children = Children(1)
    try:
        assert children.ask("read", {"equation": "x^2"}, Deadline(60))["variables"] == ["x"]
        (first,) = children._idle
        started = time.monotonic()
        with pytest.raises(OutOfTimeError):
            children.ask("read", {"equation": SLOW}, Deadline(0.3))
        assert time.monotonic() - started < 5  # not the whole reading
        assert first.process.poll() is not None  # killed, not left computing
        assert children.ask("read", {"equation": "y^3"}, Deadline(60))["variables"] == ["y"]
        assert children._idle[0] is not first
    finally:
        children.close()


def test_an_app_in_processes_answers_a_slow_request_in_its_time_limit():
    app = create_app(processes=True, time_limit=30)
    try:
        assert call(app, "/api/equation", {"equation": "x"}).status_code == 200  # started
        app.state.pool.time_limit = 0.5
        started = time.monotonic()
        answer = call(app, "/api/equation", {"equation": SLOW})
        assert answer.status_code == 503 and "time limit of 0.5 s" in answer.json()["error"]
        assert time.monotonic() - started < 5
        app.state.pool.time_limit = 30
        assert call(app, "/api/equation", {"equation": "x + y"}).status_code == 200
    finally:
        app.state.pool.close()


@pytest.mark.parametrize(("script", "words"), [
    ("import sys\nfor line in sys.stdin: print('nonsense', flush=True)", "not JSON"),
    ("import sys\nfor line in sys.stdin: print('[1, 2]', flush=True)", "not a JSON object"),
    ("import sys\nsys.exit(0)", "has ended"),
    ("import sys\nfor line in sys.stdin: print('x' * 5000, flush=True)", "over 1,000 bytes"),
])  # fmt: skip
def test_what_a_child_sends_is_not_trusted(monkeypatch, script, words):
    monkeypatch.setattr(_children, "COMMAND", (sys.executable, "-c", script))
    monkeypatch.setattr(_children, "MAX_ANSWER", 1000)
    children = Children(1)
    try:
        with pytest.raises(ChildError, match=words):
            children.ask("read", {"equation": "x"}, Deadline(30))
        assert children._idle == [] and children._made == 0  # that child is gone
    finally:
        children.close()


def replying(monkeypatch, reply: str) -> Children:
    """One child that answers ``reply`` to every request, whatever it asks."""
    monkeypatch.setattr(_children, "COMMAND", (
        sys.executable, "-c", f"import sys\nfor line in sys.stdin: print({reply!r}, flush=True)"))
    return Children(1)


def test_a_task_that_failed_in_a_child_is_a_child_error_and_the_child_stays(monkeypatch):
    children = replying(monkeypatch, '{"failed": "KeyError: 1"}')
    try:
        with pytest.raises(ChildError, match="failed: KeyError: 1"):
            children.ask("read", {"equation": "x"}, Deadline(30))
        assert len(children._idle) == 1  # it answered in form: it can take the next task
    finally:
        children.close()


def test_a_forged_refusal_is_passed_on_only_as_words(monkeypatch):
    children = replying(monkeypatch, '{"refused": {"error": "no", "position": 1, "hint": "h", '
                                     '"extra": "<script>"}}')
    try:
        with pytest.raises(RefusedError) as refused:
            children.ask("read", {"equation": "x"}, Deadline(30))
        assert refused.value.body == {"error": "no", "position": 1, "hint": "h"}
    finally:
        children.close()


def test_closing_ends_every_child():
    children = Children(2)
    children.ask("read", {"equation": "x"}, Deadline(60))
    (child,) = children._idle
    children.close()
    assert child.process.poll() is not None
    with pytest.raises(ChildError, match="stopping"):
        children.ask("read", {"equation": "x"}, Deadline(60))


def test_an_unreadable_child_is_a_500_in_words(monkeypatch):
    monkeypatch.setattr(_children, "COMMAND", (
        sys.executable, "-c", "import sys\nfor line in sys.stdin: print('?', flush=True)"))
    app = create_app(processes=True)
    try:
        answer = call(app, "/api/surface", {"equation": "x y"})
        assert answer.status_code == 500
        assert answer.json() == {"error": "the computing process answered what is not JSON (a "
                                          "bug in steepest; please report it)"}
    finally:
        app.state.pool.close()


def test_children_can_be_made_before_the_first_task():
    children = Children(2)
    try:
        children.start()
        assert len(children._idle) == 2 and children._made == 2
        assert children.ask("read", {"equation": "x"}, Deadline(60))["variables"] == ["x"]
        assert children._made == 2
    finally:
        children.close()
