"""Backtest plot: the seed chart's bars by period, the observed value beside each simulated bar."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.plots._common import (
    add_caption,
    measure_label,
    new_figure,
    reference_level,
    reference_line,
    rotate_labels,
    sequential_colours,
)
from sim.plots.inputs import require, select_region, sorted_periods

#: Labels of the bar containers, so that a reader of the figure can find each series.
MODEL, OBSERVED = "model", "observed"


def plot_backtest_periods(
    frame: pd.DataFrame, region: str, measure: str = "rsca", caption: str | None = None
) -> Figure:
    """One region's specialisation by sector and period: the model's bar, the file's beside it.

    Within each sector's group, every period has two bars in the period's colour:
    the model's mean over seeds (filled, with a whisker from the lowest to the
    highest seed) and the observed value (hatched). A sector whose ``statistics``
    column is False gets no bar but the words "no statistics". A partial last
    period is named "partial" in the legend.

    Args:
        frame: Rows of :func:`sim.validation.backtest_periods.by_period`: ``period,
            whole, region, sector, statistics, observed_<m>, model_<m>,
            model_<m>_low, model_<m>_high``.
        region: Region to plot.
        measure: ``"rsca"`` or ``"rca"``.
        caption: Small grey text under the axes.

    Returns:
        The figure; its bar containers are labelled ``"model <period>"`` and
        ``"observed <period>"``, bars in the order of the x tick labels.
    """
    func = "plot_backtest_periods"
    columns = [f"{s}_{measure}" for s in (OBSERVED, MODEL)]
    require(frame, ["period", "whole", "region", "sector", "statistics", *columns], func)
    rows = select_region(frame, region, func)
    sectors = list(dict.fromkeys(rows["sector"]))
    periods = sorted_periods(rows["period"].unique())
    partial = set(rows.loc[~rows["whole"].astype(bool), "period"])

    def table(column: str) -> pd.DataFrame:
        values = rows.pivot(index="sector", columns="period", values=column)
        values = values.reindex(index=sectors, columns=periods)
        unknown = rows.loc[~rows["statistics"].astype(bool), "sector"].unique()
        values.loc[values.index.isin(unknown)] = np.nan
        return values

    observed, model = table(columns[0]), table(columns[1])
    low, high = table(f"model_{measure}_low"), table(f"model_{measure}_high")
    n_sectors, n_periods = len(sectors), len(periods)
    # room for every sector's bars and its label; the legend goes above the axes
    fig = new_figure(min(24.0, max(9.0, 2.5 + n_sectors * (0.2 + 0.2 * n_periods))), 6.0)
    ax = fig.add_subplot()
    width = 0.8 / (2 * n_periods)
    x = np.arange(n_sectors, dtype=float)
    colours = sequential_colours(n_periods)
    handles = []
    for j, period in enumerate(periods):
        left = x + (2 * j - n_periods) * width + width / 2
        m = model[period].to_numpy(dtype=float)
        err = np.vstack([m - low[period].to_numpy(float), high[period].to_numpy(float) - m])
        ax.bar(left, m, width=width, color=colours[j], yerr=err, ecolor="0.3",
               error_kw={"lw": 0.7}, label=f"{MODEL} {period}", zorder=2)  # fmt: skip
        ax.bar(left + width, observed[period].to_numpy(dtype=float), width=width,
               facecolor="white", edgecolor=colours[j], hatch="////", linewidth=0.8,
               label=f"{OBSERVED} {period}", zorder=2)  # fmt: skip
        name = f"{period} (partial)" if period in partial else str(period)
        handles.append(Patch(color=colours[j], label=name))
    handles += [
        Patch(facecolor="0.5", label="model: mean of seeds (whisker: lowest-highest seed)"),
        Patch(facecolor="white", edgecolor="0.3", hatch="////", label="observed (the file)"),
    ]
    reference_line(ax, reference_level(measure))
    no_statistics = observed.isna().all(axis=1).to_numpy() & model.isna().all(axis=1).to_numpy()
    for position in x[no_statistics]:
        ax.text(position, reference_level(measure), " no statistics", rotation=90,
                ha="center", va="bottom", fontsize=7, color="0.4")  # fmt: skip
    rotate_labels(ax, [str(s) for s in sectors], x)
    ax.set_xlim(-0.6, n_sectors - 0.4)
    if measure == "rsca":
        ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel(f"relative specialisation\n{measure_label(measure)}, period mean")
    ax.set_xlabel("sector")
    ax.grid(axis="y", color="0.9", zorder=0)
    ax.set_axisbelow(True)
    ax.set_title(f"{region}: specialisation by period, the model beside the file", loc="left")
    fig.legend(handles=handles, loc="outside upper center", ncols=min(len(handles), 3),
               frameon=False, fontsize=8)  # fmt: skip
    if no_statistics.any():
        note = "No statistics: the data has no value for the sector; no specialisation drawn."
        caption = f"{caption} {note}" if caption else note
    add_caption(fig, caption)
    return fig
