"""Plots of policy inputs and progress: budget use by instrument, roadmap milestones."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.plots._common import add_caption, new_figure, qualitative_colours
from sim.plots.inputs import in_order, require, select_region


def plot_budget_by_instrument(
    ledger: pd.DataFrame,
    region: str | None = None,
    caption: str | None = None,
) -> Figure:
    """Stacked bars of the money disbursed per year, one segment per policy instrument.

    If the ledger has an ``available`` column, the money available per year (summed over
    instruments) is drawn as a dashed black line over the bars.

    Args:
        ledger: Tidy frame with columns ``year``, ``region``, ``instrument`` and
            ``disbursed`` (million EUR); optionally ``available`` (million EUR).
        region: Region (government) to plot; all regions summed when ``None``.
        caption: Small grey text under the axes.

    Returns:
        The figure.

    Raises:
        ValueError: On missing columns, an empty frame or an unknown region.
    """
    func = "plot_budget_by_instrument"
    require(ledger, ["year", "region", "instrument", "disbursed"], func)
    rows = ledger if region is None else select_region(ledger, region, func)
    instruments = in_order(rows["instrument"])
    table = (
        rows.groupby(["year", "instrument"])["disbursed"]
        .sum()
        .unstack("instrument")
        .reindex(columns=instruments)
        .fillna(0.0)
        .sort_index()
    )
    years = table.index.to_numpy()

    fig = new_figure(max(6.5, 2.5 + 0.22 * len(years)), 4.6)
    ax = fig.add_subplot()
    bottom = np.zeros(len(years))
    for instrument, colour in zip(instruments, qualitative_colours(len(instruments)), strict=True):
        heights = table[instrument].to_numpy(dtype=float)
        ax.bar(
            years,
            heights,
            bottom=bottom,
            width=0.8,
            color=colour,
            label=str(instrument),
            edgecolor="white",
            linewidth=0.3,
            zorder=2,
        )
        bottom = bottom + heights
    if "available" in rows.columns and rows["available"].notna().any():
        available = rows.groupby("year")["available"].sum(min_count=1).reindex(table.index)
        ax.plot(
            years,
            available.to_numpy(dtype=float),
            color="black",
            linestyle="--",
            marker=".",
            linewidth=1.2,
            label="available",
            zorder=3,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")
    ax.set_ylabel("disbursed (million EUR)")
    ax.grid(axis="y", color="0.9", zorder=0)
    ax.set_axisbelow(True)
    where = "all regions" if region is None else region
    ax.set_title(f"Policy budget disbursed by instrument, {where}")
    fig.legend(loc="outside right upper", title="instrument", frameon=False)
    add_caption(fig, caption)
    return fig


def plot_roadmap_progress(clusters: pd.DataFrame, caption: str | None = None) -> Figure:
    """Milestones reached over time, one line per spearhead cluster.

    Rows whose ``spearhead`` flag is false are ignored. If the frame has a
    ``milestones_planned`` column, each cluster's plan is drawn as a dashed line in the
    cluster's colour. Several rows for one cluster and year (e.g. one per seed) are
    averaged.

    Args:
        clusters: Tidy frame with columns ``year``, ``region``, ``cluster``,
            ``value_chain``, ``spearhead`` (bool) and ``milestones_reached``; optionally
            ``milestones_planned``.
        caption: Small grey text under the axes.

    Returns:
        The figure; with no spearhead cluster, an empty axes saying so.

    Raises:
        ValueError: On missing columns or an empty frame.
    """
    func = "plot_roadmap_progress"
    require(
        clusters,
        ["year", "region", "cluster", "value_chain", "spearhead", "milestones_reached"],
        func,
    )
    flags = clusters["spearhead"].astype("boolean").fillna(False).astype(bool)
    rows = clusters[flags]
    n_lines = rows[["region", "cluster"]].drop_duplicates().shape[0]
    fig = new_figure(7.5, max(4.6, 2.6 + 0.24 * n_lines))  # room for a long legend
    ax = fig.add_subplot()
    ax.set_title("Roadmap progress of spearhead clusters")
    if rows.empty:
        ax.text(
            0.5,
            0.5,
            "no spearhead clusters in this run",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.3",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        add_caption(fig, caption)
        return fig

    planned = "milestones_planned" in rows.columns
    values = ["milestones_reached"] + (["milestones_planned"] if planned else [])
    keys = ["region", "cluster", "value_chain"]
    groups = list(rows.groupby(keys, sort=False, dropna=False))
    several_regions = rows["region"].nunique() > 1
    colours = qualitative_colours(len(groups))
    for ((region, cluster, chain), group), colour in zip(groups, colours, strict=True):
        series = group.groupby("year")[values].mean().sort_index()
        years = series.index.to_numpy()
        label = str(cluster)
        if pd.notna(chain) and str(chain) not in label:
            label += f" ({chain})"
        if several_regions and str(region) not in label:
            label = f"{region}: {label}"
        ax.plot(
            years,
            series["milestones_reached"].to_numpy(dtype=float),
            color=colour,
            drawstyle="steps-post",
            linewidth=1.8,
            label=label,
        )
        if planned:
            ax.plot(
                years,
                series["milestones_planned"].to_numpy(dtype=float),
                color=colour,
                drawstyle="steps-post",
                linestyle="--",
                linewidth=1.0,
                label="_nolegend_",
            )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel("milestones reached (count)")
    ax.grid(color="0.92")
    handles, labels = ax.get_legend_handles_labels()
    if planned:
        handles += [
            Line2D([], [], color="0.3", linewidth=1.8, label="reached"),
            Line2D([], [], color="0.3", linestyle="--", linewidth=1.0, label="planned"),
        ]
        labels += ["reached", "planned"]
    if n_lines > 6:  # many clusters: a two-column legend below the axes
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=2,
            title="spearhead cluster",
            frameon=False,
            fontsize="small",
        )
    else:
        fig.legend(
            handles, labels, loc="outside right upper", title="spearhead cluster", frameon=False
        )
    add_caption(fig, caption)
    return fig
