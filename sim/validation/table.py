"""The validation table: stylised facts of one or several runs against their targets.

Pooling rules (several run directories are runs of the same economy with
different seeds; firm and region-sector keys are kept apart per run):

* ``firm_size_tail_hill``, ``entry_rate``, ``exit_rate``: computed per run and
  year, then the unweighted mean over all run-years.
* ``growth_subbotin_shape``, ``growth_volatility_size_slope``: growth rates
  (demeaned per run-year) pooled over all runs and years into one sample.
* ``entrant_survival_1y``: survivors over entrants, summed over all runs and
  cohorts (an entrant-weighted share).
* ``rca_galton_*`` and ``relatedness_gain_ratio``: observation pairs pooled
  over all runs and start years; quintiles are taken over the pooled sample.

``pooled_runs`` is the number of runs that contributed at least one
observation to a row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.validation import stylised_facts as facts
from sim.validation.rundir import RunData, load_runs
from sim.validation.targets import COLUMNS, TARGETS
from sim.validation.writer import write_report

__all__ = [
    "GALTON_LAG",
    "GAIN_HORIZON",
    "TAIL_FRACTION",
    "facts_table",
    "validate_runs",
    "write_report",
]

TAIL_FRACTION = 0.05
MIN_TAIL = 10
GALTON_LAG = 8
GAIN_HORIZON = 5
N_SIZE_BINS = 12
MIN_PER_BIN = 50


def _row(name: str, value: float, note: str, runs: int, passed: bool | None = None) -> dict:
    target = TARGETS.get(name)
    value = float(value)
    if passed is None:
        passed = True if target is None else target.contains(value)
    return {
        "name": name,
        "value": value,
        "low": None if target is None else target.low,
        "high": None if target is None else target.high,
        "passed": bool(passed),
        "note": note if np.isfinite(value) or target is None else f"not computable: {note}",
        "pooled_runs": int(runs),
    }


def _span(years: pd.Series) -> str:
    """``"1998-2030"``, a single year, or ``"none"``."""
    if years.empty:
        return "none"
    lo, hi = int(years.min()), int(years.max())
    return f"{lo}" if lo == hi else f"{lo}-{hi}"


def _per_run(
    runs: list[RunData], func: Callable[[pd.DataFrame], pd.DataFrame], attr: str
) -> pd.DataFrame:
    """Apply ``func`` to each run's frame and stack the results with a ``run`` column."""
    parts = [func(getattr(run, attr)).assign(run=i) for i, run in enumerate(runs)]
    return pd.concat(parts, ignore_index=True)


def _runs_in(frame: pd.DataFrame) -> int:
    return int(frame["run"].nunique()) if len(frame) else 0


def _hill_row(runs: list[RunData]) -> dict:
    per = _per_run(runs, lambda f: facts.hill_by_year(f, TAIL_FRACTION, MIN_TAIL), "firms").dropna()
    note = (
        f"mean of per-year Hill estimates over {len(per)} run-years (years {_span(per['year'])}), "
        f"tail = top {TAIL_FRACTION:.0%} of firms by employment"
    )
    if len(per):
        note += f", k = {per['k'].min()}-{per['k'].max()}, sd across run-years "
        note += f"{per['alpha'].std(ddof=1) if len(per) > 1 else 0.0:.3f}"
    else:
        note += f"; no year has {MIN_TAIL} or more tail firms"
    return _row("firm_size_tail_hill", per["alpha"].mean(), note, _runs_in(per))


def _growth_rows(runs: list[RunData]) -> list[dict]:
    g = _per_run(runs, facts.growth_rates, "firms")
    n_runs = _runs_in(g)
    where = f"pooled over {n_runs} run(s), years {_span(g['year'])}"
    beta, n_used = facts.subbotin_shape(g["growth_dm"].to_numpy())
    sub = f"{n_used:,} (fixed-seed subsample) of {len(g):,}" if n_used < len(g) else f"{len(g):,}"
    beta_note = (
        f"gennorm fit to {sub} log growth rates of firms alive in t-1 and t, "
        f"demeaned per run-year, {where}"
    )
    slope, bins = facts.volatility_size_slope(
        g["size"].to_numpy(), g["growth_dm"].to_numpy(), N_SIZE_BINS, MIN_PER_BIN
    )
    slope_note = (
        f"minus the OLS slope of ln sd(g) on ln mean size over {bins} of {N_SIZE_BINS} log-spaced "
        f"size bins (>= {MIN_PER_BIN} firms each; size = employment at t-1), "
        f"{len(g):,} growth rates {where}"
    )
    return [
        _row("growth_subbotin_shape", beta, beta_note, n_runs),
        _row("growth_volatility_size_slope", slope, slope_note, n_runs),
    ]


def _demography_rows(runs: list[RunData]) -> list[dict]:
    ee = _per_run(runs, facts.entry_exit, "firms")
    n_runs = _runs_in(ee)
    rows = []
    for name, col, count in (
        ("entry_rate", "entry_rate", "entrants"),
        ("exit_rate", "exit_rate", "exits"),
    ):
        note = (
            f"mean over {len(ee)} run-years (years {_span(ee['year'])}, {n_runs} run(s)) of "
            f"{count}(t)/active(t-1); {int(ee[count].sum()):,} {count} in all"
        )
        if len(ee):
            note += f", yearly range {ee[col].min():.3f}-{ee[col].max():.3f}"
        rows.append(_row(name, ee[col].mean(), note, n_runs))
    cohorts = ee.dropna(subset=["survivors"])
    entrants, survivors = int(cohorts["entrants"].sum()), int(cohorts["survivors"].sum())
    share = survivors / entrants if entrants else float("nan")
    note = (
        f"{survivors:,} of {entrants:,} entrants alive one year later, cohorts "
        f"{_span(cohorts['year'])}, pooled over "
        f"{_runs_in(cohorts)} run(s)"
    )
    rows.append(_row("entrant_survival_1y", share, note, _runs_in(cohorts)))
    return rows


