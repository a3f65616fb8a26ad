"""How live the dashboard is: simulated years per second on the Run page, seconds to open a sweep.

Design
- Run page: the default economy (50,000 firms, scenario targeted with its paired no-policy
  baseline, seed 0), all 43 simulated years (10 burn-in + 33 reported). Measured three ways:
  the two bare models stepped (the reference), the page's loop run in this process
  (``playback.play``: stepping while a separate process of lower priority draws the charts
  in turn), and in the page itself: ``s3sim-dashboard`` in headless Chromium, Run pressed,
  the page's own rate read at 2030 (the bare models are measured again after it).
- Sweep page: a sweep directory (``--sweep DIR``; by default a 70-run sweep, the demo's 7
  scenarios x 10 seeds at 2,000 firms, made under /tmp on first use). Measured: opening
  it when not yet collected (collect and compare included), opening it collected, drawing
  the figure of the tab visible on opening (the forest plot; the other tabs are drawn when
  shown, each timed too), and opening it again in the same process.
- The machine may be shared: the load average is printed, and the page's rates are also
  given as a share of the bare models measured in the same run.
- Targets (issue 15): >= 5 simulated years/s in the page; a 70-run sweep opens in < 3 s.

Run: ``.venv/bin/python experiments/bench_dashboard.py [--sweep DIR] [--no-browser]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SWEEP = Path(tempfile.gettempdir()) / "s3sim_bench_sweep70"


def bare_models() -> float:
    """Years/s of the scenario's model and its baseline stepped with nothing else."""
    from sim.dashboard.live import LiveRun
    from sim.dashboard.run_page import levers_for

    run = LiveRun.build(levers_for("targeted"))
    began = time.perf_counter()
    years = run.step(10_000)
    return years / (time.perf_counter() - began)


def page_loop() -> tuple[float, int]:
    """Years/s of the Run page's loop in process, and how many charts it showed meanwhile."""
    from sim.dashboard import playback, run_charts
    from sim.dashboard.live import LiveRun
    from sim.dashboard.run_page import levers_for

    playback.painter().submit(run_charts.warm_up).result()
    run = LiveRun.build(levers_for("targeted"))
    rates: list[float] = []
    shown = playback.play(run, lambda: True, lambda drawn: None, rates.append)
    return rates[-1], shown


def in_browser() -> float:
    """Years/s the Run page reports after running the default economy in headless Chromium."""
    from playwright.sync_api import expect, sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "sim.dashboard.serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            page = browser.new_page()
            page.goto(url)
            status = page.locator(".run-status")
            expect(status).to_contain_text("50000 firms", timeout=300_000)
            page.get_by_role("button", name="Run").click()
            expect(status).to_contain_text("Year 2030", timeout=600_000)
            text = page.locator(".run-speed").inner_text()
            browser.close()
        return float(re.match(r"([\d.]+)", text).group(1))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def make_sweep(path: Path) -> None:
    """The demo's standard comparison at 10 seeds and 2,000 firms (70 runs)."""
    print(f"making a 70-run sweep in {path} (once; about 10 minutes on 2 cores)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "-m",
            "+experiment=standard_comparison",
            "seed=range(0,10)",
            "economy.n_firms=2000",
            f"hydra.sweep.dir={path}",
        ],
        cwd=ROOT,
        check=True,
    )


def open_times(sweep: Path) -> dict[str, float]:
    """Seconds to open ``sweep`` fresh and collected, and to draw the page's figures.

    Each opening is in a fresh state of this process (no sweep kept from before), as a
    new server meets it, except ``again``: the same sweep opened again in the same
    process, with every figure drawn before.
    """
    from sim.dashboard import sweep_charts, sweep_data
    from sim.dashboard.sweep_data import open_sweep

    fresh = Path(tempfile.mkdtemp()) / "sweep"
    shutil.copytree(
        sweep, fresh, ignore=shutil.ignore_patterns("runs.parquet", "panel", "comparison.*")
    )
    times: dict[str, float] = {}

    def timed(name: str, task):
        began = time.perf_counter()
        value = task()
        times[name] = time.perf_counter() - began
        return value

    def forget() -> None:
        sweep_data.forget()
        sweep_charts.forget()

    timed("first", lambda: open_sweep(fresh))
    forget()
    view = timed("collected", lambda: open_sweep(fresh))
    scenario = view.scenarios[0]
    timed("forest", lambda: sweep_charts.drawn(view, "forest"))
    timed("trajectories", lambda: sweep_charts.drawn(view, "trajectories", scenario, "employment"))
    timed("heatmap", lambda: sweep_charts.drawn(view, "heatmap", scenario))

    def again() -> None:
        view = open_sweep(fresh)
        for name, choices in (("forest", ()), ("trajectories", (scenario, "employment"))):
            sweep_charts.drawn(view, name, *choices)
        sweep_charts.drawn(view, "heatmap", scenario)

    timed("again", again)
    times["runs"] = len(view.runs)
    shutil.rmtree(fresh.parent, ignore_errors=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", type=Path, default=DEFAULT_SWEEP)
    parser.add_argument("--no-browser", action="store_true", help="skip the browser measure")
    args = parser.parse_args()
    if not any(args.sweep.glob("*/_COMPLETE")):
        make_sweep(args.sweep)
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    bare = bare_models()
    loop, shown = page_loop()
    print("Run page, default economy (50,000 firms), targeted + paired no_policy, 43 years")
    print(f"  two bare models (reference):        {bare:6.1f} simulated years/s")
    print(
        f"  page loop, drawing in a process:    {loop:6.1f} simulated years/s "
        f"({loop / bare:.0%} of the reference; {shown} charts shown while running)"
    )
    if not args.no_browser:
        page = in_browser()
        again = bare_models()
        print(
            f"  in the page (headless Chromium):    {page:6.1f} simulated years/s "
            f"(target >= 5; {page / ((bare + again) / 2):.0%} of the reference, "
            f"measured before and after: {bare:.1f}, {again:.1f})"
        )
    times = open_times(args.sweep)
    print(f"Sweep page, {times['runs']} runs ({args.sweep})")
    print(f"  open, not yet collected (collect + compare): {times['first']:5.2f} s")
    print(f"  open, collected and compared:                {times['collected']:5.2f} s")
    shown = times["collected"] + times["forest"]
    print(f"  draw the visible tab (forest plot):          {times['forest']:5.2f} s")
    print(f"  opened and shown (collected sweep):          {shown:5.2f} s (target < 3)")
    print(
        f"  other tabs: trajectories, heatmap:           {times['trajectories']:5.2f} s, "
        f"{times['heatmap']:5.2f} s"
    )
    print(f"  opened again, every tab shown before:        {times['again']:5.2f} s")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
