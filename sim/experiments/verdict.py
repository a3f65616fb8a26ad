"""The opening paragraph of a comparison: what is settled, how large, what the rest would take."""

from __future__ import annotations

import math

import pandas as pd

from sim.experiments.compare import ComparisonResult
from sim.experiments.markup import fmt_number
from sim.experiments.power import seeds_to_detect
from sim.experiments.sweep import OVERRIDE_PREFIX

HEADLINE = "employment_total"
#: Displacement indicators reported beside the focal region's jobs.
DISPLACEMENT = ("employment_other_regions", "employment_rest_of_world", "employment_all_regions")
#: Pairing must divide the variance of a difference at least this many times before the
#: report says the runs of a seed share their random numbers. Runs that share only the
#: world's demand shocks (firm draws indexed by array position) reached 2-10 on the
#: default economy's focal employment; with firm-keyed draws it is in the hundreds.
CRN_HOLDS = 20.0


def settled(row: dict) -> bool:
    """Whether the interval of the mean difference excludes zero."""
    low, high = float(row["ci_low"]), float(row["ci_high"])
    return math.isfinite(low) and (low > 0 or high < 0)


def _label(row: dict, groups: list[str]) -> str:
    extra = [f"{c[len(OVERRIDE_PREFIX) :]}={row[c]}" for c in groups if row.get(c)]
    return f"`{row['scenario']}`" + (f" ({', '.join(extra)})" if extra else "")


def _effect(row: dict) -> str:
    mean = float(row["mean_diff"])
    sign = "+" if mean > 0 else ""
    ci = f"[{fmt_number(row['ci_low'])}, {fmt_number(row['ci_high'])}]"
    n = int(row["n_pairs"])
    return f"{sign}{fmt_number(mean)} {ci} ({n} {'pair' if n == 1 else 'pairs'})"


def _seeds(n: float) -> str:
    if math.isnan(n):
        return "more seeds than can be estimated from fewer than two differing pairs"
    if not math.isfinite(n):
        return "more than a million seeds"
    return f"about {int(n):,} seeds"


def _undecided(row: dict, groups: list[str]) -> str:
    """What a difference that is not distinguishable from zero would need."""
    head = f"{_label(row, groups)} {_effect(row)}"
    sd, mean = float(row["sd_diff"]), float(row["mean_diff"])
    if int(row["n_pairs"]) < 2 or not math.isfinite(sd):
        return f"{head}: too few pairs for an interval"
    if sd == 0:
        return f"{head}: every pair gave the same difference"
    need = seeds_to_detect(sd, mean)
    return (
        f"{head}: the smallest effect these seeds detect (80 % power) is "
        f"{fmt_number(row['mde'])}; an effect as large as the one measured would take "
        f"{_seeds(need)}"
    )


def headline_sentences(table: pd.DataFrame, groups: list[str], level: str) -> list[str]:
    """Which scenarios' focal employment differs from the baseline's, and what the rest needs."""
    rows = table[table["indicator"] == HEADLINE].to_dict("records")
    if not rows:
        return []
    yes = [f"{_label(r, groups)} {_effect(r)}" for r in rows if settled(r)]
    no = [r for r in rows if not settled(r)]
    out = []
    if yes:
        out.append(
            f"The focal region's jobs in the last year (`{HEADLINE}`) differ from the "
            f"baseline's, {level} interval excluding zero, for " + "; ".join(yes) + "."
        )
    if no:
        parts = [_undecided(r, groups) for r in no]
        out.append(f"Not distinguishable from zero for `{HEADLINE}`: " + "; ".join(parts) + ".")
    return out


def displacement_sentence(table: pd.DataFrame, groups: list[str]) -> str:
    """The other regions' and the world's job differences, beside the focal region's."""
    rows = table[table["indicator"].isin(DISPLACEMENT)].to_dict("records")
    found = [r for r in rows if settled(r)]
    if not rows:
        return ""
    if not found:
        return (
            "No scenario's difference in the other regions, the rest of the world or all "
            "regions together is distinguishable from zero."
        )
    parts = [f"{_label(r, groups)} `{r['indicator']}` {_effect(r)}" for r in found]
    return "Displacement (interval excluding zero): " + "; ".join(parts) + "."


