"""Paired differences from the baseline over time: one small panel per scenario and sector."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots._common import (
    OKABE_ITO,
    add_caption,
    measure_label,
    median_band,
    new_figure,
    reference_line,
)
from sim.plots.inputs import in_order, require, select_region


def plot_paired_differences(
    diff: pd.DataFrame,
    region: str,
    sectors: list[str],
    measure: str = "rca",
    band: tuple[float, float] = (0.1, 0.9),
    baseline: str = "baseline",
    caption: str | None = None,
) -> Figure:
    """How far each scenario moves a region's specialisation from the baseline, year by year.

    One small panel per scenario (rows) and sector (columns): the median over seeds of
    the paired difference ``measure(scenario) - measure(baseline)`` on the same seed, a
    shaded band between the ``band`` quantiles over seeds and a line at zero. Panels of
    one sector share their y axis, so scenarios compare down a column.

    Args:
        diff: Tidy frame with columns ``scenario``, ``seed``, ``year``, ``region``,
            ``sector`` and ``diff`` (the paired difference of ``measure``).
        region: Region to plot.
        sectors: Sectors to plot, one column each, in this order.
        measure: Name of the measure differenced (for the labels).
        band: Lower and upper quantile over seeds of the shaded band.
        baseline: Name of the baseline (for the labels).
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame, an unknown region or sector, an
            empty list of sectors or an invalid band.
    """
    func = "plot_paired_differences"
    require(diff, ["scenario", "seed", "year", "region", "sector", "diff"], func)
    low_q, high_q = band
    if not 0.0 <= low_q <= high_q <= 1.0:
        raise ValueError(f"{func}: band must satisfy 0 <= low <= high <= 1, got {band}")
    if not sectors:
        raise ValueError(f"{func}: the list of sectors is empty")
    rows = select_region(diff, region, func)
    unknown = [s for s in sectors if s not in set(rows["sector"])]
    if unknown:
        raise ValueError(
            f"{func}: sectors {unknown} have no rows for region {region!r}; "
            f"sectors present: {sorted(map(str, set(rows['sector'])))}"
        )
    rows = rows[rows["sector"].isin(sectors)]
    scenarios = in_order(rows["scenario"])
    grouped = rows.groupby(["scenario", "sector", "year"])["diff"]
    median, lower, upper = grouped.median(), grouped.quantile(low_q), grouped.quantile(high_q)

    ncols, nrows = len(sectors), len(scenarios)
    fig = new_figure(1.4 + 2.3 * ncols, 0.9 + 1.5 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey="col", squeeze=False)
    colour = OKABE_ITO[4]
    for i, scenario in enumerate(scenarios):
        for j, sector in enumerate(sectors):
            ax = axes[i, j]
            key = (scenario, sector)
            if key in median.index:
                median_band(ax, median.loc[key], lower.loc[key], upper.loc[key], colour, 0.25)
            reference_line(ax, 0.0)
            ax.grid(color="0.92")
            ax.tick_params(labelsize=7)
            ax.xaxis.get_major_locator().set_params(integer=True, nbins=4)
            if i == 0:
                ax.set_title(str(sector), fontsize=9)
            if j == 0:
                ax.set_ylabel(str(scenario), fontsize=8)
    fig.supylabel(f"{measure_label(measure)}: scenario minus {baseline}, same seed")
    fig.suptitle(f"Paired differences from {baseline}: {region}")
    handles = [
        Line2D([], [], color=colour, label="median over seeds"),
        Patch(color=colour, alpha=0.25, label=f"{low_q:.0%}-{high_q:.0%} of seeds"),
    ]
    fig.legend(handles=handles, loc="outside right upper", frameon=False)
    add_caption(fig, caption, supxlabel="year")
    return fig
