"""Readable tables of a comparison, and the comparison.csv / comparison.md files."""

from __future__ import annotations

import math
import os
import uuid
from pathlib import Path

import pandas as pd

from sim.experiments.compare import COST_PER_JOB, ComparisonResult
from sim.experiments.markup import fmt_number, fmt_p, markdown_table
from sim.experiments.sweep import OVERRIDE_PREFIX
from sim.experiments.verdict import verdict

MORE_SEEDS_MARK = "*"


def explanation(result: ComparisonResult) -> str:
    """Sentences explaining how to read the comparison table."""
    level = f"{result.confidence:.0%}"
    return (
        f"Each row compares a scenario with the baseline `{result.baseline}` run on the "
        "same seeds: `mean diff` is the mean over seeds of the paired difference scenario "
        "minus baseline, so randomness shared by both runs of a seed cancels out "
        "(`pairing gain`: how many times pairing divided the variance of a difference; "
        f"about 1 means the runs share nothing). `CI` is a {level} Student t confidence "
        "interval of that mean (the cost per job's: a paired bootstrap, from 10 pairs) and "
        "`p` the "
        "two-sided Wilcoxon signed-rank test of the differences (exact up to 50 non-zero "
        "differences, ties included). When the interval includes 0 (its half-width "
        f"marked {MORE_SEEDS_MARK}), the sign of the effect is not settled: more seeds are "
        "needed. Ranks count from 1 = best, so a negative rank "
        f"difference is an improvement. `{COST_PER_JOB}` is the mean extra budget "
        "(million EUR) divided by the mean extra jobs, given only when the job gain's "
        "interval lies above 0. `MDE` is the minimal detectable effect at these seeds: "
        "the true mean difference a two-sided 5 % paired t test finds with 80 % power; "
        "`seeds needed` (with `--target-half-width`) the seeds whose interval would have "
        "the wanted half-width."
    )


def format_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table as rounded text cells, one row per table row.

    Args:
        table: Output of :func:`sim.experiments.compare.compare`.

    Returns:
        Text columns: scenario, the override columns (prefix removed), indicator, n,
        mean diff, CI, half-width (marked when the interval includes 0),
        p, baseline and scenario means, note.
    """
    groups = [c for c in table.columns if str(c).startswith(OVERRIDE_PREFIX)]
    rows = []
    for row in table.to_dict("records"):
        half, mean = float(row["ci_half_width"]), float(row["mean_diff"])
        low, high = float(row["ci_low"]), float(row["ci_high"])
        # a bootstrap interval need not be symmetric: the mark follows the interval itself
        mark = MORE_SEEDS_MARK if math.isfinite(half) and low <= 0 <= high else ""
        ci = "n/a"
        if math.isfinite(float(row["ci_low"])):
            ci = f"[{fmt_number(row['ci_low'])}, {fmt_number(row['ci_high'])}]"
        cells = {"scenario": row["scenario"]}
        cells |= {c[len(OVERRIDE_PREFIX) :]: row[c] or "(unset)" for c in groups}
        cells |= {
            "indicator": row["indicator"],
            "n": str(row["n_pairs"]),
            "mean diff": fmt_number(mean),
            "CI": ci,
            "half-width": fmt_number(half) + mark,
            "p": fmt_p(row["p_wilcoxon"]),
            "MDE": fmt_number(row.get("mde", math.nan)),
            "pairing gain": fmt_number(row.get("pairing_gain", math.nan)),
            "baseline mean": fmt_number(row["baseline_mean"]),
            "scenario mean": fmt_number(row["scenario_mean"]),
            "note": row["note"] or "",
        }
        if math.isfinite(float(row.get("seeds_needed", math.nan))):
            cells["seeds needed"] = fmt_number(row["seeds_needed"])
        rows.append(cells)
    return pd.DataFrame(rows)


def format_unpaired(unpaired: pd.DataFrame) -> pd.DataFrame:
    """The unpaired runs as text cells (override prefix removed from column names)."""
    renamed = {
        c: c[len(OVERRIDE_PREFIX) :] for c in unpaired.columns if c.startswith(OVERRIDE_PREFIX)
    }
    return unpaired.rename(columns=renamed).fillna("").astype(str)


def comparison_markdown(result: ComparisonResult) -> str:
    """The text of comparison.md: explanation, table, notes and unpaired runs."""
    parts = [
        f"# Scenario comparison with baseline `{result.baseline}`",
        "## Verdict",
        verdict(result),
        "## Table",
        explanation(result),
        markdown_table(format_comparison(result.table)),
    ]
    if result.notes:
        parts.append("## Notes\n\n" + "\n".join(f"- {n}" for n in result.notes))
    if len(result.unpaired):
        parts.append("## Unpaired runs\n\n" + markdown_table(format_unpaired(result.unpaired)))
    return "\n\n".join(parts) + "\n"


def write_comparison(result: ComparisonResult, out_dir: Path) -> tuple[Path, Path]:
    """Write comparison.csv (full precision) and comparison.md, each atomically.

    Args:
        result: The comparison.
        out_dir: Directory to write to (created if needed).

    Returns:
        Paths of the CSV and Markdown files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "comparison.csv"
    md_path = out_dir / "comparison.md"
    write_text_atomic(csv_path, result.table.to_csv(index=False))
    write_text_atomic(md_path, comparison_markdown(result))
    return csv_path, md_path


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
