"""The Digits page in a real headless Chromium (Debian's, through Playwright): train and watch,
change the learning rate, stop; draw a 7 with the mouse; see the landscape with its path.

Screenshots go to $STEEPEST_SCREENSHOTS when set, else to pytest's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


@pytest.fixture(scope="module")
def model():
    """A 784-100-10 network trained 6 epochs on the bundled sample (about 97% on its tests)."""
    from steepest.data import load_mnist_sample
    from steepest.nn import Network, train

    data = load_mnist_sample()
    net = Network([784, 100, 10], "relu", "softmax", seed=0)
    train(net, data.train, epochs=6, batch_size=32, optimizer="adam", learning_rate=0.002,
          cost="cross-entropy", seed=0)
    return net


@pytest.fixture(scope="module")
def server(model):
    import uvicorn

    from steepest.web.app import create_app
    from steepest.web.runs import Runs

    app = create_app()
    app.state.digits = Runs(limit=2, model=(model, None))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    app.state.digits.close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}: {r.text()}")
            if r.status >= 500 else None)
    page.goto(f"{server}/digits")
    page.wait_for_selector("body[data-ready=yes]", timeout=15_000)
    yield page
    page.close()
    assert problems == []


def shots(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    folder = os.environ.get("STEEPEST_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def until(page, condition: str, timeout: int) -> None:  # type: ignore[no-untyped-def]
    """Wait until the JavaScript ``condition`` holds, looking every 200 ms."""
    page.wait_for_function(f"() => {condition}", timeout=timeout, polling=200)


def points(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.getElementById('cost-plot').data[0].x.length")


def test_train_watch_the_curve_grow_change_the_rate_and_stop(page, tmp_path_factory) -> None:
    page.fill("#epochs", "30")
    page.select_option("#pace", "300")
    page.click("#start")
    until(page, "document.getElementById('cost-plot').data[0].x.length > 20", 20_000)
    first = points(page)
    time.sleep(1.0)
    assert points(page) > first + 100  # about 300 mini-batch costs a second
    page.fill("#lr", "0.5")
    page.dispatch_event("#lr", "change")
    until(page, "document.getElementById('status').dataset.learningRate === '0.5'", 10_000)
    until(page, "document.getElementById('message').textContent.startsWith('from step')", 5_000)
    said = page.inner_text("#message")  # the change, in the page's words
    assert re.match(r"from step \d+ on: learning rate 0\.5, β₁ 0\.9, β₂ 0\.999, ε 1e-0?8$",
                    said), said
    page.wait_for_selector("#worked-sum")  # the other panels follow the run
    page.screenshot(path=str(shots(tmp_path_factory) / "digits-training.png"), full_page=True)
    page.click("#stop")
    until(page, "document.getElementById('run-state').dataset.state === 'stopped'", 5_000)
    steps = int(page.get_attribute("#status", "data-steps"))
    time.sleep(0.5)
    assert int(page.get_attribute("#status", "data-steps")) == steps  # it ended


def test_draw_a_seven_with_the_mouse_and_read_the_outputs(page, tmp_path_factory) -> None:
    page.locator("#pad").scroll_into_view_if_needed()
    pad = page.locator("#pad").bounding_box()
    assert pad is not None

    def at(x: float, y: float) -> tuple[float, float]:
        return pad["x"] + x * pad["width"], pad["y"] + y * pad["height"]

    page.mouse.move(*at(0.25, 0.2))
    page.mouse.down()
    for t in np.linspace(0, 1, 12):  # the bar of the 7
        page.mouse.move(*at(0.25 + 0.5 * t, 0.2))
    for t in np.linspace(0, 1, 16):  # and its stem
        page.mouse.move(*at(0.75 - 0.3 * t, 0.2 + 0.65 * t))
    page.mouse.up()
    until(page, "document.getElementById('outputs').children.length === 10", 10_000)
    time.sleep(0.5)  # the last read, after the mouse was lifted
    values = [float(v) for v in page.eval_on_selector_all(
        "#outputs .bar", "bars => bars.map(b => b.dataset.value)")]
    assert int(np.argmax(values)) == 7, values
    assert page.get_attribute("#outputs", "data-guess") == "7"
    inked = page.evaluate("""() => {
        const c = document.getElementById('pad-input').getContext('2d');
        return c.getImageData(0, 0, 112, 112).data.filter((v, i) => i % 4 === 0 && v < 128).length;
    }""")
    assert inked > 100  # the 28 x 28 it became is shown
    page.screenshot(path=str(shots(tmp_path_factory) / "digits-draw.png"), full_page=True)


def test_the_landscape_shows_the_training_path(page, tmp_path_factory) -> None:
    page.select_option("#pace", "0")
    page.fill("#epochs", "2")
    page.click("#start")
    until(page, "document.getElementById('run-state').dataset.state === 'finished'", 30_000)
    page.select_option("#landscape-grid", "21")
    page.click("#landscape-go")
    until(page, "Number(document.getElementById('landscape-plot').dataset.path) > 2", 30_000)
    caption = page.text_content("#landscape-caption")
    assert "the first 500 training images of the bundled sample" in caption
    assert "21×21 grid" in caption and "PCA" in caption
    traces = page.evaluate("document.getElementById('landscape-plot').data.length")
    assert traces == 3  # the contours, the weights now, the path
    page.locator("#landscape-panel").screenshot(
        path=str(shots(tmp_path_factory) / "digits-landscape.png"))


def test_the_digits_part_of_the_explorers_page(browser, server) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/")
    page.wait_for_selector("#part-digits[data-ready=yes]", state="attached", timeout=15_000)
    assert not page.is_visible("#start")  # the Equation part shows first
    page.click("#parts a[data-part=digits]")
    assert page.input_value("#setup") == "quick" and page.input_value("#hidden") == "128"
    page.select_option("#setup", "nielsen")  # a named setup fills the form
    assert [page.input_value(f"#{field}") for field in
            ("hidden", "activation", "cost", "optimizer", "lr", "schedule", "batch", "smoothing")
            ] == ["30", "sigmoid", "quadratic", "gd", "3", "constant", "10", "0"]  # fmt: skip
    page.select_option("#pace", "1500")
    page.fill("#epochs", "2")
    page.click("#start")
    until(page, "document.getElementById('run-state').dataset.state === 'finished'", 30_000)
    width = page.evaluate("document.getElementById('cost-plot').getBoundingClientRect().width")
    assert width > 300 and points(page) == 1000  # every mini-batch of two epochs drawn
    page.select_option("#setup", "quick")
    page.select_option("#pace", "0")
    page.click("#start")
    # 8 epochs of 40 mini-batches of 128, every one drawn
    until(page, "document.getElementById('run-state').dataset.state === 'finished' && "
                "document.getElementById('cost-plot').data[0].x.length === 8 * 40", 30_000)
    final = page.text_content("#status")
    assert "along the schedule" in final and "learning rate 0.004" in final, final
    page.close()
    assert problems == []
