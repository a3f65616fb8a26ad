"""Settling years of a run from data: the drawn firms run, the data's cells stay.

A run from data draws its firms (sim.model.demography.populate) with productivities,
ages and knowledge that are independent of everything, so its first years carry the
draw's transients: the unproductive firms leave together after ``loss_years``, the
young big ones meet the infant hazard at once (docs/ODD.md section 6). Settling runs
the firm dynamics for a few years before the first year and, at the end of each,
puts every region-sector cell back where the data has it: its jobs, its share of the
sector's world market, and the world markets themselves. The firms keep what the
years made of them (which of them survived, their relative sizes, productivities,
ages, loss records, projects), so the first reported year starts from the data's
cells with a settled population inside them.
"""

from __future__ import annotations

import numpy as np

from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.world import WorldMarkets

#: World-market arrays restored at the end of each settling year.
MARKET_STATE = ("demand", "technology", "row_share", "row_employment", "growth")


class DataState:
    """The cells and world markets at the start, to which settling years return.

    Args:
        economy: The economy (its ``employment`` is the data's, by cell).
        firms: The firms as drawn.
        markets: The world markets at the start.
    """

    def __init__(self, economy: Economy, firms: Firms, markets: WorldMarkets):
        self.n_regions, self.n_sectors = economy.n_regions, economy.n_sectors
        self.employment = np.asarray(economy.employment, dtype=float).copy()
        self.markets = {name: getattr(markets, name).copy() for name in MARKET_STATE}

    def restore(self, firms: Firms, markets: WorldMarkets) -> None:
        """Put every cell back at the data's jobs, and the world markets at the start.

        A cell's firms are scaled by one factor, so that relative sizes within the cell
        stay as the year left them; each firm's market share is then its value added
        at the start's demand and technology, ``A_s e^{a_i} e_i / D_s`` (as when drawn),
        so that the first year does not open with an employment adjustment. Knowledge
        and cash keep their ratio to value added. Firms in a cell the data has no jobs
        in (entrants of the settling years) leave; a cell whose firms have all left
        stays empty, as it would after the first year without settling.
        """
        for name, values in self.markets.items():
            setattr(markets, name, values.copy())
        jobs = firms.by_cell(firms.employment, self.n_regions, self.n_sectors)
        factor = np.divide(self.employment, jobs, out=np.zeros_like(jobs), where=jobs > 0)
        factor = factor.ravel()
        stay = factor.take(firms.cell(self.n_sectors)) > 0
        if not stay.all():
            firms.keep(stay)
        firms.employment *= factor.take(firms.cell(self.n_sectors))
        sector = firms.sector
        value_added = markets.technology.take(sector) * np.exp(firms.productivity)
        value_added *= firms.employment
        ratio = np.divide(
            value_added, firms.value_added, out=np.ones_like(value_added),
            where=firms.value_added > 0,
        )  # fmt: skip
        firms.knowledge *= ratio
        firms.cash *= ratio
        firms.value_added[:] = value_added
        np.divide(value_added, markets.demand.take(sector), out=firms.share)
