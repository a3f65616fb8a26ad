"""The dashboard in a real browser: headless Chromium drives both pages of ``s3sim-dashboard``.

Chromium is Debian's package (``make test`` installs it with apt-get when it is missing);
Playwright drives it through ``executable_path``, since its own browser download is not
available everywhere. Without a browser these tests fail, naming what to install: a
skipped browser test would pass a dashboard nobody has seen working.

The tests write the README's screenshots, docs/dashboard_run.png and
docs/dashboard_sweep.png.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fake_sweep import make_sweep

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("S3SIM_CHROMIUM", "/usr/bin/chromium"))
SLOW = 240_000
"""Milliseconds to wait for what a loaded 2-core machine may take long to do."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dashboard") / "sweep"
    return make_sweep(root, ("no_policy", "targeted", "bottom_up"), (0, 1, 2), ("targeted",))


@pytest.fixture(scope="module")
def server(sweep, tmp_path_factory):
    """``s3sim-dashboard`` on a free local port; its address."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim.dashboard.serve",
                "--port",
                str(port),
                "--sweep",
                str(sweep),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"s3sim-dashboard did not serve {url}: {log.read_text()[-2000:]}")
            time.sleep(0.5)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: `make install` installs the test extra")
    if not CHROMIUM.is_file():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's package (`apt-get install chromium`, "
            "which `make test` does when apt-get is available) or set S3SIM_CHROMIUM"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    yield page
    page.close()


SHOWN_PNG = """async (name) => {
    const img = document.querySelector(`.chart-${name} img`);
    if (img === null || !img.complete) return null;
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    return Array.from(bytes);
}"""
"""The bytes of the image in a chart's card (fetched from its blob URL), or null."""


def _image(page, chart: str, unlike: bytes | None = None) -> bytes:
    """The PNG shown in a chart's card; with ``unlike``, once it differs from that one."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + SLOW / 1000
    while True:
        try:
            shown = page.evaluate(SHOWN_PNG, chart)
        except Error:  # the image was replaced while it was read: read again
            shown = None
        if shown is not None and bytes(shown) != unlike:
            assert bytes(shown[:4]) == b"\x89PNG", chart
            return bytes(shown)
        if time.monotonic() > deadline:
            pytest.fail(f"no new image in .chart-{chart} after {SLOW / 1000:.0f} s")
        page.wait_for_timeout(200)


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the select labelled ``label``."""
    page.locator(".v-select").filter(has_text=label).first.click()
    page.locator(".menuable__content__active .v-list-item").filter(has_text=option).first.click()


def test_run_page_steps_runs_and_redraws(server, page):
    from playwright.sync_api import expect

    page.goto(server + "/")
    status = page.locator(".run-status")
    expect(status).to_contain_text("scenario targeted", timeout=SLOW)
    firms = page.get_by_label("firms")
    firms.fill("3000")
    firms.press("Enter")
    expect(status).to_contain_text("3000 firms at the start", timeout=SLOW)
    expect(status).to_contain_text("burn-in")

    share = page.get_by_label("share rd_grant")
    share.fill("0.5")
    share.press("Enter")
    expect(page.locator(".problem-shares")).to_have_text(
        "instrument shares add up to 1.3: they must add up to 1", timeout=SLOW
    )
    expect(page.get_by_text("Traceback")).to_have_count(0)
    share.fill("0.2")
    share.press("Enter")
    expect(page.locator(".problem-shares")).to_have_count(0, timeout=SLOW)

    for _ in range(11):  # through the burn-in to the first reported year
        page.get_by_role("button", name="Step").click()
        expect(page.get_by_role("button", name="Step")).to_be_enabled(timeout=SLOW)
    expect(status).to_contain_text("Year 1998 (1 of 33 reported years)", timeout=SLOW)
    first = _image(page, "specialisation")

    page.get_by_role("button", name="Run").click()
    expect(status).to_contain_text("Year 2030 (33 of 33 reported years)", timeout=SLOW)
    expect(page.locator(".run-charted")).to_have_text("charts of 2030", timeout=SLOW)
    _image(page, "specialisation", unlike=first)
    for chart in ("employment", "spearheads", "budget", "roadmaps"):
        _image(page, chart)
    expect(page.locator(".run-speed")).to_contain_text("simulated years/s")
    page.screenshot(path=str(ROOT / "docs" / "dashboard_run.png"), full_page=True)


def test_run_page_switches_scenario(server, page):
    from playwright.sync_api import expect

    page.goto(server + "/")
    status = page.locator(".run-status")
    expect(status).to_contain_text("scenario targeted", timeout=SLOW)
    _pick(page, "scenario", "bottom_up")
    expect(status).to_contain_text("scenario bottom_up", timeout=SLOW)
    expect(page.get_by_label("share rd_grant")).to_have_value("0.2")


def test_sweep_page_opens_a_sweep_and_switches_scenario(server, sweep, page):
    from playwright.sync_api import expect

    page.goto(server + "/sweep")
    expect(page.get_by_label("sweep folder")).to_have_value(str(sweep), timeout=SLOW)
    page.get_by_role("button", name="Open").click()
    expect(page.locator(".sweep-status")).to_contain_text("9 runs", timeout=SLOW)
    verdict = page.locator(".sweep-verdict")
    expect(verdict).to_contain_text("targeted: employment_total is higher than no_policy by 50")
    expect(page.locator(".sweep-table")).to_contain_text("bottom_up")
    forest = _image(page, "forest")  # the visible tab; the others are drawn when shown
    expect(page.locator(".chart-heatmap")).to_have_count(0)
    page.screenshot(path=str(ROOT / "docs" / "dashboard_sweep.png"), full_page=True)
    page.get_by_role("tab", name="Heatmap").click()
    heat_targeted = _image(page, "heatmap")
    page.get_by_role("tab", name="Trajectories").click()
    paths_targeted = _image(page, "trajectories")

    _pick(page, "scenario", "bottom_up")
    expect(page.locator(".v-select").filter(has_text="scenario")).to_contain_text("bottom_up")
    _image(page, "trajectories", unlike=paths_targeted)
    page.get_by_role("tab", name="Heatmap").click()
    _image(page, "heatmap", unlike=heat_targeted)
    page.get_by_role("tab", name="Forest plot").click()
    assert _image(page, "forest") == forest  # the scenario does not change the forest plot
    _pick(page, "indicator", "specialisations_gained")
    expect(verdict).to_contain_text("Verdict on specialisations_gained", timeout=SLOW)


def test_sweep_page_says_what_is_wrong_with_a_folder(server, tmp_path, page):
    from playwright.sync_api import expect

    page.goto(server + "/sweep")
    folder = page.get_by_label("sweep folder")
    folder.fill(str(tmp_path / "nothing"))
    folder.press("Enter")
    page.get_by_role("button", name="Open").click()
    expect(page.locator(".sweep-problem")).to_have_text(
        f"{tmp_path / 'nothing'}: no such directory", timeout=SLOW
    )
    expect(page.get_by_text("Traceback")).to_have_count(0)
