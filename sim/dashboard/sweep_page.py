"""The Sweep page: open a sweep directory and explore its comparison, read from its Parquet files.

The folder field starts at ``$S3SIM_SWEEP`` (set by ``s3sim-dashboard --sweep DIR``), else
at ``outputs/demo/sweep`` (what ``make demo`` writes). The verdict and the table show as soon
as the sweep is read; the figures are in tabs, and only the visible one is drawn, in a
thread of the server, so the page never waits for a figure it does not show.
"""

from __future__ import annotations

import os
import time

import solara
from solara.lab import Tab, Tabs

from sim.dashboard import sweep_charts
from sim.dashboard.sweep_data import SweepView, open_sweep, verdict
from sim.experiments.markup import html_table
from sim.experiments.sweep import SweepError
from sim.experiments.tables import MORE_SEEDS_MARK

DEFAULT_SWEEP = "outputs/demo/sweep"
MEASURES = ("employment", "rca")
PREFERRED_INDICATOR = "employment_total"
TABLE_STYLE = "<style>.sweep-table td, .sweep-table th {padding: 2px 10px}</style>"

folder = solara.reactive(os.environ.get("S3SIM_SWEEP", DEFAULT_SWEEP))
baseline = solara.reactive("no_policy")
view = solara.reactive(None)
problem = solara.reactive("")
opened_in = solara.reactive("")
indicator = solara.reactive("")
scenario = solara.reactive("")
measure = solara.reactive(MEASURES[0])
tab = solara.reactive(0)


def open_folder() -> None:
    """Open the sweep in ``folder``; a bad folder becomes a one-line message."""
    began = time.perf_counter()
    try:
        opened = open_sweep(folder.value.strip(), baseline.value.strip() or "no_policy")
    except (SweepError, OSError, ValueError) as exc:
        problem.set(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        view.set(None)
        return
    problem.set("")
    names = opened.indicators
    indicator.set(PREFERRED_INDICATOR if PREFERRED_INDICATOR in names else names[0])
    scenario.set(opened.scenarios[0] if opened.scenarios else "")
    view.set(opened)
    opened_in.set(f"read in {time.perf_counter() - began:.2f} s")


@solara.component
def Figure(opened: SweepView, name: str, choices: tuple[str, ...] = ()):
    """A figure drawn in a thread (once per sweep and choices), or why there is none."""
    result = solara.use_thread(
        lambda: sweep_charts.drawn(opened, name, *choices),
        dependencies=[opened.key, name, choices],
        intrusive_cancel=False,
    )
    with solara.Card(classes=[f"chart-{name}"]):
        if result.state == solara.ResultState.FINISHED:
            if isinstance(result.value, bytes):
                solara.Image(result.value, width="100%")
            else:
                solara.Info(str(result.value), dense=True)
        elif result.state == solara.ResultState.ERROR:
            message = str(result.error).splitlines()[0] if str(result.error) else ""
            solara.Error(f"{name}: {message or type(result.error).__name__}")
        else:
            solara.ProgressLinear(True)


@solara.component
def Comparison(opened: SweepView):
    """Verdict and table of the chosen indicator."""
    chosen = indicator.value
    lines = verdict(opened.comparison, chosen)
    with solara.Card(f"Verdict on {chosen} against {opened.baseline}", classes=["sweep-verdict"]):
        for line in lines:
            solara.Text(line)
            solara.HTML(tag="br")
    cells = sweep_charts.table(opened, chosen)
    if len(cells):
        solara.HTML(
            tag="div", unsafe_innerHTML=TABLE_STYLE + html_table(cells), classes=["sweep-table"]
        )
        solara.Text(
            f"{MORE_SEEDS_MARK}: the interval includes 0; run more seeds.",
            style={"font-size": "small"},
        )


@solara.component
def Figures(opened: SweepView):
    """The forest plot, and the chosen scenario's paired trajectories and heatmap, in tabs."""
    chosen = scenario.value
    with Tabs(value=tab, lazy=True):
        with Tab("Forest plot"):
            Figure(opened, "forest")
        with Tab("Trajectories"):
            if chosen:
                Figure(opened, "trajectories", (chosen, measure.value))
            else:
                solara.Info("The sweep has only the baseline: nothing to compare.")
        with Tab("Heatmap"):
            if chosen:
                Figure(opened, "heatmap", (chosen,))
            else:
                solara.Info("The sweep has only the baseline: nothing to compare.")


@solara.component
def SweepPage():
    """The Sweep page."""
    opened = view.value
    with solara.Sidebar():
        with solara.Card("Sweep"):
            solara.InputText(
                "sweep folder",
                value=folder,
                error=bool(problem.value),
                message=problem.value or None,
            )
            solara.InputText("baseline", value=baseline)
            solara.Button("Open", on_click=open_folder, color="primary")
            if opened is not None:
                solara.Select("indicator", value=indicator, values=opened.indicators)
                solara.Select("scenario", value=scenario, values=opened.scenarios)
                solara.Select("trajectory measure", value=measure, values=list(MEASURES))
    with solara.Column():
        solara.Title("s3sim: sweep")
        if problem.value:
            solara.Error(problem.value, classes=["sweep-problem"])
        if opened is None:
            solara.Info("Open a sweep folder (the output of s3sim -m ..., collected or not).")
            return
        n_runs = len(opened.runs)
        solara.Text(
            f"{opened.sweep_dir}: {n_runs} runs, baseline {opened.baseline}, "
            f"focal region {opened.focal} ({opened_in.value})",
            classes=["sweep-status"],
        )
        for note in opened.notes:
            solara.Text(note, style={"font-size": "small"})
        Comparison(opened)
        Figures(opened)
