"""The compiled loops of competition (sim.model.competition.compete)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.model.kernels.basics import maximum, minimum


@njit(cache=True, error_model="numpy")
def size_ratio(employment, region, n_regions, size_bend, out):
    """``max(e_i, 1e-12) / max(size_bend * E_r, 1e-12)``, ``E_r`` the region's jobs."""
    jobs = np.zeros(n_regions)
    for i in range(employment.shape[0]):
        jobs[region[i]] += employment[i]
    for r in range(n_regions):
        jobs[r] = maximum(size_bend * jobs[r], 1e-12)
    for i in range(employment.shape[0]):
        out[i] = maximum(employment[i], 1e-12) / jobs[region[i]]
    return out


@njit(cache=True, error_model="numpy")
def relative_edge(
    productivity,
    share,
    cell,
    sector,
    labour_cost,
    related,
    penalty,
    selection,
    n_sectors,
    edge,
):
    """Competitiveness relative to the sector's share-weighted mean, times ``selection``.

    ``edge_i = p_i - labour_cost[c_i] + related[c_i] - penalty_i`` (the last term only
    when ``penalty`` is not empty), then
    ``(edge_i - mean_s) * selection``. Returns the firms' joint share per sector.
    """
    before = np.zeros(n_sectors)
    weighted = np.zeros(n_sectors)
    penalised = penalty.shape[0] > 0
    for i in range(productivity.shape[0]):
        c = cell[i]
        e = productivity[i] - labour_cost[c]
        e += related[c]
        if penalised:
            e -= penalty[i]
        edge[i] = e
        s = sector[i]
        before[s] += share[i]
        weighted[s] += share[i] * e
    for s in range(n_sectors):
        weighted[s] = weighted[s] / maximum(before[s], 1e-300)
    for i in range(productivity.shape[0]):
        edge[i] = (edge[i] - weighted[sector[i]]) * selection
    return before


@njit(cache=True, error_model="numpy")
def select_and_shock(fitness, share, before, sector, scale, shock_scale, cap, magnitude, v):
    """Replicator shares and the shocks' scales.

    ``share_i = fitness_i * share_i * before_s / max(after_s, 1e-300)`` where ``after_s``
    sums ``fitness_i * share_i``; ``scale_i = min(scale_i * shock_scale, cap)``;
    ``shock_i = copysign(magnitude_i, v_i) * scale_i`` (into ``magnitude``);
    ``-scale_i ** 2`` into ``scale`` (its log1p is the mean correction).
    """
    after = np.zeros(before.shape[0])
    for i in range(fitness.shape[0]):
        f = fitness[i] * share[i]
        fitness[i] = f
        after[sector[i]] += f
    for s in range(before.shape[0]):
        after[s] = before[s] / maximum(after[s], 1e-300)
    for i in range(fitness.shape[0]):
        share[i] = fitness[i] * after[sector[i]]
        b = minimum(scale[i] * shock_scale, cap)
        magnitude[i] = math.copysign(magnitude[i], v[i]) * b
        scale[i] = -(b * b)


@njit(cache=True, error_model="numpy")
def laplace_magnitude(u, v, out):
    """``v = u - 0.5`` and ``out = |v| * -2.0`` (their log1p is a Laplace deviate's size)."""
    for i in range(u.shape[0]):
        d = u[i] - 0.5
        v[i] = d
        out[i] = abs(d) * -2.0


@njit(cache=True, error_model="numpy")
def renormalise(
    share, growth, sector, row, demand, technology, productivity_exp, value_added, row_out
):
    """Shares after the shocks, renormalised with the rest of the world; value added.

    ``share_i *= growth_i``; ``total_s = sum_s share + row_s`` (1 where 0);
    ``share_i /= total_s``; ``row_out_s = row_s / total_s``; ``value_added_i = share_i * D_s``; and
    ``productivity_exp_i = VA_i / (productivity_exp_i * A_s)`` (its log is the firm's
    jobs at the sector's technology).
    """
    n_sectors = row.shape[0]
    total = np.zeros(n_sectors)
    for i in range(share.shape[0]):
        x = share[i] * growth[i]
        share[i] = x
        total[sector[i]] += x
    for s in range(n_sectors):
        t = total[s] + row[s]
        total[s] = 1.0 if t == 0 else t
        row_out[s] = row[s] / total[s]
    for i in range(share.shape[0]):
        s = sector[i]
        x = share[i] / total[s]
        share[i] = x
        va = x * demand[s]
        value_added[i] = va
        productivity_exp[i] = va / (productivity_exp[i] * technology[s])


@njit(cache=True, error_model="numpy")
def partial_adjustment(log_target, log_e, adjustment):
    """``log_target_i = (log_target_i - log_e_i) * adjustment + log_e_i``."""
    for i in range(log_target.shape[0]):
        log_target[i] = (log_target[i] - log_e[i]) * adjustment + log_e[i]


@njit(cache=True, error_model="numpy")
def settle_accounts(
    value_added,
    employment,
    cell,
    sector,
    per_job,
    rd_intensity,
    tax,
    keep,
    cash,
    loss_years,
    own_rd,
):
    """Wages, own R&D, tax, cash and loss years of the year's value added.

    ``profit_i = VA_i - per_job[c_i] * e_i - rd_s * VA_i - tax_i`` (no tax when ``tax``
    is empty); own R&D into ``own_rd``; positive cash is first paid out down to ``keep`` of it;
    a loss adds a loss year, a profit resets the count.
    """
    taxed = tax.shape[0] > 0
    for i in range(value_added.shape[0]):
        va = value_added[i]
        rd = rd_intensity[sector[i]] * va
        own_rd[i] = rd
        profit = va - per_job[cell[i]] * employment[i]
        profit -= rd
        if taxed:
            profit -= tax[i]
        c = cash[i]
        if c > 0:
            c = c * keep
        cash[i] = c + profit
        if profit < 0:
            loss_years[i] += 1
        else:
            loss_years[i] = 0


@njit(cache=True, error_model="numpy")
def flat_tax(value_added, region, revenue, out):
    """``VA_i * rate_r`` with ``rate_r = revenue_r / sum_r VA`` (0 where that sum is not > 0)."""
    rate = np.zeros(revenue.shape[0])
    for i in range(value_added.shape[0]):
        rate[region[i]] += value_added[i]
    for r in range(revenue.shape[0]):
        rate[r] = revenue[r] / rate[r] if rate[r] > 0 else 0.0
    for i in range(value_added.shape[0]):
        out[i] = rate[region[i]] * value_added[i]
    return out
