"""The Sweep page: open a sweep directory and explore its comparison, read from its Parquet files.

The folder field starts at ``$S3SIM_SWEEP`` (set by ``s3sim-dashboard --sweep DIR``), else
at ``outputs/demo/sweep`` (what ``make demo`` writes).
"""

from __future__ import annotations

import os
import time

import solara

from sim.dashboard import sweep_charts
from sim.dashboard.run_charts import png
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


def image(chart: sweep_charts.Chart, name: str):
    """A figure as an image, or its reason as a note."""
    with solara.Card(classes=[f"chart-{name}"]):
        if isinstance(chart, str):
            solara.Info(chart, dense=True)
        else:
            solara.Image(png(chart, dpi=100), width="100%")


@solara.component
def Comparison(opened: SweepView):
    """Verdict, table and forest plot of the chosen indicator."""
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
            f"{MORE_SEEDS_MARK}: the interval is wider than the effect; run more seeds.",
            style={"font-size": "small"},
        )
    figure = solara.use_memo(lambda: sweep_charts.forest(opened), [opened])
    image(figure, "forest")


@solara.component
def ScenarioFigures(opened: SweepView):
    """Paired-difference trajectories and the heatmap of the chosen scenario."""
    chosen, what = scenario.value, measure.value
    paths = solara.use_memo(
        lambda: sweep_charts.paired_trajectories(opened, chosen, what) if chosen else None,
        [opened, chosen, what],
    )
    heat = solara.use_memo(
        lambda: sweep_charts.heatmap(opened, chosen) if chosen else None, [opened, chosen]
    )
    if not chosen:
        solara.Info("The sweep has only the baseline: nothing to compare.")
        return
    image(paths, "trajectories")
    image(heat, "heatmap")


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
        ScenarioFigures(opened)
