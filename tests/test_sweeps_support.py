"""Helpers of the end-to-end sweep tests (``tests/test_sweeps_*.py``); no tests here.

The sweeps run as users run them: the ``s3sim`` console scripts in subprocesses, with a
tiny economy (2,000 firms, nine reported years) so that a run takes well under a second
and each subprocess mostly pays for its imports.

Two reference sweeps of the same nine runs (three scenarios x three seeds) are shared by
several tests and built once per pytest session, even under pytest-xdist: the first
worker that needs one builds it under a file lock in the session's shared temporary
directory; the others wait for it and reuse it. Tests only read the reference sweeps.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ECONOMY = ["economy.n_firms=2000", "years.start=2000", "years.end=2008", "years.burn_in=2"]
"""Overrides of a run that takes well under a second."""
TINY = [*ECONOMY, "output.plots=false"]
SCENARIOS = ("no_policy", "bottom_up", "targeted")
SEEDS = (0, 1, 2)
GRID = [f"scenario={','.join(SCENARIOS)}", f"seed={','.join(map(str, SEEDS))}"]
"""The nine runs of the reference sweeps."""
JOBLIB = ["hydra/launcher=joblib"]
TIMEOUT = 600
"""Seconds any one command may take before the test fails."""
KEEP_OUT = {".hydra", "cli.log"}
"""Entries of a run directory that are Hydra's, not the run's result."""


@dataclass(frozen=True)
class Done:
    """A finished command: its exit status and its output (stdout then stderr)."""

    args: list[str]
    returncode: int
    output: str

    def describe(self) -> str:
        """The command, its status and the end of its output, for failure messages."""
        return f"$ {' '.join(self.args)}\nexit status {self.returncode}\n{self.output[-4000:]}"


def script(name: str) -> str:
    """Path of a console script of the installed package (``s3sim``, ``s3sim-collect``)."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.is_file():
        pytest.fail(f"{path} not found: install the package (pip install -e .)")
    return str(path)


def run_command(args: list[str], cwd: Path, *, check: bool = True) -> Done:
    """Run a command to its end with its output in a file (no pipe a daemon could hold)."""
    cwd.mkdir(parents=True, exist_ok=True)
    log = cwd / f"command-{len(list(cwd.glob('command-*.log')))}.log"
    env = os.environ | {"HYDRA_FULL_ERROR": "1"}
    with log.open("w", encoding="utf-8") as out:
        status = subprocess.run(
            args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env, timeout=TIMEOUT
        ).returncode
    done = Done(args, status, log.read_text(encoding="utf-8", errors="replace"))
    if check:
        assert done.returncode == 0, done.describe()
    return done


def sweep_command(sweep_dir: Path, *overrides: str, config_path: Path | None = None) -> list[str]:
    """The ``s3sim -m`` command of a sweep into ``sweep_dir``."""
    args = [script("s3sim")]
    if config_path is not None:
        args += ["--config-path", str(config_path)]
    return [*args, "-m", *overrides, f"hydra.sweep.dir={sweep_dir}"]


def sweep(sweep_dir: Path, *overrides: str, config_path: Path | None = None, check=True) -> Done:
    """Run a sweep into ``sweep_dir`` (the command runs in its parent directory)."""
    args = sweep_command(sweep_dir, *overrides, config_path=config_path)
    return run_command(args, sweep_dir.parent, check=check)


def shared_sweep(tmp_path_factory: pytest.TempPathFactory, name: str, *overrides: str):
    """A sweep built once per session (all xdist workers) and then only read.

    Returns:
        The sweep directory and the output of the command that built it.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this session
    root = base / f"shared-sweep-{name}"
    root.mkdir(exist_ok=True)
    sweep_dir, log, done = root / "sweep", root / "sweep.log", root / "built"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            result = sweep(sweep_dir, *overrides)  # a failed attempt is resumed by the next
            log.write_text(result.output, encoding="utf-8")
            done.touch()
    return sweep_dir, log.read_text(encoding="utf-8")


def reference_sweep(tmp_path_factory: pytest.TempPathFactory, n_jobs: int):
    """The nine-run reference sweep with the joblib launcher and ``n_jobs`` workers."""
    launcher = [*JOBLIB, f"hydra.launcher.n_jobs={n_jobs}"]
    return shared_sweep(tmp_path_factory, f"joblib-{n_jobs}", *GRID, *TINY, *launcher)


def run_dirs(sweep_dir: Path) -> list[Path]:
    """The job directories of a Hydra sweep (``0``, ``1``, ...), in job order."""
    dirs = [p for p in sweep_dir.iterdir() if p.is_dir() and p.name.isdigit()]
    return sorted(dirs, key=lambda p: int(p.name))


def complete_dirs(sweep_dir: Path) -> list[Path]:
    """The job directories holding ``_COMPLETE``."""
    if not sweep_dir.is_dir():
        return []
    return [p for p in run_dirs(sweep_dir) if (p / "_COMPLETE").is_file()]


def summary(run_dir: Path) -> dict[str, Any]:
    """The run's summary.json."""
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


def overrides(run_dir: Path) -> dict[str, str]:
    """The run's Hydra overrides (``.hydra/overrides.yaml``) as key to value text."""
    items = yaml.safe_load((run_dir / ".hydra" / "overrides.yaml").read_text(encoding="utf-8"))
    return dict(str(item).lstrip("+~").split("=", 1) for item in items)


def runs_by_key(sweep_dir: Path) -> dict[tuple[str, int], Path]:
    """Complete run directories by (scenario, seed), each checked against its overrides."""
    found: dict[tuple[str, int], Path] = {}
    for run_dir in complete_dirs(sweep_dir):
        info = summary(run_dir)
        key = (info["scenario"], int(info["seed"]))
        asked = overrides(run_dir)
        assert (asked.get("scenario", key[0]), int(asked.get("seed", key[1]))) == key, (
            f"{run_dir}: summary.json is the run {key}, Hydra launched {asked}"
        )
        assert key not in found, f"{key} is both {found[key]} and {run_dir}"
        found[key] = run_dir
    return found


def result_files(run_dir: Path) -> list[Path]:
    """The run's own files (Hydra's ``.hydra`` and ``cli.log`` left out), sorted."""
    return sorted(
        p
        for p in run_dir.rglob("*")
        if p.is_file() and p.relative_to(run_dir).parts[0] not in KEEP_OUT
    )


def tmp_files(root: Path) -> list[Path]:
    """Temporary files (``.*.tmp``) anywhere below ``root``."""
    return sorted(
        Path(folder) / name
        for folder, _, names in os.walk(root)
        for name in names
        if name.startswith(".") and name.endswith(".tmp")
    )


def assert_parquet_files_read(root: Path) -> int:
    """Read every Parquet file below ``root``; return how many there are."""
    paths = sorted(root.rglob("*.parquet"))
    for path in paths:
        pq.read_table(path)
    return len(paths)


def assert_same_results(
    got: dict[tuple[str, int], Path], expected: dict[tuple[str, int], Path]
) -> None:
    """The same runs with identical indicators and employment panels."""
    assert sorted(got) == sorted(expected)
    for key, run_dir in got.items():
        other = expected[key]
        assert summary(run_dir)["indicators"] == summary(other)["indicators"], (
            f"{key}: indicators of {run_dir} differ from {other}"
        )
        pd.testing.assert_frame_equal(
            pd.read_parquet(run_dir / "employment.parquet"),
            pd.read_parquet(other / "employment.parquet"),
            check_exact=True,
            obj=f"employment.parquet of {key}",
        )
