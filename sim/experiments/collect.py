"""Collect the complete runs of a sweep into ``runs.parquet`` and a partitioned panel.

``runs.parquet`` has one row per complete run: ``run_dir`` (relative to the sweep),
``scenario``, ``seed``, ``focal_region``, ``synthetic``, one ``override.<key>`` column per
Hydra override other than scenario and seed (value as text) and one column per summary
indicator. ``panel/`` is a Parquet dataset partitioned by scenario
(``panel/scenario=<name>/part-<job>.parquet``) joining each run's employment and
specialisation panels; ``run_id`` equals ``run_dir`` of runs.parquet.

Command line: ``s3sim-collect SWEEP_DIR [--out DIR]`` (sim.experiments.commands).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.progress import progress
from sim.experiments.sweep import (
    COMPLETE,
    SPEARHEADS,
    RunInfo,
    SweepError,
    find_run_dirs,
    override_columns,
    read_run,
    relative,
    run_row,
)
from sim.experiments.sweep_source import SOURCE_KEY, sweep_source, write_parquet_atomic

RUNS_FILE = "runs.parquet"
PANEL_DIR = "panel"
KEYS = ["year", "region", "sector"]
PANEL_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("seed", pa.int64()),
        ("year", pa.int64()),
        ("region", pa.string()),
        ("sector", pa.string()),
        ("employment", pa.float64()),
        ("firms", pa.int64()),
        ("value_added", pa.float64()),
        ("rca", pa.float64()),
        ("rsca", pa.float64()),
        ("relatedness_density", pa.float64()),
    ]
)
"""Columns of every panel part; ``scenario`` is the partition key, not a file column."""
_FIXED = ["run_dir", "scenario", "seed", "focal_region", "synthetic"]


@dataclass
class CollectResult:
    """Outcome of :func:`collect`.

    Attributes:
        sweep_dir: The sweep directory read.
        out_dir: Where runs.parquet and panel/ were written.
        runs: The runs.parquet table.
        incomplete: Run directories without ``_COMPLETE``, skipped.
        skipped: Complete run directories that could not be read, with the reason.
        notes: Other remarks, e.g. a run without employment.parquet (no panel rows).
    """

    sweep_dir: Path
    out_dir: Path
    runs: pd.DataFrame
    incomplete: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def runs_path(self) -> Path:
        """Path of runs.parquet."""
        return self.out_dir / RUNS_FILE

    @property
    def panel_dir(self) -> Path:
        """Path of the panel dataset."""
        return self.out_dir / PANEL_DIR

    def summary_line(self) -> str:
        """One line: runs collected, incomplete and unreadable runs skipped, output."""
        line = f"collected {len(self.runs)} runs from {self.sweep_dir}"
        line += f"; {len(self.incomplete)} incomplete skipped"
        if self.incomplete:
            line += " (" + _some(relative(p, self.sweep_dir) for p in self.incomplete) + ")"
        if self.skipped:
            line += f"; {len(self.skipped)} unreadable skipped ("
            line += _some(f"{relative(p, self.sweep_dir)}: {why}" for p, why in self.skipped)
            line += ")"
        return line + f" -> {self.runs_path}, {self.panel_dir}/"


def collect(sweep_dir: Path, out_dir: Path | None = None) -> CollectResult:
    """Collect the complete runs of ``sweep_dir``, run by run.

    Each run's panel is read, joined and written before the next run is read, so memory
    holds one run's panel at a time. Both outputs are replaced atomically: runs.parquet via
    a temporary file and ``os.replace``; panel/ is built in a temporary directory that
    then takes the place of the old one.

    Args:
        sweep_dir: Hydra sweep directory (or any tree of run directories, or one run).
        out_dir: Output directory; defaults to ``sweep_dir``.

    Returns:
        The collected table and what was skipped.

    Raises:
        SweepError: If ``sweep_dir`` is not a directory or holds no complete run.
    """
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        problem = "not a directory" if sweep_dir.exists() else "no such directory"
        raise SweepError(f"{sweep_dir}: {problem}")
    out_dir = Path(out_dir) if out_dir is not None else sweep_dir
    complete, incomplete = find_run_dirs(sweep_dir)
    if not complete:
        found = f" ({len(incomplete)} incomplete, without {COMPLETE})" if incomplete else ""
        raise SweepError(f"{sweep_dir}: no complete runs found{found}")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = CollectResult(sweep_dir, out_dir, pd.DataFrame(), incomplete=incomplete)
    tmp_panel = out_dir / f".{PANEL_DIR}.tmp-{uuid.uuid4().hex}"
    rows: list[dict] = []
    try:
        for run_dir in progress(complete, desc="collect"):
            try:
                run = read_run(run_dir, sweep_dir)
                row = run_row(run)
                panel = run_panel(run, result.notes)
            except (SweepError, OSError, pa.ArrowException, ValueError) as exc:
                result.skipped.append((run_dir, str(exc).splitlines()[0]))
                continue
            if panel is not None:
                _write_part(panel, tmp_panel, run)
            rows.append(row)
        if not rows:
            raise SweepError(f"{sweep_dir}: no readable complete runs ({len(complete)} unreadable)")
        result.runs = _runs_frame(rows)
        source = sweep_source(sweep_dir, complete)
        write_parquet_atomic(result.runs, result.runs_path, {SOURCE_KEY: source.encode()})
        tmp_panel.mkdir(exist_ok=True)
        _replace_dir(tmp_panel, result.panel_dir)
    finally:
        shutil.rmtree(tmp_panel, ignore_errors=True)
    return result


def run_panel(run: RunInfo, notes: list[str]) -> pa.Table | None:
    """Join one run's employment and specialisation panels into a table of PANEL_SCHEMA.

    Args:
        run: The run.
        notes: Remarks are appended here (missing files).

    Returns:
        The table, or None when the run has no employment.parquet.
    """
    emp_path = run.path / "employment.parquet"
    if not emp_path.is_file():
        notes.append(f"{run.rel}: no employment.parquet, no panel rows")
        return None
    frame = _read_panel(emp_path, [*KEYS, "employment"])
    frame = frame[[c for c in frame.columns if c in PANEL_SCHEMA.names]]
    spec_path = run.path / "specialisation.parquet"
    measures = ["rca", "rsca", "relatedness_density"]
    if spec_path.is_file():
        spec = _read_panel(spec_path, KEYS)
        spec = spec[KEYS + [c for c in measures if c in spec.columns]]
        frame = frame.merge(spec, on=KEYS, how="left", validate="one_to_one")
    else:
        notes.append(f"{run.rel}: no specialisation.parquet, rca columns empty")
    frame["run_id"] = run.rel
    frame["seed"] = run.seed
    for name in PANEL_SCHEMA.names:
        if name not in frame.columns:
            frame[name] = np.nan
    frame["firms"] = pd.to_numeric(frame["firms"]).round().astype("Int64")
    return pa.Table.from_pandas(
        frame[PANEL_SCHEMA.names], schema=PANEL_SCHEMA, preserve_index=False
    )


def _read_panel(path: Path, required: list[str]) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SweepError(f"{path}: lacks the columns {', '.join(missing)}")
    return frame


def partition_dir(panel_dir: Path, scenario: str) -> Path:
    """The directory of ``scenario`` in a hive-partitioned panel (name URI-encoded)."""
    return panel_dir / f"scenario={quote(scenario, safe='')}"


def load_runs(
    sweep_dir: Path, out_dir: Path | None = None
) -> tuple[pd.DataFrame, Path, CollectResult | None]:
    """Read runs.parquet if it is up to date, else collect the sweep first.

    runs.parquet (looked for in ``out_dir``, then ``sweep_dir``) is up to date when it
    lists exactly the complete runs present now, is newer than their ``_COMPLETE`` files
    and has a panel/ beside it.

    Args:
        sweep_dir: The sweep directory.
        out_dir: Where to look first and where to collect to; defaults to ``sweep_dir``.

    Returns:
        The runs table, the directory holding runs.parquet and panel/, and the collect
        result when a collection was needed (else None).

    Raises:
        SweepError: As :func:`collect`.
    """
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        problem = "not a directory" if sweep_dir.exists() else "no such directory"
        raise SweepError(f"{sweep_dir}: {problem}")
    from sim.experiments.sensitivity.journal import find_batches

    if find_batches(sweep_dir):
        raise SweepError(
            f"{sweep_dir}: holds a sensitivity study, not a sweep's runs: its report is "
            "s3sim-sensitivity (or s3sim-report)"
        )
    complete, _ = find_run_dirs(sweep_dir)
    wanted = {relative(p, sweep_dir) for p in complete}
    source = sweep_source(sweep_dir, complete)
    for folder in dict.fromkeys([Path(out_dir) if out_dir else sweep_dir, sweep_dir]):
        path = folder / RUNS_FILE
        if not (path.is_file() and (folder / PANEL_DIR).is_dir()):
            continue
        try:
            stored = (pq.read_schema(path).metadata or {}).get(SOURCE_KEY)
        except (OSError, pa.ArrowException):
            continue
        if stored != source.encode():
            continue  # another sweep's, or runs changed since: collected again
        runs = pd.read_parquet(path)
        if "run_dir" in runs.columns and set(runs["run_dir"]) == wanted:
            return runs, folder, None
    result = collect(sweep_dir, out_dir)
    return result.runs, result.out_dir, result


def _runs_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    overrides = override_columns(frame.columns)
    rest = [c for c in frame.columns if c not in _FIXED and c not in overrides]
    frame = frame[_FIXED + overrides + rest]
    frame["seed"] = frame["seed"].astype("int64")
    for column in rest:
        if column == SPEARHEADS:  # a list of sector names, kept as text
            frame[column] = frame[column].fillna("").astype(str)
            continue
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def _write_part(table: pa.Table, panel_dir: Path, run: RunInfo) -> None:
    folder = partition_dir(panel_dir, run.scenario)
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / f"part-{run.job}.parquet")


def _replace_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _some(items, limit: int = 5) -> str:
    items = list(items)
    text = ", ".join(items[:limit])
    return text + (f", ... {len(items) - limit} more" if len(items) > limit else "")
