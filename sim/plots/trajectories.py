"""Backtest plot: observed RCA trajectories beside the model's, with the band over seeds."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from sim.metrics import rca
from sim.plots._common import add_caption, new_figure, qualitative_colours, save_figure


def rca_trajectories(
    observed, simulated: np.ndarray, rest: np.ndarray, path: str | os.PathLike[str]
) -> Path:
    """One panel per region: each sector's RCA, observed (line) and simulated (band).

    Args:
        observed: :class:`sim.validation.backtest.Panel` from Y0 to Y1.
        simulated: The model's employment by seed, year Y0+1..Y1, region, sector.
        rest: The model's rest of the world by seed, year, sector.
        path: The PNG file to write.

    Returns:
        The file written.
    """
    seeds = simulated.shape[0]
    values = np.array(
        [[rca(e, e.sum(axis=0) + r) for e, r in zip(run, rr, strict=True)]
         for run, rr in zip(simulated, rest, strict=True)]
    )  # fmt: skip
    start = observed.rca()[:1]
    values = np.concatenate([np.repeat(start[None], seeds, axis=0), values], axis=1)
    seen = observed.rca()
    years = observed.years
    n = len(observed.regions)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = new_figure(4.2 * cols, 3.2 * rows + 0.8)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    colours = qualitative_colours(len(observed.sectors))
    reference = (observed.employment.sum(axis=1) + observed.rest)[0]
    for r, region in enumerate(observed.regions):
        ax = axes[r]
        for s, sector in enumerate(observed.sectors):
            if reference[s] <= 0:
                continue  # no statistics: nothing to compare
            low, high = values[:, :, r, s].min(axis=0), values[:, :, r, s].max(axis=0)
            ax.fill_between(years, low, high, color=colours[s], alpha=0.25, linewidth=0)
            ax.plot(years, values[:, :, r, s].mean(axis=0), color=colours[s], ls="--", lw=1)
            ax.plot(years, seen[:, r, s], color=colours[s], lw=1.6, label=sector)
        ax.axhline(1.0, color="0.5", lw=0.6)
        ax.set_title(region)
        ax.set_ylabel("RCA")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].legend(fontsize=6, ncol=2)
    add_caption(
        fig,
        f"Solid: the file; dashed: the model's mean over {seeds} seeds, band: min-max over "
        "seeds. Sectors without statistics are not drawn.",
    )
    return save_figure(fig, path)
