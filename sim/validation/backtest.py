"""Backtest: run the model from the state of year Y0 of a data file to Y1 and score it.

The model starts from the file's employment at the end of ``data.year`` (Y0) and
is run to Y1 with several seeds; what the file says happened is scored beside
two naive forecasts, because a forecast that cannot beat them is not evidence:

* ``persistence``: every region's employment shares stay as in Y0 (so RCA stays);
* ``trend``: each sector's growth in the whole reference area over Y0-Y1 is
  applied to every region's employment in that sector.

Scores are mean absolute errors over the (region, sector) cells that have
statistics in Y0 (employment > 0 in the reference area): of the employment growth
Y0 -> Y1, of RCA in Y1, and the share of cells whose specialisation (RCA >= 1)
is forecast wrongly in Y1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.metrics import rca

FORECASTS = ("model", "persistence", "trend")


@dataclass(frozen=True)
class Panel:
    """Employment by year, region and sector, the rest of the reference area apart.

    Attributes:
        years: The years, ascending.
        regions: The model regions.
        sectors: The sectors.
        employment: Persons, shape (years, regions, sectors).
        rest: Persons in the rest of the reference area, shape (years, sectors).
    """

    years: list[int]
    regions: list[str]
    sectors: list[str]
    employment: np.ndarray
    rest: np.ndarray

    def rca(self) -> np.ndarray:
        """RCA by year, region and sector against the whole reference area."""
        reference = self.employment.sum(axis=1) + self.rest
        return np.stack([rca(e, r) for e, r in zip(self.employment, reference, strict=True)])


def observed_panel(data: Mapping[str, Any], years: Sequence[int]) -> Panel:
    """The file's employment of the model regions in each year (sim.data rules)."""
    from sim.data import load_initial_employment

    loads = [
        load_initial_employment(
            data["path"],
            data.get("mapping"),
            year=year,
            regions=data["regions"],
            reference=data.get("reference", "all"),
            layout=data.get("layout", "auto"),
            unknown_codes=data.get("unknown_codes", "error"),
            missing=data.get("missing", "error"),
            filters=data.get("filters") or None,
        )
        for year in years
    ]
    return Panel(
        years=list(years),
        regions=list(loads[0].regions),
        sectors=list(loads[0].sectors),
        employment=np.stack([np.asarray(x.employment) for x in loads]),
        rest=np.stack([np.asarray(x.rest_of_world) for x in loads]),
    )


def naive_forecasts(observed: Panel) -> dict[str, np.ndarray]:
    """Employment in the last year by persistence and by the national trend, (R, S)."""
    first, last = observed.employment[0], observed.employment[-1]
    whole_first = first.sum(axis=0) + observed.rest[0]
    whole_last = last.sum(axis=0) + observed.rest[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(whole_first > 0, whole_last / whole_first, 1.0)
    return {"persistence": first.copy(), "trend": first * growth}


def score(
    observed: Panel, simulated: np.ndarray, simulated_rest: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cell table and error table of the model and the naive forecasts.

    Args:
        observed: The file's panel from Y0 to Y1.
        simulated: The model's employment in Y1 by seed, shape (seeds, R, S).
        simulated_rest: The model's rest of the world in Y1 by seed, shape (seeds, S).

    Returns:
        ``cells``: one row per region and sector with the observed and forecast
        growth and RCA in Y1; ``errors``: one row per forecast and measure with the
        mean absolute error (``mae``) over the cells with statistics.
    """
    first, last = observed.employment[0], observed.employment[-1]
    reference_first = first.sum(axis=0) + observed.rest[0]
    has_stats = np.broadcast_to(reference_first > 0, first.shape)
    rest_last = observed.rest[-1]
    forecasts = naive_forecasts(observed)
    employment = {"model": simulated.mean(axis=0), **forecasts}
    rests = {"model": simulated_rest.mean(axis=0), "persistence": observed.rest[0]}
    rests["trend"] = _trend_rest(observed)
    observed_rca = rca(last, last.sum(axis=0) + rest_last)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed_growth = np.where(first > 0, last / first - 1.0, np.nan)
    per_seed_rca = np.stack(
        [rca(e, e.sum(axis=0) + r) for e, r in zip(simulated, simulated_rest, strict=True)]
    )
    index = pd.MultiIndex.from_product(
        [observed.regions, observed.sectors], names=["region", "sector"]
    )
    cells = pd.DataFrame(index=index)
    cells["has_statistics"] = has_stats.ravel()
    cells["observed_growth"] = observed_growth.ravel()
    cells["observed_rca"] = observed_rca.ravel()
    rows = []
    for name in FORECASTS:
        e = employment[name]
        values = (
            per_seed_rca.mean(axis=0) if name == "model" else rca(e, e.sum(axis=0) + rests[name])
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            growth = np.where(first > 0, e / first - 1.0, np.nan)
        cells[f"{name}_growth"] = growth.ravel()
        cells[f"{name}_rca"] = values.ravel()
        ok = has_stats & np.isfinite(observed_growth) & np.isfinite(growth)
        rows.append((name, "employment growth", np.abs(growth - observed_growth)[ok].mean()))
        ok = has_stats & np.isfinite(values) & np.isfinite(observed_rca)
        rows.append((name, "rca", np.abs(values - observed_rca)[ok].mean()))
        wrong = (values >= 1.0) != (observed_rca >= 1.0)
        rows.append((name, "specialisation wrong (share)", wrong[has_stats].mean()))
    errors = pd.DataFrame(rows, columns=["forecast", "measure", "mae"])
    errors = errors.pivot(index="measure", columns="forecast", values="mae")[list(FORECASTS)]
    return cells.reset_index(), errors.reset_index()


def _trend_rest(observed: Panel) -> np.ndarray:
    first = observed.employment[0].sum(axis=0) + observed.rest[0]
    last = observed.employment[-1].sum(axis=0) + observed.rest[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(first > 0, last / first, 1.0)
    return observed.rest[0] * growth
