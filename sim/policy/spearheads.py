"""Spearhead clusters: which value chains of a region a targeted policy picks, with roadmaps.

Picking rules: entrepreneurial discovery (the region's own data), a top-down
list, the largest sectors, or a random draw (a control). Each spearhead gets a
cluster (formed if the region had none around that value chain) and a roadmap.
"""

from __future__ import annotations

import numpy as np

from sim.policy.clusters import Cluster
from sim.policy.roadmaps import Roadmap
from sim.policy.selection_rules import SelectionSpec


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


def designate_spearheads(
    model,
    clusters: list[Cluster],
    settings: SelectionSpec,
    year: int,
    rng: np.random.Generator,
    source: str,
    acting: np.ndarray,
) -> dict[int, list[int]]:
    """Pick every region's spearheads, mark their clusters and draw up their roadmaps.

    Args:
        model: The model (firms, economy, regional specialisation; new clusters are its agents).
        clusters: The clusters so far (spearhead clusters not yet formed are appended).
        settings: The selection settings (picking rule, number, top-down lists, roadmaps).
        year: The year the roadmaps start.
        rng: The policy stream.
        source: The scenario file, for messages.
        acting: (R,) regions that apply the scenario; the others pick no spearheads.

    Returns:
        Region index -> sorted sector indices of its spearheads (acting regions only).
    """
    e, firms = model.economy, model.firms
    running = firms.project_stage >= 0
    activity = np.bincount(
        firms.region * e.n_sectors + np.where(running, firms.project_target, 0),
        weights=running.astype(float),
        minlength=e.n_regions * e.n_sectors,
    ).reshape(e.n_regions, e.n_sectors)
    employment = firms.by_cell(firms.employment, e.n_regions, e.n_sectors)
    # what governments know of the future: their forecasts, never the true trends
    forecast = model.prospects.forecast(year, model.markets.demand)
    spearheads = {}
    for r, region in enumerate(e.regions):
        if not acting[r]:
            continue
        candidates = [c.value_chain for c in clusters if c.region == r]
        listed = [
            e.sector_index(s, f"{source}: scenario.selection.top_down.{region}")
            for s in settings.top_down.get(region, [])
        ]
        chosen = pick_spearheads(
            settings.picking,
            settings.spearheads,
            np.array(candidates, dtype=int),
            density=model.specialisation.density[r],
            demand_growth=forecast[r],
            activity=activity[r],
            employment=employment[r],
            rng=rng,
            top_down=listed,
        )
        spearheads[r] = chosen
        for s in chosen:
            cluster = next((c for c in clusters if c.region == r and c.value_chain == s), None)
            if cluster is None:
                cluster = Cluster(model, len(clusters), r, s, model.dynamics.clusters)
                clusters.append(cluster)
            cluster.spearhead = True
            cluster.roadmap = Roadmap.draw_up(
                year, float(activity[r, s]), settings.roadmap_horizon, settings.roadmap_ambition
            )
    return spearheads
