"""End-to-end: each lesson's explorer works in JupyterLab in a real (headless) browser.

For every lesson with an explorer, the test copies the notebook to a temporary folder, starts
JupyterLab on localhost, opens the notebook in Debian's Chromium through Playwright, runs all cells,
moves the explorer's first slider with the keyboard and checks that the figure under it is redrawn
(its PNG changes) and that no "model not found" or error output appears. Screenshots are saved in
the temporary folder (printed on failure).

Needs the ``playwright`` package (pinned in requirements.txt) and a Chromium at ``/usr/bin/chromium``
(``apt-get install chromium``; ``.ci/run`` installs it). Skipped, with the reason, when either is
missing. Never downloads a browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")


def _lessons_with_explorer() -> list[Path]:
    found = []
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        sources = [
            "".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"
        ]
        if any(".show()" in s and "explorer" in s.lower() for s in sources):
            found.append(path)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "config"), JUPYTER_RUNTIME_DIR=str(folder / "runtime"))
    env.pop("MPLBACKEND", None)  # kernels must use the inline backend, as a learner's do (CI sets Agg)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            "--allow-root", "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield url, folder
    proc.terminate()
    proc.wait(timeout=20)


def _run_all_cells(page) -> None:
    """Run > Run All Cells; retried while the kernel is still connecting and nothing started."""
    started = "() => [...document.querySelectorAll('.jp-InputArea-prompt')].some(e => /[0-9*]/.test(e.textContent))"
    for _ in range(5):
        page.click(".jp-Notebook")
        page.keyboard.press("Escape")
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(started, timeout=15_000)
            return
        except Exception:  # playwright's TimeoutError: the click came too early, try again
            page.keyboard.press("Escape")
    raise AssertionError("Run All Cells never started the notebook")


#: the explorer controls the test can move: sliders, or drop-down menus for explorers without one
CONTROLS = ".widget-slider, .widget-dropdown"


def _move_first_control(page) -> None:
    """Move the explorer's first slider three steps right; without a slider, pick another menu entry."""
    if page.locator(".widget-slider").count():
        handle = page.locator(".widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        return
    menu = page.locator(".widget-dropdown select").first
    menu.scroll_into_view_if_needed()
    current = menu.input_value()
    values = menu.locator("option").evaluate_all("options => options.map(o => o.value)")
    menu.select_option(next(v for v in values if v != current))


def _figure_after_controls(page):
    """The PNG source of the first image output that follows the explorer's controls."""
    return page.evaluate(
        """(CONTROLS) => {
            const control = document.querySelector(CONTROLS);
            if (!control) return null;
            const area = control.closest('.jp-Cell');
            const imgs = area ? area.querySelectorAll('.jp-OutputArea-output img') : [];
            return imgs.length ? imgs[imgs.length - 1].getAttribute('src') : null;
        }""",
        CONTROLS,
    )


@pytest.mark.parametrize("lesson", _lessons_with_explorer(), ids=lambda p: p.stem)
def test_explorer_redraws_in_jupyterlab(browser, lab, lesson):
    url, folder = lab
    shutil.copy(lesson, folder / lesson.name)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # a workspace of its own per lesson, reset, so that no other notebook's tab is active
        page.goto(f"{url}/lab/workspaces/{lesson.stem}/tree/{lesson.name}?reset", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-NotebookPanel", timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
        _run_all_cells(page)
        page.wait_for_selector(CONTROLS, timeout=120_000)
        # wait until the kernel is idle again (all cells done)
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-InputArea-prompt').length > 0 && "
            "![...document.querySelectorAll('.jp-InputArea-prompt')].some(e => e.textContent.includes('*'))",
            timeout=180_000,
        )
        before = _figure_after_controls(page)
        assert before, "no figure under the explorer's controls"
        _move_first_control(page)
        page.wait_for_function(
            "(before) => { const s = document.querySelector('.widget-slider, .widget-dropdown');"
            " const imgs = s.closest('.jp-Cell').querySelectorAll('.jp-OutputArea-output img');"
            " return imgs.length && imgs[imgs.length - 1].getAttribute('src') !== before; }",
            arg=before,
            timeout=30_000,
        )
        page.locator(CONTROLS).first.scroll_into_view_if_needed()
        page.screenshot(path=str(folder / f"{lesson.stem}.png"))
        text = page.inner_text(".jp-NotebookPanel")
        assert "model not found" not in text.lower()
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
    except Exception:
        page.screenshot(path=str(folder / f"{lesson.stem}-failure.png"))
        print(f"screenshot: {folder / (lesson.stem + '-failure.png')}")
        raise
    finally:
        page.close()
