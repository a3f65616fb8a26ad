"""The uncertain future of the emerging value chains: long-run prospects and noisy forecasts.

Nobody knows which emerging value chains will take off. Each run draws their
long-run demand growth from a prior when the reported period starts: a chain
takes off with probability ``take_off`` (its configured trend) or fizzles
(``fizzle_growth``), plus a spread around either. Before that year every chain
grows at its configured trend, so the past does not reveal the future.

Governments and firms see only forecasts: the true trend plus an error of the
region's own, persistent over time, that shrinks as the chain's world market
grows (a growing activity produces more evidence):

    forecast_rs = trend_s + noise * error_rs / sqrt(max(demand_s / demand_s,start, 1))

with ``error_rs ~ N(0, 1)`` drawn once per run. Mature sectors' trends are
known. All draws come from the run's seed only, so every scenario with the
same seed faces the same future.
"""

from __future__ import annotations

import numpy as np

from sim.model.economy import Economy
from sim.model.params import Prospects as ProspectsParams


class Prospects:
    """The drawn long-run prospects of one run and the forecasts agents see.

    Args:
        economy: Sector trends and which sectors are emerging.
        params: The prior and the forecast noise.
        rng: The run's prospects stream (the same in every scenario of a seed).
        start: First reported year: the drawn trends apply from there.
    """

    def __init__(
        self,
        economy: Economy,
        params: ProspectsParams,
        rng: np.random.Generator,
        start: int,
    ):
        S, R = economy.n_sectors, economy.n_regions
        self.economy = economy
        self.params = params
        self.start = start
        self.emerging = economy.emerging.copy()
        self.takes_off = (rng.random(S) < params.take_off) & self.emerging
        spread = params.spread * rng.standard_normal(S)
        mean = np.where(self.takes_off, economy.demand_growth, params.fizzle_growth)
        self.trend = np.where(self.emerging, mean + spread, economy.demand_growth)
        self.error = rng.standard_normal((R, S)) * self.emerging
        self.reference: np.ndarray | None = None  # world demand when the future begins

    def begin(self, demand: np.ndarray) -> None:
        """Record world demand at the start of the reported period (before its first move)."""
        self.reference = np.maximum(demand, 1e-12).copy()

    def realised_growth(self, demand: np.ndarray) -> np.ndarray:
        """(S,) log growth of world demand since :meth:`begin`."""
        return np.log(np.maximum(demand, 1e-12) / self.reference)

    def trend_in(self, year: int) -> np.ndarray:
        """(S,) the true demand trend in ``year``: configured before ``start``, drawn after."""
        return self.economy.demand_growth if year < self.start else self.trend

    def forecast(self, year: int, demand: np.ndarray) -> np.ndarray:
        """(R, S) each region's forecast of every sector's demand trend in ``year``.

        Args:
            year: The year of the forecast.
            demand: (S,) current world demand (the chains' activity).
        """
        activity = 1.0 if self.reference is None else np.maximum(demand / self.reference, 1.0)
        noise = self.params.forecast_noise * self.error / np.sqrt(activity)
        return self.trend_in(year)[None, :] + noise

    def expected_growth(self, year: int, demand: np.ndarray, growth: np.ndarray) -> np.ndarray:
        """(R, S) the demand growth firms expect in ``year``.

        This year's growth ``growth`` (S,) for mature markets; each region's
        forecast for the emerging value chains.
        """
        forecast = self.forecast(year, demand)
        return np.where(self.economy.emerging[None, :], forecast, growth[None, :])


def picking_quality(growth: np.ndarray, picked: list[int], emerging: np.ndarray) -> dict:
    """How the picked value chains grew against the emerging value chains.

    Args:
        growth: (S,) realised log growth of world demand over the reported period.
        picked: Sector indices of the picked (spearhead) value chains.
        emerging: (S,) mask of the emerging value chains.

    Returns:
        ``picking_rank``: mean over the picked chains of 1 + the number of other emerging
        chains that grew faster (1 = none did); ``picking_quality``: mean share of the
        other emerging chains each picked chain outgrew (1 = all, 0 = none);
        ``picked_below_emerging_median``: picked chains that grew less than the median
        emerging chain. NaN (and 0) without picks or without emerging chains (an
        economy of the data's own sectors).
    """
    if not picked or not np.any(emerging):
        nan = float("nan")
        return {"picking_rank": nan, "picking_quality": nan, "picked_below_emerging_median": 0.0}
    em = np.flatnonzero(emerging)
    median = float(np.median(growth[em]))
    ranks, beats = [], []
    for s in picked:
        others = em[em != s]
        ranks.append(1 + int((growth[others] > growth[s]).sum()))
        beats.append(float((growth[others] < growth[s]).mean()) if len(others) else 1.0)
    below = sum(growth[s] < median for s in picked)
    return {
        "picking_rank": float(np.mean(ranks)),
        "picking_quality": float(np.mean(beats)),
        "picked_below_emerging_median": float(below),
    }
