"""Clusters: the firms of a region around a value chain, as Mesa agents.

A cluster is the group of firms of one region around a value chain (its
sector): the firms of that sector plus the firms running a project that
targets it. Clusters are ``mesa.Agent``s; membership is written into the
firms' ``cluster`` column each year with one vectorised lookup.
"""

from __future__ import annotations

from itertools import chain

import mesa
import numpy as np
import pandas as pd
from mesa.agent import AgentSet

from sim.model import kernels
from sim.model.economy import Economy
from sim.model.firms import NO_CLUSTER, Firms
from sim.model.params import Clusters
from sim.policy.roadmaps import Roadmap


class Cluster(mesa.Agent):
    """A regional cluster around a value chain.

    Args:
        model: The model.
        index: Position of the cluster in the policy's list (its id in the firm column).
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
        # min/max of Python floats: np.clip costs more than the rest of the step
        self.collaboration = float(min(max(self.collaboration + rise - decay, 0.0), 1.0))

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


class ClusterPool:
    """The clusters of every region, formed once and shared by the policies of one run.

    Clusters form from the economy alone (specialisation, density, firm counts), so
    they are the same whatever a region's policy; each policy funds and steps those
    of the regions it governs. Spearhead clusters a policy adds are appended here, so
    a cluster's index (the firms' ``cluster`` column) is unique in the run.
    """

    def __init__(self):
        self.clusters: list[Cluster] = []
        # (clusters so far, governed regions) -> those regions' clusters, and their AgentSet
        self._governed: dict[tuple, list[Cluster]] = {}
        self._agents: dict[tuple, AgentSet] = {}

    def governed(self, governs: np.ndarray) -> list[Cluster]:
        """The clusters of the regions where ``governs`` (R,) is true, in pool order."""
        key = (len(self.clusters), governs.tobytes())
        if key not in self._governed:
            self._governed[key] = [c for c in self.clusters if governs[c.region]]
        return self._governed[key]

    def agents(self, governs: np.ndarray, random) -> AgentSet | None:
        """:meth:`governed` as an AgentSet (None without clusters), kept until a cluster joins.

        Args:
            governs: (R,) the regions of a policy.
            random: The model's ``random.Random``.
        """
        key = (len(self.clusters), governs.tobytes())
        if key not in self._agents:
            own = self.governed(governs)
            self._agents[key] = AgentSet(own, random=random) if own else None
        return self._agents[key]

    def form(self, model) -> list[Cluster]:
        """The clusters, formed from the model's current state if none has formed yet."""
        if not self.clusters:
            e, firms, s = model.economy, model.firms, model.specialisation
            counts = firms.by_cell(None, e.n_regions, e.n_sectors)
            self.clusters += form_clusters(
                model, s.rca, s.density, model.dynamics.clusters, counts, e.emerging
            )
        return self.clusters


def assign_members(firms: Firms, clusters: list[Cluster], n_regions: int, n_sectors: int) -> None:
    """Write each firm's cluster: its own value chain's cluster, else its project's target's."""
    lookup = np.full(n_regions * n_sectors, NO_CLUSTER, dtype=np.int32)
    for c in clusters:
        lookup[c.region * n_sectors + c.value_chain] = c.index
    cell = firms.cell(n_sectors)
    own = lookup.take(cell, out=firms.cluster)
    # outside a cluster of its own value chain, a firm with a project joins the cluster of
    # the project's target in its region (its cell moved from sector to target)
    via = np.flatnonzero((own < 0) & (firms.project_stage >= 0))
    own[via] = lookup.take(cell[via] - firms.sector[via] + firms.project_target[via])


def cluster_rows(
    clusters: list[Cluster], firms: Firms, economy: Economy, year: int
) -> dict[str, list]:
    """The year's rows of clusters.parquet as columns, one row per cluster.

    Members, jobs, collaboration and roadmap progress of each cluster; :func:`cluster_frame`
    joins the years.
    """
    e = economy
    # the firms may belong to other clusters of the pool too
    last = max(max((c.index for c in clusters), default=-1), int(firms.cluster.max(initial=-1)))
    count, jobs, _ = kernels.member_sums(
        firms.cluster, firms.employment, firms.employment, last + 1
    )
    index = [c.index for c in clusters]
    members, jobs = count[index].tolist(), jobs[index].tolist()
    roadmaps = [c.roadmap for c in clusters]
    return {
        "year": [year] * len(clusters),
        "region": [e.regions[c.region] for c in clusters],
        "cluster": [f"{e.regions[c.region]}/{e.sectors[c.value_chain]}" for c in clusters],
        "value_chain": [e.sectors[c.value_chain] for c in clusters],
        "spearhead": [c.spearhead for c in clusters],
        "members": members,
        "employment": jobs,
        "collaboration": [c.collaboration for c in clusters],
        "milestones_reached": [r.milestones_reached() if r else 0 for r in roadmaps],
        "milestones_planned": [r.milestones_planned(year) if r else 0.0 for r in roadmaps],
    }


def cluster_frame(years: list[dict[str, list]]) -> pd.DataFrame:
    """clusters.parquet: the columns of :func:`cluster_rows` of every year, joined."""
    if not any(len(columns["year"]) for columns in years):
        return pd.DataFrame([])
    return pd.DataFrame(
        {name: list(chain.from_iterable(c[name] for c in years)) for name in years[0]}
    )
