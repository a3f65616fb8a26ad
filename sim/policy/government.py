"""Governments: one ``mesa.Agent`` per region that allocates its budget over its instruments.

Each year the policy hands every government the same :class:`YearPlan` (the
phase's instruments and selection rule, the money of every region, the running
projects, clusters, spearheads and the coordinator); each government reads
its own region's part, lets its instruments commit money, and returns its
:class:`Payments`. It never reaches back into the policy that called it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.streams import KeyedDraws
from sim.policy.applications import Applications, StageApplicants
from sim.policy.clusters import Cluster
from sim.policy.commitments import Commitments
from sim.policy.coordinator import Coordinator
from sim.policy.instruments import ClusterSupport, Instrument
from sim.policy.roadmaps import partnership_weight
from sim.policy.selection_rules import ADDS_NOTHING, BottomUp, additionality, award


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


@dataclass
class Payments:
    """What one government did with the year's money.

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
    """The government of one region.

    Args:
        model: The model (firms, economy, dynamics).
        region: Region index.
    """

    def __init__(self, model, region: int):
        super().__init__(model)
        self.region = region
        self.commitments = Commitments()
        self.budget_basis = 0.0
        self.plan: YearPlan | None = None
        self.payments: Payments | None = None

    def allocate(self, plan: YearPlan) -> Payments:
        """Let each instrument commit money for ``plan.year``; return what it committed and paid."""
        n = plan.available.shape[1]
        self.plan = plan
        self.payments = Payments(self.region, np.zeros(n), np.zeros(n), np.zeros(n))
        for inst in plan.instruments:
            # also without money: instruments reset what they gave last year (clusters)
            self.payments.committed[inst.index] = inst.allocate(
                self,
                float(plan.available[self.region, inst.index]),
                float(plan.room_later[self.region, inst.index]),
            )
        payments, self.plan, self.payments = self.payments, None, None
        return payments

    # ---- what instruments ask of their government -----------------------------------
    def pay_commitments(self, inst: Instrument, money: float) -> float:
        """Reserve next year's installments of running awards (paid before anything new)."""
        ids, amounts = self.commitments.take(inst.index)
        if len(ids) == 0:
            return 0.0
        firms = self.model.firms
        if firms.n == 0:
            return 0.0
        pos = np.searchsorted(firms.firm_id, ids)
        np.minimum(pos, firms.n - 1, out=pos)
        # the firm is alive, its project still in the stage and not yet funded this year
        still = firms.firm_id[pos] == ids
        still &= firms.project_stage[pos] == inst.stage
        still &= firms.grant_funder[pos] < 0
        pos, amounts = pos[still], amounts[still]
        total = float(amounts.sum())
        if total > money:  # only if a budget fell short of its projection
            amounts = amounts * (max(money, 0.0) / total)
            total = float(amounts.sum())
        funded = amounts > 0
        firms.grant[pos[funded]] = amounts[funded]
        firms.grant_funder[pos[funded]] = inst.index
        return total

    def due_later(self, inst: Instrument) -> float:
        """Installments of ``inst`` still owed after the coming year."""
        return self.commitments.due_later(inst.index)

    def applications(self, inst: Instrument) -> Applications:
        """Running projects of the instrument's stage in this region not yet funded."""
        table = self.plan.applicants(self.model)
        return table.of_region(inst.stage, self.region, self.model.firms.grant_funder, inst.index)

    def select(
        self,
        inst: Instrument,
        apps: Applications,
        now: np.ndarray,
        later: np.ndarray,
        money: float,
        room_later: float,
    ) -> np.ndarray:
        """Rank and fund applications under the phase's selection rule."""
        plan = self.plan
        # evaluation noise keyed by (firm key, year, instrument): the same project gets
        # the same assessment in every scenario that evaluates it
        perceived = plan.rule.perceive(apps.quality, apps.spearhead, apps.errors)
        adds = plan.rule.settings.rank == "additionality"
        if adds:
            perceived = additionality(
                perceived, apps.cash, apps.due, inst.co_financing, inst.launch_bonus()
            )
        weight = 1.0  # the partnership pot of a rule that names spearheads follows roadmaps
        if plan.rule.names_spearheads:
            roadmaps = [c.roadmap for c in self._clusters() if c.roadmap is not None]
            weight = partnership_weight(roadmaps, plan.year, inst.stage)
        pots = plan.rule.pots(apps.spearhead, apps.challenge, money, weight)
        funded = award(perceived, now, later, money, room_later, pots)
        # aiming at additionality, a government funds nothing it sees adding nothing (they
        # rank last, so leaving them out changes no other award)
        return funded & (perceived > ADDS_NOTHING) if adds else funded

    def grant(
        self, inst: Instrument, idx: np.ndarray, amounts: np.ndarray, left: np.ndarray
    ) -> None:
        """Reserve grants for next year and commit the installments after it."""
        firms = self.model.firms
        firms.grant[idx] = amounts
        firms.grant_funder[idx] = inst.index
        self.commitments.add(firms.firm_id[idx], inst.index, amounts, left)

    def fund_clusters(self, inst: ClusterSupport, money: float) -> float:
        """Split money over the region's clusters as the selection rule says; return it."""
        clusters = self._clusters()
        if money <= 0 or not clusters:
            for c in clusters:
                inst.support_cluster(c, 0.0)
            return 0.0
        for members, amount in self.plan.rule.cluster_groups(clusters, money):
            for c in members:
                inst.support_cluster(c, amount / len(members))
        self.payments.to_clusters[inst.index] += money
        return money

    def contribute_to_pilots(self, inst: Instrument, money: float) -> float:
        """Pay into the shared pilots of the consortia this region belongs to."""
        if not self.plan.rule.joins_pilots or money <= 0:
            return 0.0
        taken = self.plan.coordinator.receive(self.region, money)
        self.payments.to_pilots[inst.index] += taken
        return taken

    def _clusters(self) -> list[Cluster]:
        return self.plan.clusters_of(self.region)
