"""Make docs/explore.png and docs/images/explore-digits.png: the explorer as a learner sees
it, in headless Chromium.

Run from the repository: ``python scripts/make_explore_screenshot.py [--out docs/explore.png]
[--digits-out docs/images/explore-digits.png]``. It starts ``steepest explore --no-browser``
on 127.0.0.1, opens a shared address (the seed's x²·sin(y), momentum and Adam from one
start), shows the maths of step 3, hovers the map, and screenshots panels 2 to 5; then on
the Digits page trains the quick setup on the bundled sample at a watchable pace, halves
the learning rate mid-run and screenshots the training panel. Needs Debian's ``chromium``
and Playwright for Python.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.web.live_server import explore_server

VIEW = ("#f=x%5E2+sin%28y%29&box=-3%2C3%2C-3%2C3&opt=momentum%2Clr%3A0.02%2Cmomentum%3A0.9"
        "%3Badam%2Clr%3A0.05%2Cbeta1%3A0.9%2Cbeta2%3A0.999&starts=1.2%2C1.5&steps=400")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/explore.png")
    parser.add_argument("--digits-out", default="docs/images/explore-digits.png")
    args = parser.parse_args()
    with explore_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1900})
        page.goto(url + VIEW)
        page.wait_for_function("() => document.querySelectorAll('#statuses tbody tr').length"
                               " === 2")  # fmt: skip
        page.locator("#step-run").select_option("momentum/0")
        page.locator("#step-k").fill("3")
        page.locator("#step-show").click()
        page.wait_for_function("() => document.getElementById('step-out').dataset.k === '3'")
        drag = page.locator("#map-plot .nsewdrag").bounding_box()
        page.mouse.move(drag["x"] + 0.5 * drag["width"], drag["y"] + 0.5 * drag["height"])
        page.mouse.move(drag["x"] + 0.35 * drag["width"], drag["y"] + 0.7 * drag["height"],
                        steps=5)  # fmt: skip
        page.wait_for_timeout(500)
        top = page.locator("#panel-surface").bounding_box()
        bottom = page.locator("#panel-step").bounding_box()
        clip = {"x": 0, "y": top["y"] - 8, "width": 1400,
                "height": bottom["y"] + bottom["height"] - top["y"] + 16}
        shoot(page, clip, Path(args.out))
        page.close()
        digits(browser.new_page(viewport={"width": 1200, "height": 1400}), url,
               Path(args.digits_out))  # fmt: skip
        browser.close()


def digits(page, url: str, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The Digits page's training panel: the quick setup, the learning rate halved mid-run."""
    page.goto(url + "digits")
    page.wait_for_function("() => document.body.dataset.ready === 'yes'")
    page.fill("#epochs", "24")
    page.select_option("#pace", "300")
    page.click("#start")

    def epoch_reached(k: int) -> None:
        page.wait_for_function(f"() => document.getElementById('accuracy-plot').data[0].x"
                               f".length >= {k}", timeout=60_000)  # fmt: skip

    epoch_reached(8)
    page.fill("#lr", "0.002")
    page.dispatch_event("#lr", "change")
    page.wait_for_function("() => document.getElementById('run-state').dataset.state === "
                           "'finished'", timeout=60_000)  # fmt: skip
    page.wait_for_timeout(600)  # the last redraw of the curves
    bottom = page.locator("#weights").bounding_box()
    shoot(page, {"x": 0, "y": 0, "width": 1200, "height": bottom["y"] + bottom["height"] + 12},
          out)  # fmt: skip


def shoot(page, clip: dict[str, float], out: Path) -> None:  # type: ignore[no-untyped-def]
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=".png", delete=False) as aside:
        page.screenshot(path=aside.name, clip=clip)
    os.replace(aside.name, out)  # written aside, renamed into place
    print(f"{out} ({out.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
