"""World markets: sector demand, the sector's technology level and the rest of the world."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.economy import Economy


class WorldMarkets:
    """Demand and technology per sector, and the rest of the world's share.

    Attributes:
        demand: (S,) world demand per sector, as value added (million EUR).
        technology: (S,) value added per job of the reference technology.
        row_share: (S,) share of world demand served by the rest of the world.
        row_employment: (S,) rest-of-the-world jobs.
        growth: (S,) this year's log change of demand (trend + shock).
    """

    def __init__(self, economy: Economy):
        self.economy = economy
        self.technology = economy.va_per_job.copy()
        row_va = economy.rest_of_world * self.technology
        region_va = economy.employment.sum(axis=0) * self.technology
        self.demand = row_va + region_va
        with np.errstate(invalid="ignore", divide="ignore"):
            self.row_share = np.where(self.demand > 0, row_va / self.demand, 0.0)
        # a sector nobody works in yet (an emerging value chain absent from the
        # statistics) still has a latent world market of world_share of all demand,
        # served at first by the rest of the world; a closed reference area (the
        # model regions alone) has no rest of the world to serve it
        latent = (self.demand <= 0) & (not economy.closed)
        self.demand[latent] = economy.world_share[latent] * self.demand.sum()
        self.row_share[latent] = 1.0
        self.row_employment = economy.rest_of_world.copy()
        self.growth = economy.demand_growth.copy()

    def move(self, rng: np.random.Generator, trend: np.ndarray | None = None) -> None:
        """Step 1 of the year: demand follows its trend plus a shock; technology advances.

        Args:
            rng: This year's world stream.
            trend: (S,) this year's demand trend (default: the configured one).
        """
        e = self.economy
        trend = e.demand_growth if trend is None else trend
        self.growth = trend + e.demand_volatility * rng.standard_normal(e.n_sectors)
        self.demand *= np.exp(self.growth)
        self.technology *= np.exp(e.productivity_growth)
