"""Read a study's batches and compute its indices with SALib, with intervals and ranks."""

from __future__ import annotations

import json
import warnings as python_warnings
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.experiments.sensitivity.design import sample
from sim.experiments.sensitivity.journal import POINTS, STUDY, find_batches, read_points
from sim.experiments.sensitivity.study import Study, read_study
from sim.experiments.sweep import SweepError

#: The index each method ranks parameters by, and the one shown beside it.
PRIMARY = {"morris": "mu_star", "sobol": "ST"}
SECONDARY = {"morris": "sigma", "sobol": "S1"}
RESOLVED_TOP = 3
"""A ranking is called resolved when the intervals separate at least its first 3 places."""
MIN_UNITS = 10
"""The fewest trajectories (Morris) or base samples (Sobol) whose bootstrap intervals are
read. The bootstrap resamples these units: one unit gives every resample the same value
(an interval of width 0), two units three values, and below about ten the intervals are
too coarse and too narrow to separate anything; no ranking is then called resolved."""


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
    records = [_read_record(b / STUDY) for b in batches]
    record = records[0]
    for b, other in zip(batches[1:], records[1:], strict=True):
        if other != record:
            raise SweepError(f"{b / STUDY}: another study than {batches[0] / STUDY}")
    x = design_of(record, batches[0] / STUDY)
    n, d = x.shape
    points: dict[int, dict[str, Any]] = {}
    for b in batches:
        try:
            journal = read_points(b / POINTS, d, n)
        except ConfigError as exc:
            raise SweepError(str(exc)) from None
        for row, p in journal.items():
            if not np.allclose(p["x"], x[row]):
                raise SweepError(
                    f"{b / POINTS}: row {row} was evaluated at x = {p['x']}, not at the "
                    f"study's sample point {x[row].tolist()} (another study's journal?)"
                )
        points |= journal
    seconds = np.full(n, np.nan)
    outputs: list[dict[str, float]] = [{} for _ in range(n)]
    for row, p in points.items():
        seconds[row] = p.get("seconds", np.nan)
        outputs[row] = {k: np.nan if v is None else v for k, v in p["outputs"].items()}
    y = pd.DataFrame(outputs, dtype=float)
    missing = [r for r in range(n) if not outputs[r]]
    return StudyResults(record, x, y, seconds, missing, len(batches))