def _galton_rows(runs: list[RunData]) -> list[dict]:
    pairs = _per_run(runs, lambda s: facts.lagged_pairs(s, "rsca", GALTON_LAG), "spec")
    slope, r, n = facts.galton_regression(pairs["x"].to_numpy(), pairs["y"].to_numpy())
    n_runs = _runs_in(pairs)
    note = (
        f"OLS of rsca(t+{GALTON_LAG}) on rsca(t), {n:,} region-sector pairs, "
        f"t in {_span(pairs['year'])}, pooled over {n_runs} run(s)"
    )
    return [
        _row("rca_galton_slope", slope, note, n_runs),
        _row("rca_galton_correlation", r, note, n_runs),
    ]


def _gain_row(runs: list[RunData]) -> tuple[dict, dict[str, Any]]:
    sample = _per_run(runs, lambda s: facts.gain_sample(s, GAIN_HORIZON), "spec")
    cluster = sample.groupby(["run", "region", "sector"]).ngroup().to_numpy()
    table = facts.gain_by_quintile(sample["density"].to_numpy(), sample["gain"].to_numpy(), cluster)
    n_runs = _runs_in(sample)
    head = (
        f"P(rca >= 1 at t+{GAIN_HORIZON} | rca < 1 at t) by quintile of relatedness density "
        f"at t; {len(sample):,} region-sector-years, t in {_span(sample['year'])}, "
        f"pooled over {n_runs} run(s)"
    )
    if table.empty:
        return _row("relatedness_gain_ratio", np.nan, head, n_runs, False), {}
    rises, ratio, rho = facts.gain_profile_test(table["p"].to_numpy(), table["se"].to_numpy())
    probs = "; ".join(
        f"q{int(q.quintile)} {q.p:.3f} ({int(q.gains)}/{int(q.n)})" for q in table.itertuples()
    )
    note = (
        f"{head}: {probs}; Spearman {rho:.2f}, rising: {'yes' if rises else 'no'}; "
        "value = top/bottom quintile"
    )
    passed = rises and TARGETS["relatedness_gain_ratio"].contains(ratio)
    details = {
        "horizon": GAIN_HORIZON,
        "quintiles": table.to_dict(orient="records"),
        "spearman": rho,
        "rising": rises,
    }
    return _row("relatedness_gain_ratio", ratio, note, n_runs, passed), details


def _info_rows(runs: list[RunData]) -> list[dict]:
    firms = [int(run.firms["firm_id"].nunique()) for run in runs]
    years = pd.Series(sorted({int(y) for run in runs for y in run.firms["year"].unique()}))
    used = sum(1 for n in firms if n)
    return [
        _row("n_firms", sum(firms), f"distinct firms per run: {', '.join(map(str, firms))}", used),
        _row("n_years", len(years), f"firm panel years {_span(years)}", used),
        _row("n_runs", len(runs), "; ".join(run.label for run in runs), len(runs)),
    ]


def _warnings(runs: list[RunData]) -> list[str]:
    out = []
    seeds = [run.summary.get("seed") for run in runs if "seed" in run.summary]
    if len(seeds) != len(set(map(str, seeds))):
        out.append("several runs share a seed: pooled samples are not independent")
    scenarios = {str(run.summary["scenario"]) for run in runs if "scenario" in run.summary}
    if len(scenarios) > 1:
        out.append(f"runs of different scenarios pooled: {', '.join(sorted(scenarios))}")
    return out


def validate_runs(run_dirs: Sequence[Path | str]) -> pd.DataFrame:
    """Compute the stylised facts of one or several runs and check their targets.

    Args:
        run_dirs: Run directories of the same economy (different seeds).

    Returns:
        One row per statistic with the columns ``name, value, low, high,
        passed, note, pooled_runs`` (``low``/``high`` are None where a target is
        one-sided or absent). ``table.attrs`` holds ``runs`` (path, scenario,
        seed), ``details`` (per-quintile gain probabilities) and ``warnings``.

    Raises:
        sim.validation.rundir.InputError: A missing directory or file, or
            unreadable input.
    """
    return facts_table(load_runs(list(run_dirs)))


def facts_table(runs: list[RunData]) -> pd.DataFrame:
    """The table of :func:`validate_runs` from runs already in memory (e.g. a calibration's)."""
    gain, details = _gain_row(runs)
    rows = [
        _hill_row(runs),
        *_growth_rows(runs),
        *_demography_rows(runs),
        *_galton_rows(runs),
        gain,
        *_info_rows(runs),
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["low"] = table["low"].astype(object).where(table["low"].notna(), None)
    table["high"] = table["high"].astype(object).where(table["high"].notna(), None)
    table.attrs["runs"] = [
        {
            "path": str(run.path),
            "scenario": run.summary.get("scenario"),
            "seed": run.summary.get("seed"),
        }
        for run in runs
    ]
    table.attrs["details"] = {"relatedness_gain_ratio": details} if details else {}
    table.attrs["warnings"] = _warnings(runs)
    return table
