"""Governments: one ``mesa.Agent`` per region with a budget, commitments and a policy mix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model.knowledge import knowledge_intensity
from sim.model.params import N_STAGES
from sim.model.pipeline import stage_cost
from sim.model.streams import Draw
from sim.policy.instruments import Instrument
from sim.policy.selection import ADDS_NOTHING, Pot, additionality, award, perceive

if TYPE_CHECKING:
    from sim.policy.layer import PolicyLayer


@dataclass
class Applications:
    """Running projects of one stage in one region that ask for co-financing.

    Attributes:
        index: Positions of the firms.
        due: Next year's stage cost of each project.
        payments_left: Yearly payments left in the stage, next year's included.
        quality: True quality (logit of the stage's success probability).
        spearhead: Whether the project belongs to a spearhead value chain.
        challenge: Whether its target sector serves a challenge area.
        cash: The firm's cash now (what it could pay from next year, as seen today).
    """

    index: np.ndarray
    due: np.ndarray
    payments_left: np.ndarray
    quality: np.ndarray
    spearhead: np.ndarray
    challenge: np.ndarray
    cash: np.ndarray


class Commitments:
    """Multi-year awards: yearly installments still owed to projects."""

    def __init__(self):
        self.firm_id = np.zeros(0, dtype=np.int64)
        self.instrument = np.zeros(0, dtype=np.int16)
        self.installment = np.zeros(0)
        self.left = np.zeros(0, dtype=np.int16)

    def add(self, firm_id, instrument: int, installment, left) -> None:
        """Record awards with ``left`` installments after the coming year."""
        keep = left > 0
        self.firm_id = np.concatenate([self.firm_id, firm_id[keep]])
        self.instrument = np.concatenate(
            [self.instrument, np.full(keep.sum(), instrument, dtype=np.int16)]
        )
        self.installment = np.concatenate([self.installment, installment[keep]])
        self.left = np.concatenate([self.left, left[keep].astype(np.int16)])

    def take(self, instrument: int) -> tuple[np.ndarray, np.ndarray]:
        """Remove and return (firm ids, installments) due next year for ``instrument``."""
        mine = self.instrument == instrument
        ids, amounts = self.firm_id[mine], self.installment[mine]
        self.left[mine] -= 1
        done = mine & (self.left <= 0)
        for name in ("firm_id", "instrument", "installment", "left"):
            setattr(self, name, getattr(self, name)[~done])
        return ids, amounts

    def due_later(self, instrument: Instrument) -> float:
        """Installments of ``instrument`` still owed after the coming year."""
        return float(self.installment[self.instrument == instrument.index].sum())


class Government(mesa.Agent):
    """The government of one region.

    Args:
        model: The model.
        layer: The policy layer (shared state: firms, clusters, ledger, coordinator).
        region: Region index.
    """

    def __init__(self, model, layer: PolicyLayer, region: int):
        super().__init__(model)
        self.layer = layer
        self.region = region
        self.commitments = Commitments()
        self.budget_basis = 0.0

    # ---- the yearly allocation ----------------------------------------------------
    def allocate(self, year: int, available: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Let each instrument commit money for ``year``; return the commitments (I,)."""
        committed = np.zeros(len(available))
        for inst in self.layer.instruments:
            # also without money: instruments reset what they gave last year (clusters)
            committed[inst.index] = inst.allocate(
                self, float(available[inst.index]), float(room_later[inst.index])
            )
        return committed

    # ---- services for instruments -------------------------------------------------
    def pay_commitments(self, inst: Instrument, money: float) -> float:
        """Reserve next year's installments of running awards (paid before anything new)."""
        ids, amounts = self.commitments.take(inst.index)
        firms = self.model.firms
        pos = np.searchsorted(firms.firm_id, ids)
        pos = np.minimum(pos, max(firms.n - 1, 0))
        alive = (firms.n > 0) & (firms.firm_id[pos] == ids) if len(ids) else np.zeros(0, bool)
        pos, amounts = pos[alive], amounts[alive]
        still = (firms.project_stage[pos] == inst.stage) & (firms.grant_funder[pos] < 0)
        pos, amounts = pos[still], amounts[still]
        total = float(amounts.sum())
        if total > money:  # only if a budget fell short of its projection
            amounts = amounts * (max(money, 0.0) / total)
        funded = amounts > 0
        firms.grant[pos[funded]] = amounts[funded]
        firms.grant_funder[pos[funded]] = inst.index
        return float(amounts.sum())

    def applications(self, inst: Instrument) -> Applications:
        """Running projects of the instrument's stage in this region not yet funded."""
        m = self.model
        firms, economy, p = m.firms, m.economy, m.dynamics.innovation
        running = self.layer.running_projects()  # positions of all running projects, once a year
        idx = running[
            (firms.region[running] == self.region)
            & (firms.project_stage[running] == inst.stage)
            & (firms.grant_funder[running] < 0)
        ]
        stage = np.full(len(idx), inst.stage, dtype=np.intp)
        target = firms.project_target[idx]
        due = stage_cost(firms.employment[idx], m.markets.technology, p, stage, target)
        left = np.maximum(np.asarray(p.duration)[stage] - firms.project_years[idx], 1)
        base = np.asarray(p.success)[stage]
        quality = (
            np.log(base / (1.0 - base))
            + p.success_knowledge * knowledge_intensity(firms, idx)
            + p.success_relatedness * (economy.relatedness[firms.sector[idx], target] - 1.0)
        )
        spear = self.layer.spearhead_sectors(self.region)
        return Applications(
            index=idx,
            due=due,
            payments_left=left,
            quality=quality,
            spearhead=np.isin(target, spear),
            challenge=economy.challenge[target].any(axis=1),
            cash=firms.cash[idx],
        )

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
        sel = self.layer.phase.selection
        targeted = sel.rule in ("targeted", "vanguard")
        # evaluation noise keyed by (firm key, year, instrument): the same project gets
        # the same assessment in every scenario that evaluates it
        keys = self.model.firms.key[apps.index]
        errors = self.layer.draws.normal(Draw.EVALUATION + inst.index, keys)
        perceived = perceive(
            apps.quality,
            sel.evaluation_noise,
            apps.spearhead & targeted,
            sel.account_manager_effect,
            errors,
        )
        adds = sel.rank == "additionality"
        if adds:
            perceived = additionality(
                perceived, apps.cash, apps.due, inst.co_financing, inst.launch_bonus()
            )
        pots = []
        if sel.rule == "challenge_driven":
            pots.append(Pot(apps.challenge, sel.challenge_share * money))
        if targeted and apps.spearhead.any():
            weight = self.layer.roadmap_stage_weight(self.region, inst.stage)
            pots.append(Pot(apps.spearhead, sel.partnership_share * money * weight))
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

    def fund_clusters(self, inst: Instrument, money: float, kind: str) -> float:
        """Split money over the region's clusters; spearheads get the partnership share."""
        clusters = [c for c in self.layer.clusters if c.region == self.region]
        if money <= 0 or not clusters:
            for c in clusters:
                getattr(c, f"receive_{kind}")(0.0)
            return 0.0
        sel = self.layer.phase.selection
        spear = [c for c in clusters if c.spearhead]
        other = [c for c in clusters if not c.spearhead]
        if sel.rule in ("targeted", "vanguard") and spear and other:
            groups = [
                (spear, sel.partnership_share * money),
                (other, (1 - sel.partnership_share) * money),
            ]
        else:
            groups = [(clusters, money)]
        for members, amount in groups:
            for c in members:
                getattr(c, f"receive_{kind}")(amount / len(members))
        self.layer.disburse_now(self.region, inst, money, "clusters")
        return money

    def contribute_to_pilots(self, inst: Instrument, money: float) -> float:
        """Pay into the shared pilots of the consortia this region belongs to."""
        if self.layer.phase.selection.rule != "vanguard" or money <= 0:
            return 0.0
        taken = self.layer.coordinator.receive(self.region, money)
        if taken > 0:
            self.layer.disburse_now(self.region, inst, taken, "pilots")
        return taken


def stage_weight_of(weights: np.ndarray, stage: int) -> float:
    """Scale a roadmap's stage weight so that an even spread gives 1."""
    return float(np.clip(weights[stage] * N_STAGES, 0.0, N_STAGES))
