"""Governments: one ``mesa.Agent`` per region, with its commitments and its budget basis.

Each year the policy hands its governments a :class:`YearPlan` (the phase's
instruments and selection rule, the money of every region, the running projects,
clusters, spearheads and the coordinator). They allocate it together, instrument by
instrument for all their regions at once (sim.policy.allocation), each reading its own
region's part, paying its own commitments and recording its new ones, and return one
:class:`Payments` per government. They never reach back into the policy that called them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.streams import KeyedDraws
from sim.policy.applications import StageApplicants
from sim.policy.clusters import Cluster
from sim.policy.commitments import Commitments
from sim.policy.coordinator import Coordinator
from sim.policy.instruments import Instrument
from sim.policy.roadmaps import partnership_weights
from sim.policy.selection_rules import BottomUp


@dataclass
class YearPlan:
    """What every government needs to allocate the budget of ``year``.

    Attributes:
        year: The year the money is for.
        instruments: The phase's instruments.
        rule: The phase's selection rule.
        available: (regions, I) money available per region and instrument.
        room_later: (regions, I) room for commitments in the year after.
        running: Positions of the firms running a project.
        clusters: All clusters (each government serves its region's).
        spearheads: Region index -> its spearhead value chains.
        coordinator: The cross-regional coordinator (shared pilots).
        draws: The keyed draws of ``year`` (evaluation noise by firm key and instrument).
    """

    year: int
    instruments: list[Instrument]
    rule: BottomUp
    available: np.ndarray
    room_later: np.ndarray
    running: np.ndarray
    clusters: list[Cluster]
    spearheads: dict[int, list[int]]
    coordinator: Coordinator
    draws: KeyedDraws
    # read once per planned year, at the first request (see sim.policy.applications)
    _applicants: StageApplicants | None = field(default=None, init=False, repr=False)
    _by_region: dict[int, list[Cluster]] | None = field(default=None, init=False, repr=False)
    _weights: dict[int, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    def applicants(self, model) -> StageApplicants:
        """The running projects of every stage, tabulated at the first request of the year."""
        if self._applicants is None:
            self._applicants = StageApplicants(model, self.running, self.spearheads, self.draws)
        return self._applicants

    def clusters_of(self, region: int) -> list[Cluster]:
        """The clusters of ``region``, in the order of ``clusters``."""
        if self._by_region is None:
            self._by_region = {}
            for c in self.clusters:
                self._by_region.setdefault(c.region, []).append(c)
        return self._by_region.get(region, [])

    def partnership_weights(self, regions: np.ndarray) -> np.ndarray:
        """(regions, stages) each region's partnership weight of every stage this year."""
        for r in regions.tolist():
            if r not in self._weights:
                roadmaps = [c.roadmap for c in self.clusters_of(r) if c.roadmap is not None]
                self._weights[r] = partnership_weights(roadmaps, self.year)
        return np.array([self._weights[r] for r in regions.tolist()])


@dataclass
class Payments:
    """What one government did with the year's money (rows of the allocation's tables).

    Attributes:
        region: Region index.
        committed: (I,) money committed per instrument for the coming year.
        to_clusters: (I,) money paid at once to clusters per instrument.
        to_pilots: (I,) money paid at once into shared pilots per instrument.
    """

    region: int
    committed: np.ndarray
    to_clusters: np.ndarray
    to_pilots: np.ndarray


class Government(mesa.Agent):
    """The government of one region: what it still owes to projects, and its budget basis.

    Its instruments' calls run for all the governments of its policy at once
    (sim.policy.allocation); each government pays and records its own commitments.

    Args:
        model: The model (firms, economy, dynamics).
        region: Region index.
    """

    def __init__(self, model, region: int):
        super().__init__(model)
        self.region = region
        self.commitments = Commitments()
        self.budget_basis = 0.0
