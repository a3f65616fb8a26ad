"""Playing a run: the models step year after year while its charts are drawn in another process.

Drawing the five charts of a year takes much longer than simulating it (about 2.7 s against
0.2 s for the default economy), so the charts follow the simulation at their own pace: one
chart at a time, in turn, from a snapshot of the run, started at most every
:data:`DRAW_GAP` seconds, so that something on the page changes about once a second. The
drawing process runs at a lower priority, so that on a busy machine the simulation keeps
the processor and the charts are drawn less often, never the other way round. The page's
speed is reported every :data:`REPORT_GAP` seconds, not every year.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache

from sim.dashboard import run_charts
from sim.dashboard.live import LiveRun

DRAW_GAP = 1.0
"""Seconds at least between the starts of two drawings of a running simulation."""
REPORT_GAP = 0.5
"""Seconds at least between two reports of the simulation's speed."""
PAINTER_NICENESS = 10
"""How much lower the drawing process's priority is than the server's (``os.nice``)."""

Drawn = dict[str, bytes | str | int]


def _lower_priority() -> None:
    if hasattr(os, "nice"):  # POSIX; elsewhere the drawing process keeps the usual priority
        os.nice(PAINTER_NICENESS)


@cache
def painter() -> ProcessPoolExecutor:
    """The process that draws the charts while a run goes on (one per server)."""
    return ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=_lower_priority
    )


def play(
    run: LiveRun,
    going: Callable[[], bool],
    show: Callable[[Drawn], None],
    report: Callable[[float], None],
    draw_gap: float = DRAW_GAP,
) -> int:
    """Simulate ``run`` year after year while ``going()``, drawing its charts meanwhile.

    Args:
        run: The run to advance (both its models).
        going: Asked before every year; the run stops when it says False.
        show: Given each finished drawing of one chart (as :func:`run_charts.render`
            returns it); the charts take turns.
        report: Given the simulated years per second since the start, every
            :data:`REPORT_GAP` seconds and when the run stops.
        draw_gap: Seconds at least between the starts of two drawings.

    Returns:
        How many drawings were shown.
    """
    began = last_report = now = time.perf_counter()
    last_drawing = -math.inf
    years = shown = turn = 0
    drawing: Future | None = None
    while going() and not run.finished:
        years += run.step(1)
        now = time.perf_counter()
        if now - last_report >= REPORT_GAP or run.finished:
            report(years / (now - began))
            last_report = now
        if drawing is not None and drawing.done():
            show(drawing.result())
            drawing, shown = None, shown + 1
        if drawing is None and run.reported and now - last_drawing >= draw_gap:
            chart = list(run_charts.CHARTS)[turn % len(run_charts.CHARTS)]
            drawing = painter().submit(run_charts.render, run_charts.gather(run), [chart])
            last_drawing, turn = now, turn + 1
    if drawing is not None:
        drawing.cancel()
    if years and last_report < now:
        report(years / (now - began))
    return shown
