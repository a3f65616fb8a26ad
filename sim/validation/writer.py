"""Writing the validation table as ``validation.md`` and ``validation.json``."""

from __future__ import annotations

import json
import math
import os
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

from sim.validation.targets import TARGETS, target_text

MD_NAME = "validation.md"
JSON_NAME = "validation.json"

_RULES = """\
## Rules

- Hill tail exponent, entry rate and exit rate: computed per run and year, then
  the unweighted mean over all run-years. The Hill tail is the top 5 % of firms
  by employment; years with a tail of fewer than 10 firms are skipped.
- Subbotin shape and volatility-size slope: one sample of annual log growth
  rates (firms alive in t-1 and t), demeaned per run-year and pooled over runs
  and years; the Subbotin fit uses at most 200,000 rates (fixed-seed subsample).
- Entrant survival: survivors over entrants summed over all cohorts and runs.
- Galton regression and relatedness gains: pairs pooled over runs and start
  years; relatedness quintiles are rank-based over the pooled sample.
- Relatedness passes when the top/bottom quintile ratio is >= 2 (inf when the
  bottom probability is 0 and the top one positive) and the probabilities rise:
  Spearman correlation of probability with quintile index > 0, and at most one
  dip between neighbouring quintiles, no larger than the standard error of the
  difference sqrt(se_q^2 + se_q+1^2). Standard errors are clustered by
  region-sector (one region-sector enters with many overlapping start years).
- A statistic that cannot be computed (too little data) fails.
"""


def _finite(value: Any) -> Any:
    """JSON-safe number: NaN becomes null, infinities the strings "inf"/"-inf"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _finite(value.item())
    return value


def format_value(value: float, count: bool = False) -> str:
    """A value for display: three decimals, ``n/a`` for NaN, counts as integers."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if count and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3f}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _result(row: pd.Series) -> str:
    if row["name"] not in TARGETS:
        return "info"
    return "PASS" if row["passed"] else "**FAIL**"


def render_json(table: pd.DataFrame) -> str:
    """The report as a JSON document (strict JSON: no NaN or Infinity)."""
    details = table.attrs.get("details", {})
    rows = []
    for row in table.to_dict(orient="records"):
        item = {key: row[key] for key in table.columns}
        item["passed"] = bool(item["passed"])
        item["pooled_runs"] = int(item["pooled_runs"])
        item["target"] = target_text(row["name"])
        item["info_only"] = row["name"] not in TARGETS
        if row["name"] in details:
            item["details"] = details[row["name"]]
        rows.append(item)
    checked = [r for r in rows if not r["info_only"]]
    doc = {
        "all_passed": all(r["passed"] for r in checked),
        "failed": [r["name"] for r in checked if not r["passed"]],
        "runs": table.attrs.get("runs", []),
        "warnings": table.attrs.get("warnings", []),
        "statistics": rows,
    }
    return json.dumps(_finite(doc), indent=2, allow_nan=False) + "\n"


def render_markdown(table: pd.DataFrame) -> str:
    """The report as a Markdown document."""
    checked = table[table["name"].isin(list(TARGETS))]
    failed = checked.loc[~checked["passed"].astype(bool), "name"].tolist()
    runs = table.attrs.get("runs", [])
    lines = ["# Validation: stylised facts of the baseline", ""]
    lines.append(f"Runs pooled: {len(runs)}")
    lines += [""] + [
        f"- `{r['path']}`: scenario {r.get('scenario') or 'n/a'}, seed "
        f"{'n/a' if r.get('seed') is None else r['seed']}"
        for r in runs
    ]
    verdict = (
        f"all {len(checked)} statistics pass"
        if not failed
        else f"{len(failed)} of {len(checked)} statistics fail: {', '.join(failed)}"
    )
    lines += ["", f"Result: **{verdict}**.", ""]
    for warning in table.attrs.get("warnings", []):
        lines += [f"> Warning: {warning}", ""]
    lines += [
        "| statistic | value | target | result | runs | note |",
        "|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        value = format_value(row["value"], count=row["name"] not in TARGETS)
        lines.append(
            f"| `{row['name']}` | {value} | {_cell(target_text(row['name']))} | "
            f"{_result(row)} | {int(row['pooled_runs'])} | {_cell(row['note'])} |"
        )
    gain = table.attrs.get("details", {}).get("relatedness_gain_ratio")
    if gain:
        lines += ["", "## Gains of comparative advantage by relatedness quintile", ""]
        lines += ["| quintile | n | gains | probability | se |", "|---|---|---|---|---|"]
        for q in gain["quintiles"]:
            lines.append(
                f"| {int(q['quintile'])} | {int(q['n']):,} | {int(q['gains']):,} | "
                f"{q['p']:.4f} | {q['se']:.4f} |"
            )
    sources = [f"- `{name}`: {t.source}" for name, t in TARGETS.items() if t.source]
    lines += ["", "## Sources of the targets", "", *sources, "", _RULES]
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_report(table: pd.DataFrame, out_dir: Path | str) -> tuple[Path, Path]:
    """Write ``validation.md`` and ``validation.json`` atomically into ``out_dir``.

    Args:
        table: The table from :func:`sim.validation.table.validate_runs`.
        out_dir: Existing or new directory.

    Returns:
        Paths of the Markdown and the JSON file.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md_path, json_path = out / MD_NAME, out / JSON_NAME
    _write_atomic(json_path, render_json(table))
    _write_atomic(md_path, render_markdown(table))
    return md_path, json_path
