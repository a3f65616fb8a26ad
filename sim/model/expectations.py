"""What support firms expect: the share of project costs that grants covered lately.

Firms do not read scenario files. They see what happened to projects like theirs:
in each region and target sector, the grants reserved for running projects over
what those projects' stages cost. Expectations adapt to that observed support
rate (adaptive expectations, Nerlove 1958): each year they move half-way toward
it where projects ran, and stay where none did. A government that earmarks money
for spearheads, or whose account managers make its judgement of spearhead
projects sharper, raises the rate in those cells; firms respond by starting more
projects there and aiming more diversification at them (sim.model.pipeline).
"""

from __future__ import annotations

import numpy as np

#: Weight of this year's observed support rate in the expectation.
ADAPTATION = 0.5


def observed_rate(
    cell: np.ndarray, offered: np.ndarray, cost: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray]:
    """(cells,) support rate of the year's running projects and whether any ran there.

    Args:
        cell: Flat region-target cell of each running project.
        offered: Grant reserved for each project's stage this year (capped at its cost).
        cost: The stage's cost this year.
        n_cells: Number of region-sector cells.
    """
    money = np.bincount(cell, offered, n_cells)
    total = np.bincount(cell, cost, n_cells)
    seen = total > 0
    return np.divide(money, total, out=np.zeros(n_cells), where=seen), seen


def adapt(expected: np.ndarray, rate: np.ndarray, seen: np.ndarray) -> None:
    """Move ``expected`` (R, S, in place) toward this year's observed rate where projects ran."""
    flat = expected.reshape(-1)
    flat[seen] += ADAPTATION * (rate[seen] - flat[seen])


class SupportExpectations:
    """The support rate firms expect for a project in each region and target sector.

    Args:
        n_regions: Number of regions.
        n_sectors: Number of sectors.

    Attributes:
        rate: (R, S) expected share of a project's stage costs that grants cover (0 at
            the start, and for ever without grants).
    """

    def __init__(self, n_regions: int, n_sectors: int):
        self.rate = np.zeros((n_regions, n_sectors))

    def update(self, outcome) -> None:
        """Adapt to the support the year's running projects saw (a pipeline ``Outcome``)."""
        adapt(self.rate, outcome.support_rate, outcome.support_seen)
