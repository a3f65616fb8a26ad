"""Plots of relative specialisation: per-period bars and heatmaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.plots._common import (
    add_caption,
    measure_label,
    new_figure,
    reference_level,
    reference_line,
    rotate_labels,
    sequential_colours,
)
from sim.plots.inputs import (
    in_order,
    partial_periods,
    require,
    select_region,
    single_scenario,
    sorted_periods,
)


def plot_specialisation_by_period(
    periods: pd.DataFrame,
    region: str,
    measure: str = "rsca",
    sectors: list[str] | None = None,
    title: str | None = None,
    caption: str | None = None,
) -> Figure:
    """Bar chart of one region's relative specialisation per sector, grouped by period.

    One bar group per sector and, within each group, one bar per period (chronological,
    coloured on an ordered palette). A horizontal line marks the neutral level: 0 for
    ``rsca``, 1 for ``rca``. Several rows for one period and sector (e.g. one per seed)
    are averaged, and the y label says so. A period whose ``whole`` column is False
    (a partial last period) is hatched and named "partial" in the legend. A sector
    whose values are all missing, or whose optional ``statistics`` column is False
    (the data had no statistics for it), gets no bar but the words "no statistics".

    Args:
        periods: Tidy frame with columns ``period`` (e.g. ``"1998-2001"``), ``region``,
            ``sector`` and ``measure``, optionally ``whole``. A ``scenario`` column, if
            any, must hold one value.
        region: Region to plot.
        measure: Column to plot, usually ``"rsca"`` or ``"rca"``.
        sectors: Sectors to show, in this order; by default all sectors, ordered by their
            value in the last whole period, highest first.
        title: Figure title; a default naming the region is used when ``None``.
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame, an unknown region or sector, or
            several scenarios.
    """
    func = "plot_specialisation_by_period"
    require(periods, ["period", "region", "sector", measure], func)
    single_scenario(periods, func)
    rows = select_region(periods, region, func)
    cells = rows.groupby(["sector", "period"], sort=False)[measure]
    table = cells.mean().unstack("period")
    if "statistics" in rows.columns:
        unknown = rows.loc[~rows["statistics"].astype(bool), "sector"].unique()
        table.loc[table.index.isin(unknown)] = np.nan
    repeats = int(cells.size().max())
    period_order = sorted_periods(rows["period"])
    table = table.reindex(columns=period_order)
    partial = partial_periods(rows)
    whole = [p for p in period_order if p not in partial] or period_order

    if sectors is None:
        last = table[whole[-1]]
        order = sorted(table.index, key=lambda s: -last[s] if pd.notna(last[s]) else np.inf)
    else:
        unknown = [s for s in sectors if s not in table.index]
        if unknown:
            raise ValueError(
                f"{func}: sectors {unknown} have no rows for region {region!r}; "
                f"sectors present: {sorted(map(str, table.index))}"
            )
        if not sectors:
            raise ValueError(f"{func}: the list of sectors is empty")
        order = list(sectors)
    table = table.loc[order]

    n_sectors, n_periods = len(order), len(period_order)
    # about 0.09 in per bar, capped so that a full economy stays a readable page wide
    fig = new_figure(min(18.0, max(6.5, 1.0 + 0.09 * n_sectors * max(n_periods, 2))), 5.2)
    ax = fig.add_subplot()
    group_width = 0.8
    bar_width = group_width / n_periods
    x = np.arange(n_sectors, dtype=float)
    colours = sequential_colours(n_periods)
    for j, period in enumerate(period_order):
        offset = (j - (n_periods - 1) / 2) * bar_width
        ax.bar(
            x + offset,
            table[period].to_numpy(dtype=float),
            width=bar_width,
            color=colours[j],
            label=f"{period} (partial)" if period in partial else str(period),
            hatch="///" if period in partial else None,
            edgecolor="white",
            linewidth=0.4,
            zorder=2,
        )
    reference_line(ax, reference_level(measure))
    no_statistics = table.isna().all(axis=1).to_numpy()
    for position in x[no_statistics]:
        ax.text(position, reference_level(measure), " no statistics", rotation=90,
                ha="center", va="bottom", fontsize=7, color="0.4")  # fmt: skip
    rotate_labels(ax, [str(s) for s in order], x)
    ax.set_xlim(-0.6, n_sectors - 0.4)
    if measure == "rsca":
        ax.set_ylim(-1.05, 1.05)
    ylabel = f"relative specialisation\n{measure_label(measure)}"
    if repeats > 1:
        ylabel += f", mean of {repeats} runs"
    ax.set_ylabel(ylabel)
    ax.set_xlabel("sector")
    ax.grid(axis="y", color="0.9", zorder=0)
    ax.set_axisbelow(True)
    ax.set_title(title if title is not None else f"Relative specialisation of {region} by period")
    fig.legend(loc="outside right upper", title="period", frameon=False)
    if no_statistics.any():
        note = "No statistics: the data has no value for the sector; no specialisation drawn."
        caption = f"{caption} {note}" if caption else note
    add_caption(fig, caption)
    return fig


def plot_rsca_heatmap(
    periods: pd.DataFrame,
    period: str | None = None,
    caption: str | None = None,
) -> Figure:
    """Region x sector heatmap of the symmetric relative specialisation index in one period.

    The diverging colour scale is centred on 0 and fixed to [-1, 1], so figures are
    comparable across runs. Missing cells (e.g. sectors without statistics) are grey and
    the caption says so; with few cells, values are printed.
    Several rows for one region and sector (e.g. one per seed) are averaged.

    Args:
        periods: Tidy frame with columns ``period``, ``region``, ``sector`` and ``rsca``.
            A ``scenario`` column, if any, must hold exactly one value.
        period: Period to show (e.g. ``"2026-2029"``); by default the last whole period
            (rows whose optional ``whole`` column is True), else the last.
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame, an unknown period or several
            scenarios.
    """
    func = "plot_rsca_heatmap"
    require(periods, ["period", "region", "sector", "rsca"], func)
    single_scenario(periods, func)
    available = sorted_periods(periods["period"])
    if period is None:
        partial = partial_periods(periods)
        last = [p for p in available if p not in partial][-1:] or available[-1:]
        period = str(last[0])
        rows = periods[periods["period"] == last[0]]
    else:
        rows = periods[periods["period"].astype(str) == str(period)]
        if rows.empty:
            raise ValueError(
                f"{func}: no rows for period {period!r}; periods present: "
                f"{[str(p) for p in available]}"
            )
    regions = in_order(rows["region"])
    sectors = in_order(rows["sector"])
    table = (
        rows.groupby(["region", "sector"], sort=False)["rsca"]
        .mean()
        .unstack("sector")
        .reindex(index=regions, columns=sectors)
    )
    data = np.ma.masked_invalid(table.to_numpy(dtype=float))

    n_regions, n_sectors = data.shape
    fig = new_figure(max(6.5, 3.0 + 0.55 * n_sectors), max(4.0, 2.2 + 0.4 * n_regions))
    ax = fig.add_subplot()
    cmap = colormaps["RdBu_r"].with_extremes(bad="0.85")
    image = ax.imshow(
        data, cmap=cmap, norm=Normalize(vmin=-1.0, vmax=1.0), aspect="auto", interpolation="none"
    )
    rotate_labels(ax, [str(s) for s in sectors], np.arange(n_sectors))
    ax.set_yticks(np.arange(n_regions))
    ax.set_yticklabels([str(r) for r in regions])
    ax.set_xlabel("sector")
    ax.set_ylabel("region")
    if data.size <= 300:
        for (i, j), value in np.ndenumerate(data.filled(np.nan)):
            if np.isfinite(value):
                colour = "white" if abs(value) > 0.6 else "black"
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)
    colourbar = fig.colorbar(image, ax=ax, shrink=0.9)
    colourbar.set_label("RSCA: > 0 specialised,\n< 0 under-represented")
    ax.set_title(f"Relative specialisation (RSCA), {period}")
    if np.ma.getmaskarray(data).any():
        note = "Grey: no value (a sector without statistics)."
        caption = f"{caption} {note}" if caption else note
    add_caption(fig, caption)
    return fig
