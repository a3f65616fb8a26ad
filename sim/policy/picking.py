"""Picking rules: which value chains of a region become spearhead clusters."""

from __future__ import annotations

import numpy as np


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def pick_spearheads(
    rule: str,
    k: int,
    candidates: np.ndarray,
    *,
    density: np.ndarray,
    demand_growth: np.ndarray,
    activity: np.ndarray,
    employment: np.ndarray,
    rng: np.random.Generator,
    top_down: list[int] | None = None,
) -> list[int]:
    """Sector indices of a region's spearheads.

    Args:
        rule: ``entrepreneurial_discovery`` (the region's own data: the sum of
            z-scores of relatedness density, forecast world demand growth and
            firms' project activity in the value chain), ``top_down`` (the configured
            list), ``random`` (a control) or ``largest`` (largest employment).
        k: Number of spearheads (ignored by ``top_down``).
        candidates: Sector indices of the region's clusters.
        density: (S,) the region's relatedness density.
        demand_growth: (S,) the region's forecast of world demand growth (never the true
            trend: sim.model.prospects).
        activity: (S,) firms of the region with a project targeting each sector.
        employment: (S,) the region's employment.
        rng: The policy stream.
        top_down: Sector indices configured for the region (``top_down`` only).
    """
    if rule == "top_down":
        return list(top_down or [])
    candidates = np.asarray(candidates, dtype=int)
    k = min(k, len(candidates))
    if k == 0:
        return []
    if rule == "random":
        return sorted(rng.choice(candidates, size=k, replace=False).tolist())
    if rule == "largest":
        score = employment[candidates]
    else:
        score = (
            _zscore(density[candidates])
            + _zscore(demand_growth[candidates])
            + _zscore(np.log1p(activity[candidates]))
        )
    order = np.argsort(-score, kind="stable")[:k]
    return sorted(candidates[order].tolist())
