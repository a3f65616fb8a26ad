"""The compiled loops of learning (sim.model.knowledge.learn)."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.kernels.basics import maximum


@njit(cache=True, error_model="numpy")
def cell_sums(cell, a, b, n_cells):
    """Two sums per region-sector cell in one pass: ``np.bincount(cell, a)`` and ``(cell, b)``."""
    sum_a = np.zeros(n_cells)
    sum_b = np.zeros(n_cells)
    for i in range(cell.shape[0]):
        c = cell[i]
        sum_a[c] += a[i]
        sum_b[c] += b[i]
    return sum_a, sum_b


@njit(cache=True, error_model="numpy")
def absorb(knowledge, value_added, own_rd, pool, cell, extra, keep):
    """``K_i = K_i * keep + R&D_i + (pool[c_i] + extra_i) * VA_i`` (no ``extra`` when empty)."""
    more = extra.shape[0] > 0
    for i in range(knowledge.shape[0]):
        a = pool[cell[i]]
        if more:
            a += extra[i]
        a *= value_added[i]
        k = knowledge[i] * keep
        k += own_rd[i]
        knowledge[i] = k + a


@njit(cache=True, error_model="numpy")
def move_productivity(productivity, log_k, value_added, sector, n_sectors, effect, noise, keep):
    """``a_i = a_i * keep + (log_k_i - m_s) * effect + noise_i``.

    ``m_s`` is the value-added-weighted mean of ``log_k`` in the firm's sector (its
    weights floored at 1e-12 in sum).
    """
    weighted = np.zeros(n_sectors)
    weights = np.zeros(n_sectors)
    for i in range(log_k.shape[0]):
        s = sector[i]
        weighted[s] += log_k[i] * value_added[i]
        weights[s] += value_added[i]
    for s in range(n_sectors):
        weighted[s] = weighted[s] / maximum(weights[s], 1e-12)
    for i in range(log_k.shape[0]):
        a = productivity[i] * keep
        a += (log_k[i] - weighted[sector[i]]) * effect
        productivity[i] = a + noise[i]


@njit(cache=True, error_model="numpy")
def member_sums(cluster, a, b, n_clusters):
    """Members, and sums of ``a`` and ``b`` over them, of each cluster (-1: in none).

    The sums add the members in position order, as ``np.bincount`` over ``cluster + 1``.
    A cluster index of ``n_clusters`` or more is an error (the loops do not check bounds).
    """
    count = np.zeros(n_clusters, dtype=np.int64)
    sum_a = np.zeros(n_clusters)
    sum_b = np.zeros(n_clusters)
    for i in range(cluster.shape[0]):
        c = cluster[i]
        if c >= n_clusters:
            raise IndexError("a firm's cluster index is beyond the clusters")
        if c >= 0:
            count[c] += 1
            sum_a[c] += a[i]
            sum_b[c] += b[i]
    return count, sum_a, sum_b


@njit(cache=True, error_model="numpy")
def of_members(cluster, per_cluster, out):
    """``per_cluster[cluster_i]`` for a member, 0 for a firm in no cluster (-1)."""
    for i in range(cluster.shape[0]):
        c = cluster[i]
        out[i] = per_cluster[c] if c >= 0 else 0.0
    return out
