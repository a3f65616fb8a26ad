"""Statistics of one comparison cell: a scenario, an override group and an indicator."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.experiments.paired_stats import (
    MIN_BOOTSTRAP_PAIRS,
    mean_interval,
    ratio_interval,
    wilcoxon_p,
)
from sim.experiments.power import minimal_detectable_effect, pairing_gain

EMPTY_CELL: dict = {
    "n_pairs": 0,
    "mean_diff": math.nan,
    "ci_low": math.nan,
    "ci_high": math.nan,
    "ci_half_width": math.nan,
    "p_wilcoxon": math.nan,
    "baseline_mean": math.nan,
    "scenario_mean": math.nan,
    "sd_diff": math.nan,
    "mde": math.nan,
    "pairing_gain": math.nan,
    "ci_method": "",
    "note": "",
}


def paired_cell(pairs: pd.DataFrame, name: str, *, confidence: float) -> dict:
    """Summarise the paired differences of indicator ``name``.

    Args:
        pairs: One row per pair, with columns ``<name>_s`` (scenario) and ``<name>_b``
            (baseline).
        name: The indicator.
        confidence: Confidence level of the t interval of the mean difference.

    Returns:
        The statistic columns of the comparison table; pairs with NaN are dropped.
        Besides the interval: ``sd_diff``, the standard deviation of the differences
        over seeds; ``mde``, the minimal detectable effect at these seeds (80 % power,
        two-sided 5 %); ``pairing_gain``, how many times pairing divided the variance
        of a difference (sim.experiments.power).
    """
    xs = pairs[f"{name}_s"].to_numpy(dtype=float)
    xb = pairs[f"{name}_b"].to_numpy(dtype=float)
    ok = np.isfinite(xs) & np.isfinite(xb)
    xs, xb = xs[ok], xb[ok]
    diff = xs - xb
    interval = mean_interval(diff, confidence=confidence)
    notes = _dropped(ok) + interval_notes(len(diff), interval.method)
    if not len(diff):
        return EMPTY_CELL | {"note": "; ".join(notes)}
    return {
        "n_pairs": len(diff),
        "mean_diff": float(diff.mean()),
        "ci_low": interval.low,
        "ci_high": interval.high,
        "ci_half_width": interval.half_width,
        "p_wilcoxon": wilcoxon_p(diff),
        "baseline_mean": float(xb.mean()),
        "scenario_mean": float(xs.mean()),
        "sd_diff": float(diff.std(ddof=1)) if len(diff) > 1 else math.nan,
        "mde": minimal_detectable_effect(float(diff.std(ddof=1)), len(diff))
        if len(diff) > 1
        else math.nan,
        "pairing_gain": pairing_gain(xs, xb),
        "ci_method": interval.method,
        "note": "; ".join(notes),
    }


def cost_per_job_cell(
    pairs: pd.DataFrame,
    *,
    n_resamples: int,
    confidence: float,
    rng: np.random.Generator,
) -> dict:
    """Ratio estimator of the extra budget per extra job (see ``compare``).

    ``mean(budget_s - budget_b) / mean(jobs_s - jobs_b)`` over pairs, with a paired
    bootstrap interval of the ratio (from ``MIN_BOOTSTRAP_PAIRS`` pairs on); NaN with a
    note unless the t interval of the mean job difference lies above 0.

    Args:
        pairs: One row per pair with ``budget_spent_s``, ``budget_spent_b``,
            ``employment_total_s`` and ``employment_total_b``.
        n_resamples: Bootstrap resamples.
        confidence: Confidence level.
        rng: Generator of the ratio's bootstrap.

    Returns:
        The statistic columns of the comparison table.
    """
    budget = pairs["budget_spent_s"].to_numpy(float) - pairs["budget_spent_b"].to_numpy(float)
    jobs = pairs["employment_total_s"].to_numpy(float)
    jobs = jobs - pairs["employment_total_b"].to_numpy(float)
    ok = np.isfinite(budget) & np.isfinite(jobs)
    budget, jobs = budget[ok], jobs[ok]
    n = len(jobs)
    dropped = _dropped(ok)
    job_ci = mean_interval(jobs, confidence=confidence)
    if n < 2 or not math.isfinite(job_ci.low):
        note = "; ".join([*dropped, "not estimated: needs at least 2 pairs"])
        return EMPTY_CELL | {"n_pairs": n, "note": note}
    mean_jobs = float(jobs.mean())
    if mean_jobs <= 0 or job_ci.low <= 0:
        reason = (
            f"not estimated: mean job difference {mean_jobs:.4g}, "
            f"{confidence:.0%} CI [{job_ci.low:.4g}, {job_ci.high:.4g}] is not above 0"
        )
        return EMPTY_CELL | {"n_pairs": n, "note": "; ".join([*dropped, reason])}
    interval = ratio_interval(budget, jobs, n_resamples=n_resamples, confidence=confidence, rng=rng)
    mean_budget = float(budget.mean())
    ratio_note = (
        f"ratio estimator: mean extra budget {mean_budget:.4g} / "
        f"mean extra jobs {mean_jobs:.4g} (budget units per job)"
    )
    return EMPTY_CELL | {
        "n_pairs": n,
        "mean_diff": mean_budget / mean_jobs,
        "ci_low": interval.low,
        "ci_high": interval.high,
        "ci_half_width": interval.half_width,
        "ci_method": interval.method,
        "note": "; ".join([*dropped, ratio_note, *interval_notes(n, interval.method)]),
    }


def interval_notes(n: int, method: str) -> list[str]:
    """Remarks on an interval computed from ``n`` values with ``method``."""
    if n == 0:
        return ["no complete pairs"]
    if n == 1:
        return ["one pair: no interval"]
    if method == "percentile":
        return ["percentile interval (BCa degenerate)"]
    if method == "" and n < MIN_BOOTSTRAP_PAIRS:
        return [f"{n} pairs: a bootstrap interval needs {MIN_BOOTSTRAP_PAIRS}"]
    return []


def _dropped(ok: np.ndarray) -> list[str]:
    n = int((~ok).sum())
    return [f"{n} pairs dropped (NaN)"] if n else []
