"""Regions that follow different scenarios in one run: the focal region's policy and the others'.

Under ``policy_scope=focal`` with ``policy_others`` naming a scenario, the focal
region applies the run's scenario and every other region applies
``policy_others``. Each is a :class:`~sim.policy.policy.Policy` that governs its
own regions: its governments, its coordinator (pilots among its own vanguard
regions), the awards of its firms, its roadmaps. The clusters form once from the
economy and are shared (each policy funds and steps its own regions'), the two
scenarios number their instruments in one list (ledger columns, the firms'
``grant_funder``), and each policy books only its own regions, so the run's
ledger is the sum of the two.

The model sees one object with the hooks of a policy; per firm, what a hook
returns comes from the policy of the firm's region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.pipeline import Outcome, Support
from sim.policy.accounts import money_indicators
from sim.policy.ledger import Ledger
from sim.policy.policy import Policy


class Policies:
    """Policies of one run that govern complementary sets of regions.

    Args:
        parts: The policies; the first governs the focal region. Every region is
            governed by exactly one of them, and all share one cluster pool and one
            numbering of instruments.
    """

    def __init__(self, parts: list[Policy]):
        if len({id(p.pool) for p in parts}) != 1:
            raise ValueError("the policies of one run share one cluster pool")
        names = parts[0].instrument_names
        if any(p.instrument_names != names for p in parts):
            raise ValueError("the policies of one run number their instruments alike")
        self.parts = parts
        self.instrument_names = names

    def setup(self, model) -> None:
        """Set up every policy; check that each region has exactly one."""
        for part in self.parts:
            part.setup(model)
        governed = np.sum([p.governs for p in self.parts], axis=0)
        if not (governed == 1).all():
            raise ValueError("every region must be governed by exactly one policy")
        self.owner = np.argmax([p.governs for p in self.parts], axis=0)

    def part_of(self, region: int) -> Policy:
        """The policy that governs ``region``."""
        return self.parts[int(self.owner[region])]

    # ---- the model's hooks ---------------------------------------------------------
    def tax_revenue(self, model) -> np.ndarray | None:
        """(R,) each region's tax, raised by the policy that governs it."""
        levies = [p.tax_revenue(model) for p in self.parts]
        levies = [levy for levy in levies if levy is not None]
        return sum(levies[1:], levies[0]) if levies else None

    def support(self, model) -> Support | None:
        """Each firm's cost factor and success bonus, from its region's policy."""
        supports = [p.support(model) for p in self.parts]
        if all(s is None for s in supports):
            return None
        n = model.firms.n
        owner = self.owner[model.firms.region]
        cost, bonus = np.ones(n), np.zeros(n)
        for i, s in enumerate(supports):
            if s is not None:
                mine = owner == i
                cost[mine] = s.cost_factor[mine]
                bonus[mine] = s.success_bonus[mine]
        return Support(cost, bonus)

    def roadmap_cells(self, model) -> np.ndarray | None:
        """(R, S) the roadmaps of every policy (each runs its own regions')."""
        cells = [c for c in (p.roadmap_cells(model) for p in self.parts) if c is not None]
        return sum(cells[1:], cells[0]) if cells else None

    def knowledge_pool(self, model) -> np.ndarray | None:
        """Members draw on their cluster's knowledge (the clusters are shared)."""
        return self.parts[0].knowledge_pool(model)

    def allocate(self, model, outcome: Outcome | None) -> None:
        """Every policy settles its regions' year, then each commits their next budget."""
        for part in self.parts:
            part.close_year(model, outcome)
        if model.year < self.parts[0].end:
            for part in self.parts:
                part.plan(model, model.year + 1)

    # ---- queries and outputs ---------------------------------------------------------
    def spearhead_sectors(self, region: int) -> list[int]:
        """Spearhead value chains of a region, as its own policy picked them."""
        return self.part_of(region).spearhead_sectors(region)

    def ledger(self) -> Ledger:
        """The run's ledger: every policy's, summed (each books only its regions)."""
        return Ledger.combined([p.ledger for p in self.parts])

    def frames(self, model) -> dict[str, pd.DataFrame]:
        """ledger.parquet and clusters.parquet of the whole run."""
        clusters = pd.concat([p.frames(model)["clusters"] for p in self.parts], ignore_index=True)
        if len(clusters):
            e = model.economy
            order = {name: i for i, name in enumerate(e.regions)}
            chain = {name: i for i, name in enumerate(e.sectors)}
            key = clusters["region"].map(order) * len(chain) + clusters["value_chain"].map(chain)
            clusters = (
                clusters.assign(_key=key)
                .sort_values(["year", "_key"], kind="stable")
                .drop(columns="_key")
                .reset_index(drop=True)
            )
        return {"ledger": self.ledger().frame(), "clusters": clusters}

    def indicators(self, model) -> dict[str, float]:
        """Money of every region together; the focal region's choice from its policy."""
        f = model.economy.focal
        received = {k: sum(p.received[k] for p in self.parts) for k in self.parts[0].received}
        written_off = sum(p.written_off for p in self.parts)
        burden = sum(p.excess_burden for p in self.parts)
        money = money_indicators(self.ledger(), f, received, written_off, burden)
        return money | self.part_of(f).choice_indicators(model, f)
