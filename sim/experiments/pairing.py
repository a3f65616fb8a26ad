"""Pairing runs: which scenario run meets which baseline run, and what stays unpaired.

A scenario run pairs with the baseline run of the same seed and the same value of
every override the baseline sets (sim.experiments.compare); duplicates and runs
without a partner are listed with the reason. In a pair, the baseline's spearhead
indicators are measured in the scenario's spearheads (:func:`counterfactual_spearheads`).
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pandas as pd

from sim.experiments.sweep import SPEARHEADS, natural_key, override_columns

UNPAIRED_COLUMNS = ["scenario", "seed", "run_dir", "problem"]
#: An override a run does not set.
UNSET = ""


def prepare_runs(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """The runs with typed keys, unset overrides as ``UNSET``, in the sweep's job order.

    Raises:
        ValueError: If ``runs`` lacks ``scenario`` or ``seed`` or has no baseline run.
    """
    missing = [c for c in ("scenario", "seed") if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks columns {missing}")
    runs = runs.copy()
    if "run_dir" not in runs.columns:
        runs["run_dir"] = [f"row-{i}" for i in range(len(runs))]
    runs["run_dir"] = runs["run_dir"].astype(str)
    runs["scenario"] = runs["scenario"].astype(str)
    runs["seed"] = runs["seed"].astype("int64")
    for column in override_columns(runs.columns):
        runs[column] = runs[column].astype("string").fillna(UNSET).astype(str)
    scenarios = list(pd.unique(runs["scenario"]))
    if baseline not in scenarios:
        raise ValueError(f"baseline scenario {baseline!r} not in runs (scenarios: {scenarios})")
    order = runs["run_dir"].map(lambda p: natural_key(PurePosixPath(p)))
    return runs.iloc[sorted(range(len(runs)), key=lambda i: order.iloc[i])]


def dedupe(frame: pd.DataFrame, key: list[str], unpaired: list[dict]) -> pd.DataFrame:
    """Keep the first run of each pairing key; report the others as duplicates."""
    dup = frame.duplicated(key, keep="first")
    if dup.any():
        extra = frame.loc[dup, ["scenario", "run_dir", *key]].merge(
            frame.loc[~dup, ["run_dir", *key]], on=key, suffixes=("", "_kept")
        )
        for row in extra.itertuples(index=False):
            problem = f"duplicate of {row.run_dir_kept}; not used"
            unpaired.append(
                {"scenario": row.scenario, "seed": int(row.seed), "run_dir": row.run_dir}
                | {"problem": problem}
            )
    return frame[~dup]


def unpaired_records(
    frame: pd.DataFrame, scenario: str, run_col: str, problem: str, labels: dict
) -> list[dict]:
    """One row of the unpaired-runs table for each run of ``frame`` (its ``run_col``)."""
    return [
        {"scenario": scenario, "seed": int(s), "run_dir": r, "problem": problem, **labels}
        for s, r in zip(frame["seed"], frame[run_col], strict=True)
    ]


def counterfactual_spearheads(
    pairs: pd.DataFrame, scenario_runs: pd.DataFrame, baseline_runs: pd.DataFrame
) -> pd.DataFrame:
    """Measure the baseline's spearhead indicators in the scenario's spearhead sectors.

    A baseline without spearheads has none of its own, so comparing its
    ``employment_spearhead`` (zero) with the scenario's would count all the
    jobs of those value chains as the policy's doing. The honest counterfactual
    is the baseline run's employment (and last-period rca) of the focal region
    in the very value chains the scenario picked, on the same seed.
    """
    if SPEARHEADS not in scenario_runs or not len(pairs):
        return pairs
    picked = scenario_runs.set_index("run_dir")[SPEARHEADS]
    base = baseline_runs.set_index("run_dir")
    pairs = pairs.copy()
    for i, row in pairs.iterrows():
        sectors = [s for s in str(picked.get(row["run_dir_s"], "")).split(";") if s]
        if not sectors:
            continue
        b = base.loc[row["run_dir_b"]]
        jobs = [f"focal_employment.{s}" for s in sectors]
        rcas = [f"focal_rca_last_period.{s}" for s in sectors]
        if "employment_spearhead_b" in pairs and all(c in b.index for c in jobs):
            pairs.at[i, "employment_spearhead_b"] = float(b[jobs].sum())
        if "rca_spearhead_last_period_b" in pairs and all(c in b.index for c in rcas):
            pairs.at[i, "rca_spearhead_last_period_b"] = float(b[rcas].astype(float).mean())
    return pairs
