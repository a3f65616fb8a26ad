"""A year's allocation by the governments of one policy: instrument by instrument, all at once.

Each instrument of the phase, in the phase's order, commits money for every
government of the policy in one call: the stage grants pay all regions' running
commitments in one pass, rank all regions' applications with one sort and fund
each region's ranked prefix within its own money (sim.policy.selection_rules).
This gives what each government would get allocating alone, region after region,
bit for bit, because:

- a government touches only its own region's firms (grants, awards), its own
  commitments and its own clusters, so no other region's call can change what
  it reads; within a region the instruments still come in the phase's order, so
  a second instrument of a stage sees the first one's awards;
- per-region numbers are computed from the region's own rows in the same order
  and with the same operations (sums of a region's slice, cumulative sums along a
  region's row: sim.policy.segments);
- the shared pilots are the only state of several regions: contributions are
  paid into them after the instruments, government by government in the phase's
  order, the order in which a region-by-region allocation adds them up;
- the policy books the payments government by government, as before.
"""

from __future__ import annotations

import numpy as np

from sim.policy.applications import Applications
from sim.policy.government import Government, Payments, YearPlan
from sim.policy.instruments import ClusterSupport, Instrument
from sim.policy.segments import bounds_of, segment_ids, sums
from sim.policy.selection_rules import ADDS_NOTHING, additionality, award


