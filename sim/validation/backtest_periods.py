"""Backtest by period: RCA and RSCA of the file, the model and the naive forecasts.

The simulated years Y0+1..Y1 are cut into the run's reporting periods
(``periods.length`` years from Y0+1, a partial last period labelled by its
years, as in the run's outputs). For every period, region and sector the frame
holds the mean over the period's years of RCA and of RSCA:

* ``observed``: the file's value of each year;
* ``model``: each seed's yearly value, averaged over the period, then over seeds
  (``model_low`` / ``model_high``: the lowest and highest seed);
* ``persistence``: the value of Y0 in every year;
* ``trend``: each year t, Y0's employment times each sector's growth Y0 -> t in
  the whole reference area.

Cells whose sector has no statistics in Y0 (no jobs in the reference area) are
kept with ``statistics`` False and no values: they are never scored or drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics import rca, rsca
from sim.metrics.panels import period_labels, whole_periods
from sim.validation.backtest import FORECASTS, Panel

MEASURES = ("rca", "rsca")


def yearly_rca(employment: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """RCA of each year (..., years, R, S) against the regions plus the rest (..., years, S)."""
    reference = employment.sum(axis=-2) + rest
    flat_e = employment.reshape(-1, *employment.shape[-2:])
    flat_r = reference.reshape(-1, reference.shape[-1])
    values = np.stack([rca(e, r) for e, r in zip(flat_e, flat_r, strict=True)])
    return values.reshape(employment.shape)


def naive_paths(observed: Panel) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Employment (years Y0+1..Y1, R, S) and rest (years, S) of persistence and trend."""
    first, rest0 = observed.employment[0], observed.rest[0]
    n = len(observed.years) - 1
    whole = observed.employment.sum(axis=1) + observed.rest  # (years, S)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(whole[0] > 0, whole[1:] / whole[0], 1.0)  # (years - 1, S)
    return {
        "persistence": (np.repeat(first[None], n, axis=0), np.repeat(rest0[None], n, axis=0)),
        "trend": (first[None] * growth[:, None, :], rest0[None] * growth),
    }


def by_period(
    observed: Panel, simulated: np.ndarray, simulated_rest: np.ndarray, length: int
) -> pd.DataFrame:
    """Period means of RCA and RSCA, observed and forecast, by region and sector.

    Args:
        observed: The file's panel from Y0 to Y1.
        simulated: The model's employment by seed and year Y0+1..Y1, (seeds, years, R, S).
        simulated_rest: The model's rest of the world, (seeds, years, S).
        length: Years per reporting period (``periods.length``).

    Returns:
        One row per period, region and sector: ``period, whole, region, sector,
        statistics`` and, for each measure m, ``observed_m``, ``model_m``,
        ``model_m_low``, ``model_m_high``, ``persistence_m``, ``trend_m`` (NaN for
        a sector without statistics).
    """
    years = np.asarray(observed.years[1:])
    labels = period_labels(years, int(years[0]), length)
    whole = whole_periods(years, int(years[0]), length)
    periods = list(dict.fromkeys(labels.tolist()))
    values = {"observed": yearly_rca(observed.employment[1:], observed.rest[1:])[None]}
    values["model"] = yearly_rca(simulated, simulated_rest)
    for name, (employment, rest) in naive_paths(observed).items():
        values[name] = yearly_rca(employment, rest)[None]
    reference = observed.employment[0].sum(axis=0) + observed.rest[0]
    statistics = reference > 0
    R, S = len(observed.regions), len(observed.sectors)
    frame = pd.DataFrame(
        {
            "period": np.repeat(periods, R * S),
            "whole": np.repeat([bool(whole[labels == p][0]) for p in periods], R * S),
            "region": np.tile(np.repeat(observed.regions, S), len(periods)),
            "sector": np.tile(observed.sectors, R * len(periods)),
            "statistics": np.tile(statistics, R * len(periods)),
        }
    )
    for measure in MEASURES:
        for name, yearly in values.items():
            v = yearly if measure == "rca" else rsca(yearly)
            # (seeds, periods, R, S): each seed's period mean
            means = np.stack([v[:, labels == p].mean(axis=1) for p in periods], axis=1)
            means[..., ~statistics] = np.nan
            frame[f"{name}_{measure}"] = means.mean(axis=0).ravel()
            if name == "model":
                frame[f"model_{measure}_low"] = means.min(axis=0).ravel()
                frame[f"model_{measure}_high"] = means.max(axis=0).ravel()
    return frame


def period_errors(frame: pd.DataFrame, measure: str = "rca") -> pd.DataFrame:
    """Mean absolute error of each forecast's period mean, one row per period.

    Rows are named ``"<measure> <period>"`` (``"rca 2009-2012"``; a partial period
    gets ``" (partial)"``), columns are the forecasts; only cells with statistics count.
    """
    rows = []
    for (period, whole), cells in frame[frame["statistics"]].groupby(["period", "whole"]):
        name = f"{measure} {period}" + ("" if whole else " (partial)")
        target = cells[f"observed_{measure}"]
        rows.append(
            {"measure": name}
            | {f: float((cells[f"{f}_{measure}"] - target).abs().mean()) for f in FORECASTS}
        )
    return pd.DataFrame(rows, columns=["measure", *FORECASTS])
