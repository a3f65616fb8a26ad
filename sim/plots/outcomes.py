"""Plots of outcomes: scenario comparisons (forest plot) and employment by sector group."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.plots._common import (
    REST_OF_WORLD,
    add_caption,
    new_figure,
    qualitative_colours,
    reference_line,
)
from sim.plots.inputs import in_order, require, select_region


def plot_comparison_forest(comparison: pd.DataFrame, caption: str | None = None) -> Figure:
    """Forest plot of scenario effects: one panel per indicator, one row per scenario.

    Each row shows the difference of means (``mean_diff``) as a point and its interval
    ``ci_low`` to ``ci_high`` as a horizontal bar; rows with a missing interval show the
    point only. Indicators have different units, so every panel has its own x axis. A
    vertical line marks 0 (no difference). If the frame has a single-valued ``baseline``
    column, the title names the baseline.

    Args:
        comparison: Tidy frame with columns ``scenario``, ``indicator``, ``mean_diff``,
            ``ci_low`` and ``ci_high``, one row per scenario and indicator; other columns
            are ignored.
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame or a duplicated scenario and
            indicator pair.
    """
    func = "plot_comparison_forest"
    require(comparison, ["scenario", "indicator", "mean_diff", "ci_low", "ci_high"], func)
    duplicated = comparison.duplicated(["scenario", "indicator"], keep=False)
    if duplicated.any():
        dup = comparison.loc[duplicated, ["scenario", "indicator"]]
        pairs = sorted({(str(s), str(i)) for s, i in dup.itertuples(index=False)})
        raise ValueError(f"{func}: several rows for scenario/indicator pairs {pairs}")
    scenarios = in_order(comparison["scenario"])
    indicators = in_order(comparison["indicator"])
    values = {
        (indicator, scenario): (mean, low, high)
        for indicator, scenario, mean, low, high in comparison[
            ["indicator", "scenario", "mean_diff", "ci_low", "ci_high"]
        ].itertuples(index=False)
    }
    position = {s: i for i, s in enumerate(scenarios)}
    colours = dict(zip(scenarios, qualitative_colours(len(scenarios)), strict=True))

    ncols = min(3, len(indicators))
    nrows = math.ceil(len(indicators) / ncols)
    fig = new_figure(1.6 + 3.2 * ncols, 0.9 + nrows * (0.6 + 0.32 * len(scenarios)))
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).ravel()
    for ax, indicator in zip(axes, indicators, strict=False):
        for scenario in scenarios:
            if (indicator, scenario) not in values:
                continue
            mean, low, high = (float(v) for v in values[(indicator, scenario)])
            xerr = None
            if np.isfinite(low) and np.isfinite(high):
                xerr = [[max(mean - low, 0.0)], [max(high - mean, 0.0)]]
            ax.errorbar(
                [mean],
                [position[scenario]],
                xerr=xerr,
                fmt="o",
                color=colours[scenario],
                markersize=5,
                capsize=3,
                linewidth=1.4,
                label=str(scenario),
            )
        reference_line(ax, 0.0, vertical=True)
        ax.set_title(str(indicator), fontsize=10)
        ax.grid(axis="x", color="0.92")
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes[len(indicators) :]:
        ax.set_visible(False)
    axes[0].set_yticks(range(len(scenarios)))
    axes[0].set_yticklabels([str(s) for s in scenarios])
    axes[0].set_ylim(len(scenarios) - 0.5, -0.5)
    fig.supylabel("scenario")
    title = "Scenario effects: difference of means with confidence interval"
    if "baseline" in comparison.columns and comparison["baseline"].nunique() == 1:
        title += f" (baseline: {comparison['baseline'].iloc[0]})"
    fig.suptitle(title)
    add_caption(
        fig, caption, supxlabel="difference of means, scenario minus baseline (indicator units)"
    )
    return fig


def plot_employment_by_group(
    employment: pd.DataFrame,
    groups: Mapping[str, str],
    region: str | None = None,
    caption: str | None = None,
) -> Figure:
    """Stacked area of employment over years by sector group.

    Groups are stacked in the order in which they first appear among the values of
    ``groups``, so callers control the order (e.g. mature manufacturing at the bottom).

    Args:
        employment: Tidy frame with columns ``year``, ``region``, ``sector`` and
            ``employment`` (jobs).
        groups: Maps every sector to its group, e.g. ``"mature manufacturing"``,
            ``"services"``, ``"emerging value chains"``.
        region: Region to plot; when ``None``, the sum over all regions except
            ``rest_of_world``.
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame, an unknown region or a sector
            missing from ``groups``.
    """
    func = "plot_employment_by_group"
    require(employment, ["year", "region", "sector", "employment"], func)
    unknown = sorted(str(s) for s in in_order(employment["sector"]) if s not in groups)
    if unknown:
        raise ValueError(f"{func}: sectors {unknown} have no group in `groups`")
    if region is None:
        rows = employment[employment["region"] != REST_OF_WORLD]
        if rows.empty:
            raise ValueError(f"{func}: no rows outside {REST_OF_WORLD!r}")
        where = "all model regions"
    else:
        rows = select_region(employment, region, func)
        where = region
    group_of = rows["sector"].map(dict(groups))
    present = set(group_of)
    order = [g for g in dict.fromkeys(groups.values()) if g in present]
    table = (
        rows.assign(group=group_of)
        .groupby(["year", "group"])["employment"]
        .sum()
        .unstack("group")
        .reindex(columns=order)
        .fillna(0.0)
        .sort_index()
    )
    years = table.index.to_numpy(dtype=float)

    fig = new_figure(7.5, 4.6)
    ax = fig.add_subplot()
    ax.stackplot(
        years,
        *[table[g].to_numpy(dtype=float) for g in order],
        labels=[str(g) for g in order],
        colors=qualitative_colours(len(order)),
        alpha=0.9,
        linewidth=0.4,
        edgecolor="white",
    )
    if len(years) > 1:
        ax.set_xlim(years.min(), years.max())
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_xlabel("year")
    ax.set_ylabel("employment (jobs)")
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    ax.set_title(f"Employment by sector group, {where}")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles[::-1], labels[::-1], loc="outside right upper", title="sector group", frameon=False
    )
    add_caption(fig, caption)
    return fig
