"""The explorer end to end, in a real headless Chromium, driven as a person would use it.

Debian's ``chromium`` through Playwright for Python (its own browser download is never
used). The test types the seed's equation, hovers, places a start, races two optimizers,
moves a learning-rate slider, opens the maths of step 3 and checks it against the library,
runs basins, reloads the shared address, types a broken equation, and checks the console.
Screenshots go to a temporary folder (and to ``$STEEPEST_SCREENSHOTS`` when set).
"""

from __future__ import annotations

import math
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.web.live_server import explore_server

import steepest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (CI installs it: apt-get install -y chromium)",
    ),
    pytest.mark.slow,
]
playwright = pytest.importorskip("playwright.sync_api")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EQUATION = "x^2 sin(y)"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("explore-screenshots")


def save(page, shots: Path, name: str) -> None:
    page.screenshot(path=shots / name, full_page=True)
    extra = os.environ.get("STEEPEST_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(shots / name, Path(extra) / name)


def traces(page, plot: str) -> list[dict]:
    """The traces drawn in a Plotly plot: type, name and (for scatter) the points."""
    return page.evaluate(
        """(id) => (document.getElementById(id).data || []).map((t) => ({
            type: t.type, name: t.name || "",
            x: t.type === "scatter" ? Array.from(t.x || []) : [],
            y: t.type === "scatter" ? Array.from(t.y || []) : []}))""",
        plot,
    )


def state(page) -> dict[str, str]:
    """The page's state from its address."""
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).fragment).items()}


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def console(message, problems: list[str]) -> None:
    """Keep the console's errors, except the 4xx answers to equations refused on purpose
    (the empty box and the broken equation; Chromium logs every 4xx)."""
    if message.type != "error":
        return
    where = message.location.get("url", "")
    if where.endswith("/api/equation") and re.search(r"status of 4(00|22)", message.text):
        return
    problems.append(message.text)


def wait_drawn(page) -> None:
    page.wait_for_function("""() => {
        const m = document.getElementById("map-plot"), s = document.getElementById("surface-plot");
        return m.data && m.data.some((t) => t.type === "contour")
            && s.data && s.data.some((t) => t.type === "surface");
    }""")


