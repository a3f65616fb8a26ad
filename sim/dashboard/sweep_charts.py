"""The Sweep page's figures, drawn from a :class:`~sim.dashboard.sweep_data.SweepView`.

:func:`drawn` keeps each figure's PNG by the sweep's contents (its
:attr:`~sim.dashboard.sweep_data.SweepView.key`) and the figure's choices, so a figure
shown before, of an unchanged sweep, is not drawn again.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim import plots
from sim.dashboard.run_charts import png
from sim.dashboard.sweep_data import SweepView
from sim.experiments.sweep import OVERRIDE_PREFIX
from sim.plots._common import add_caption, median_band, new_figure, reference_line

Chart = Figure | str
"""A figure, or the reason there is none."""
BAND = (0.1, 0.9)
"""Quantiles over seeds of the shaded band."""
DPI = 100
KEPT = 48
"""How many drawn figures :func:`drawn` keeps (the least recently shown go first)."""
_KEPT: OrderedDict[tuple, bytes | str] = OrderedDict()
_KEPT_LOCK = threading.Lock()
"""The page draws its figures in threads; the kept figures are read and changed under it."""


def caption(view: SweepView) -> str | None:
    """The synthetic-economy caption when every run is of the synthetic economy."""
    return plots.SYNTHETIC_CAPTION if view.synthetic else None


def comparison_rows(view: SweepView) -> pd.DataFrame:
    """The comparison's rows, scenarios labelled with their override group."""
    rows = view.comparison.copy()
    groups = [c for c in rows.columns if str(c).startswith(OVERRIDE_PREFIX)]
    if groups:
        labels = rows[groups].astype(str).agg(", ".join, axis=1)
        rows["scenario"] = rows["scenario"].astype(str) + " (" + labels + ")"
    return rows


def forest(view: SweepView) -> Chart:
    """Forest plot of the paired differences, one panel per indicator, one row per scenario."""
    rows = comparison_rows(view)
    rows = rows[pd.to_numeric(rows["mean_diff"], errors="coerce").notna()]
    if rows.empty:
        return "No indicator has a mean difference to plot."
    return plots.plot_comparison_forest(rows, caption=caption(view))


def paired_trajectories(view: SweepView, scenario: str, measure: str = "employment") -> Chart:
    """Per value chain: ``scenario`` minus the baseline over years, median and band over seeds."""
    sectors, how = view.value_chains(scenario)
    if not sectors:
        return f"{scenario}: no value chains to follow (no spearheads, no emerging sectors)."
    diffs = view.paired_differences(scenario, sectors, measure)
    if diffs.empty:
        return f"{scenario}: no run pairs with {view.baseline} on the same seed."
    grouped = diffs.groupby(["sector", "year"])["difference"]
    median, low, high = grouped.median(), grouped.quantile(BAND[0]), grouped.quantile(BAND[1])
    n_seeds = diffs["seed"].nunique()
    shown = [s for s in sectors if s in median.index.get_level_values("sector")]
    ncols = min(3, len(shown))
    nrows = math.ceil(len(shown) / ncols)
    fig = new_figure(1.0 + 3.6 * ncols, 1.0 + 2.6 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    colour = plots.OKABE_ITO[0]
    for ax, sector in zip(axes, shown, strict=False):
        median_band(ax, median.loc[sector], low.loc[sector], high.loc[sector], colour, 0.2)
        reference_line(ax, 0.0)
        ax.set_title(sector, fontsize=10)
        ax.grid(color="0.92")
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    unit = "jobs" if measure == "employment" else measure
    fig.supylabel(f"{scenario} minus {view.baseline} ({unit})")
    fig.suptitle(f"Paired differences in {view.focal}'s {how}: {measure}")
    band = f"band: {BAND[0]:.0%}-{BAND[1]:.0%} quantiles over {n_seeds} seeds"
    handles = [
        Line2D([], [], color=colour, label="median"),
        Patch(color=colour, alpha=0.3, label=band),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    add_caption(fig, caption(view), supxlabel="year")
    return fig


def heatmap(view: SweepView, scenario: str) -> Chart:
    """Region x sector rsca of ``scenario`` in its last period, mean over seeds."""
    frame = view.period_means(scenario)
    if frame is None or frame.empty:
        return f"{scenario}: no specialisation_periods.parquet in its runs."
    figure = plots.plot_rsca_heatmap(frame, caption=caption(view))
    axes = figure.axes[0]
    axes.set_title(f"{scenario}: {axes.get_title()}, mean over {len(view.run_dirs(scenario))} runs")
    return figure


def table(view: SweepView, indicator: str) -> pd.DataFrame:
    """The comparison rows of ``indicator`` as rounded text cells (``s3sim-compare``'s format)."""
    from sim.experiments.tables import format_comparison

    rows = view.comparison[view.comparison["indicator"] == indicator]
    return format_comparison(rows) if len(rows) else pd.DataFrame()


FIGURES: dict[str, Callable[..., Chart]] = {
    "forest": forest,
    "trajectories": paired_trajectories,
    "heatmap": heatmap,
}
"""The Sweep page's figures by name; each takes the view and then the choices it shows."""


def forget() -> None:
    """Forget the figures drawn so far: each is drawn again when next asked for."""
    with _KEPT_LOCK:
        _KEPT.clear()


def drawn(view: SweepView, name: str, *choices: str) -> bytes | str:
    """The figure ``name`` of ``view`` for ``choices`` as PNG bytes (or why there is none).

    Drawn once per sweep contents and choices: a figure of an unchanged sweep shown
    before is returned as it was drawn.
    """
    key = (view.key, name, choices)
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    chart = FIGURES[name](view, *choices)
    image = chart if isinstance(chart, str) else png(chart, dpi=DPI)
    with _KEPT_LOCK:
        _KEPT[key] = image
        while len(_KEPT) > KEPT:
            _KEPT.popitem(last=False)
    return image
