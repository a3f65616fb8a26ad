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
    economy: Economy, employment: np.ndarray, row_employment: np.ndarray, width: float
) -> tuple[np.ndarray, np.ndarray]:
    """Rca and relatedness density (R, S) of the current employment.

    The reference area is all regions plus the rest of the world; a sector's
    presence in a region is :func:`presence` of its rca (a smooth step around
    rca = 1 of the given width); density uses the profile relatedness with the
    sector's own proximity excluded.
    """
    reference = employment.sum(axis=0) + row_employment
    values = rca(employment, reference)
    return values, relatedness_density(presence(values, width), economy.relatedness)


def presence(rca_values: np.ndarray, width: float) -> np.ndarray:
    """How present each sector is in each region, in [0, 1]: ``1 / (1 + exp(-(rca - 1) / w))``.

    With ``width = 0`` the binary ``rca >= 1`` of Hidalgo et al. (2007); with a
    positive width a continuous function of rca, so that a small change of
    employment changes the density of related sectors a little instead of by a
    jump when one cell crosses rca = 1.
    """
    if width == 0.0:
        return (rca_values >= 1.0).astype(float)
    z = np.clip((rca_values - 1.0) / width, -700.0, 700.0)
    return 1.0 / (1.0 + np.exp(-z))


class RegionalSpecialisation:
    """The regions' rca, relatedness density and jobs as of the last stock-taking.

    Args:
        economy: The economy (sizes and relatedness).
        firms: The initial firms.
        markets: World markets (the rest of the world's employment).
        presence_width: Width of the step of a sector's presence around rca = 1
            (``dynamics.knowledge.presence_width``; 0: binary).

    Attributes:
        rca: (R, S) Balassa index of employment against the reference area.
        density: (R, S) relatedness density of each region in each sector.
        employment: (R, S) jobs of each region and sector.
        jobs: (R,) employment of each region.
        jobs_start: (R,) each region's share of the regions' employment at the start.
        start: (rca, density) at the start, or None: kept for an economy started in its
            observed equilibrium (``Economy.anchored``), whose premium and relatedness
            advantage act on the departures from them (competition.compete).
    """

    def __init__(
        self, economy: Economy, firms: Firms, markets: WorldMarkets, presence_width: float
    ):
        self.economy = economy
        self.presence_width = presence_width
        self.update(firms, markets)
        self.jobs_start = self.jobs / self.jobs.sum()
        self.start = (self.rca.copy(), self.density.copy()) if economy.anchored else None

    def update(self, firms: Firms, markets: WorldMarkets) -> None:
        """Take stock of the living firms."""
        e = self.economy
        self.employment = firms.by_cell(firms.employment, e.n_regions, e.n_sectors)
        self.rca, self.density = current_density(
            e, self.employment, markets.row_employment, self.presence_width
        )
        self.jobs = self.employment.sum(axis=1)

    def tightness(self) -> np.ndarray:
        """(R,) each region's share of the regions' employment over its share at the start."""
        share = self.jobs / self.jobs.sum()
        # a region without jobs at the start (possible from data) has no labour market to
        # drain; one whose jobs are all gone has none left (its premium then reads no firm)
        start = self.jobs_start
        tight = np.divide(share, start, out=np.ones_like(share), where=start > 0)
        return np.maximum(tight, 1e-12, out=tight)