def test_the_explorer_in_a_browser(browser, shots: Path) -> None:
    problems: list[str] = []
    with explore_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.on("console", lambda m: console(m, problems))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(url)

        # 1-3: type the seed's equation; the reading, the surface and the map are drawn
        box = page.locator("#equation-input")
        box.fill("")
        box.type(EQUATION, delay=20)
        page.wait_for_function(
            f"() => document.getElementById('equation-input').value === {EQUATION!r}")
        page.wait_for_selector("#equation-reading math")
        page.wait_for_function("() => location.hash.includes('f=x%5E2+sin%28y%29')")
        wait_drawn(page)
        assert page.locator("#equation-gradient math").count() == 2
        page.locator("#equation-derivations summary").click()
        assert "power rule" in page.locator("#equation-steps").inner_text()

        # hover the map: the readout gives f, ∇f and |∇f| at the grid point under the cursor
        drag = page.locator("#map-plot .nsewdrag").bounding_box()
        page.mouse.move(drag["x"] + 0.5 * drag["width"], drag["y"] + 0.5 * drag["height"])
        page.mouse.move(drag["x"] + 0.62 * drag["width"], drag["y"] + 0.3 * drag["height"],
                        steps=5)
        page.wait_for_function("() => document.getElementById('hover-readout').dataset.x")
        readout = page.locator("#hover-readout").inner_text()
        x, y, f, fx, fy, norm = numbers(readout.split("=", 1)[1])
        g = steepest.gradient(EQUATION)
        assert f == pytest.approx(x**2 * math.sin(y), rel=1e-4, abs=1e-6)
        assert [fx, fy] == pytest.approx(g(x, y).tolist(), rel=1e-4, abs=1e-6)
        assert norm == pytest.approx(math.hypot(fx, fy), rel=1e-4)

        # 4: click a start, choose two optimizers, see both paths and their statuses
        page.mouse.click(drag["x"] + 0.7 * drag["width"], drag["y"] + 0.25 * drag["height"])
        page.wait_for_function("() => location.hash.includes('starts=')")
        for name in ("momentum", "adam"):
            page.locator(f'#optimizers tr[data-optimizer="{name}"] input[type=checkbox]').check()
        page.wait_for_function("() => document.querySelectorAll('#statuses tbody tr').length === 2")
        drawn = {t["name"]: t for t in traces(page, "map-plot")}
        assert {"momentum", "Adam"} <= set(drawn)
        assert len(drawn["momentum"]["x"]) > 2 and len(drawn["Adam"]["x"]) > 2
        statuses = page.locator("#statuses td.status").all_inner_texts()
        assert len(statuses) == 2
        assert set(statuses) <= {"converged", "stationary", "out of steps", "diverged"}
        for message in page.locator("#statuses td.message").all_inner_texts():
            assert not re.search(r"max_iter|learning_rate|tol=", message), message
        save(page, shots, "explore-race.png")

        # the animation: play from the start, pause (it stays), one step more
        def frame() -> tuple[int, int]:
            shown, total = numbers(page.locator("#frame").inner_text())
            return int(shown), int(total)

        page.locator("#play").click()
        page.wait_for_function("() => /^step \\d+ of/.test(document.getElementById('frame')"
                               ".textContent) && !document.getElementById('frame').textContent"
                               ".startsWith('step 0 ')")  # fmt: skip
        page.locator("#pause").click()
        paused, total = frame()
        assert 0 < paused < total
        page.wait_for_timeout(300)
        assert frame()[0] == paused
        page.locator("#step-once").click()
        assert frame()[0] == paused + 1
        shown = {t["name"]: t for t in traces(page, "map-plot")}["Adam"]
        assert len(shown["x"]) == min(paused + 1, len(drawn["Adam"]["x"]) - 1) + 1

        # moving a learning-rate slider re-runs from the same start: the path changes
        before = drawn["momentum"]
        page.locator('#optimizers tr[data-optimizer="momentum"] input.lr').fill("-2.5")
        page.wait_for_function("() => location.hash.includes('lr%3A0.00316')")
        page.wait_for_function(
            """(x1) => { const t = document.getElementById('map-plot').data
                           .find((d) => d.name === 'momentum');
                           return t && t.x.length > 1 && t.x[1] !== x1; }""",
            arg=before["x"][1],
        )
        after = {t["name"]: t for t in traces(page, "map-plot")}["momentum"]
        assert after["x"][0] == pytest.approx(before["x"][0])  # the same start
        assert after["x"][1:3] != before["x"][1:3]

        # 5: the maths of step 3, checked against the library
        address = state(page)
        start = [float(v) for v in address["starts"].split(",")]
        settings = dict(pair.split(":") for pair in
                        next(r for r in address["opt"].split(";") if r.startswith("momentum"))
                        .split(",")[1:])
        lr, mu = float(settings["lr"]), float(settings["momentum"])
        page.locator("#step-run").select_option("momentum/0")
        page.locator("#step-k").fill("3")
        page.locator("#step-show").click()
        page.wait_for_function("() => document.getElementById('step-out').dataset.k === '3'")
        shown = {row.split("\t")[0]: numbers(row.split("\t")[1]) for row in
                 page.locator("#step-out table tr").all_inner_texts()}
        run = steepest.minimize(EQUATION, start, optimizer="momentum", learning_rate=lr,
                                momentum=mu, max_iter=int(address["steps"]))
        assert shown["x"] == pytest.approx(run.path[3].tolist(), rel=1e-5)
        assert shown["∇f(x)"] == pytest.approx(g.at(run.path[3]).tolist(), rel=1e-5)
        assert shown["new x"] == pytest.approx(run.path[4].tolist(), rel=1e-5)
        velocity = sum(mu ** (3 - i) * g.at(run.path[i]) for i in range(4))  # v = Σ μ^(3-i) g_i
        assert shown["v after"] == pytest.approx(velocity.tolist(), rel=1e-5)
        assert "v ← μ·v + g" in page.locator("#step-out .formula").inner_text()

        # 6: basins from a grid of starts, coloured on the map
        page.locator("#basins-num").fill("20")
        page.locator("#basins-run").click()
        page.wait_for_selector("#basins-out p")
        assert "400 starts" in page.locator("#basins-out p").inner_text()
        assert any(t["type"] == "heatmap" for t in traces(page, "map-plot"))
        save(page, shots, "explore.png")

        # 7: the shared address gives the same view
        shared = page.url
        paths = {t["name"]: t["x"] for t in traces(page, "map-plot") if t["name"] in
                 ("momentum", "Adam")}  # fmt: skip
        again = browser.new_page(viewport={"width": 1400, "height": 1800})
        again.on("console", lambda m: console(m, problems))
        again.on("pageerror", lambda e: problems.append(str(e)))
        again.goto(shared)
        wait_drawn(again)
        again.wait_for_function(
            "() => document.querySelectorAll('#statuses tbody tr').length === 2")
        assert again.locator("#equation-input").input_value() == EQUATION
        restored = {t["name"]: t["x"] for t in traces(again, "map-plot") if t["name"] in paths}
        assert restored.keys() == paths.keys()
        for name, xs in paths.items():
            assert restored[name] == pytest.approx(xs)
        assert again.locator("#statuses td.status").all_inner_texts() == \
            page.locator("#statuses td.status").all_inner_texts()
        again.close()

        # a broken equation: the caret message the command line gives
        box.fill("x^2 sin(y")
        page.wait_for_selector("#equation-error:not([hidden])")
        with pytest.raises(steepest.EquationError) as refused:
            steepest.parse("x^2 sin(y")
        assert page.locator("#equation-error").inner_text() == str(refused.value)
        save(page, shots, "explore-error.png")
        page.close()
    assert problems == []


