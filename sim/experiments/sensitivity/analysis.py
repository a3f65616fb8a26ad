"""Read a study's batches and compute its indices with SALib, with intervals and ranks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.sensitivity.batch import POINTS, STUDY, find_batches, read_points
from sim.experiments.sweep import SweepError

#: The index each method ranks parameters by, and the one shown beside it.
PRIMARY = {"morris": "mu_star", "sobol": "ST"}
SECONDARY = {"morris": "sigma", "sobol": "S1"}
RESOLVED_TOP = 3
"""A ranking is called resolved when the intervals separate at least its first 3 places."""


@dataclass
class StudyResults:
    """A study's sample points and outputs, gathered from its batch directories.

    Attributes:
        record: The study's settings (study.json, the same in every batch).
        x: Sample points, one row per point.
        y: Outputs, one row per point (NaN where a point is missing).
        seconds: Seconds each point took (NaN where missing).
        missing: Rows without a result.
        batches: Batch directories found.
    """

    record: dict[str, Any]
    x: np.ndarray
    y: pd.DataFrame
    seconds: np.ndarray
    missing: list[int] = field(default_factory=list)
    batches: int = 0


def load_study(sweep_dir: str | Path) -> StudyResults:
    """Gather every batch of the study in ``sweep_dir``.

    Raises:
        SweepError: If no batch is found or batches belong to different studies.
    """
    sweep_dir = Path(sweep_dir)
    batches = find_batches(sweep_dir)
    if not batches:
        raise SweepError(f"{sweep_dir}: no sensitivity study here (no {STUDY} below it)")
    records = [json.loads((b / STUDY).read_text(encoding="utf-8")) for b in batches]
    record = records[0]
    for b, other in zip(batches[1:], records[1:], strict=True):
        if other != record:
            raise SweepError(f"{b / STUDY}: another study than {batches[0] / STUDY}")
    points: dict[int, dict[str, Any]] = {}
    for b in batches:
        points |= read_points(b / POINTS)
    n, d = int(record["rows"]), len(record["names"])
    x = np.full((n, d), np.nan)
    seconds = np.full(n, np.nan)
    outputs: list[dict[str, float]] = [{} for _ in range(n)]
    for row, p in points.items():
        if 0 <= row < n:
            x[row] = p["x"]
            seconds[row] = p.get("seconds", np.nan)
            outputs[row] = {k: np.nan if v is None else v for k, v in p["outputs"].items()}
    y = pd.DataFrame(outputs, dtype=float)
    missing = [r for r in range(n) if not outputs[r]]
    return StudyResults(record, x, y, seconds, missing, len(batches))


def analyse(results: StudyResults) -> tuple[pd.DataFrame, list[str]]:
    """SALib indices of every output, with intervals, ranks and warnings.

    Morris: ``mu_star`` (mean absolute elementary effect, Campolongo et al. 2007) with its
    bootstrap interval, and ``sigma``. Sobol: first-order ``S1`` and total ``ST``
    (Saltelli et al. 2010 estimators) with bootstrap intervals. Parameters are ranked by
    ``mu_star`` or ``ST``; ``separated`` says whether a parameter's interval lies clear of
    the next-ranked one's; ``resolved_top`` counts the leading places so separated.

    Returns:
        The tidy table (``output, parameter, kind, index, value, conf, low, high, rank,
        separated, resolved_top``) and the warnings.
    """
    rec = results.record
    method = rec["method"]
    problem = {
        "num_vars": len(rec["names"]),
        "names": rec["names"],
        "bounds": [[p["low"], p["high"]] for p in rec["parameters"]],
    }
    kinds = {p["key"]: p.get("kind", "") for p in rec["parameters"]}
    warnings: list[str] = []
    if results.missing:
        warnings.append(
            f"{len(results.missing)} of {rec['rows']} sample points have no result yet: "
            "resume the study (the same command and hydra.sweep.dir) before reading indices"
        )
        return pd.DataFrame(), warnings
    rows: list[dict[str, Any]] = []
    for output in results.y.columns:
        y = results.y[output].to_numpy(dtype=float)
        if not np.isfinite(y).all():
            bad = int((~np.isfinite(y)).sum())
            warnings.append(f"{output}: not analysed, {bad} sample points gave no value (NaN)")
            continue
        if np.ptp(y) == 0:
            warnings.append(f"{output}: not analysed, the same value at every sample point")
            continue
        indices = _salib(method, problem, results.x, y, rec)
        rows += _tidy(output, problem["names"], indices, method, kinds)
    table = pd.DataFrame(rows)
    if table.empty:
        return table, warnings
    for output, part in table[table["index"] == PRIMARY[method]].groupby("output", sort=False):
        resolved = int(part["resolved_top"].iloc[0])
        wanted = min(RESOLVED_TOP, len(part) - 1)
        if resolved < wanted:
            warnings.append(
                f"{output}: intervals too wide to rank the parameters (the order of the first "
                f"{wanted} places is separated for {resolved}); add sample points"
            )
    return table, warnings


def _salib(method: str, problem: dict, x: np.ndarray, y: np.ndarray, rec: dict) -> dict:
    options = {
        "num_resamples": int(rec["resamples"]),
        "conf_level": float(rec["confidence"]),
        "seed": int(rec["sample_seed"]),
    }
    if method == "morris":
        from SALib.analyze import morris

        return morris.analyze(problem, x, y, num_levels=int(rec["levels"]), **options)
    from SALib.analyze import sobol

    return sobol.analyze(problem, y, calc_second_order=False, **options)


def _tidy(
    output: str, names: list[str], indices: dict, method: str, kinds: dict[str, str]
) -> list[dict]:
    primary, secondary = PRIMARY[method], SECONDARY[method]
    value = np.asarray(indices[primary], dtype=float)
    conf = np.asarray(indices[f"{primary}_conf"], dtype=float)
    order = np.argsort(-value, kind="stable")
    rank = np.empty(len(names), dtype=int)
    rank[order] = np.arange(1, len(names) + 1)
    low, high = value - conf, value + conf
    separated = np.zeros(len(names), dtype=bool)
    for a, b in zip(order[:-1], order[1:], strict=True):
        separated[a] = low[a] > high[b]
    resolved = 0
    for a in order[:-1]:
        if not separated[a]:
            break
        resolved += 1
    rows = []
    for index in (primary, secondary):
        v = np.asarray(indices[index], dtype=float)
        c = np.asarray(indices.get(f"{index}_conf", np.full(len(names), np.nan)), dtype=float)
        for j, name in enumerate(names):
            rows.append(
                {
                    "output": output,
                    "parameter": name,
                    "kind": kinds.get(name, ""),
                    "index": index,
                    "value": v[j],
                    "conf": c[j],
                    "low": v[j] - c[j],
                    "high": v[j] + c[j],
                    "rank": int(rank[j]),
                    "separated": bool(separated[j]),
                    "resolved_top": resolved,
                }
            )
    return rows
