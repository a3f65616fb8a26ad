"""Step 2 of the year: firms compete for their sector's world demand.

Market shares follow replicator dynamics toward more productive firms, with
fat-tailed (Laplace) idiosyncratic shocks whose scale falls with firm size;
employment moves part of the way toward output over productivity.
"""

from __future__ import annotations

import numpy as np

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
    jobs = np.bincount(region, employment, n_regions)
    penalty = np.maximum(employment, 1e-12)
    penalty /= np.maximum(p.size_bend * jobs, 1e-12).take(region)
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
    n_sectors = economy.n_sectors
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
    edge = firms.productivity - labour_cost.take(cell)
    edge += related.take(cell)
    edge -= diseconomies_of_scale(firms.employment, region, economy.n_regions, p)
    share = firms.share
    before = np.bincount(s, share, n_sectors)
    mean_edge = np.bincount(s, share * edge, n_sectors) / np.maximum(before, 1e-300)
    # replicator: reallocate the firms' joint share toward the more competitive ones
    edge -= mean_edge.take(s)
    edge *= p.selection
    fitness = np.exp(edge, out=edge)
    fitness *= share
    after = np.bincount(s, fitness, n_sectors)
    np.multiply(fitness, (before / np.maximum(after, 1e-300)).take(s), out=share)
    scale = np.maximum(firms.employment, 1e-3)
    scale /= p.reference_size
    scale **= -p.shock_size_elasticity
    scale *= p.shock_scale
    np.minimum(scale, MAX_SHOCK_SCALE, out=scale)
    # E[exp(b L)] = 1 / (1 - b^2) for L ~ Laplace(0, 1): subtract its log so that
    # shocks leave a firm's expected share unchanged
    shock = draws.laplace(Draw.SHOCK, firms.key)
    shock *= scale
    np.square(scale, out=scale)
    np.negative(scale, out=scale)
    shock += np.log1p(scale, out=scale)
    share *= np.exp(shock, out=shock)
    # the rest of the world produces at the firms' mean productivity: selection
    # moves shares between firms, not toward or away from the rest of the world
    row = markets.row_share
    total = np.bincount(s, share, n_sectors) + row
    total[total == 0] = 1.0
    share /= total.take(s)
    markets.row_share = row / total

    value_added = share * markets.demand.take(s)
    target = np.exp(firms.productivity)
    target *= markets.technology.take(s)
    np.divide(value_added, target, out=target)
    log_e = np.log(firms.employment)
    np.log(target, out=target)
    target -= log_e
    target *= p.adjustment
    target += log_e
    np.exp(target, out=firms.employment)
    markets.row_employment = markets.row_share * markets.demand / markets.technology

    # the wage bill per job of a cell's firms: wage_share * A_s * wage_r * premium_rs
    wage = economy.wage[:, None] * premium
    per_job = (p.wage_share * markets.technology)[None, :] * wage
    wages = per_job.ravel().take(cell)
    wages *= firms.employment
    own_rd = economy.rd_intensity.take(s)
    own_rd *= value_added
    profit = value_added - wages
    profit -= own_rd
    if tax_revenue is not None:
        profit -= value_added_tax(value_added, region, tax_revenue)
    firms.value_added[:] = value_added
    np.multiply(firms.cash, 1.0 - p.payout, out=firms.cash, where=firms.cash > 0)
    firms.cash += profit
    loss_years = firms.loss_years
    loss_years += 1
    loss_years *= profit < 0  # a year without loss starts the count again
    return own_rd


def value_added_tax(value_added: np.ndarray, region: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """(n,) each firm's tax: ``VA_i * revenue_r / sum_{j in r} VA_j`` (a flat rate per region).

    The rates raise exactly ``revenue_r`` in every region whose firms have value added.
    """
    base = np.bincount(region, value_added, len(revenue))
    rate = np.divide(revenue, base, out=np.zeros(len(revenue)), where=base > 0)
    tax = rate.take(region)
    tax *= value_added
    return tax
