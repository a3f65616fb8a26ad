"""Clusters, roadmaps and partnership agreements.

A cluster is the group of firms of one region around a value chain (its
sector): the firms of that sector plus the firms running a project that
targets it. Clusters are ``mesa.Agent``s; membership is written into the
firms' ``cluster`` column each year with one vectorised lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.firms import NO_CLUSTER, Firms
from sim.model.params import N_STAGES, Clusters

MILESTONES_PER_STAGE = 3


@dataclass
class Roadmap:
    """Targets and milestones per stage of the value chain over a mid-term horizon.

    Targets are numbers of projects of the value chain that complete each stage
    (R&D, demonstration, industrialisation, marketisation) within the horizon:
    the cluster's recent throughput times the roadmap's ambition. A stage has
    three milestones, at a third, two thirds and all of its target.
    """

    start: int
    horizon: int
    targets: np.ndarray
    completed: np.ndarray = field(default_factory=lambda: np.zeros(N_STAGES))

    def stage_weights(self, year: int) -> np.ndarray:
        """Weights of the four stages in the partnership's budget in ``year``.

        Early in the horizon money goes to R&D and demonstration, later to
        industrialisation and marketisation: the policy mix aligned along the
        roadmap.
        """
        phase = np.clip((year - self.start + 0.5) / self.horizon, 0.0, 1.0)
        w = np.exp(-((np.arange(N_STAGES) - (N_STAGES - 1) * phase) ** 2) / 1.5)
        return w / w.sum()

    def milestones_reached(self) -> int:
        """Milestones met so far, out of ``4 * MILESTONES_PER_STAGE``."""
        marks = np.arange(1, MILESTONES_PER_STAGE + 1) / MILESTONES_PER_STAGE
        return int((self.completed[:, None] >= self.targets[:, None] * marks[None, :]).sum())

    def milestones_planned(self, year: int) -> float:
        """Milestones the roadmap plans to have met by the end of ``year``."""
        share = np.clip((year - self.start + 1) / self.horizon, 0.0, 1.0)
        return float(N_STAGES * MILESTONES_PER_STAGE * share)


class Cluster(mesa.Agent):
    """A regional cluster around a value chain.

    Args:
        model: The model.
        index: Position of the cluster in the layer's list (its id in the firm column).
        region: Region index.
        value_chain: Sector index of the value chain.
        params: Cluster parameters.
    """

    def __init__(self, model, index: int, region: int, value_chain: int, params: Clusters):
        super().__init__(model)
        self.index = index
        self.region = region
        self.value_chain = value_chain
        self.params = params
        self.collaboration = params.base_collaboration
        self.management_funds = 0.0
        self.demonstrator_funds = 0.0
        self.received = 0.0
        self.spearhead = False
        self.roadmap: Roadmap | None = None

    def receive_management(self, money: float) -> None:
        """Management support for next year: collaboration rises toward 1."""
        self.management_funds = money
        self.received += money

    def receive_demonstrator(self, money: float) -> None:
        """A collective demonstrator for next year: members' demonstration costs fall."""
        self.demonstrator_funds = money
        self.received += money

    def step(self) -> None:
        """The year's collaboration: management support raises it, it decays toward its base."""
        p = self.params
        effect = self.management_funds / (self.management_funds + p.management_half)
        rise = p.management_gain * effect * (1.0 - self.collaboration)
        decay = p.decay * (self.collaboration - p.base_collaboration)
        self.collaboration = float(np.clip(self.collaboration + rise - decay, 0.0, 1.0))

    def demonstration_cost_factor(self) -> float:
        """Multiplier of members' demonstration-stage cost from the collective demonstrator."""
        p = self.params
        effect = self.demonstrator_funds / (self.demonstrator_funds + p.demonstrator_half)
        return 1.0 - p.demonstrator_cost_cut * effect


def form_clusters(
    model,
    rca: np.ndarray,
    density: np.ndarray,
    params: Clusters,
    employment_firms: np.ndarray,
    emerging: np.ndarray,
) -> list[Cluster]:
    """Form the clusters of every region.

    Clusters form where a region is specialised (rca >= 1) in a value chain with
    enough firms, and around emerging value chains where the region's relatedness
    density is at least its median.

    Args:
        model: The model (clusters are its agents).
        rca: (R, S) relative specialisation.
        density: (R, S) relatedness density.
        params: Cluster parameters.
        employment_firms: (R, S) number of firms.
        emerging: (S,) mask of emerging value chains.
    """
    median = np.median(density, axis=1, keepdims=True)
    core = (rca >= 1.0) & (employment_firms >= params.min_members)
    frontier = emerging[None, :] & (density >= median)
    regions, sectors = np.nonzero(core | frontier)
    return [
        Cluster(model, i, int(r), int(s), params)
        for i, (r, s) in enumerate(zip(regions, sectors, strict=True))
    ]


def assign_members(firms: Firms, clusters: list[Cluster], n_regions: int, n_sectors: int) -> None:
    """Write each firm's cluster: its own value chain's cluster, else its project's target's."""
    lookup = np.full(n_regions * n_sectors, NO_CLUSTER, dtype=np.int32)
    for c in clusters:
        lookup[c.region * n_sectors + c.value_chain] = c.index
    own = lookup[firms.region * n_sectors + firms.sector]
    target = np.where(firms.project_stage >= 0, firms.project_target, firms.sector)
    via_project = lookup[firms.region * n_sectors + target]
    firms.cluster[:] = np.where(own >= 0, own, via_project)
