"""Deadweight of grants: funded stage payments the firm could have paid alone.

A grant is deadweight when the funded firm, in the same state and with the same
draws, would have paid its stage from its own cash (the pipeline's
``Outcome.unaided``). Counted per region over the run, reported as the share of
funded stage payments in summary.json.
"""

from __future__ import annotations

import numpy as np

from sim.model.pipeline import Outcome


class Deadweight:
    """Funded stage payments per region, and those the firm could have paid alone."""

    def __init__(self):
        self.funded = np.zeros(0)
        self.unaided = np.zeros(0)

    def count(self, region: np.ndarray, n_regions: int, outcome: Outcome) -> None:
        """Add this year's funded payments and their deadweight (``region``: the firms')."""
        if len(self.funded) == 0:
            self.funded, self.unaided = np.zeros(n_regions), np.zeros(n_regions)
        funded = np.flatnonzero(outcome.paid_grant > 0)  # few of the firms: found once
        if outcome.unaided is None or not len(funded):
            return
        self.funded += np.bincount(region.take(funded), minlength=n_regions)
        unaided = funded[outcome.unaided.take(funded)]
        self.unaided += np.bincount(region.take(unaided), minlength=n_regions)

    def shares(self, focal: int) -> dict[str, float]:
        """Share of funded stage payments whose firm could have paid them alone (NaN: none)."""
        funded, unaided = self.funded, self.unaided
        if len(funded) == 0:
            return {"deadweight_share": float("nan"), "deadweight_share_all_regions": float("nan")}
        share = float(unaided[focal] / funded[focal]) if funded[focal] else float("nan")
        total = float(unaided.sum() / funded.sum()) if funded.sum() else float("nan")
        return {"deadweight_share": share, "deadweight_share_all_regions": total}
