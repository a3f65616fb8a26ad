"""The cross-regional coordinator (the Vanguard initiative) and its shared pilots."""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.params import Pilots


@dataclass
class Pilot:
    """A shared pilot facility in one EU priority area, co-funded by a consortium."""

    area: int
    regions: list[int]
    capacity: float = 0.0
    received: float = 0.0
    contributions: dict[int, float] = field(default_factory=dict)

    def effect(self, half: float) -> float:
        """Share of the full pilot effect: capacity / (capacity + half)."""
        return self.capacity / (self.capacity + half)


class Coordinator(mesa.Agent):
    """Matches roadmaps across regions and co-funds shared pilot facilities.

    When a ``vanguard`` phase starts, regions of the initiative whose spearheads
    share an EU priority area form a consortium (two regions at least). Each
    year after, each region's pilot money is split over its consortia, the EU
    may add a top-up, and the facility's capacity grows by what it receives.
    Firms of every participating region whose project targets a value chain of
    the area get access: a lower demonstration cost and a higher success chance.

    Args:
        model: The model.
        params: Pilot parameters.
        members: Mask of the regions in the initiative.
        min_regions: Regions a consortium needs (1 when the focal region acts alone).
    """

    def __init__(self, model, params: Pilots, members: np.ndarray, min_regions: int = 2):
        super().__init__(model)
        self.params = params
        self.members = members
        self.min_regions = min_regions
        self.pilots: dict[int, Pilot] = {}
        self.eu_top_up = 0.0
        self.eu_paid = 0.0

    def match(self, spearheads: dict[int, list[int]], eu_priority: np.ndarray) -> None:
        """Form consortia: per priority area, the member regions with a spearhead in it."""
        for area in range(eu_priority.shape[1]):
            regions = [
                r
                for r, sectors in spearheads.items()
                if self.members[r] and any(eu_priority[s, area] for s in sectors)
            ]
            if len(regions) >= self.min_regions:
                pilot = self.pilots.setdefault(area, Pilot(area, regions))
                pilot.regions = sorted(set(pilot.regions) | set(regions))

    def consortia(self, region: int) -> list[Pilot]:
        """The pilots ``region`` co-funds (those :meth:`receive` splits its money over)."""
        return [p for p in self.pilots.values() if region in p.regions]

    def in_consortium(self, region: int) -> bool:
        """Whether ``region`` co-funds at least one pilot."""
        return bool(self.consortia(region))

    def receive(self, region: int, money: float) -> float:
        """Take a region's contribution, split over its consortia; return what was taken."""
        mine = self.consortia(region)
        if not mine:
            return 0.0
        for pilot in mine:
            share = money / len(mine)
            top_up = self.eu_top_up * share
            pilot.contributions[region] = pilot.contributions.get(region, 0.0) + share
            pilot.capacity += share + top_up
            pilot.received += share + top_up
            self.eu_paid += top_up
        return money

    def step(self) -> None:
        """Facilities depreciate each year."""
        for pilot in self.pilots.values():
            pilot.capacity *= 1.0 - self.params.depreciation

    def access(self, region: np.ndarray, target: np.ndarray, eu_priority: np.ndarray) -> np.ndarray:
        """(n,) share of the full pilot effect each project has access to (best pilot)."""
        best = np.zeros(len(region))
        for pilot in self.pilots.values():
            reach = np.isin(region, pilot.regions) & eu_priority[target, pilot.area]
            best = np.where(reach, np.maximum(best, pilot.effect(self.params.capacity_half)), best)
        return best
