"""Plots of relative specialisation: per-period bars, trajectories over years, heatmaps."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots._common import (
    add_caption,
    in_order,
    measure_label,
    new_figure,
    partial_periods,
    qualitative_colours,
    reference_level,
    reference_line,
    require,
    rotate_labels,
    select_region,
    sequential_colours,
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
    (a partial last period) is hatched and named "partial" in the legend.

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
    add_caption(fig, caption)
    return fig


def plot_rca_trajectories(
    spec: pd.DataFrame,
    region: str,
    sectors: list[str],
    measure: str = "rca",
    band: tuple[float, float] = (0.1, 0.9),
    caption: str | None = None,
) -> Figure:
    """Trajectories of relative specialisation over years, one panel per sector.

    In each panel every scenario gets one line, the median over seeds, and a shaded band
    between the ``band`` quantiles over seeds. Scenarios keep their colour across panels.
    A horizontal line marks the neutral level (1 for ``rca``, 0 for ``rsca``).

    Args:
        spec: Tidy frame with columns ``year``, ``region``, ``sector``, ``measure`` and,
            optionally, ``scenario`` (absent: one scenario) and ``seed`` (absent: no band).
        region: Region to plot.
        sectors: Sectors to plot, one panel each, in this order.
        measure: Column to plot, usually ``"rca"`` or ``"rsca"``.
        band: Lower and upper quantile over seeds of the shaded band.
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame, an unknown region or sector, an
            empty list of sectors or an invalid band.
    """
    func = "plot_rca_trajectories"
    require(spec, ["year", "region", "sector", measure], func)
    low_q, high_q = band
    if not 0.0 <= low_q <= high_q <= 1.0:
        raise ValueError(f"{func}: band must satisfy 0 <= low <= high <= 1, got {band}")
    if not sectors:
        raise ValueError(f"{func}: the list of sectors is empty")
    rows = select_region(spec, region, func)
    known = set(rows["sector"])
    unknown = [s for s in sectors if s not in known]
    if unknown:
        raise ValueError(
            f"{func}: sectors {unknown} have no rows for region {region!r}; "
            f"sectors present: {sorted(map(str, known))}"
        )
    rows = rows[rows["sector"].isin(sectors)].copy()
    if "scenario" not in rows.columns:
        rows["scenario"] = "run"
    scenarios = in_order(rows["scenario"])
    with_band = "seed" in rows.columns
    grouped = rows.groupby(["scenario", "sector", "year"])[measure]
    median = grouped.median()
    if with_band:
        lower = grouped.quantile(low_q)
        upper = grouped.quantile(high_q)

    n = len(sectors)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    fig = new_figure(1.0 + 3.6 * ncols, 0.8 + 2.7 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    colours = dict(zip(scenarios, qualitative_colours(len(scenarios)), strict=True))
    level = reference_level(measure)
    for ax, sector in zip(axes, sectors, strict=False):
        for scenario in scenarios:
            key = (scenario, sector)
            try:
                series = median.loc[key]
            except KeyError:
                continue
            years = series.index.to_numpy()
            ax.plot(years, series.to_numpy(dtype=float), color=colours[scenario], label=scenario)
            if with_band:
                ax.fill_between(
                    years,
                    lower.loc[key].to_numpy(dtype=float),
                    upper.loc[key].to_numpy(dtype=float),
                    color=colours[scenario],
                    alpha=0.2,
                    linewidth=0,
                    label="_nolegend_",
                )
        reference_line(ax, level)
        ax.set_title(str(sector), fontsize=10)
        ax.grid(color="0.92")
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.supylabel(measure_label(measure))
    fig.suptitle(f"Relative specialisation of {region} over time ({measure})")
    handles = [Line2D([], [], color=colours[s], label=str(s)) for s in scenarios]
    legend_title = "scenario"
    if with_band:
        handles.append(Patch(color="0.6", alpha=0.4, label="band over seeds"))
        legend_title = (
            f"scenario\nline: median over seeds\nband: {low_q:.0%}-{high_q:.0%} quantiles"
        )
    fig.legend(handles=handles, loc="outside right upper", title=legend_title, frameon=False)
    add_caption(fig, caption, supxlabel="year")
    return fig


def plot_rsca_heatmap(
    periods: pd.DataFrame,
    period: str | None = None,
    caption: str | None = None,
) -> Figure:
    """Region x sector heatmap of the symmetric relative specialisation index in one period.

    The diverging colour scale is centred on 0 and fixed to [-1, 1], so figures are
    comparable across runs. Missing cells are grey; with few cells, values are printed.
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
    add_caption(fig, caption)
    return fig
