"""A sweep opened for the Sweep page: read from its Parquet files, nothing rerun.

:func:`open_sweep` uses ``runs.parquet`` and ``panel/`` when they are up to date and
collects the sweep first otherwise (as ``s3sim-collect``); the comparison with the
baseline is read from ``comparison.csv`` when it is newer than ``runs.parquet`` and
computed otherwise (as ``s3sim-compare``, whose files it then writes). A sweep opened
before is not read again while its :func:`stamp` (the complete runs and the times and
sizes of the collected files) is unchanged.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sim.experiments.aggregate import mean_over_runs, panel_rows, sector_groups
from sim.experiments.collect import PANEL_DIR, RUNS_FILE, load_runs
from sim.experiments.compare import compare_runs
from sim.experiments.sweep import (
    COMPLETE,
    OVERRIDE_PREFIX,
    SPEARHEADS,
    SweepError,
    find_run_dirs,
    read_yaml,
)
from sim.experiments.tables import write_comparison

COMPARISON_FILE = "comparison.csv"
Stamp = tuple[tuple[str, int, int], ...]
"""Files of a sweep with their modification times and sizes (-1 when absent)."""


@dataclass
class SweepView:
    """What the Sweep page shows of one sweep.

    Attributes:
        sweep_dir: The sweep directory.
        data_dir: The directory holding runs.parquet and panel/.
        runs: The runs table.
        comparison: One row per scenario, override group and indicator (``s3sim-compare``).
        baseline: The baseline scenario.
        focal: The focal region (most common over runs), or None.
        notes: What was done to open it (collected, compared) and remarks.
        stamp: The sweep's files as they were when it was read (:func:`stamp`).
    """

    sweep_dir: Path
    data_dir: Path
    runs: pd.DataFrame
    comparison: pd.DataFrame
    baseline: str
    focal: str | None
    notes: list[str]
    stamp: Stamp = ()

    @property
    def key(self) -> tuple[str, str, Stamp]:
        """What identifies the sweep's contents: folder, baseline and stamp."""
        return str(self.sweep_dir), self.baseline, self.stamp

    @property
    def scenarios(self) -> list[str]:
        """The policy scenarios (every scenario but the baseline), in order of appearance."""
        return [str(s) for s in pd.unique(self.runs["scenario"]) if s != self.baseline]

    @property
    def indicators(self) -> list[str]:
        """Indicators of the comparison, in its order."""
        return [str(i) for i in pd.unique(self.comparison["indicator"])]

    @property
    def synthetic(self) -> bool:
        """Whether every run is of the bundled synthetic economy."""
        flags = self.runs.get("synthetic")
        return flags is not None and bool(flags.fillna(False).astype(bool).all())

    def run_dirs(self, scenario: str) -> list[Path]:
        """Run directories of ``scenario``."""
        rel = self.runs.loc[self.runs["scenario"] == scenario, "run_dir"]
        return [self.sweep_dir / str(r) for r in rel]

    def value_chains(self, scenario: str, limit: int = 6) -> tuple[list[str], str]:
        """The value chains to follow for ``scenario`` and how they were chosen.

        The spearheads its runs picked, most often first; without spearheads, the
        emerging value chains of the economy.
        """
        rows = self.runs.loc[self.runs["scenario"] == scenario]
        picked = Counter(
            s
            for cell in rows.get(SPEARHEADS, pd.Series(dtype=str)).dropna()
            for s in str(cell).split(";")
            if s
        )
        if picked:
            return [s for s, _ in picked.most_common(limit)], "spearheads picked in its runs"
        first = self.sweep_dir / str(self.runs["run_dir"].iloc[0])
        groups = sector_groups(read_yaml(first / "config.yaml"), first / "employment.parquet")
        emerging = [s for s, g in groups.items() if "emerging" in g]
        return emerging[:limit], "emerging value chains (no spearheads picked)"

    def paired_differences(self, scenario: str, sectors: list[str], measure: str) -> pd.DataFrame:
        """Per seed, year and value chain: focal ``measure`` of ``scenario`` minus the baseline.

        Returns:
            Columns ``seed``, ``year``, ``sector``, ``difference``; pairs on the seed
            (a sweep over other overrides pairs on those too, as :func:`compare_runs`).
        """
        if self.focal is None:
            return pd.DataFrame(columns=["seed", "year", "sector", "difference"])
        columns = ["run_id", "seed", "year", "sector", measure]
        panel = self.data_dir / PANEL_DIR
        keys = ["seed", *self._pair_overrides(), "year", "sector"]
        parts = []
        for name in (scenario, self.baseline):
            rows = panel_rows(panel, self.focal, columns, scenario=name)
            rows = rows[rows["sector"].isin(sectors)]
            extra = self.runs[["run_dir", *keys[1:-2]]].rename(columns={"run_dir": "run_id"})
            parts.append(rows.merge(extra, on="run_id").drop(columns="run_id"))
        both = parts[0].merge(parts[1], on=keys, suffixes=("", "_baseline"))
        both["difference"] = both[measure] - both[f"{measure}_baseline"]
        return both[["seed", "year", "sector", "difference"]]

    def period_means(self, scenario: str) -> pd.DataFrame | None:
        """Mean rsca by period, region and sector over the runs of ``scenario``."""
        frame, _ = mean_over_runs(
            self.run_dirs(scenario),
            "specialisation_periods.parquet",
            ["period", "region", "sector"],
            ["rsca"],
        )
        return frame

    def _pair_overrides(self) -> list[str]:
        base = self.runs[self.runs["scenario"] == self.baseline]
        varying = [c for c in self.runs.columns if str(c).startswith(OVERRIDE_PREFIX)]
        varying = [c for c in varying if self.runs[c].nunique() > 1]
        return [c for c in varying if (base[c].fillna("") != "").any()]


