"""A sweep's workers end with its main process, however it ends (kill -9, SIGTERM)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# runs long enough that the workers are busy when the main process is killed
SLOW = ["economy.n_firms=20000", "years.end=2030", "output.plots=false"]


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_survives_its_sweep(tmp_path, how):
    cmd = [
        sys.executable,
        "-m",
        "sim.cli",
        "-m",
        "seed=range(0,8)",
        "hydra.launcher.n_jobs=2",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        *SLOW,
    ]
    main = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(tmp_path.glob("sweep/*/.hydra")):
        time.sleep(0.2)  # a job has started in a worker
    workers = children(main.pid)
    assert workers, "the sweep started no worker processes"
    os.kill(main.pid, how)
    main.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.2)
    survivors = [p for p in workers if alive(p)]
    for pid in survivors:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"{len(survivors)} of {len(workers)} workers outlived the sweep"