class Allocation:
    """The governments of one policy allocating a year's plan: every instrument's funder.

    Arrays of money are one value per government, in the order of ``governments``.

    Args:
        model: The model (its firms get the grants).
        governments: The governments, in ascending region order.
        plan: The year's plan.
    """

    def __init__(self, model, governments: list[Government], plan: YearPlan):
        self.model = model
        self.governments = governments
        self.plan = plan
        self.regions = np.array([g.region for g in governments], dtype=np.intp)
        shape = (len(governments), plan.available.shape[1])
        self.committed = np.zeros(shape)
        self.to_clusters = np.zeros(shape)
        self.to_pilots = np.zeros(shape)
        self._pilot_money: list[tuple[int, float]] = []

    def run(self) -> list[Payments]:
        """Let each instrument commit money for ``plan.year``; one Payments per government."""
        plan = self.plan
        for inst in plan.instruments:
            # also without money: instruments reset what they gave last year (clusters)
            money = plan.available[self.regions, inst.index]
            room_later = plan.room_later[self.regions, inst.index]
            self.committed[:, inst.index] = inst.allocate(self, money, room_later)
        # a stable sort: each government's contributions in the phase's order
        for g, money in sorted(self._pilot_money, key=lambda item: item[0]):
            plan.coordinator.receive(self.governments[g].region, money)
        return [
            Payments(gov.region, self.committed[g], self.to_clusters[g], self.to_pilots[g])
            for g, gov in enumerate(self.governments)
        ]

    # ---- what instruments ask of the governments ------------------------------------
    def pay_commitments(self, inst: Instrument, money: np.ndarray) -> np.ndarray:
        """Reserve next year's installments of running awards (paid before anything new)."""
        owed = [gov.commitments.take(inst.index) for gov in self.governments]
        paid = np.zeros(len(owed))
        firms = self.model.firms
        bounds = np.zeros(len(owed) + 1, dtype=np.intp)
        np.cumsum([len(ids) for ids, _ in owed], out=bounds[1:])
        if bounds[-1] == 0 or firms.n == 0:
            return paid
        ids = np.concatenate([ids for ids, _ in owed])
        amounts = np.concatenate([amounts for _, amounts in owed])
        pos = np.searchsorted(firms.firm_id, ids)
        np.minimum(pos, firms.n - 1, out=pos)
        # the firm is alive, its project still in the stage and not yet funded this year
        still = firms.firm_id[pos] == ids
        still &= firms.project_stage[pos] == inst.stage
        still &= firms.grant_funder[pos] < 0
        pos, amounts, bounds = pos[still], amounts[still], bounds_of(still, bounds)
        paid = sums(amounts, bounds)
        # only if a budget fell short of its projection (a government owing nothing has
        # nothing to scale)
        short = (paid > money) & (paid > 0)
        if short.any():
            scale = np.ones(len(paid))  # x * 1.0 is x: the others keep their amounts
            scale[short] = np.maximum(money[short], 0.0) / paid[short]
            amounts = amounts * scale[segment_ids(bounds)]
            paid = sums(amounts, bounds)
        funded = amounts > 0
        firms.grant[pos[funded]] = amounts[funded]
        firms.grant_funder[pos[funded]] = inst.index
        return paid

    def due_later(self, inst: Instrument) -> np.ndarray:
        """Installments of ``inst`` each government still owes after the coming year."""
        return np.array([gov.commitments.due_later(inst.index) for gov in self.governments])

    def applications(self, inst: Instrument) -> Applications:
        """Running projects of the instrument's stage in the regions, not yet funded."""
        table = self.plan.applicants(self.model)
        firms = self.model.firms
        return table.of_regions(inst.stage, self.regions, firms.grant_funder, inst.index)

    def select(
        self,
        inst: Instrument,
        apps: Applications,
        now: np.ndarray,
        later: np.ndarray,
        money: np.ndarray,
        room_later: np.ndarray,
    ) -> np.ndarray:
        """Rank and fund each government's applications under the phase's selection rule."""
        rule = self.plan.rule
        # evaluation noise keyed by (firm key, year, instrument): the same project gets
        # the same assessment in every scenario that evaluates it
        perceived = rule.perceive(apps.quality, apps.spearhead, apps.errors)
        adds = rule.settings.rank == "additionality"
        if adds:
            perceived = additionality(
                perceived, apps.cash, apps.due, inst.co_financing, inst.launch_bonus()
            )
        weight = 1.0  # the partnership pot of a rule that names spearheads follows roadmaps
        if rule.names_spearheads:
            weight = self.plan.partnership_weights(self.regions)[:, inst.stage]
        pots = rule.pots(apps.spearhead, apps.challenge, money, weight)
        funded = award(perceived, now, later, money, room_later, pots, apps.bounds)
        # aiming at additionality, a government funds nothing it sees adding nothing (they
        # rank last, so leaving them out changes no other award)
        return funded & (perceived > ADDS_NOTHING) if adds else funded

    def grant(
        self, inst: Instrument, idx: np.ndarray, amounts: np.ndarray, left: np.ndarray
    ) -> None:
        """Reserve grants for next year; each government commits its installments after it."""
        firms = self.model.firms
        firms.grant[idx] = amounts
        firms.grant_funder[idx] = inst.index
        later = left > 0
        idx, amounts, left = idx[later], amounts[later], left[later]
        region = firms.region[idx]
        starts = np.searchsorted(region, self.regions, side="left").tolist()
        ends = np.searchsorted(region, self.regions, side="right").tolist()
        for gov, a, b in zip(self.governments, starts, ends, strict=True):
            if b > a:
                gov.commitments.add(firms.firm_id[idx[a:b]], inst.index, amounts[a:b], left[a:b])

    def fund_clusters(self, inst: ClusterSupport, money: np.ndarray) -> np.ndarray:
        """Split each government's money over its clusters as the rule says; return it."""
        paid = np.zeros(len(money))
        for g, gov in enumerate(self.governments):
            clusters = self.plan.clusters_of(gov.region)
            amount = float(money[g])
            if amount <= 0 or not clusters:
                for c in clusters:
                    inst.support_cluster(c, 0.0)
                continue
            for members, share in self.plan.rule.cluster_groups(clusters, amount):
                for c in members:
                    inst.support_cluster(c, share / len(members))
            paid[g] = amount
        self.to_clusters[:, inst.index] += paid
        return paid

    def contribute_to_pilots(self, inst: Instrument, money: np.ndarray) -> np.ndarray:
        """Pay into the shared pilots of the consortia each region belongs to."""
        taken = np.zeros(len(money))
        if not self.plan.rule.joins_pilots:
            return taken
        for g, gov in enumerate(self.governments):
            amount = float(money[g])
            if amount > 0 and self.plan.coordinator.in_consortium(gov.region):
                taken[g] = amount
                self._pilot_money.append((g, amount))  # paid in after the instruments
        self.to_pilots[:, inst.index] += taken
        return taken
