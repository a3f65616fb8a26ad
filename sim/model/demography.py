"""The firm population's birth and death: the initial draw, entry, spin-offs and exit (step 6)."""

from __future__ import annotations

import numpy as np

from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.params import Demography, Dynamics, Innovation
from sim.model.streams import (
    Draw,
    KeyedDraws,
    cell_keys,
    entrant_keys,
    initial_keys,
    poisson_quantile,
    spin_off_keys,
)
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
    that each cell adds up to its jobs. The draw precedes any policy, so it comes
    from the setup stream; each firm gets its key from its index here.
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
        key=initial_keys(n),
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


def exits(firms: Firms, p: Demography, draws: KeyedDraws) -> np.ndarray:
    """Boolean mask of firms that exit this year.

    A firm exits when it is smaller than ``exit_size`` jobs, has made losses
    ``loss_years`` years running, or by infant mortality with probability
    ``infant_hazard * exp(-age / infant_fade)``.
    """
    # ages are whole years: the hazard of each age once, not an exp per firm
    age = firms.age.astype(np.intp)
    ages = -np.arange(int(age.max(initial=0)) + 1) / p.infant_fade
    hazard = (p.infant_hazard * np.exp(ages)).take(age)
    return (
        (firms.employment < p.exit_size)
        | (firms.loss_years >= p.loss_years)
        | (draws.uniform(Draw.EXIT, firms.key) < hazard)
    )


def entry_weights(
    economy: Economy,
    employment: np.ndarray,
    density: np.ndarray,
    demand_growth: np.ndarray,
    p: Demography,
    roadmaps: np.ndarray | None = None,
) -> np.ndarray:
    """(R, S) share of a region's entrants going to each sector.

    ``w_rs = ((1 - kappa) e_rs / e_r + kappa * d_rs / sum_s d_rs) * exp(g * growth_s)
    * (1 + roadmap_entry * m_rs)`` normalised per region, with ``kappa =
    entry_density_weight``, ``d`` the relatedness density and ``m`` 1 where the region
    runs a spearhead roadmap in the sector (``roadmaps``, None for none): entry follows
    both what the region does and what it is related to, tilted toward growing world
    demand and toward the sectors a roadmap announces.
    """
    emp_share = employment / np.maximum(employment.sum(axis=1, keepdims=True), 1e-12)
    dens_share = density / np.maximum(density.sum(axis=1, keepdims=True), 1e-12)
    w = (1.0 - p.entry_density_weight) * emp_share + p.entry_density_weight * dens_share
    w = w * np.exp(p.entry_growth_weight * demand_growth)[None, :]
    if roadmaps is not None:
        w = w * (1.0 + p.roadmap_entry * roadmaps)
    return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)


def add_entrants(
    firms: Firms,
    markets: WorldMarkets,
    region: np.ndarray,
    sector: np.ndarray,
    size: np.ndarray,
    intensity: np.ndarray,
    keys: np.ndarray,
    draws: KeyedDraws,
) -> slice:
    """Append new firms of the given region, sector, size, knowledge per value added and key."""
    noise = draws.normal(Draw.ENTRANT_PRODUCTIVITY, keys)
    productivity = PRODUCTIVITY_SPREAD * noise - 0.05
    value_added = markets.technology[sector] * np.exp(productivity) * size
    return firms.add(
        key=keys,
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
    draws: KeyedDraws,
) -> slice:
    """Entry: Poisson entrants per region and sector at ``entry_rate`` of the region's firms.

    The expected number in region r and sector s is ``entry_rate * n_r * w_rs``; the
    count is the inverse Poisson CDF of one keyed uniform per cell, so it moves
    monotonically (and mostly not at all) when the rate moves a little. Entrants are
    keyed by (year, region, sector, ordinal), so those a policy does not add or
    remove keep their numbers. Sizes are ``exit_size`` plus an exponential.
    """
    R, S = weights.shape
    per_region = np.bincount(firms.region_index(), minlength=R)
    rate = (p.entry_rate * per_region)[:, None] * weights
    chance = draws.uniform(Draw.ENTRY_COUNT, cell_keys(R * S))
    counts = poisson_quantile(chance, rate.ravel()).astype(np.int64)
    cells = np.repeat(np.arange(R * S), counts)
    ordinal = np.arange(len(cells)) - np.repeat(np.cumsum(counts) - counts, counts)
    region, sector = np.divmod(cells, S)
    keys = entrant_keys(draws.year, region, sector, ordinal)
    extra = max(p.entrant_size - p.exit_size, 1e-9)
    size = p.exit_size + extra * draws.exponential(Draw.ENTRANT_SIZE, keys)
    return add_entrants(firms, markets, region, sector, size, np.zeros(len(cells)), keys, draws)


def exit_and_enter(
    firms: Firms,
    markets: WorldMarkets,
    economy: Economy,
    density: np.ndarray,
    new_activity: dict[str, np.ndarray],
    p: Demography,
    innovation: Innovation,
    draws: KeyedDraws,
    roadmaps: np.ndarray | None = None,
) -> tuple[int, int]:
    """The year's turnover: exits, ageing, entry, then spin-offs of successful projects.

    Args:
        firms: The firm population (compacted and appended in place).
        markets: World markets (demand growth, technology).
        economy: The economy.
        density: (R, S) relatedness density of the regions (last stock-taking).
        new_activity: Region, sector, knowledge intensity and parent key of the
            establishments that successful diversification projects create
            (pipeline ``Outcome``); each is keyed by its parent and the year.
        p: Entry and exit parameters.
        innovation: Pipeline parameters (``new_activity_size``).
        draws: This year's keyed draws (exit, entry and entrants by key).
        roadmaps: (R, S) 1 where a region runs a spearhead roadmap in a sector (the
            policy's), or None: entry leans toward them.

    Returns:
        The numbers of firms that exited and that entered (spin-offs included).
    """
    leaving = exits(firms, p, draws)
    firms.keep(~leaving)
    firms.age += 1
    employment = firms.by_cell(firms.employment, economy.n_regions, economy.n_sectors)
    weights = entry_weights(economy, employment, density, markets.growth, p, roadmaps)
    new = enter(firms, markets, economy, weights, p, draws)
    size = np.full(len(new_activity["region"]), innovation.new_activity_size)
    spun = add_entrants(
        firms,
        markets,
        new_activity["region"],
        new_activity["sector"],
        size,
        new_activity["intensity"],
        spin_off_keys(new_activity["parent"], draws.year),
        draws,
    )
    return int(leaving.sum()), (new.stop - new.start) + (spun.stop - spun.start)