def _read_record(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SweepError(f"{path}: unreadable study record ({exc})") from None
    if not isinstance(record, dict):
        raise SweepError(f"{path}: not a study's record (a JSON object)")
    return record


def design_of(record: dict[str, Any], path: Path) -> np.ndarray:
    """The sample points of the study a ``study.json`` describes, drawn again (SALib).

    Raises:
        SweepError: If the record is not a study's (naming ``path`` and the key).
    """
    missing = [k for k in ("method", "names", "parameters", "rows") if k not in record]
    if missing:
        raise SweepError(f"{path}: no {', '.join(missing)}: not a study's record")
    settings = {f.name for f in fields(Study)} - {"batch", "batches"}
    try:
        study = read_study({"sensitivity": {k: v for k, v in record.items() if k in settings}})
        x = sample(study)
    except (ConfigError, TypeError, ValueError) as exc:
        raise SweepError(f"{path}: {exc}") from None
    if record["rows"] != len(x):
        raise SweepError(
            f"{path}: rows = {record['rows']!r}, but the study it describes has {len(x)} "
            "sample points"
        )
    return x


def analyse(results: StudyResults) -> tuple[pd.DataFrame, list[str]]:
    """SALib indices of every output, with intervals, ranks and warnings.

    Morris: ``mu_star`` (mean absolute elementary effect, Campolongo et al. 2007) with its
    bootstrap interval, and ``sigma``. Sobol: first-order ``S1`` and total ``ST``
    (Saltelli et al. 2010 estimators) with bootstrap intervals. Parameters are ranked by
    ``mu_star`` or ``ST``; ``separated`` says whether a parameter's interval lies clear of
    the next-ranked one's; ``resolved_top`` counts the leading places so separated;
    ``no_effect`` marks a parameter whose index and interval are exactly 0 (it changed the
    output at no sample point: such parameters tie, and are not asked to be ranked).

    Returns:
        The tidy table (``output, parameter, kind, index, value, conf, low, high, rank,
        separated, no_effect, resolved_top``) and the warnings.
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
    units = int(rec["trajectories"] if method == "morris" else rec["base_sample"])
    trusted = units >= MIN_UNITS
    if not trusted:
        unit = {"morris": ("trajectory", "trajectories"), "sobol": ("base sample", "base samples")}
        what = unit[method][units != 1]
        warnings.append(
            f"only {units} {what}: too few for bootstrap intervals (at least {MIN_UNITS}); "
            "no ranking is called resolved"
        )
    if method == "sobol" and units & (units - 1):
        warnings.append(
            f"base_sample = {units} is not a power of 2: the Sobol' sequence is balanced, and "
            "the indices converge at its rate, only for powers of 2 (SALib)"
        )
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
        rows += _tidy(output, problem["names"], indices, method, kinds, trusted)
        if method == "sobol":
            warnings += _out_of_range(output, problem["names"], indices)
    table = pd.DataFrame(rows)
    if table.empty:
        return table, warnings
    for output, part in table[table["index"] == PRIMARY[method]].groupby("output", sort=False):
        warnings += _unranked(output, part)
    return table, warnings


def _unranked(output: str, part: pd.DataFrame) -> list[str]:
    """The warning that one output's leading places are not resolved, if they are not.

    The places wanted are the first :data:`RESOLVED_TOP` (fewer with fewer parameters).
    Parameters with no effect at any sample point (``no_effect``) tie exactly and need no
    order among themselves: only the parameters with an effect, and the last of them from
    the ones without, have places to separate.
    """
    active = int((~part["no_effect"]).sum())
    wanted = min(RESOLVED_TOP, active if active < len(part) else active - 1)
    resolved = int(part["resolved_top"].iloc[0])
    if resolved >= wanted:
        return []
    return [
        f"{output}: intervals too wide to rank the parameters: {resolved} of the first "
        f"{wanted} places clear of the next parameter's interval; add sample points"
    ]


def _salib(method: str, problem: dict, x: np.ndarray, y: np.ndarray, rec: dict) -> dict:
    options = {
        "num_resamples": int(rec["resamples"]),
        "conf_level": float(rec["confidence"]),
        "seed": int(rec["sample_seed"]),
    }
    # a degenerate sample (one trajectory: no sigma) warns in numpy; the analysis says so
    with python_warnings.catch_warnings(), np.errstate(all="ignore"):
        python_warnings.simplefilter("ignore", RuntimeWarning)
        if method == "morris":
            from SALib.analyze import morris

            return morris.analyze(problem, x, y, num_levels=int(rec["levels"]), **options)
        from SALib.analyze import sobol

        return sobol.analyze(problem, y, calc_second_order=False, **options)


def _out_of_range(output: str, names: list[str], indices: dict) -> list[str]:
    """Sobol indices whose interval lies wholly outside [0, 1], where no index can be."""
    found = []
    for index in ("S1", "ST"):
        value = np.asarray(indices[index], dtype=float)
        conf = np.asarray(indices[f"{index}_conf"], dtype=float)
        for name, v, c in zip(names, value, conf, strict=True):
            if v - c > 1 or v + c < 0:
                found.append(
                    f"{output}: {index} of {name} = {v:.3g} ± {c:.2g}, outside [0, 1] where "
                    "no index can lie: too few sample points for the estimator"
                )
    return found


def _tidy(
    output: str,
    names: list[str],
    indices: dict,
    method: str,
    kinds: dict[str, str],
    trusted: bool = True,
) -> list[dict]:
    primary, secondary = PRIMARY[method], SECONDARY[method]
    value = np.asarray(indices[primary], dtype=float)
    conf = np.asarray(indices[f"{primary}_conf"], dtype=float)
    order = np.argsort(-value, kind="stable")
    rank = np.empty(len(names), dtype=int)
    rank[order] = np.arange(1, len(names) + 1)
    low, high = value - conf, value + conf
    # no effect at any sample point: every elementary effect (or Sobol' difference) is 0
    no_effect = (value == 0) & (conf == 0)
    separated = np.zeros(len(names), dtype=bool)
    for a, b in zip(order[:-1], order[1:], strict=True):
        separated[a] = trusted and low[a] > high[b]
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
                    "no_effect": bool(no_effect[j]),
                    "resolved_top": resolved,
                }
            )
    return rows
