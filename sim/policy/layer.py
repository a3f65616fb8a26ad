"""The policy layer: what the model asks of policy each year (see sim.model.model.PolicyLayer)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.firms import Firms
from sim.model.pipeline import ABANDON, ADVANCE, SUCCESS, Outcome, Support
from sim.model.prospects import picking_quality
from sim.model.streams import Stream
from sim.policy import funding
from sim.policy.clusters import Cluster, Roadmap, assign_members, form_clusters
from sim.policy.coordinator import Coordinator
from sim.policy.government import Government, stage_weight_of
from sim.policy.instruments import IndustrialisationSupport, Instrument
from sim.policy.instruments import build as build_instrument
from sim.policy.ledger import Ledger
from sim.policy.picking import pick_spearheads
from sim.policy.spec import PolicyPhase, ScenarioSpec

EU = "eu"
#: Yearly completions of each stage per running project of a value chain, roughly
#: as in the no-policy baseline (projects last 7 years and many stop on the way).
THROUGHPUT = np.array([0.25, 0.15, 0.1, 0.07])


class PolicyLayer:
    """Governments, instruments, clusters, roadmaps and pilots of one scenario.

    Args:
        spec: The validated scenario.
        start: First reported year (the first year money is paid).
        end: Last reported year.
        budget_scale: Multiplier of every phase's budget rate.
        acting: (R,) regions that apply the scenario (``policy_scope``); the others
            get no budget and pick no spearheads, as under ``no_policy``. All when None.
    """

    def __init__(
        self,
        spec: ScenarioSpec,
        start: int,
        end: int,
        budget_scale: float = 1.0,
        acting: np.ndarray | None = None,
    ):
        self.spec = spec
        self.budget_scale = budget_scale
        self.acting = acting
        self.start, self.end = start, end
        names: list[str] = []
        for phase in spec.phases:
            names += [n for n in phase.instruments if n not in names]
        self.instrument_names = names
        self.instruments: list[Instrument] = []
        self.phase: PolicyPhase | None = None
        self.clusters: list[Cluster] = []
        self.spearheads: dict[int, list[int]] = {}
        self.received = {"firms": 0.0, "clusters": 0.0, "pilots": 0.0}
        self.written_off = 0.0
        self._cluster_rows: list[dict] = []
        self.planning_year = start
        self._running: np.ndarray | None = None
        self._levied: np.ndarray | None = None
        self.excess_burden = 0.0
        # per region: stage payments with a grant, and those the firm could have paid alone
        self.funded_payments = np.zeros(0)
        self.deadweight_payments = np.zeros(0)

    # ---- the model's hooks ---------------------------------------------------------
    def setup(self, model) -> None:
        """Create the governments and the coordinator as agents of the model."""
        self.model = model
        e = model.economy
        if self.acting is None:
            self.acting = np.ones(e.n_regions, dtype=bool)
        self.governments = [Government(model, self, r) for r in range(e.n_regions)]
        # a region acting alone has no partners: its pilots need no second member
        alone = not self.acting.all()
        self.coordinator = Coordinator(
            model, model.dynamics.pilots, e.vanguard & self.acting, 1 if alone else 2
        )
        eu = any(p.budget.eu_top_up > 0 for p in self.spec.phases)
        regions = e.regions + ([EU] if eu else [])
        self.ledger = Ledger(np.arange(self.start, self.end + 1), regions, self.instrument_names)
        if model.year == self.start:  # no burn-in: commit the first year's budget now
            self.plan(self.start)

    def tax_revenue(self, model) -> np.ndarray | None:
        """(R,) this year's new money of tax-funded budgets, raised from the regions' firms."""
        year = model.year
        phase = self.spec.phase_at(year)
        self._levied = None
        if phase is None or not self.start <= year <= self.end:
            return None
        new = self.ledger.new[self.ledger.t(year), : model.economy.n_regions]
        self._levied = funding.tax_revenue(new, phase.budget.funding)
        return self._levied

    def support(self, model) -> Support | None:
        """Cluster collaboration, collective demonstrators, pilot access, launching customers."""
        if not self.clusters:
            return None
        firms, cp, pp = model.firms, model.dynamics.clusters, model.dynamics.pilots
        cost, bonus = np.ones(firms.n), np.zeros(firms.n)
        member = firms.cluster >= 0
        collaboration = np.array([c.collaboration for c in self.clusters])
        demo_factor = np.array([c.demonstration_cost_factor() for c in self.clusters])
        bonus[member] += cp.success_effect * collaboration[firms.cluster[member]]
        demo = firms.project_stage == 1
        cost[demo & member] *= demo_factor[firms.cluster[demo & member]]
        if self.coordinator.pilots:
            access = self.coordinator.access(
                firms.region[demo], firms.project_target[demo], model.economy.eu_priority
            )
            cost[demo] *= 1.0 - pp.cost_cut * access
            bonus[demo] += pp.success_effect * access
        for inst in self.instruments:
            if inst.launch_bonus() > 0:
                bonus[firms.grant_funder == inst.index] += inst.launch_bonus()
        return Support(cost, bonus)

    def knowledge_pool(self, model) -> np.ndarray | None:
        """Members draw on their cluster's knowledge in proportion to collaboration."""
        if not self.clusters:
            return None
        firms = model.firms
        member = firms.cluster >= 0
        k = len(self.clusters)
        stock = np.bincount(firms.cluster[member], firms.knowledge[member], k)
        output = np.bincount(firms.cluster[member], firms.value_added[member], k)
        intensity = np.divide(stock, output, out=np.zeros(k), where=output > 0)
        collaboration = np.array([c.collaboration for c in self.clusters])
        extra = np.zeros(firms.n)
        weight = model.dynamics.knowledge.cluster_spillover * collaboration * intensity
        extra[member] = weight[firms.cluster[member]]
        return extra

    def allocate(self, model, outcome: Outcome | None) -> None:
        """Settle this year's payments, then commit next year's budget."""
        year = model.year
        if year >= self.start and outcome is not None:
            self.settle(year, outcome)
            self.record_clusters(year)
        if year < self.end:
            self.plan(year + 1)

    # ---- settling a year -----------------------------------------------------------
    def settle(self, year: int, outcome: Outcome) -> None:
        """Book what firms were paid, loans, repayments and roadmap progress; close the year."""
        firms, e = self.model.firms, self.model.economy
        t = self.ledger.t(year)
        n_inst = len(self.instrument_names)
        paid = outcome.paid_funder >= 0
        if n_inst and paid.any():
            key = firms.region[paid] * n_inst + outcome.paid_funder[paid]
            sums = np.bincount(key, outcome.paid_grant[paid], e.n_regions * n_inst)
            self.ledger.disbursed[t, : e.n_regions] += sums.reshape(e.n_regions, n_inst)
            self.received["firms"] += float(outcome.paid_grant[paid].sum())
        self._book_tax(t, year)
        self._count_deadweight(outcome)
        self._settle_loans(t, outcome)
        self._record_roadmaps(outcome)
        phase = self.spec.phase_at(year)
        cap = (phase.budget.carry_over_cap if phase else 0.0) * self.ledger.new[t]
        self.ledger.close_year(year, cap)

    def _book_tax(self, t: int, year: int) -> None:
        """The tax raised this year, booked per instrument in proportion to its new money."""
        if self._levied is None:
            return
        firms, R = self.model.firms, self.model.economy.n_regions
        raised = funding.collected(self._levied, firms.value_added, firms.region)
        share = np.divide(raised, self._levied, out=np.zeros(R), where=self._levied > 0)
        self.ledger.taxed[t, :R] = self.ledger.new[t, :R] * share[:, None]
        mcpf = self.spec.phase_at(year).budget.mcpf
        self.excess_burden += funding.excess_burden(float(raised.sum()), mcpf)

    def _count_deadweight(self, outcome: Outcome) -> None:
        """Funded payments this year, and those that would have happened without the grant."""
        firms, R = self.model.firms, self.model.economy.n_regions
        if len(self.funded_payments) == 0:
            self.funded_payments, self.deadweight_payments = np.zeros(R), np.zeros(R)
        funded = outcome.paid_grant > 0
        if outcome.unaided is None or not funded.any():
            return
        self.funded_payments += np.bincount(firms.region[funded], minlength=R)
        unaided = funded & outcome.unaided
        self.deadweight_payments += np.bincount(firms.region[unaided], minlength=R)

    def _settle_loans(self, t: int, outcome: Outcome) -> None:
        firms, e = self.model.firms, self.model.economy
        events = outcome.events
        for inst in self.instruments:
            if not (isinstance(inst, IndustrialisationSupport) and inst.loan):
                continue
            lent = outcome.paid_funder == inst.index
            firms.loan_owed[lent] += outcome.paid_grant[lent]
            if events:
                done = _positions(firms, events["firm_id"][events["event"] == SUCCESS])
                firms.loan_due[done] |= firms.loan_owed[done] > 0
                failed = _positions(firms, events["firm_id"][events["event"] == ABANDON])
                self.written_off += float(firms.loan_owed[failed].sum())
                firms.loan_owed[failed] = 0.0
            due = np.flatnonzero(firms.loan_due & (firms.loan_owed > 0))
            pay = np.minimum(
                firms.loan_owed[due], inst.repayment_rate * np.maximum(firms.cash[due], 0)
            )
            firms.cash[due] -= pay
            firms.loan_owed[due] -= pay
            self.ledger.repaid[t, : e.n_regions, inst.index] += np.bincount(
                firms.region[due], pay, e.n_regions
            )

    def _record_roadmaps(self, outcome: Outcome) -> None:
        events = outcome.events
        if not events:
            return
        passed = (events["event"] == ADVANCE) | (events["event"] == SUCCESS)
        for c in self.clusters:
            if c.roadmap is None:
                continue
            mine = (
                passed & (events["region"] == c.region) & (events["target_sector"] == c.value_chain)
            )
            c.roadmap.completed += np.bincount(events["stage"][mine].astype(int), minlength=4)

    # ---- planning next year ---------------------------------------------------------
    def plan(self, year: int) -> None:
        """Commit the budget of ``year``: new money, commitments first, then new awards."""
        m, e = self.model, self.model.economy
        self.planning_year = year
        # the planned year's stream, also when the first year is planned at setup
        self.rng = m.streams.get(Stream.POLICY, year)
        self.draws = m.streams.keyed(year)
        if not self.clusters:
            self._form_clusters()
        phase = self.spec.phase_at(year)
        if phase is not self.phase:
            self._enter_phase(phase, year)
        assign_members(m.firms, self.clusters, e.n_regions, e.n_sectors)
        if phase is None or not self.instruments:
            for c in self.clusters:
                c.receive_management(0.0)
                c.receive_demonstrator(0.0)
                c.step()
            return
        value_added = m.firms.by_cell(m.firms.value_added, e.n_regions, e.n_sectors).sum(axis=1)
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
        room_later = phase.budget.commitment_cap * new
        t = self.ledger.t(year)
        self.coordinator.step()
        self.coordinator.eu_top_up = phase.budget.eu_top_up
        eu_before = self.coordinator.eu_paid
        self._running = np.flatnonzero(m.firms.project_stage >= 0)
        for gov in self.governments:
            self.ledger.committed[t, gov.region] = gov.allocate(
                year, available[gov.region], room_later[gov.region]
            )
        self._running = None  # positions change with entry and exit: find them afresh
        self._book_eu(t, self.coordinator.eu_paid - eu_before)
        for c in self.clusters:
            c.step()

    def disburse_now(self, region: int, inst: Instrument, amount: float, to: str) -> None:
        """Book money paid at once (clusters, pilots) in the year being planned."""
        t = self.ledger.t(self.planning_year)
        self.ledger.disbursed[t, region, inst.index] += amount
        self.received[to] += amount

    def _book_eu(self, t: int, top_up: float) -> None:
        if top_up <= 0:
            return
        r, i = self.ledger.regions.index(EU), self.instrument_names.index(self._pilot_name())
        for name in ("new", "available", "committed", "disbursed"):
            getattr(self.ledger, name)[t, r, i] += top_up
        self.received["pilots"] += top_up

    def _pilot_name(self) -> str:
        from sim.policy.instruments import PilotCoInvestment

        return next(i.name for i in self.instruments if isinstance(i, PilotCoInvestment))

    def _form_clusters(self) -> None:
        m, e = self.model, self.model.economy
        counts = m.firms.by_cell(None, e.n_regions, e.n_sectors)
        self.clusters = form_clusters(m, m.rca, m.density, m.dynamics.clusters, counts, e.emerging)

    def _enter_phase(self, phase: PolicyPhase | None, year: int) -> None:
        self.phase = phase
        self.instruments = []
        if phase is None:
            return
        for name, settings in phase.instruments.items():
            inst = build_instrument(settings, f"{self.spec.source}: scenario.instruments.{name}")
            inst.name, inst.index = name, self.instrument_names.index(name)
            self.instruments.append(inst)
        if phase.selection.rule in ("targeted", "vanguard") and not self.spearheads:
            self._pick_spearheads(phase, year)
        if phase.selection.rule == "vanguard":
            self.coordinator.match(self.spearheads, self.model.economy.eu_priority)

    def _pick_spearheads(self, phase: PolicyPhase, year: int) -> None:
        m, e, sel = self.model, self.model.economy, phase.selection
        firms = m.firms
        activity = np.bincount(
            firms.region * e.n_sectors
            + np.where(firms.project_stage >= 0, firms.project_target, 0),
            weights=(firms.project_stage >= 0).astype(float),
            minlength=e.n_regions * e.n_sectors,
        ).reshape(e.n_regions, e.n_sectors)
        employment = firms.by_cell(firms.employment, e.n_regions, e.n_sectors)
        # what governments know of the future: their forecasts, never the true trends
        forecast = m.prospects.forecast(year, m.markets.demand)
        for r, region in enumerate(e.regions):
            if not self.acting[r]:
                continue
            candidates = [c.value_chain for c in self.clusters if c.region == r]
            listed = [
                e.sector_index(s, f"{self.spec.source}: scenario.selection.top_down.{region}")
                for s in sel.top_down.get(region, [])
            ]
            chosen = pick_spearheads(
                sel.picking,
                sel.spearheads,
                np.array(candidates, dtype=int),
                density=m.density[r],
                demand_growth=forecast[r],
                activity=activity[r],
                employment=employment[r],
                rng=self.rng,
                top_down=listed,
            )
            self.spearheads[r] = chosen
            for s in chosen:
                cluster = next(
                    (c for c in self.clusters if c.region == r and c.value_chain == s), None
                )
                if cluster is None:
                    cluster = Cluster(m, len(self.clusters), r, s, m.dynamics.clusters)
                    self.clusters.append(cluster)
                cluster.spearhead = True
                recent = max(float(activity[r, s]), 1.0)
                # expected completions per stage over the horizon at the recent pace
                pace = recent * sel.roadmap_horizon * THROUGHPUT
                targets = np.maximum(np.round(sel.roadmap_ambition * pace), 1.0)
                cluster.roadmap = Roadmap(start=year, horizon=sel.roadmap_horizon, targets=targets)

    # ---- queries ---------------------------------------------------------------------
    def running_projects(self) -> np.ndarray:
        """Positions of the firms running a project, found once while a year is planned.

        The positions are valid until firms enter or exit, so the cache lives only
        during :meth:`plan`; outside it they are found afresh at each call.
        """
        if self._running is None:
            return np.flatnonzero(self.model.firms.project_stage >= 0)
        return self._running

    def spearhead_sectors(self, region: int) -> list[int]:
        """Spearhead value chains of a region (empty before a targeted phase)."""
        return self.spearheads.get(region, [])

    def roadmap_stage_weight(self, region: int, stage: int) -> float:
        """How much of the partnership earmark goes to ``stage`` this year (mean over roadmaps)."""
        maps = [c.roadmap for c in self.clusters if c.region == region and c.roadmap is not None]
        if not maps:
            return 1.0
        weights = np.mean([r.stage_weights(self.planning_year) for r in maps], axis=0)
        return stage_weight_of(weights, stage)

    def focal_spearhead_sectors(self, model) -> list[int]:
        """Spearhead value chains of the focal region."""
        return self.spearhead_sectors(model.economy.focal)

    # ---- outputs -------------------------------------------------------------------
    def record_clusters(self, year: int) -> None:
        """One row per cluster: members, employment, collaboration, roadmap progress."""
        firms, e = self.model.firms, self.model.economy
        k = len(self.clusters)
        member = firms.cluster >= 0
        members = np.bincount(firms.cluster[member], minlength=k)
        jobs = np.bincount(firms.cluster[member], firms.employment[member], k)
        for c in self.clusters:
            self._cluster_rows.append(
                {
                    "year": year,
                    "region": e.regions[c.region],
                    "cluster": f"{e.regions[c.region]}/{e.sectors[c.value_chain]}",
                    "value_chain": e.sectors[c.value_chain],
                    "spearhead": c.spearhead,
                    "members": int(members[c.index]),
                    "employment": float(jobs[c.index]),
                    "collaboration": c.collaboration,
                    "milestones_reached": c.roadmap.milestones_reached() if c.roadmap else 0,
                    "milestones_planned": c.roadmap.milestones_planned(year) if c.roadmap else 0.0,
                }
            )

    def deadweight(self, focal: int) -> dict[str, float]:
        """Share of funded stage payments whose firm could have paid them alone (NaN: none)."""
        funded, unaided = self.funded_payments, self.deadweight_payments
        if len(funded) == 0:
            return {"deadweight_share": float("nan"), "deadweight_share_all_regions": float("nan")}
        share = float(unaided[focal] / funded[focal]) if funded[focal] else float("nan")
        total = float(unaided.sum() / funded.sum()) if funded.sum() else float("nan")
        return {"deadweight_share": share, "deadweight_share_all_regions": total}

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
            "spearheads_focal": float(len(self.focal_spearhead_sectors(model))),
            **self.deadweight(f),
            **picking_quality(
                model.prospects.realised_growth(model.markets.demand),
                self.focal_spearhead_sectors(model),
                model.economy.emerging,
            ),
        }


def _positions(firms: Firms, ids: np.ndarray) -> np.ndarray:
    """Positions of the living firms among ``ids`` (firm ids are sorted ascending)."""
    if firms.n == 0 or len(ids) == 0:
        return np.zeros(0, dtype=np.intp)
    pos = np.minimum(np.searchsorted(firms.firm_id, ids), firms.n - 1)
    return pos[firms.firm_id[pos] == ids]