def test_run_messages_speak_the_pages_words(browser) -> None:
    """The library's messages about a run, as the race's table shows them: the steps box for
    max_iter, η for learning_rate, the tolerance as its number."""
    runs = [
        (steepest.minimize("x^2 sin(y)", [1, 2], optimizer="adam", learning_rate=0.1,
                           max_iter=10),
         "stopped after 10 steps with the gradient norm still 0.0581 > 1e-08; hint: raise the "
         "steps, or try another learning rate η or optimizer"),
        (steepest.minimize("x^2 + y^2", [1, 2], learning_rate=1.5, max_iter=100),
         "the step size 1.5 is too large for this function: the value grew from 5 to 5.24e+06 "
         "in 10 steps; try η = 0.5"),
        (steepest.minimize("log(x) + y^2", [0.5, 1], learning_rate=2, max_iter=100),
         "the step left the function's domain: f is not a real number at (x, y) = (-3.5, -3) "
         "(after 1 step; f was 0.307 one step before); a step 10 times smaller stays inside: "
         "try η = 0.2 (but if the minimum is on the edge of the domain, smaller steps only "
         "get there later)"),
        (steepest.minimize("x^2 + y^2", [1, 2], learning_rate=0.1, max_iter=1000),
         "the gradient norm 8.48e-09 fell to 1e-08 or below after 90 steps"),
    ]
    with explore_server() as url:
        page = browser.new_page()
        page.goto(url)
        shown = page.evaluate(
            """async ([messages, statuses]) => {
                const race = await import("/static/js/equation/race.js");
                return [messages.map(race.pageWords), statuses.map(race.statusWords)];
            }""",
            [[r.message for r, _ in runs], ["max_iterations", "converged", "diverged"]])
        page.close()
    assert shown[0] == [words for _, words in runs]
    assert shown[1] == ["out of steps", "converged", "diverged"]
