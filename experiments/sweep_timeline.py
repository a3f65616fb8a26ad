"""Where the wall time of a study command goes, read from the times of the files it writes.

A study command (``s3sim -m +experiment=sensitivity_*``) writes, in order: the sweep's
``multirun.yaml`` (once the main process has started and composed the primary config),
then per job ``.hydra/overrides.yaml`` (the job composed, its task starting), the points of
``points.jsonl`` (each with its seconds) and ``_COMPLETE`` (the job done). From these
times and the command's start and end, its wall time T splits into

* start-up: interpreter, imports and composition in the main process (until multirun.yaml);
* launch: until the first job starts (Hydra's check that every job composes, the launcher,
  the workers' start and imports, the first job's composition);
* the jobs' window, in worker-seconds (``workers x window``): the points themselves, the
  rest of each job (sampling, the scenarios' configs, the journal, imports on first use),
  the gaps between a worker's jobs (composing the next job, its .hydra files) and idle
  workers (started late or finished early: imbalance);
* shut-down: from the last ``_COMPLETE`` to the end of the command.

So T = start-up + launch + worker-seconds / workers + shut-down, exactly. For the serial
part of a study with 1 and 2 workers, S = 2 T2 - T1, each piece contributes
2 x piece2 - piece1 (start-up, launch, shut-down) or piece2 - piece1 (worker-seconds).
"""

from __future__ import annotations

import json
from pathlib import Path

#: The pieces, in the order of the table, and whether they are worker-seconds.
PIECES = {
    "start-up": False,
    "launch": False,
    "points": True,
    "in jobs, not points": True,
    "between jobs": True,
    "idle workers": True,
    "shut-down": False,
}


def timeline(sweep_dir: Path, start: float, end: float, workers: int) -> dict[str, float]:
    """The pieces of a finished study's wall time (seconds; module docstring).

    Args:
        sweep_dir: The study's sweep directory.
        start: Wall-clock time (``time.time()``) the command started.
        end: Wall-clock time it ended.
        workers: Workers of the launcher.
    """
    jobs = []
    for complete in sweep_dir.glob("*/_COMPLETE"):
        job = complete.parent
        points = [json.loads(line) for line in (job / "points.jsonl").read_text().splitlines()]
        began = (job / ".hydra" / "overrides.yaml").stat().st_mtime
        jobs.append((began, complete.stat().st_mtime, sum(p["seconds"] for p in points)))
    jobs.sort()
    first, last = jobs[0][0], max(done for _, done, _ in jobs)
    chains: list[list[tuple[float, float, float]]] = [[] for _ in range(workers)]
    for job in jobs:  # each job to the worker that became free last before it started
        free = [c for c in chains if not c or c[-1][1] <= job[0]] or chains
        chosen = max(free, key=lambda c: c[-1][1] if c else first - 1)
        chosen.append(job)
    between = sum(b[0] - a[1] for c in chains for a, b in zip(c, c[1:], strict=False))
    idle = sum((c[0][0] - first) + (last - c[-1][1]) if c else last - first for c in chains)
    points = sum(p for _, _, p in jobs)
    in_jobs = sum(done - began for began, done, _ in jobs) - points
    multirun = (sweep_dir / "multirun.yaml").stat().st_mtime
    return {
        "start-up": multirun - start,
        "launch": first - multirun,
        "points": points,
        "in jobs, not points": in_jobs,
        "between jobs": between,
        "idle workers": idle,
        "shut-down": end - last,
        "wall": end - start,
        "workers": workers,
    }


def serial_part(one: dict[str, float], two: dict[str, float]) -> dict[str, float]:
    """Each piece's share of S = 2 T2 - T1 (one worker's timeline, two workers')."""
    return {
        name: two[name] - one[name] if worker_seconds else 2 * two[name] - one[name]
        for name, worker_seconds in PIECES.items()
    }


def efficiency_without_sharing(one: dict[str, float], two: dict[str, float]) -> float:
    """T1 / (2 T2) had the two workers' points taken one worker's time: the launcher's own
    efficiency, without what two runs side by side cost each other (the points' share of S).
    """
    return one["wall"] / (2 * two["wall"] - (two["points"] - one["points"]))


def table(one: dict[str, float], two: dict[str, float]) -> list[str]:
    """The pieces with 1 and 2 workers and in S, as lines of text."""
    share = serial_part(one, two)
    lines = [f"  {'piece (s)':<40}{'1 worker':>10}{'2 workers':>11}{'in S':>8}"]
    for name, worker_seconds in PIECES.items():
        label = f"{name}{' (worker-s)' if worker_seconds else ''}"
        lines.append(f"  {label:<40}{one[name]:>10.2f}{two[name]:>11.2f}{share[name]:>8.2f}")
    total = sum(share.values())
    lines.append(f"  {'S = 2 T2 - T1':<40}{one['wall']:>10.2f}{two['wall']:>11.2f}{total:>8.2f}")
    return lines


def percent(value: float, target: float) -> str:
    """``value`` (a fraction) as a whole percentage, with a decimal where rounding would hide
    on which side of ``target`` it lies (0.897 against 0.90: "89.7 %", not "90 %")."""
    above = value >= target
    for decimals in range(4):
        text = f"{100 * value:.{decimals}f}"
        if (float(text) >= 100 * target) == above:
            return f"{text} %"
    return f"{100 * value:.6f} %"
