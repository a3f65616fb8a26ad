"""Step 2 of the year: firms compete for their sector's world demand.

Market shares follow replicator dynamics toward more productive firms, with
fat-tailed (Laplace) idiosyncratic shocks whose scale falls with firm size;
employment moves part of the way toward output over productivity.
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels
from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.params import Competition
from sim.model.streams import Draw, KeyedDraws
from sim.model.world import WorldMarkets

#: Cap on the Laplace scale of a tiny firm's shock (the mean correction needs < 1).
MAX_SHOCK_SCALE = 0.6


def scarcity_premium(
    rca: np.ndarray,
    tightness: np.ndarray,
    p: Competition,
    rca_start: np.ndarray | None = None,
) -> np.ndarray:
    """(R, S) wage premium: ``max(rca, 0.1) ** congestion * tightness_r ** labour_tightness``.

    ``tightness_r`` is the region's share of the regions' employment over its share
    at the start: a region that grows faster than the others drains its labour market.

    Specialised labour is scarcer where a region is already specialised, so its
    price rises with the region's relative specialisation in the sector. With
    ``rca_start`` (an economy started in its observed equilibrium, ``Economy.anchored``)
    the premium is that of the departure from the start, ``max(rca, 0.1) /
    max(rca_start, 0.1)``: the labour pool a region had built is priced in already.
    """
    relative = np.maximum(rca, 0.1)
    if rca_start is not None:
        relative = relative / np.maximum(rca_start, 0.1)
    return relative**p.congestion * (tightness**p.labour_tightness)[:, None]


def diseconomies_of_scale(
    employment: np.ndarray, region: np.ndarray, n_regions: int, p: Competition
) -> np.ndarray:
    """(n,) competitiveness lost by firms larger than ``size_bend`` of their region's jobs.

    ``size_penalty * max(0, log(e_i / (size_bend * E_r)))``: beyond a share of its
    regional labour market a firm's organisation and its hiring grow costlier, which
    bends the upper tail of the size distribution down (Stanley et al. 1995).
    """
    if p.size_penalty == 0.0:
        return np.zeros(len(employment))
    penalty = kernels.size_ratio(employment, region, n_regions, p.size_bend, np.empty(len(region)))
    np.log(penalty, out=penalty)
    np.maximum(penalty, 0.0, out=penalty)
    penalty *= p.size_penalty
    return penalty


def compete(
    firms: Firms,
    markets: WorldMarkets,
    economy: Economy,
    p: Competition,
    draws: KeyedDraws,
    rca: np.ndarray,
    density: np.ndarray,
    tightness: np.ndarray,
    tax_revenue: np.ndarray | None = None,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Update shares, value added, employment, profits and cash.

    Competitiveness is ``c_i = a_i - wage_share * log m_rs + relatedness_advantage * d_rs``
    (``a_i`` is the firm's log relative productivity): productivity net of the
    scarcity premium ``m`` of specialised labour (see :func:`scarcity_premium`; the
    region's general wage level reflects its price level and does not enter
    competitiveness) plus the advantage of the region's related capabilities (``d`` is
    relatedness density).
    Replicator: ``share_i <- share_i * exp(selection * (c_i - mean c_s))`` rescaled
    so that the firms' joint share in the sector is unchanged (the rest of the world
    produces at the firms' share-weighted mean productivity), then
    ``share_i <- share_i * exp(eps_i)`` and all shares renormalised with the rest of the
    world; ``eps_i = b_i L_i + log(1 - b_i^2)``, ``L_i ~ Laplace(0, 1)``, with
    ``b_i = min(shock_scale * (e_i / reference_size) ** -elasticity, 0.6)`` (the log term
    makes ``E[exp(eps_i)] = 1``).
    Employment: ``log e_i <- log e_i + adjustment * (log(VA_i / (A_s exp(a_i))) - log e_i)``.

    Args:
        firms: The firm population (updated in place).
        markets: World markets after this year's demand move (row share updated).
        economy: Sector and region arrays.
        p: Competition parameters.
        draws: This year's keyed draws (each firm's shock is a function of its key).
        rca: (R, S) the regions' relative specialisation at the end of last year.
        density: (R, S) the regions' relatedness density at the end of last year.
        tightness: (R,) each region's employment share over its share at the start.
        tax_revenue: (R,) money each region raises from its firms this year (a flat tax
            on this year's value added, see :func:`value_added_tax`), or None.
        start: (rca, density) at the start of an economy started in its observed
            equilibrium (``Economy.anchored``): the premium and the relatedness advantage
            then act on the departures from them. None: on their levels.

    Returns:
        (n,) own R&D spending of each firm this year (million EUR).
    """
    n_sectors, n = economy.n_sectors, firms.n
    # intp indices: every lookup and sum below uses them without a cast
    s = firms.sector_index()
    region = firms.region_index()
    cell = firms.cell(n_sectors)  # one flat region-sector index for every table lookup
    premium = scarcity_premium(rca, tightness, p, None if start is None else start[0])
    # competitiveness: productivity net of the local cost of specialised labour,
    # plus the advantage of related capabilities nearby (suppliers, skills)
    labour_cost = p.wage_share * np.log(premium.ravel())
    if start is not None:
        density = density - start[1]
    related = p.relatedness_advantage * density.ravel()
    penalty = (
        diseconomies_of_scale(firms.employment, region, economy.n_regions, p)
        if p.size_penalty != 0.0
        else kernels.NONE
    )
    # the compiled loops (sim.model.kernels) do the gathers, sums and arithmetic; exp,
    # log, log1p and power stay numpy's, on whole arrays between them
    edge = np.empty(n)
    share = firms.share
    before = kernels.relative_edge(
        firms.productivity, share, cell, s, labour_cost, related, penalty, p.selection,
        n_sectors, edge,
    )  # fmt: skip
    # replicator: reallocate the firms' joint share toward the more competitive ones
    fitness = np.exp(edge, out=edge)
    # shocks: b_i L_i + log(1 - b_i^2), with E[exp(b L)] = 1 / (1 - b^2) for L ~ Laplace(0, 1)
    scale = kernels.floor_over(firms.employment, 1e-3, p.reference_size, np.empty(n))
    scale **= -p.shock_size_elasticity
    u = draws.uniform(Draw.SHOCK, firms.key)
    shock = np.empty(n)
    kernels.laplace_magnitude(u, u, shock)
    np.log1p(shock, out=shock)
    kernels.select_and_shock(
        fitness, share, before, s, scale, p.shock_scale, MAX_SHOCK_SCALE, shock, u
    )
    kernels.add_into(shock, np.log1p(scale, out=scale))
    growth = np.exp(shock, out=shock)
    # the rest of the world produces at the firms' mean productivity: selection
    # moves shares between firms, not toward or away from the rest of the world
    target = np.exp(firms.productivity)
    row = np.empty(n_sectors)
    kernels.renormalise(
        share, growth, s, markets.row_share, markets.demand, markets.technology, target,
        firms.value_added, row,
    )  # fmt: skip
    markets.row_share = row
    # employment: part of the way toward value added over productivity
    log_e = np.log(firms.employment)
    kernels.partial_adjustment(np.log(target, out=target), log_e, p.adjustment)
    np.exp(target, out=firms.employment)
    markets.row_employment = markets.row_share * markets.demand / markets.technology

    # the wage bill per job of a cell's firms: wage_share * A_s * wage_r * premium_rs
    wage = economy.wage[:, None] * premium
    per_job = (p.wage_share * markets.technology)[None, :] * wage
    value_added = firms.value_added
    tax = kernels.NONE if tax_revenue is None else value_added_tax(value_added, region, tax_revenue)
    own_rd = np.empty(n)
    kernels.settle_accounts(
        value_added, firms.employment, cell, s, per_job.ravel(), economy.rd_intensity, tax,
        1.0 - p.payout, firms.cash, firms.loss_years, own_rd,
    )  # fmt: skip
    return own_rd


def value_added_tax(value_added: np.ndarray, region: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """(n,) each firm's tax: ``VA_i * revenue_r / sum_{j in r} VA_j`` (a flat rate per region).

    The rates raise exactly ``revenue_r`` in every region whose firms have value added.
    """
    revenue = np.asarray(revenue, dtype=float)
    return kernels.flat_tax(value_added, region, revenue, np.empty(len(value_added)))