def crn_sentence(table: pd.DataFrame) -> str:
    """Claim common random numbers only when pairing removed most of the seed noise."""
    gains = pd.to_numeric(table.loc[table["indicator"] == HEADLINE, "pairing_gain"])
    gains = gains[gains.notna()]
    if gains.empty:
        return ""
    gain = float(gains.median())
    if math.isinf(gain):
        return (
            "Pairing removed all the seed noise of the focal employment difference: the two "
            "runs of each seed differ by the same amount (median over scenarios)."
        )
    if gain >= CRN_HOLDS:
        return (
            "Common random numbers hold: the two runs of a seed share their random numbers "
            "down to the firm, and pairing divided the variance of the focal employment "
            f"difference by {fmt_number(gain)} (median over scenarios) compared with "
            "independent runs."
        )
    return (
        f"Pairing divided the variance of the focal employment difference by only "
        f"{fmt_number(gain)} (median over scenarios): the runs of a seed share little of "
        "their randomness, so the paired differences are nearly as noisy as unpaired ones."
    )


def verdict(result: ComparisonResult) -> str:
    """One paragraph: what is distinguishable from zero, how large, what the rest would take."""
    table = result.table
    if table.empty:
        return "Nothing to compare."
    level = f"{result.confidence:.0%}"
    low, high = int(table["n_pairs"].min()), int(table["n_pairs"].max())
    n = f"{low}" if low == high else f"{low} to {high} (by scenario and indicator)"
    rows = table.to_dict("records")
    n_settled = sum(settled(r) for r in rows)
    sentences = [
        f"With {n} seeds paired with `{result.baseline}` and {level} intervals, "
        f"{n_settled} of {len(rows)} scenario-indicator differences are distinguishable from "
        "zero."
    ]
    sentences += headline_sentences(table, result.group_columns, level)
    sentences.append(displacement_sentence(table, result.group_columns))
    if result.target is not None and "seeds_needed" in table:
        need = pd.to_numeric(table["seeds_needed"])
        worst = table.loc[need.idxmax()] if need.notna().any() else None
        if worst is not None:
            sentences.append(
                f"A half-width of {result.target} for every indicator needs up to "
                f"{_seeds(float(worst['seeds_needed']))} (`{worst['indicator']}`, "
                f"`{worst['scenario']}`); see `seeds needed`."
            )
    sentences.append(crn_sentence(table))
    return " ".join(s for s in sentences if s)


def picking_sentence(runs: pd.DataFrame) -> str:
    """How often the spearheads included a value chain that turned out below the median.

    Read from each run's ``picked_below_emerging_median`` and ``picking_quality``
    (summary.json): the governments pick from noisy signals, so a good rule still
    picks losers in some seeds. Empty when no scenario picked spearheads.
    """
    needed = {"scenario", "seed", "picked_below_emerging_median", "picking_quality"}
    if not needed <= set(runs.columns):
        return ""
    parts = []
    for scenario, rows in runs.groupby("scenario", sort=False):
        quality = pd.to_numeric(rows["picking_quality"], errors="coerce")
        picked = rows[quality.notna()]
        if picked.empty:
            continue
        below = pd.to_numeric(picked["picked_below_emerging_median"], errors="coerce") > 0
        parts.append(
            f"`{scenario}` in {int(below.sum())} of {len(picked)} seeds "
            f"(picking quality {quality.mean():.2f})"
        )
    if not parts:
        return ""
    return (
        "Picking under uncertainty: the spearheads included a value chain whose realised "
        "growth was below the median of the emerging value chains for "
        + "; ".join(parts)
        + ". Picking quality is the mean share of the other emerging value chains the "
        "spearheads outgrew (1: the best picks, 0.5: no better than chance)."
    )
