"""Where each region stands: its specialisation, relatedness density and jobs.

Competition (wage premia), innovation (diversification targets), entry and the
policy (clusters, spearheads) read this state; it is taken once a year, after
entry and exit, from the firms that are then alive.
"""

from __future__ import annotations

import numpy as np

from sim.metrics import rca, relatedness_density
from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.world import WorldMarkets


def current_density(
    economy: Economy, employment: np.ndarray, row_employment: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rca and relatedness density (R, S) of the current employment.

    The reference area is all regions plus the rest of the world; a region is
    specialised in a sector when rca >= 1; density uses the profile relatedness
    with the sector's own proximity excluded.
    """
    reference = employment.sum(axis=0) + row_employment
    values = rca(employment, reference)
    return values, relatedness_density(values >= 1.0, economy.relatedness)


class RegionalSpecialisation:
    """The regions' rca, relatedness density and jobs as of the last stock-taking.

    Args:
        economy: The economy (sizes and relatedness).
        firms: The initial firms.
        markets: World markets (the rest of the world's employment).

    Attributes:
        rca: (R, S) Balassa index of employment against the reference area.
        density: (R, S) relatedness density of each region in each sector.
        jobs: (R,) employment of each region.
        jobs_start: (R,) each region's share of the regions' employment at the start.
    """

    def __init__(self, economy: Economy, firms: Firms, markets: WorldMarkets):
        self.economy = economy
        self.update(firms, markets)
        self.jobs_start = self.jobs / self.jobs.sum()

    def update(self, firms: Firms, markets: WorldMarkets) -> None:
        """Take stock of the living firms."""
        e = self.economy
        employment = firms.by_cell(firms.employment, e.n_regions, e.n_sectors)
        self.rca, self.density = current_density(e, employment, markets.row_employment)
        self.jobs = employment.sum(axis=1)

    def tightness(self) -> np.ndarray:
        """(R,) each region's share of the regions' employment over its share at the start."""
        share = self.jobs / self.jobs.sum()
        return share / self.jobs_start
