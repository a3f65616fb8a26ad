"""The firm population's birth and death: the initial draw, entry and exit (step 6)."""

from __future__ import annotations

import numpy as np

from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.params import Demography, Dynamics
from sim.model.world import WorldMarkets

#: Tail exponent of the initial firm-size draw (Axtell 2001: 1.06 for US firms).
INITIAL_TAIL = 1.06
#: sd of log relative productivity of incumbents and entrants at the start.
PRODUCTIVITY_SPREAD = 0.2


def populate(
    economy: Economy,
    markets: WorldMarkets,
    dynamics: Dynamics,
    n_firms: int,
    rng: np.random.Generator,
) -> Firms:
    """Draw the initial firms so that employment per region and sector is exactly the economy's.

    Firms per cell are proportional to the cell's jobs (at least one in every
    cell with jobs); sizes are Pareto with tail ``INITIAL_TAIL`` rescaled so
    that each cell adds up to its jobs.
    """
    emp = economy.employment
    R, S = emp.shape
    counts = np.floor(n_firms * emp / emp.sum() + rng.random(emp.shape)).astype(np.int64)
    counts[(emp > 0) & (counts == 0)] = 1
    counts[emp <= 0] = 0
    cells = np.repeat(np.arange(R * S), counts.ravel())
    n = len(cells)
    size = (1.0 - rng.random(n)) ** (-1.0 / INITIAL_TAIL)
    size *= (emp.ravel() / np.maximum(np.bincount(cells, size, R * S), 1e-300))[cells]
    region, sector = np.divmod(cells, S)
    productivity = PRODUCTIVITY_SPREAD * rng.standard_normal(n)
    value_added = markets.technology[sector] * np.exp(productivity) * size
    depreciation = dynamics.knowledge.depreciation
    knowledge = (economy.rd_intensity[sector] / max(depreciation, 0.05)) * value_added
    firms = Firms(capacity=int(1.5 * n) + 16)
    firms.add(
        region=region,
        sector=sector,
        employment=size,
        productivity=productivity,
        knowledge=knowledge * rng.lognormal(0.0, 0.3, n),
        cash=0.5 * value_added * (1.0 - dynamics.competition.wage_share),
        value_added=value_added,
        age=rng.geometric(1 / 12, n) - 1,
        share=value_added / markets.demand[sector],
    )
    return firms


def exits(firms: Firms, p: Demography, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of firms that exit this year.

    A firm exits when it is smaller than ``exit_size`` jobs, has made losses
    ``loss_years`` years running, or by infant mortality with probability
    ``infant_hazard * exp(-age / infant_fade)``.
    """
    hazard = p.infant_hazard * np.exp(-firms.age / p.infant_fade)
    return (
        (firms.employment < p.exit_size)
        | (firms.loss_years >= p.loss_years)
        | (rng.random(firms.n) < hazard)
    )


def entry_weights(
    economy: Economy,
    employment: np.ndarray,
    density: np.ndarray,
    demand_growth: np.ndarray,
    p: Demography,
) -> np.ndarray:
    """(R, S) share of a region's entrants going to each sector.

    ``w_rs = ((1 - kappa) e_rs / e_r + kappa * d_rs / sum_s d_rs) * exp(g * growth_s)``
    normalised per region, with ``kappa = entry_density_weight`` and ``d`` the
    relatedness density: entry follows both what the region does and what it
    is related to, tilted toward growing world demand.
    """
    emp_share = employment / np.maximum(employment.sum(axis=1, keepdims=True), 1e-12)
    dens_share = density / np.maximum(density.sum(axis=1, keepdims=True), 1e-12)
    w = (1.0 - p.entry_density_weight) * emp_share + p.entry_density_weight * dens_share
    w = w * np.exp(p.entry_growth_weight * demand_growth)[None, :]
    return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)


def add_entrants(
    firms: Firms,
    markets: WorldMarkets,
    region: np.ndarray,
    sector: np.ndarray,
    size: np.ndarray,
    intensity: np.ndarray,
    rng: np.random.Generator,
) -> slice:
    """Append new firms of the given region, sector, size and knowledge per value added."""
    k = len(region)
    productivity = PRODUCTIVITY_SPREAD * rng.standard_normal(k) - 0.05
    value_added = markets.technology[sector] * np.exp(productivity) * size
    return firms.add(
        region=region,
        sector=sector,
        employment=size,
        productivity=productivity,
        knowledge=intensity * value_added,
        cash=0.1 * value_added,
        value_added=value_added,
        share=value_added / np.maximum(markets.demand[sector], 1e-12),
    )


def enter(
    firms: Firms,
    markets: WorldMarkets,
    economy: Economy,
    weights: np.ndarray,
    p: Demography,
    rng: np.random.Generator,
) -> slice:
    """Entry: Poisson entrants per region at ``entry_rate`` of its firms, spread by ``weights``."""
    R, S = weights.shape
    per_region = np.bincount(firms.region, minlength=R)
    n_new = rng.poisson(p.entry_rate * per_region)
    region = np.repeat(np.arange(R), n_new)
    cum = np.cumsum(weights, axis=1)[region]
    sector = np.minimum((cum < rng.random(len(region))[:, None]).sum(axis=1), S - 1)
    size = p.exit_size + rng.exponential(max(p.entrant_size - p.exit_size, 1e-9), len(region))
    return add_entrants(firms, markets, region, sector, size, np.zeros(len(region)), rng)
