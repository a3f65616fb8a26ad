"""Roadmaps of spearhead clusters: targets and milestones per stage over a mid-term horizon."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from sim.model.stages import N_STAGES, Event

#: Milestones of a roadmap's target per stage (a third, two thirds and all of it).
MILESTONES_PER_STAGE = 3
#: Yearly completions of each stage per running project of a value chain, roughly
#: as in the no-policy baseline (projects last 7 years and many stop on the way).
THROUGHPUT = np.array([0.25, 0.15, 0.1, 0.07])
#: The milestones of a stage as shares of its target.
_MARKS = np.arange(1, MILESTONES_PER_STAGE + 1) / MILESTONES_PER_STAGE


@dataclass
class Roadmap:
    """Targets and milestones per stage of the value chain over a mid-term horizon.

    Targets are numbers of projects of the value chain that complete each stage
    (R&D, demonstration, industrialisation, marketisation) within the horizon:
    the cluster's recent throughput times the roadmap's ambition. A stage has
    three milestones, at a third, two thirds and all of its target.
    """

    start: int
    horizon: int
    targets: np.ndarray
    completed: np.ndarray = field(default_factory=lambda: np.zeros(N_STAGES))

    @classmethod
    def draw_up(cls, year: int, recent: float, horizon: int, ambition: float) -> Roadmap:
        """A roadmap from ``year`` on for a value chain with ``recent`` running projects.

        Targets: the completions per stage expected over the horizon at the recent
        pace (:data:`THROUGHPUT`), times ``ambition``, at least one per stage.
        """
        pace = max(recent, 1.0) * horizon * THROUGHPUT
        targets = np.maximum(np.round(ambition * pace), 1.0)
        return cls(start=year, horizon=horizon, targets=targets)

    def stage_weights(self, year: int) -> np.ndarray:
        """Weights of the four stages in the partnership's budget in ``year``.

        Early in the horizon money goes to R&D and demonstration, later to
        industrialisation and marketisation: the policy mix aligned along the
        roadmap.
        """
        return _stage_weights(year - self.start, self.horizon)

    def milestones_reached(self) -> int:
        """Milestones met so far, out of ``4 * MILESTONES_PER_STAGE``."""
        return int((self.completed[:, None] >= self.targets[:, None] * _MARKS[None, :]).sum())

    def milestones_planned(self, year: int) -> float:
        """Milestones the roadmap plans to have met by the end of ``year``."""
        share = np.clip((year - self.start + 1) / self.horizon, 0.0, 1.0)
        return float(N_STAGES * MILESTONES_PER_STAGE * share)


@functools.cache
def _stage_weights(years_in: int, horizon: int) -> np.ndarray:
    """:meth:`Roadmap.stage_weights` of a roadmap ``years_in`` years old (read-only).

    Roadmaps drawn up together share it: computed once per age and horizon.
    """
    phase = np.clip((years_in + 0.5) / horizon, 0.0, 1.0)
    w = np.exp(-((np.arange(N_STAGES) - (N_STAGES - 1) * phase) ** 2) / 1.5)
    w /= w.sum()
    w.flags.writeable = False
    return w


def partnership_weights(roadmaps: list[Roadmap], year: int) -> np.ndarray:
    """(stages,) how much of the partnership earmark goes to each stage in ``year`` (1 = even).

    The mean of the region's roadmaps' stage weights, scaled so that four equal
    weights give 1; 1 for every stage when the region has no roadmap.
    """
    if not roadmaps:
        return np.ones(N_STAGES)
    weights = np.mean([r.stage_weights(year) for r in roadmaps], axis=0)
    return np.clip(weights * N_STAGES, 0.0, N_STAGES)


def record_progress(clusters: list, events: dict[str, np.ndarray]) -> None:
    """Count the stages that projects of each roadmap's value chain completed this year."""
    if not events:
        return
    passed = (events["event"] == Event.ADVANCE) | (events["event"] == Event.SUCCESS)
    for c in clusters:
        if c.roadmap is None:
            continue
        mine = passed & (events["region"] == c.region) & (events["target_sector"] == c.value_chain)
        c.roadmap.completed += np.bincount(events["stage"][mine].astype(int), minlength=4)


def roadmap_cells(clusters, year: int, n_regions: int, n_sectors: int) -> np.ndarray | None:
    """(R, S) 1 where a cluster's roadmap runs in ``year`` (region, value chain), or None."""
    cells = np.zeros((n_regions, n_sectors))
    for c in clusters:
        plan = c.roadmap
        if plan is not None and plan.start <= year < plan.start + plan.horizon:
            cells[c.region, c.value_chain] = 1.0
    return cells if cells.any() else None
