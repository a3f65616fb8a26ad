"""Find and read the run directories of a sweep (see docs/outputs.md)."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

COMPLETE = "_COMPLETE"
SUMMARY = "summary.json"
OVERRIDE_PREFIX = "override."
"""Prefix of the runs.parquet override columns, e.g. ``override.economy.n_firms``."""

_MAIN_KEYS = ("scenario", "seed")
#: Largest seed a run may have (the tools keep seeds as signed 64-bit integers).
MAX_SEED = 2**63 - 1


class SweepError(ValueError):
    """Unusable input: the message is one line naming the path and the problem."""


@dataclass(frozen=True)
class RunInfo:
    """What one complete run directory says about itself.

    Attributes:
        path: The run directory.
        rel: Its path relative to the sweep directory, POSIX style ("." for the sweep itself).
        scenario: Scenario name (summary.json, else the ``scenario`` override).
        seed: Seed (summary.json, else the ``seed`` override).
        overrides: Hydra overrides other than scenario and seed, key to value as text.
        summary: The parsed summary.json.
    """

    path: Path
    rel: str
    scenario: str
    seed: int
    overrides: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def job(self) -> str:
        """A file-name-safe label of the run, e.g. ``"3"`` for ``SWEEP/3``."""
        if self.rel == ".":
            return "run"
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in self.rel.replace("/", "_"))

    @property
    def focal_region(self) -> str | None:
        """The focal region named in summary.json, if any."""
        value = self.summary.get("focal_region")
        return None if value is None else str(value)


def find_run_dirs(sweep_dir: Path) -> tuple[list[Path], list[Path]]:
    """Find run directories below ``sweep_dir`` (itself included), sorted.

    A run directory holds ``summary.json`` or ``_COMPLETE``; it is complete when it holds
    ``_COMPLETE``. Hidden directories (``.hydra``) are not searched, nor are run
    directories searched for nested runs.

    Args:
        sweep_dir: The sweep (or single run) directory.

    Returns:
        The complete and the incomplete run directories, each sorted naturally
        (``2`` before ``10``).
    """
    complete: list[Path] = []
    incomplete: list[Path] = []
    for root, dirs, files in os.walk(sweep_dir):
        names = set(files)
        if SUMMARY in names or COMPLETE in names:
            (complete if COMPLETE in names else incomplete).append(Path(root))
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    return sorted(complete, key=natural_key), sorted(incomplete, key=natural_key)


def natural_key(path: Path) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders numeric path parts by value: ``2`` before ``10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in path.parts)


def relative(path: Path, sweep_dir: Path) -> str:
    """``path`` relative to ``sweep_dir`` in POSIX form (``"."`` for the sweep itself)."""
    try:
        return path.relative_to(sweep_dir).as_posix()
    except ValueError:
        return path.as_posix()


def read_overrides(run_dir: Path) -> dict[str, str]:
    """Read Hydra's ``.hydra/overrides.yaml`` as a mapping from key to value text.

    Leading ``+``, ``++`` and ``~`` are removed from keys; a missing file gives ``{}``.

    Args:
        run_dir: The run directory.

    Returns:
        The overrides, in file order.

    Raises:
        SweepError: If the file exists but is not a YAML list.
    """
    path = run_dir / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return {}
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise SweepError(f"{path}: not valid YAML ({_first_line(exc)})") from exc
    if not isinstance(items, list):
        raise SweepError(f"{path}: expected a YAML list of 'key=value' strings")
    overrides: dict[str, str] = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        if sep:
            overrides[key.lstrip("+~").strip()] = value.strip()
    return overrides


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping; a missing, unreadable or non-mapping file gives ``{}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def read_run(run_dir: Path, sweep_dir: Path) -> RunInfo:
    """Read summary.json and the overrides of a complete run directory.

    Args:
        run_dir: The run directory.
        sweep_dir: The sweep directory, for the relative path.

    Returns:
        The run's description.

    Raises:
        SweepError: If summary.json is missing or malformed, or the seed is unknown.
    """
    path = run_dir / SUMMARY
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SweepError(f"{path}: missing although {COMPLETE} is present") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise SweepError(f"{path}: unreadable ({_first_line(exc)})") from exc
    if not isinstance(summary, dict):
        raise SweepError(f"{path}: expected a JSON object")
    overrides = read_overrides(run_dir)
    scenario = summary.get("scenario", overrides.get("scenario"))
    seed = summary.get("seed", overrides.get("seed"))
    seed_int = _whole(seed)
    if seed_int is None:  # 1.9 or true are no seed, not seed 1
        raise SweepError(f"{path}: no integer seed (got {seed!r})")
    if not 0 <= seed_int <= MAX_SEED:
        raise SweepError(f"{path}: seed {seed_int} is outside 0..2^63-1")
    return RunInfo(
        path=run_dir,
        rel=relative(run_dir, sweep_dir),
        scenario=str(scenario) if scenario is not None else "unknown",
        seed=seed_int,
        overrides={k: v for k, v in overrides.items() if k not in _MAIN_KEYS},
        summary=summary,
    )


#: runs.parquet column listing the focal region's spearhead value chains ("a;b").
SPEARHEADS = "spearhead_sectors"


def run_row(run: RunInfo) -> dict[str, Any]:
    """One runs.parquet row: identity, overrides and the summary indicators."""
    row: dict[str, Any] = {
        "run_dir": run.rel,
        "scenario": run.scenario,
        "seed": run.seed,
        "focal_region": run.focal_region,
        "synthetic": _as_bool(run.summary.get("synthetic")),
    }
    for key, value in run.overrides.items():
        row[OVERRIDE_PREFIX + key] = value
    indicators = run.summary.get("indicators") or {}
    if isinstance(indicators, dict):
        for name, value in indicators.items():
            row[str(name)] = _indicator(value, run.path / SUMMARY, f"indicators.{name}")
    spearheads = run.summary.get("spearhead_sectors")
    if isinstance(spearheads, list):
        row[SPEARHEADS] = ";".join(map(str, spearheads))
    sectors = run.summary.get("focal_sectors") or {}
    for measure in ("employment", "rca_last_period"):
        for sector, value in (sectors.get(measure) or {}).items():
            row[f"focal_{measure}.{sector}"] = _as_float(value)
    return row


def override_columns(columns: list[str] | Any) -> list[str]:
    """The override columns among ``columns``, in order."""
    return [str(c) for c in columns if str(c).startswith(OVERRIDE_PREFIX)]


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _whole(value: Any) -> int | None:
    """A whole number as summary.json (an integer) or an override (its digits) writes it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


#: Indicators that count jobs, firms or money: never below zero.
COUNTS = ("employment_", "firms_", "budget_", "specialisations_")


def _indicator(value: Any, path: Path, key: str) -> float:
    """An indicator's value: a number, or null for not available; anything else is refused."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SweepError(f"{path}: {key} = {value!r}: not a number")
    name = key.rpartition(".")[2]
    if value < 0 and name.startswith(COUNTS) and not name.endswith("_growth"):
        raise SweepError(f"{path}: {key} = {value!r}: a count, never below 0")
    return float(value)


def _as_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
