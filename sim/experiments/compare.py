"""Compare policy scenarios with a baseline on the same seeds (paired differences).

Runs of a scenario and of the baseline that share a seed share their random numbers
(common random numbers), so the paired difference ``scenario - baseline`` isolates the
policy effect from seed-to-seed noise. Runs are paired by ``seed`` and by every override
the baseline runs set (a sweep over budget levels pairs within each level); overrides that
vary across the sweep are reported as columns of the result.

For each indicator the table also gives the minimal detectable effect at the seeds
used and, with a target half-width, the seeds needed (sim.experiments.power).

Command line: ``s3sim-compare SWEEP_DIR [--baseline no_policy] [--out DIR]
[--target-half-width X | X%]`` (sim.experiments.commands).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from sim.experiments.comparison_cells import cost_per_job_cell, paired_cell
from sim.experiments.paired_stats import rng_for
from sim.experiments.pairing import (
    UNPAIRED_COLUMNS,
    UNSET,
    counterfactual_spearheads,
    dedupe,
    prepare_runs,
    unpaired_records,
)
from sim.experiments.power import TargetHalfWidth, parse_target_half_width, seeds_needed
from sim.experiments.sweep import OVERRIDE_PREFIX, override_columns

COST_PER_JOB = "cost_per_job"
DEFAULT_INDICATORS: tuple[str, ...] = (
    "employment_total",
    "employment_other_regions",
    "employment_rest_of_world",
    "employment_all_regions",
    "employment_emerging",
    "employment_spearhead",
    "rca_spearhead_last_period",
    "specialisations_gained",
    "rank_productivity",
    "rank_employment_growth",
    COST_PER_JOB,
)
"""Indicators compared by default; all but cost_per_job are summary.json indicators."""
STAT_COLUMNS = [
    "indicator",
    "n_pairs",
    "mean_diff",
    "ci_low",
    "ci_high",
    "ci_half_width",
    "p_wilcoxon",
    "baseline_mean",
    "scenario_mean",
    "sd_diff",
    "mde",
    "pairing_gain",
    "seeds_needed",
    "n_unpaired",
    "ci_method",
    "note",
]


@dataclass
class ComparisonResult:
    """Outcome of :func:`compare_runs`.

    Attributes:
        table: One row per scenario, override group and indicator (see :func:`compare`).
        unpaired: Runs left out of the pairing: ``scenario``, ``seed``, ``run_dir``,
            ``problem`` and the group's override columns.
        notes: Remarks on skipped indicators and the like.
        baseline: The baseline scenario.
        group_columns: Override columns the table is grouped by.
        confidence: Confidence level of the intervals.
        target: The wanted half-width of ``seeds_needed``, if one was given.
    """

    table: pd.DataFrame
    unpaired: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    baseline: str = "no_policy"
    group_columns: list[str] = field(default_factory=list)
    confidence: float = 0.95
    target: TargetHalfWidth | None = None


def compare(
    runs: pd.DataFrame,
    baseline: str = "no_policy",
    indicators: list[str] | None = None,
    n_resamples: int = 9999,
    confidence: float = 0.95,
    seed: int = 0,
    target_half_width: TargetHalfWidth | str | None = None,
) -> pd.DataFrame:
    """Paired comparison of every scenario with ``baseline``, indicator by indicator.

    For each non-baseline scenario, each group of varying overrides and each indicator,
    the runs are paired with baseline runs of the same seed (and the same value of every
    override the baseline sets) and the differences ``d = scenario - baseline`` are
    summarised: ``mean_diff`` is their mean; ``ci_low``/``ci_high`` Student's t
    confidence interval of the mean (``ci_method`` ``t``; a bootstrap interval of a mean
    is too narrow with few pairs, sim.experiments.paired_stats); ``p_wilcoxon`` the
    two-sided Wilcoxon signed-rank p-value
    (NaN with fewer than two non-zero differences). A pair with NaN for an indicator is
    dropped for that indicator only.

    ``cost_per_job`` is a ratio estimator: the mean over pairs of the extra budget
    (``budget_spent`` minus the baseline's, i.e. the budget spent when the baseline spends
    nothing) divided by the mean over pairs of the extra jobs (``employment_total`` minus
    the baseline's). Its interval is a paired bootstrap of that ratio (BCa, percentile
    where BCa is degenerate), from 10 pairs on. Dividing means
    rather than averaging per-seed ratios avoids exploding ratios for seeds with few
    extra jobs. The ratio is only meaningful when jobs are created: it is NaN (with a
    note) when the t interval of the mean job difference includes 0 or the mean is
    <= 0. Its ``p_wilcoxon``, ``baseline_mean`` and ``scenario_mean`` are NaN.

    Args:
        runs: The runs.parquet table (``scenario``, ``seed``, ``run_dir``, ``override.*``
            and indicator columns).
        baseline: Name of the baseline scenario.
        indicators: Indicators to compare; default :data:`DEFAULT_INDICATORS`. Names
            missing from ``runs`` are skipped with a note.
        n_resamples: Bootstrap resamples per interval of ``cost_per_job``.
        confidence: Confidence level of the intervals.
        seed: Seed of the bootstrap of ``cost_per_job``; each cell draws from its own
            stream derived from it.
        target_half_width: Wanted half-width of the intervals, in indicator units or
            (``"X%"``) relative to the baseline mean; fills ``seeds_needed``.

    Returns:
        Columns ``scenario``, ``baseline``, the varying ``override.*`` columns,
        ``indicator``, ``n_pairs``, ``mean_diff``, ``ci_low``, ``ci_high``,
        ``ci_half_width``, ``p_wilcoxon``, ``baseline_mean``, ``scenario_mean``,
        ``sd_diff`` (sd of the differences over seeds), ``mde`` (minimal detectable
        effect, 80 % power, two-sided 5 %), ``pairing_gain`` (variance of an unpaired
        difference over that of the paired one), ``seeds_needed`` (for the target
        half-width, NaN without one), ``n_unpaired`` (scenario runs without a baseline
        partner), ``ci_method`` and ``note``. ``attrs`` holds ``notes`` and
        ``unpaired`` (a list of records).

    Raises:
        ValueError: If ``runs`` lacks ``scenario`` or ``seed`` or has no baseline run.
    """
    result = compare_runs(
        runs, baseline, indicators, n_resamples, confidence, seed, target_half_width
    )
    table = result.table
    table.attrs = {
        "baseline": baseline,
        "notes": list(result.notes),
        "unpaired": result.unpaired.to_dict("records"),
    }
    return table


def compare_runs(
    runs: pd.DataFrame,
    baseline: str = "no_policy",
    indicators: Sequence[str] | None = None,
    n_resamples: int = 9999,
    confidence: float = 0.95,
    seed: int = 0,
    target_half_width: TargetHalfWidth | str | None = None,
) -> ComparisonResult:
    """Like :func:`compare`, returning the table with the unpaired runs and the notes."""
    target = target_half_width
    if isinstance(target, str):
        target = parse_target_half_width(target)
    runs = prepare_runs(runs, baseline)
    scenarios = list(pd.unique(runs["scenario"]))
    notes: list[str] = []
    wanted = _available_indicators(runs, indicators, notes)
    values = sorted({c for name in wanted for c in _inputs(name)})
    groups = [
        c for c in override_columns(runs.columns) if runs[c].nunique() > 1 and not _neutral(c)
    ]
    base_all = runs[runs["scenario"] == baseline]
    # A policy lever the baseline never sets (e.g. a budget level) does not split the
    # baseline: its runs pair with every level of that lever. Any other override splits
    # it, set or not: a scenario run of another calendar or economy has no baseline run.
    paired_on = [c for c in groups if (base_all[c] != UNSET).any() or not _lever(c)]
    key = ["seed", *paired_on]
    unpaired: list[dict] = []
    base = dedupe(base_all, ["seed", *groups], unpaired)
    rows: list[dict] = []
    for scenario in (s for s in scenarios if s != baseline):
        runs_s = dedupe(runs[runs["scenario"] == scenario], ["seed", *groups], unpaired)
        parts = runs_s.groupby(groups, sort=True) if groups else [((), runs_s)]
        for group_values, part in parts:
            labels = dict(zip(groups, group_values, strict=True))
            base_g = base
            for column in paired_on:
                base_g = base_g[base_g[column] == labels[column]]
            merged = part[["run_dir", *key, *values]].merge(
                base_g[["run_dir", *key, *values]],
                on=key,
                how="outer",
                suffixes=("_s", "_b"),
                indicator=True,
            )
            lonely = merged[merged["_merge"] == "left_only"]
            extra = merged[merged["_merge"] == "right_only"]
            problem = f"no {baseline} run with this seed" + "".join(
                f" and {c[len(OVERRIDE_PREFIX) :]}={labels[c] or '(unset)'}" for c in paired_on
            )
            unpaired += unpaired_records(lonely, scenario, "run_dir_s", problem, labels)
            problem = f"{baseline} run without a {scenario} run of this seed"
            unpaired += unpaired_records(extra, baseline, "run_dir_b", problem, labels)
            pairs = counterfactual_spearheads(merged[merged["_merge"] == "both"], part, base_g)
            for name in wanted:
                cell = (scenario, *group_values, name)
                if name == COST_PER_JOB:
                    stats = cost_per_job_cell(
                        pairs,
                        n_resamples=n_resamples,
                        confidence=confidence,
                        rng=rng_for(seed, *cell),
                    )
                else:
                    stats = paired_cell(pairs, name, confidence=confidence)
                row = {"scenario": scenario, "baseline": baseline, **labels, "indicator": name}
                rows.append(row | stats | {"n_unpaired": len(lonely)})
    table = pd.DataFrame(rows, columns=["scenario", "baseline", *groups, *STAT_COLUMNS])
    table = table.astype({"n_pairs": "int64", "n_unpaired": "int64"})
    if target is not None:
        table["seeds_needed"] = [
            seeds_needed(sd, target.in_units(mean), confidence)
            for sd, mean in zip(table["sd_diff"], table["baseline_mean"], strict=True)
        ]
    unpaired_frame = pd.DataFrame(unpaired, columns=[*UNPAIRED_COLUMNS, *groups])
    if len(unpaired_frame):
        notes.append(f"runs not paired: {len(unpaired_frame)} (see the list of unpaired runs)")
    return ComparisonResult(table, unpaired_frame, notes, baseline, groups, confidence, target)


#: Columns of runs.parquet that name a run rather than measure it.
IDENTITY = ("run_dir", "scenario", "seed", "focal_region", "synthetic", "spearhead_sectors")
#: Overrides that change no run's outcome: runs differing only in them are alike.
NEUTRAL = ("output.", "limits.")
#: Overrides a comparison varies on purpose (the policy's levers and scope).
LEVERS = ("budget_scale", "policy_scope", "policy_others")


def _neutral(column: str) -> bool:
    return column[len(OVERRIDE_PREFIX) :].startswith(NEUTRAL)


def _lever(column: str) -> bool:
    key = column[len(OVERRIDE_PREFIX) :]
    return key in LEVERS or key.startswith("scenario.")


def _inputs(name: str) -> tuple[str, ...]:
    return ("budget_spent", "employment_total") if name == COST_PER_JOB else (name,)


def _available_indicators(
    runs: pd.DataFrame, indicators: Sequence[str] | None, notes: list[str]
) -> list[str]:
    wanted: list[str] = []
    for name in dict.fromkeys(indicators if indicators is not None else DEFAULT_INDICATORS):
        if name in IDENTITY or name.startswith(OVERRIDE_PREFIX):
            notes.append(f"{name} skipped: it names the runs, it is no indicator")
            continue
        absent = [c for c in _inputs(name) if c not in runs.columns]
        if absent:
            notes.append(f"indicator {name} skipped: runs lack {', '.join(absent)}")
        else:
            wanted.append(name)
    return wanted
