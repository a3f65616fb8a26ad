"""The policy of one scenario, as the model sees it: hooks read each year, and the year's money.

Once a year (step 5 of the timetable) the policy settles the year that ends
(what firms were paid, loans, roadmap progress, the ledger) and plans the next:
it forms clusters, enters a new phase of the timeline when one starts (picking
spearheads and matching roadmaps when its selection rule says so), opens the
ledger, and steps the agents: the coordinator, the governments (together, instrument by
instrument: sim.policy.allocation; each returns what it committed and paid), every cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.pipeline import Outcome, Support
from sim.model.prospects import picking_quality
from sim.model.streams import Stream
from sim.policy import funding
from sim.policy.accounts import book_eu_top_up, book_payments, money_indicators
from sim.policy.allocation import Allocation
from sim.policy.clusters import ClusterPool, assign_members, cluster_frame, cluster_rows
from sim.policy.coordinator import Coordinator
from sim.policy.deadweight import Deadweight
from sim.policy.effects import cluster_knowledge, project_support
from sim.policy.government import Government, YearPlan
from sim.policy.instruments import IndustrialisationSupport, Instrument
from sim.policy.ledger import EU, Ledger
from sim.policy.loans import settle_loan
from sim.policy.roadmaps import record_progress, roadmap_cells
from sim.policy.scenario import PolicyPhase, ScenarioSpec
from sim.policy.spearheads import designate_spearheads


class Policy:
    """Governments, instruments, clusters, roadmaps and pilots of one scenario.

    Args:
        scenario: The validated scenario (its instruments and rules built).
        start: First reported year (the first year money is paid).
        end: Last reported year.
        budget_scale: Multiplier of every phase's budget rate.
        acting: (R,) regions that apply the scenario (``policy_scope``); the others
            get no budget and pick no spearheads, as under ``no_policy``. All governed
            regions when None.
        governs: (R,) regions whose governments, clusters, pilots and firms' awards this
            policy runs (all when None). Under ``policy_scope=focal`` with another
            scenario for the other regions, two policies govern complementary regions
            (sim.policy.policies).
        pool: The clusters, shared by the policies of one run (a pool of its own if None).
        stream: The generator of its random picking (policies of one run use different ones).
        eu_row: Whether the ledger has a row for the EU top-up (when None: whether a phase
            of the scenario adds one).
    """

    def __init__(
        self,
        scenario: ScenarioSpec,
        start: int,
        end: int,
        budget_scale: float = 1.0,
        acting: np.ndarray | None = None,
        governs: np.ndarray | None = None,
        pool: ClusterPool | None = None,
        stream: Stream = Stream.POLICY,
        eu_row: bool | None = None,
    ):
        self.scenario = scenario
        self.budget_scale = budget_scale
        self.acting = acting
        self.governs = governs
        self.pool = pool if pool is not None else ClusterPool()
        self.stream = stream
        self.eu_row = eu_row
        self.start, self.end = start, end
        self.instrument_names = scenario.instrument_names
        self.instruments: list[Instrument] = []
        self.phase: PolicyPhase | None = None
        self.spearheads: dict[int, list[int]] = {}
        self.received = {"firms": 0.0, "clusters": 0.0, "pilots": 0.0}
        self.written_off = 0.0
        self._cluster_rows: list[dict[str, list]] = []  # columns, year by year
        self._levied: np.ndarray | None = None
        self.excess_burden = 0.0
        self.deadweight = Deadweight()

    @property
    def clusters(self) -> list:
        """Every cluster of the run (shared by its policies; the firm column indexes it)."""
        return self.pool.clusters

    @property
    def own_clusters(self) -> list:
        """The clusters of the regions this policy governs."""
        return list(self.pool.governed(self.governs))

    # ---- the model's hooks ---------------------------------------------------------
    def setup(self, model) -> None:
        """Create the governments and the coordinator as agents of the model."""
        e = model.economy
        if self.governs is None:
            self.governs = np.ones(e.n_regions, dtype=bool)
        if self.acting is None:
            self.acting = self.governs.copy()
        self.acting = self.acting & self.governs
        self.governments = [Government(model, int(r)) for r in np.flatnonzero(self.governs)]
        # a region acting alone has no partners: its pilots need no second member
        alone = self.acting.sum() == 1 and not self.acting.all()
        self.coordinator = Coordinator(
            model, model.dynamics.pilots, e.vanguard & self.acting, 1 if alone else 2
        )
        eu = self.eu_row
        if eu is None:
            eu = any(p.budget.eu_top_up > 0 for p in self.scenario.phases)
        regions = e.regions + ([EU] if eu else [])
        self.ledger = Ledger(np.arange(self.start, self.end + 1), regions, self.instrument_names)
        if model.year == self.start:  # no burn-in: commit the first year's budget now
            self.plan(model, self.start)

    def tax_revenue(self, model) -> np.ndarray | None:
        """(R,) this year's new money of tax-funded budgets, raised from the regions' firms."""
        year = model.year
        phase = self.scenario.phase_at(year)
        self._levied = None
        if phase is None or not self.start <= year <= self.end:
            return None
        new = self.ledger.new[self.ledger.t(year), : model.economy.n_regions]
        self._levied = funding.tax_revenue(new, phase.budget.funding)
        return self._levied

    def support(self, model) -> Support | None:
        """Cluster collaboration, collective demonstrators, pilot access, launching customers."""
        return project_support(
            model.firms,
            model.economy,
            model.dynamics,
            self.clusters,
            self.coordinator,
            self.instruments,
        )

    def roadmap_cells(self, model) -> np.ndarray | None:
        """(R, S) 1 where a region runs a spearhead roadmap in a sector this year."""
        e = model.economy
        return roadmap_cells(self.own_clusters, model.year, e.n_regions, e.n_sectors)

    def knowledge_pool(self, model) -> np.ndarray | None:
        """Members draw on their cluster's knowledge in proportion to collaboration."""
        spillover = model.dynamics.knowledge.cluster_spillover
        return cluster_knowledge(model.firms, self.clusters, spillover)

    def allocate(self, model, outcome: Outcome | None) -> None:
        """Settle this year's payments, then commit next year's budget."""
        self.close_year(model, outcome)
        if model.year < self.end:
            self.plan(model, model.year + 1)

    def close_year(self, model, outcome: Outcome | None) -> None:
        """Settle this year's payments and record the clusters (before any plan moves them)."""
        year = model.year
        if year >= self.start and outcome is not None:
            self.settle(model, year, outcome)
            rows = cluster_rows(self.own_clusters, model.firms, model.economy, year)
            self._cluster_rows.append(rows)

    # ---- settling a year -----------------------------------------------------------
    def settle(self, model, year: int, outcome: Outcome) -> None:
        """Book what firms were paid, loans, repayments and roadmap progress; close the year."""
        firms, e = model.firms, model.economy
        t = self.ledger.t(year)
        n_inst = len(self.instrument_names)
        region = firms.region_index()
        paid = np.flatnonzero(outcome.paid_funder >= 0)  # the few firms paid a grant
        if not self.governs.all():
            paid = paid[self.governs.take(region.take(paid))]
        if n_inst and len(paid):
            grants = outcome.paid_grant.take(paid)
            key = region.take(paid) * n_inst + outcome.paid_funder.take(paid)
            sums = np.bincount(key, grants, e.n_regions * n_inst)
            self.ledger.disbursed[t, : e.n_regions] += sums.reshape(e.n_regions, n_inst)
            self.received["firms"] += float(grants.sum())
        self._book_tax(model, t, year)
        self.deadweight.count(region, e.n_regions, outcome)
        for inst in self.instruments:
            if isinstance(inst, IndustrialisationSupport) and inst.loan:
                self.written_off += settle_loan(
                    firms, inst, outcome, self.ledger.repaid[t], self.governs
                )
        record_progress(self.own_clusters, outcome.events)
        phase = self.scenario.phase_at(year)
        cap = (phase.budget.carry_over_cap if phase else 0.0) * self.ledger.new[t]
        self.ledger.close_year(year, cap)

    def _book_tax(self, model, t: int, year: int) -> None:
        """The tax raised this year, booked per instrument in proportion to its new money."""
        if self._levied is None:
            return
        firms, R = model.firms, model.economy.n_regions
        new = self.ledger.new[t, :R]
        taxed, raised = funding.book_tax(self._levied, new, firms.value_added, firms.region_index())
        self.ledger.taxed[t, :R] = taxed
        mcpf = self.scenario.phase_at(year).budget.mcpf
        self.excess_burden += funding.excess_burden(raised, mcpf)

    # ---- planning next year ---------------------------------------------------------
    def plan(self, model, year: int) -> None:
        """Commit the budget of ``year``: new money, commitments first, then new awards."""
        e, firms = model.economy, model.firms
        # the planned year's streams, also when the first year is planned at setup
        draws = model.streams.keyed(year)
        self.pool.form(model)
        phase = self.scenario.phase_at(year)
        if phase is not self.phase:
            self._enter_phase(model, phase, year, model.streams.get(self.stream, year))
        assign_members(firms, self.clusters, e.n_regions, e.n_sectors)
        clusters = self.pool.agents(self.governs, model.random)
        if phase is None or not self.instruments:
            if clusters is not None:
                clusters.do("receive_management", 0.0)
                clusters.do("receive_demonstrator", 0.0)
                clusters.do("step")
            return

        def value_added() -> np.ndarray:
            return firms.by_cell(firms.value_added, e.n_regions, e.n_sectors).sum(axis=1)

        shape = (len(self.ledger.regions), len(self.instrument_names))
        new = funding.new_money(
            self.governments, value_added, phase, self.budget_scale, self.acting, shape
        )
        available = self.ledger.open_year(year, new)
        self.coordinator.eu_top_up = phase.budget.eu_top_up
        eu_before = self.coordinator.eu_paid
        plan = YearPlan(
            year=year,
            instruments=self.instruments,
            rule=phase.rule,
            available=available,
            room_later=phase.budget.commitment_cap * new,
            running=np.flatnonzero(firms.project_stage >= 0),
            clusters=self.clusters,
            spearheads=self.spearheads,
            coordinator=self.coordinator,
            draws=draws,
        )
        self.coordinator.step()
        # instrument by instrument for all governments; payments booked in region order
        for payments in Allocation(model, self.governments, plan).run():
            book_payments(self.ledger, self.received, self.instruments, year, payments)
        top_up = self.coordinator.eu_paid - eu_before
        book_eu_top_up(self.ledger, self.received, self.instruments, year, top_up)
        if clusters is not None:
            clusters.do("step")

    def _enter_phase(
        self, model, phase: PolicyPhase | None, year: int, rng: np.random.Generator
    ) -> None:
        self.phase = phase
        self.instruments = list(phase.instruments) if phase is not None else []
        if phase is None:
            return
        if phase.rule.names_spearheads and not self.spearheads:
            self.spearheads = designate_spearheads(
                model,
                self.clusters,
                phase.selection,
                year,
                rng,
                self.scenario.source,
                self.acting,
            )
        if phase.rule.joins_pilots:
            self.coordinator.match(self.spearheads, model.economy.eu_priority)

    # ---- queries and outputs ---------------------------------------------------------
    def spearhead_sectors(self, region: int) -> list[int]:
        """Spearhead value chains of a region (empty before a targeted phase)."""
        return self.spearheads.get(region, [])

    def frames(self, model) -> dict[str, pd.DataFrame]:
        """ledger.parquet and clusters.parquet."""
        return {"ledger": self.ledger.frame(), "clusters": cluster_frame(self._cluster_rows)}

    def indicators(self, model) -> dict[str, float]:
        """Money spent and received, for summary.json."""
        f = model.economy.focal
        tallies = (self.received, self.written_off, self.excess_burden)
        return money_indicators(self.ledger, f, *tallies) | self.choice_indicators(model, f)

    def choice_indicators(self, model, region: int) -> dict[str, float]:
        """What the region chose and what its grants added: spearheads, deadweight, picking."""
        return {
            "spearheads_focal": float(len(self.spearhead_sectors(region))),
            **self.deadweight.shares(region),
            **picking_quality(
                model.prospects.realised_growth(model.markets.demand),
                self.spearhead_sectors(region),
                model.economy.emerging,
            ),
        }
