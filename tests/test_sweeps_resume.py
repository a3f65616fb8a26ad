"""A sweep killed part-way resumes: finished runs are kept, the others are run.

The sweep is killed with SIGKILL (no clean-up of any kind) and the identical command is
run again into the same sweep directory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from sim.cli import run
from tests.conftest import compose_config
from tests.test_sweeps_support import (
    ECONOMY,
    GRID,
    JOBLIB,
    TIMEOUT,
    TINY,
    assert_parquet_files_read,
    assert_same_results,
    complete_dirs,
    reference_sweep,
    result_files,
    run_command,
    run_dirs,
    runs_by_key,
    summary,
    sweep,
    sweep_command,
    tmp_files,
)

SERIAL = [*JOBLIB, "hydra.launcher.n_jobs=1"]  # runs finish one by one


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The same sweep, run once without interruption."""
    return reference_sweep(tmp_path_factory, n_jobs=1)[0]


def kill_after(args: list[str], cwd: Path, sweep_dir: Path, n_complete: int) -> None:
    """Start a sweep in its own session; SIGKILL its process group after ``n_complete`` runs."""
    with (cwd / "killed.log").open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    pgid = os.getpgid(proc.pid)  # its own group: the sweep and any worker it starts
    try:
        deadline = time.monotonic() + TIMEOUT
        while len(complete_dirs(sweep_dir)) < n_complete:
            if proc.poll() is not None:
                pytest.fail(f"the sweep ended (status {proc.returncode}) before it was killed")
            if time.monotonic() > deadline:
                pytest.fail(f"fewer than {n_complete} runs finished in {TIMEOUT} s")
            time.sleep(0.01)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=60)


def snapshot(run_dir: Path) -> dict[str, tuple[int, bytes]]:
    """Modification time and bytes of each of the run's own files."""
    return {
        p.relative_to(run_dir).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in result_files(run_dir)
    }


@pytest.mark.slow
def test_killed_sweep_resumes(tmp_path, uninterrupted):
    sweep_dir = tmp_path / "sweep"
    args = sweep_command(sweep_dir, *GRID, *TINY, *SERIAL)
    kill_after(args, tmp_path, sweep_dir, n_complete=2)
    before = {p.name: snapshot(p) for p in complete_dirs(sweep_dir)}
    n_runs = len(runs_by_key(uninterrupted))
    assert 2 <= len(before) < n_runs, f"{len(before)} of {n_runs} runs finished before the kill"

    done = run_command(args, tmp_path)  # the identical command, into the same directory
    assert done.output.count("is complete; skipped") == len(before), done.describe()

    dirs = run_dirs(sweep_dir)
    assert [p.name for p in dirs] == [str(i) for i in range(n_runs)]
    assert complete_dirs(sweep_dir) == dirs
    expected = {p.name: p for p in run_dirs(uninterrupted)}
    for run_dir in dirs:  # one complete result each: the files of an uninterrupted run
        names = [p.relative_to(run_dir) for p in result_files(run_dir)]
        reference = expected[run_dir.name]
        assert names == [p.relative_to(reference) for p in result_files(reference)], run_dir
    assert tmp_files(sweep_dir) == []
    assert assert_parquet_files_read(sweep_dir) >= 5 * n_runs
    for name, files in before.items():  # finished before the kill: not redone
        assert snapshot(sweep_dir / name) == files, f"run {name} was written again"
    assert_same_results(runs_by_key(sweep_dir), runs_by_key(uninterrupted))


def test_resume_removes_stale_plot_files(tmp_path):
    config = compose_config([*ECONOMY, "output.plots=true"])
    run_dir = run(config, tmp_path / "run")
    assert summary(run_dir)["seed"] == 0
    # the state of a run killed while writing: no marker, half-written temporary files
    (run_dir / "_COMPLETE").unlink()
    stale = [
        run_dir / ".summary.json.k1ll3d.tmp",
        run_dir / "plots" / ".employment_by_group.png.0123456789abcdef.tmp",
    ]
    for path in stale:
        path.write_bytes(b"half")
    run(config, run_dir)
    assert (run_dir / "_COMPLETE").is_file()
    assert tmp_files(run_dir) == []


@pytest.mark.slow
def test_resume_with_a_larger_grid_runs_every_new_run(tmp_path):
    sweep_dir = tmp_path / "sweep"
    sweep(sweep_dir, "scenario=no_policy,bottom_up", "seed=0", *TINY, *SERIAL)
    # two seeds now: job 1 is (no_policy, 1), no longer (bottom_up, 0)
    sweep(sweep_dir, "scenario=no_policy,bottom_up", "seed=0,1", *TINY, *SERIAL)
    found = runs_by_key(sweep_dir)  # checks each summary.json against its overrides
    assert sorted(found) == [("bottom_up", 0), ("bottom_up", 1), ("no_policy", 0), ("no_policy", 1)]