_OPENED: dict[tuple[str, str], SweepView] = {}
"""Sweeps opened in this process, by resolved folder and baseline."""


def forget() -> None:
    """Forget the sweeps opened so far: the next opening of each reads its files."""
    _OPENED.clear()


def stamp(sweep_dir: Path) -> Stamp:
    """The files whose change means a sweep must be read again, with mtime and size.

    These are the ``_COMPLETE`` marker of every complete run and, beside them, the
    collected files (``runs.parquet``, ``panel/``, ``comparison.csv``).
    """
    complete, _ = find_run_dirs(sweep_dir)
    files = [p / COMPLETE for p in complete]
    files += [sweep_dir / RUNS_FILE, sweep_dir / PANEL_DIR, sweep_dir / COMPARISON_FILE]
    marks = []
    for path in files:
        try:
            status = path.stat()
            marks.append((str(path), status.st_mtime_ns, status.st_size))
        except FileNotFoundError:
            marks.append((str(path), -1, -1))
    return tuple(marks)


def open_sweep(sweep_dir: str | Path, baseline: str = "no_policy") -> SweepView:
    """Open a sweep directory for the dashboard (collected or not).

    A sweep opened before in this process, and unchanged since (same :func:`stamp`), is
    not read again: its view is returned, without the notes of the first opening.

    Raises:
        SweepError: If it is not a sweep with complete runs or has no run of ``baseline``.
    """
    sweep_dir = Path(sweep_dir).expanduser()
    if not sweep_dir.is_dir():
        raise SweepError(f"{sweep_dir}: no such directory")
    where = (str(sweep_dir.resolve()), baseline)
    known = _OPENED.get(where)
    if known is not None and known.stamp == stamp(sweep_dir):
        return replace(known, notes=[])
    view = _read_sweep(sweep_dir, baseline)
    _OPENED[where] = view
    return view


def _read_sweep(sweep_dir: Path, baseline: str) -> SweepView:
    runs, data_dir, collected = load_runs(sweep_dir)
    notes = []
    if collected is not None:
        notes.append(collected.summary_line())
    if baseline not in set(runs["scenario"]):
        found = ", ".join(map(str, pd.unique(runs["scenario"])))
        raise SweepError(f"{sweep_dir}: no run of the baseline {baseline!r} (scenarios: {found})")
    comparison = _cached_comparison(data_dir, baseline)
    if comparison is None:
        result = compare_runs(runs, baseline)
        write_comparison(result, data_dir)
        comparison = result.table
        notes.append(f"compared with {baseline}: wrote {data_dir / COMPARISON_FILE}")
    focal = runs.get("focal_region")
    mode = focal.dropna().mode() if focal is not None else pd.Series(dtype=str)
    focal_region = str(mode.iloc[0]) if len(mode) else None
    marks = stamp(sweep_dir)
    return SweepView(sweep_dir, data_dir, runs, comparison, baseline, focal_region, notes, marks)


def _cached_comparison(data_dir: Path, baseline: str) -> pd.DataFrame | None:
    path, runs = data_dir / COMPARISON_FILE, data_dir / RUNS_FILE
    if not path.is_file() or path.stat().st_mtime < runs.stat().st_mtime:
        return None
    table = pd.read_csv(path)
    if "baseline" not in table or set(table["baseline"].astype(str)) != {baseline}:
        return None
    for column in (c for c in table.columns if str(c).startswith(OVERRIDE_PREFIX)):
        table[column] = table[column].fillna("").astype(str)
    table["note"] = table["note"].fillna("") if "note" in table else ""
    return table


def verdict(table: pd.DataFrame, indicator: str) -> list[str]:
    """One sentence per scenario: is the paired effect on ``indicator`` settled, and its sign."""
    lines = []
    for row in table[table["indicator"] == indicator].to_dict("records"):
        groups = [
            f"{c[len(OVERRIDE_PREFIX) :]}={row[c]}" for c in row if c.startswith(OVERRIDE_PREFIX)
        ]
        who = row["scenario"] + (f" ({', '.join(groups)})" if groups else "")
        low, high, mean = (float(row[k]) for k in ("ci_low", "ci_high", "mean_diff"))
        if not (math.isfinite(low) and math.isfinite(high)):
            lines.append(f"{who}: no interval ({row.get('note') or 'too few pairs'}).")
        elif low > 0 or high < 0:
            sign = "higher" if low > 0 else "lower"
            lines.append(
                f"{who}: {indicator} is {sign} than {row['baseline']} by {mean:.3g} "
                f"(95 % interval {low:.3g} to {high:.3g}, {int(row['n_pairs'])} paired seeds)."
            )
        else:
            lines.append(
                f"{who}: not settled: the interval {low:.3g} to {high:.3g} includes 0; "
                "run more seeds."
            )
    return lines
