"""The run's headline indicators for the focal region (summary.json, docs/outputs.md)."""

from __future__ import annotations

import numpy as np

from sim.metrics import period_labels, rca, specialisation_changes
from sim.model.observe import Recorder


def rca_by_period(recorder: Recorder, start: int, length: int) -> tuple[list[str], np.ndarray]:
    """Period labels and the (P, R, S) mean rca of the model regions per period."""
    R = recorder.economy.n_regions
    yearly = rca(recorder.employment[:, :R], recorder.employment.sum(axis=1))
    labels = period_labels(recorder.years, start, length)
    names = list(dict.fromkeys(labels))
    means = np.stack([yearly[labels == name].mean(axis=0) for name in names])
    return names, means


def rank_of(values: np.ndarray, index: int) -> int:
    """Rank (1 = highest) of ``values[index]`` among ``values``; ties share the best rank."""
    return int(1 + np.count_nonzero(values > values[index]))


def indicators(
    recorder: Recorder,
    start: int,
    length: int,
    spearhead_sectors: np.ndarray | None = None,
    hold: int = 2,
) -> dict[str, float]:
    """Headline indicators of the focal region (see docs/outputs.md for each name).

    Args:
        recorder: The run's observations.
        start: First reported year (periods start there).
        length: Period length in years.
        spearhead_sectors: Indices of the focal region's spearhead value chains.
        hold: Periods a new specialisation must hold (metrics.specialisation_changes).
    """
    e = recorder.economy
    f, R = e.focal, e.n_regions
    emp = recorder.employment[:, :R]
    first, last = emp[0].sum(axis=1), emp[-1].sum(axis=1)
    growth = last / np.maximum(first, 1e-12) - 1.0
    productivity = recorder.value_added[-1, :R].sum(axis=1) / np.maximum(last, 1e-12)
    _, period_rca = rca_by_period(recorder, start, length)
    if len(period_rca) > hold:
        gained, lost = specialisation_changes(period_rca, hold=hold)
        n_gained, n_lost = float(gained[f].sum()), float(lost[f].sum())
    else:
        n_gained = n_lost = float("nan")
    spear = np.asarray(spearhead_sectors if spearhead_sectors is not None else [], dtype=int)
    return {
        "employment_total": float(last[f]),
        # displacement: is the focal region's gain another's loss?
        "employment_other_regions": float(last.sum() - last[f]),
        "employment_rest_of_world": float(recorder.employment[-1, R:].sum()),
        "employment_all_regions": float(last.sum()),
        "employment_growth": float(growth[f]),
        "employment_emerging": float(emp[-1, f, e.emerging].sum()),
        "employment_spearhead": float(emp[-1, f, spear].sum()),
        "rca_spearhead_last_period": (
            float(period_rca[-1, f, spear].mean()) if len(spear) else float("nan")
        ),
        "specialisations_gained": n_gained,
        "specialisations_lost": n_lost,
        "rank_productivity": float(rank_of(productivity, f)),
        "rank_employment_growth": float(rank_of(growth, f)),
        "firms_total": float(recorder.firms[-1, f].sum()),
        "entry_rate_all_regions": float(
            np.mean(recorder.entries[1:] / np.maximum(recorder.firms[:-1, :R].sum(axis=(1, 2)), 1))
        ),
        "exit_rate_all_regions": float(
            np.mean(recorder.exits[1:] / np.maximum(recorder.firms[:-1, :R].sum(axis=(1, 2)), 1))
        ),
    }
