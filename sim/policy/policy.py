"""The policy of one scenario, as the model sees it: hooks read each year, and the year's money.

Once a year (step 5 of the timetable) the policy settles the year that ends
(what firms were paid, loans, roadmap progress, the ledger) and plans the next:
it forms clusters, enters a new phase of the timeline when one starts (picking
spearheads and matching roadmaps when its selection rule says so), opens the
ledger, and has Mesa step the agents: the coordinator, then every government
(which returns what it committed and paid), then every cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.pipeline import Outcome, Support
from sim.model.prospects import picking_quality
from sim.model.streams import Stream
from sim.policy import funding
from sim.policy.clusters import Cluster, assign_members, cluster_rows, form_clusters
from sim.policy.coordinator import Coordinator
from sim.policy.deadweight import Deadweight
from sim.policy.effects import cluster_knowledge, project_support
from sim.policy.government import Government, Payments, YearPlan
from sim.policy.instruments import IndustrialisationSupport, Instrument, PilotCoInvestment
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
            get no budget and pick no spearheads, as under ``no_policy``. All when None.
    """

    def __init__(
        self,
        scenario: ScenarioSpec,
        start: int,
        end: int,
        budget_scale: float = 1.0,
        acting: np.ndarray | None = None,
    ):
        self.scenario = scenario
        self.budget_scale = budget_scale
        self.acting = acting
        self.start, self.end = start, end
        self.instrument_names = scenario.instrument_names
        self.instruments: list[Instrument] = []
        self.phase: PolicyPhase | None = None
        self.clusters: list[Cluster] = []
        self.spearheads: dict[int, list[int]] = {}
        self.received = {"firms": 0.0, "clusters": 0.0, "pilots": 0.0}
        self.written_off = 0.0
        self._cluster_rows: list[dict] = []
        self._levied: np.ndarray | None = None
        self.excess_burden = 0.0
        self.deadweight = Deadweight()

    # ---- the model's hooks ---------------------------------------------------------
    def setup(self, model) -> None:
        """Create the governments and the coordinator as agents of the model."""
        e = model.economy
        if self.acting is None:
            self.acting = np.ones(e.n_regions, dtype=bool)
        self.governments = [Government(model, r) for r in range(e.n_regions)]
        # a region acting alone has no partners: its pilots need no second member
        alone = not self.acting.all()
        self.coordinator = Coordinator(
            model, model.dynamics.pilots, e.vanguard & self.acting, 1 if alone else 2
        )
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
        return roadmap_cells(self.clusters, model.year, e.n_regions, e.n_sectors)

    def knowledge_pool(self, model) -> np.ndarray | None:
        """Members draw on their cluster's knowledge in proportion to collaboration."""
        spillover = model.dynamics.knowledge.cluster_spillover
        return cluster_knowledge(model.firms, self.clusters, spillover)

    def allocate(self, model, outcome: Outcome | None) -> None:
        """Settle this year's payments, then commit next year's budget."""
        year = model.year
        if year >= self.start and outcome is not None:
            self.settle(model, year, outcome)
            self._cluster_rows += cluster_rows(self.clusters, model.firms, model.economy, year)
        if year < self.end:
            self.plan(model, year + 1)

    # ---- settling a year -----------------------------------------------------------
    def settle(self, model, year: int, outcome: Outcome) -> None:
        """Book what firms were paid, loans, repayments and roadmap progress; close the year."""
        firms, e = model.firms, model.economy
        t = self.ledger.t(year)
        n_inst = len(self.instrument_names)
        paid = outcome.paid_funder >= 0
        if n_inst and paid.any():
            key = firms.region[paid] * n_inst + outcome.paid_funder[paid]
            sums = np.bincount(key, outcome.paid_grant[paid], e.n_regions * n_inst)
            self.ledger.disbursed[t, : e.n_regions] += sums.reshape(e.n_regions, n_inst)
            self.received["firms"] += float(outcome.paid_grant[paid].sum())
        self._book_tax(model, t, year)
        self.deadweight.count(firms.region, e.n_regions, outcome)
        for inst in self.instruments:
            if isinstance(inst, IndustrialisationSupport) and inst.loan:
                self.written_off += settle_loan(
                    firms, inst, outcome, self.ledger.repaid[t], e.n_regions
                )
        record_progress(self.clusters, outcome.events)
        phase = self.scenario.phase_at(year)
        cap = (phase.budget.carry_over_cap if phase else 0.0) * self.ledger.new[t]
        self.ledger.close_year(year, cap)

    def _book_tax(self, model, t: int, year: int) -> None:
        """The tax raised this year, booked per instrument in proportion to its new money."""
        if self._levied is None:
            return
        firms, R = model.firms, model.economy.n_regions
        new = self.ledger.new[t, :R]
        taxed, raised = funding.book_tax(self._levied, new, firms.value_added, firms.region)
        self.ledger.taxed[t, :R] = taxed
        mcpf = self.scenario.phase_at(year).budget.mcpf
        self.excess_burden += funding.excess_burden(raised, mcpf)

    # ---- planning next year ---------------------------------------------------------
    def plan(self, model, year: int) -> None:
        """Commit the budget of ``year``: new money, commitments first, then new awards."""
        e, firms = model.economy, model.firms
        # the planned year's streams, also when the first year is planned at setup
        rng = model.streams.get(Stream.POLICY, year)
        draws = model.streams.keyed(year)
        if not self.clusters:
            counts = firms.by_cell(None, e.n_regions, e.n_sectors)
            s = model.specialisation
            self.clusters = form_clusters(
                model, s.rca, s.density, model.dynamics.clusters, counts, e.emerging
            )
        phase = self.scenario.phase_at(year)
        if phase is not self.phase:
            self._enter_phase(model, phase, year, rng)
        assign_members(firms, self.clusters, e.n_regions, e.n_sectors)
        clusters = model.agents_by_type.get(Cluster)
        if phase is None or not self.instruments:
            if clusters is not None:
                clusters.do("receive_management", 0.0)
                clusters.do("receive_demonstrator", 0.0)
                clusters.do("step")
            return
        value_added = firms.by_cell(firms.value_added, e.n_regions, e.n_sectors).sum(axis=1)
        for gov in self.governments:
            if gov.budget_basis == 0.0 or phase.budget.basis == "current":
                gov.budget_basis = float(value_added[gov.region])
        shares = np.zeros(len(self.instrument_names))
        for inst in self.instruments:
            shares[inst.index] = inst.share
        basis = np.array([g.budget_basis for g in self.governments])
        new = np.zeros((len(self.ledger.regions), len(shares)))
        rate = phase.budget.rate * self.budget_scale
        new[: e.n_regions] = rate * (basis * self.acting)[:, None] * shares[None, :]
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
        model.agents_by_type[Coordinator].do("step")
        # governments in the order they were created (region order), in which the shared
        # pilots receive their contributions
        for payments in model.agents_by_type[Government].map("allocate", plan):
            self._book(year, payments)
        self._book_eu(year, self.coordinator.eu_paid - eu_before)
        if clusters is not None:
            clusters.do("step")

    def _book(self, year: int, payments: Payments) -> None:
        """Book one government's commitments and the money it paid at once."""
        t, r = self.ledger.t(year), payments.region
        self.ledger.committed[t, r] = payments.committed
        self.ledger.disbursed[t, r] += payments.to_clusters + payments.to_pilots
        for inst in self.instruments:
            if payments.to_clusters[inst.index] > 0:
                self.received["clusters"] += payments.to_clusters[inst.index]
            if payments.to_pilots[inst.index] > 0:
                self.received["pilots"] += payments.to_pilots[inst.index]

    def _book_eu(self, year: int, top_up: float) -> None:
        if top_up <= 0:
            return
        pilot = next(i for i in self.instruments if isinstance(i, PilotCoInvestment))
        t, r = self.ledger.t(year), self.ledger.regions.index(EU)
        for name in ("new", "available", "committed", "disbursed"):
            getattr(self.ledger, name)[t, r, pilot.index] += top_up
        self.received["pilots"] += top_up

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
        return {"ledger": self.ledger.frame(), "clusters": pd.DataFrame(self._cluster_rows)}

    def indicators(self, model) -> dict[str, float]:
        """Money spent and received, for summary.json."""
        led, f = self.ledger, model.economy.focal
        return {
            "budget_spent": float(led.disbursed[:, f].sum()),
            "budget_spent_all_regions": float(led.disbursed.sum()),
            "budget_new_all_regions": float(led.new.sum()),
            "tax_paid": float(led.taxed[:, f].sum()),
            "tax_paid_all_regions": float(led.taxed.sum()),
            "excess_burden_all_regions": self.excess_burden,
            # what the focal region's economy got back: money paid out less loans
            # repaid less the tax its firms paid
            "net_transfer": float(
                led.disbursed[:, f].sum() - led.repaid[:, f].sum() - led.taxed[:, f].sum()
            ),
            "received_by_firms": self.received["firms"],
            "received_by_clusters": self.received["clusters"],
            "received_by_pilots": self.received["pilots"],
            "loans_written_off": self.written_off,
            "spearheads_focal": float(len(self.spearhead_sectors(f))),
            **self.deadweight.shares(f),
            **picking_quality(
                model.prospects.realised_growth(model.markets.demand),
                self.spearhead_sectors(f),
                model.economy.emerging,
            ),
        }
