"""Calibration by the method of simulated moments against a multi-year data file.

Design:

* **varied**: the config keys named in a YAML file, each with a range
  (``dynamics.competition.selection: [0.2, 2.0]``);
* **fixed**: everything else of the composed config; the model starts from the
  file's state of ``data.year`` (Y0) and runs to Y1;
* **measured** (the moments, see :func:`moments`): each region's and each
  sector's log employment growth Y0 -> Y1, the dispersion of the region-sector
  cells' growth and the mean absolute change of RCA, from the file (targets)
  and as the mean over the same seeds for every candidate (common random
  numbers: candidates differ only by their parameters);
* **objective**: the weighted mean over the chosen moments of the mean squared
  difference, each data group scaled (:func:`scales`) so that the groups weigh
  alike; stylised facts of the runs (Hill, Subbotin, entry and exit, survival,
  Galton, relatedness) may be chosen as moments too, each with a weight
  (:mod:`sim.validation.calibrate_moments`, the ``moments`` block of the YAML).

Optuna (TPE sampler, fixed seed) proposes candidates; its journal file in the
output folder keeps every finished trial, so an interrupted calibration resumes
where it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.metrics import rca
from sim.validation.calibrate_moments import DEFAULT, Moment, facts_of

GROUPS = ("region_growth", "sector_growth", "growth_dispersion", "rca_change", "rca_reversion")


def rca_reversion(employment: np.ndarray, rest: np.ndarray) -> tuple[float, float]:
    """OLS slope of the change of log RCA Y0 -> Y1 on log RCA in Y0, and its standard error.

    Over the region-sector cells whose sector has statistics and whose RCA is
    positive at both ends; negative when specialisation reverts toward RCA = 1
    (docs/ODD.md, section 6: why runs from data drift). NaN for fewer than 3 cells
    or no spread of log RCA.
    """
    first, last = employment[0], employment[-1]
    start = rca(first, first.sum(axis=0) + rest[0])
    end = rca(last, last.sum(axis=0) + rest[-1])
    listed = np.broadcast_to(first.sum(axis=0) + rest[0] > 0, first.shape)
    ok = listed & (start > 0) & (end > 0)
    x = np.log(start[ok])
    if x.size < 3 or np.ptp(x) == 0:
        return float("nan"), float("nan")
    y = np.log(end[ok]) - x
    dx = x - x.mean()
    slope = float(dx @ (y - y.mean()) / (dx @ dx))
    residual = y - y.mean() - slope * dx
    se = float(np.sqrt(residual @ residual / (x.size - 2) / (dx @ dx)))
    return slope, se


def moments(employment: np.ndarray, rest: np.ndarray) -> dict[str, np.ndarray]:
    """Moments of a history Y0..Y1: employment (years, R, S), rest of the world (years, S).

    * ``region_growth`` (R): log growth of each region's employment Y0 -> Y1;
    * ``sector_growth`` (S): log growth of each sector's employment in the regions
      (NaN for a sector without jobs at either end);
    * ``growth_dispersion`` (1): standard deviation of the log growth of the
      region-sector cells with jobs at both ends;
    * ``rca_change`` (1): mean absolute change of RCA over the cells whose
      sector has statistics (jobs in the reference area in Y0);
    * ``rca_reversion`` (1): the slope of :func:`rca_reversion`.
    """
    first, last = employment[0], employment[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        regions = np.log(last.sum(axis=1) / first.sum(axis=1))
        sectors = np.log(last.sum(axis=0) / first.sum(axis=0))
        cells = np.log(last / first)
    sectors[~np.isfinite(sectors)] = np.nan
    start = rca(first, first.sum(axis=0) + rest[0])
    end = rca(last, last.sum(axis=0) + rest[-1])
    listed = np.broadcast_to(first.sum(axis=0) + rest[0] > 0, first.shape)
    change = np.abs(end - start)[listed & np.isfinite(end) & np.isfinite(start)]
    return {
        "region_growth": regions,
        "sector_growth": sectors,
        "growth_dispersion": np.array([np.std(cells[np.isfinite(cells)])]),
        "rca_change": np.array([change.mean() if change.size else np.nan]),
        "rca_reversion": np.array([rca_reversion(employment, rest)[0]]),
    }


def set_key(config: dict[str, Any], dotted: str, value: float) -> None:
    """Set a dotted key of a config dict; the key must exist already."""
    node = config
    *parents, leaf = dotted.split(".")
    for key in parents:
        if not isinstance(node.get(key), dict):
            raise ConfigError(f"{dotted}: not a key of the config")
        node = node[key]
    if leaf not in node or isinstance(node[leaf], (dict, list)):
        raise ConfigError(f"{dotted}: not a numeric key of the config")
    node[leaf] = value


def parse_ranges(spec: Mapping[str, Any], where: str) -> dict[str, tuple[float, float]]:
    """The ``parameters`` block of a calibration file: ``key: [low, high]``."""
    block = spec.get("parameters") if isinstance(spec, Mapping) else None
    if not isinstance(block, Mapping) or not block:
        raise ConfigError(f"{where}: needs a 'parameters' mapping of key: [low, high]")
    ranges = {}
    for key, bounds in block.items():
        ok = isinstance(bounds, Sequence) and len(bounds) == 2
        ok = ok and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
        if not ok or not bounds[0] < bounds[1]:
            raise ConfigError(f"{where}: parameters.{key} = {bounds!r}: must be [low, high]")
        ranges[str(key)] = (float(bounds[0]), float(bounds[1]))
    return ranges


def parse_start(
    spec: Mapping[str, Any], ranges: Mapping[str, tuple[float, float]], where: str
) -> dict[str, float]:
    """The optional ``start`` block: the first candidate, within the ranges."""
    block = spec.get("start") or {}
    if not isinstance(block, Mapping):
        raise ConfigError(f"{where}: start must be a mapping of key: value")
    start = {}
    for key, value in block.items():
        if key not in ranges:
            raise ConfigError(f"{where}: start.{key} is not among the parameters")
        low, high = ranges[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: start.{key} = {value!r}: must be a number")
        if not low <= value <= high:
            raise ConfigError(f"{where}: start.{key} = {value}: outside [{low}, {high}]")
        start[str(key)] = float(value)
    return start


def simulated_moments(
    config: dict[str, Any],
    params: Mapping[str, float],
    seeds: Sequence[int],
    facts: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """The moments of the model at ``params``: mean over ``seeds``, the same for every candidate.

    ``facts`` names stylised facts (:data:`sim.validation.calibrate_moments.FACTS`)
    to compute as well, on the seeds' runs pooled as ``s3sim-validate`` pools runs.
    """
    from copy import deepcopy
    from pathlib import Path

    from sim.cli import build_model
    from sim.validation.rundir import RunData

    runs, panels = [], []
    for seed in seeds:
        candidate = deepcopy(config)
        for key, value in params.items():
            set_key(candidate, key, value)
        candidate["seed"] = int(seed)
        if facts:
            candidate["output"] = {**candidate.get("output", {}), "firm_panel": True}
        model = build_model(candidate)
        start = model.firms.by_cell(
            model.firms.employment, model.economy.n_regions, model.economy.n_sectors
        )
        start_rest = model.markets.row_employment.copy()
        model.run()
        rec = model.recorder
        # sectors without statistics count as 0, as in the file (their jobs would
        # shift every RCA the moments compare with the file's)
        known = model.economy.statistics
        history = np.concatenate([start[None], rec.employment[:, :-1]]) * known
        rest = np.concatenate([start_rest[None], rec.employment[:, -1]]) * known
        runs.append(moments(history, rest))
        if facts:
            panels.append(RunData(Path(f"seed {seed}"), rec.firm_frame(),
                                  rec.specialisation_frame(), {"seed": int(seed)}))  # fmt: skip
    out = {g: _finite_mean(np.stack([r[g] for r in runs])) for g in GROUPS}
    if facts:
        from sim.validation.table import facts_table

        values = facts_table(panels).set_index("name")["value"]
        out |= {name: np.array([float(values[name])]) for name in facts}
    return out


def _finite_mean(values: np.ndarray) -> np.ndarray:
    """Mean over the first axis of the finite values; NaN where there is none."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def scales(
    targets: Mapping[str, np.ndarray], standard_errors: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Each group's scale (its weight is 1 / scale^2), so that the groups weigh alike.

    A group of several moments is scaled by the spread of its targets, a single
    moment by its own size (a relative error), unless ``standard_errors`` gives
    its sampling standard error (``rca_reversion``: a slope near 0 has no useful
    relative error).
    """
    out = {}
    for group, se in (standard_errors or {}).items():
        if np.isfinite(se) and se > 0:
            out[group] = float(se)
    for group in (g for g in GROUPS if g not in out):
        values = targets[group][np.isfinite(targets[group])]
        spread = values.std() if values.size > 1 else np.abs(values).mean() if values.size else 0
        out[group] = float(spread) if spread > 0 else 1.0
    return out


def objective(
    fitted: Mapping[str, np.ndarray],
    targets: Mapping[str, np.ndarray],
    spread: Mapping[str, float],
    selection: Mapping[str, Moment] | None = None,
) -> float:
    """Weighted mean of the chosen moments' errors (by default the data groups, weight 1).

    A data group's error is the mean squared scaled difference over its finite
    cells; a stylised fact's is :meth:`Moment.error` (its scaled distance to the
    target range, squared).
    """
    selection = DEFAULT if selection is None else selection
    total = weights = 0.0
    for name, moment in selection.items():
        if name in GROUPS:
            diff = (fitted[name] - targets[name]) / spread[name]
            part = float(np.nanmean(diff**2))
        else:
            part = moment.error(float(fitted[name][0]))
        total += moment.weight * part
        weights += moment.weight
    return total / weights


def moment_table(
    fitted: Mapping[str, np.ndarray],
    targets: Mapping[str, np.ndarray],
    regions: Sequence[str],
    sectors: Sequence[str],
    selection: Mapping[str, Moment] | None = None,
) -> pd.DataFrame:
    """One row per moment: ``moment, item, target, low, high, fitted, error, weight``.

    ``item`` is the region or sector of a by-region or by-sector moment, else
    ``all``. A data moment's target is the file's value (``low = high = target``);
    a stylised fact's is its range ``[low, high]`` (``target``: its value when the
    range is one point) and its ``error`` the distance to the range (0 inside).
    Every data group is listed (weight 0 when not fitted); facts when chosen.
    """
    selection = DEFAULT if selection is None else selection
    items = {"region_growth": list(regions), "sector_growth": list(sectors)}
    frames = []
    for group in GROUPS:
        frame = pd.DataFrame(
            {"moment": group, "item": items.get(group, ["all"]), "target": targets[group]}
        )
        frame["low"] = frame["high"] = frame["target"]
        frame["fitted"] = fitted[group]
        frame["error"] = frame["fitted"] - frame["target"]
        frame["weight"] = selection[group].weight if group in selection else 0.0
        frames.append(frame[np.isfinite(frame["target"]) & np.isfinite(frame["fitted"])])
    for name in facts_of(selection):
        m, value = selection[name], float(fitted[name][0])
        point = m.low if m.low is not None and m.low == m.high else np.nan
        row = {"moment": name, "item": "all", "target": point, "low": m.low, "high": m.high,
               "fitted": value, "error": m.distance(value), "weight": m.weight}  # fmt: skip
        frames.append(pd.DataFrame([row]))
    return pd.concat(frames, ignore_index=True)
