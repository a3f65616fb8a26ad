"""Sample points shared out among a study's jobs as they go: each job claims the next free one.

A job of a study does not get a fixed share of the points. It takes the next point nobody
has finished or claimed, evaluates it, and goes on until none is left, so jobs that start
late, or whose points cost more, still finish together. A claim is a file created with
``O_CREAT | O_EXCL`` in ``.claims/<launch>/`` of the sweep directory: of the jobs that try
the same point at the same moment exactly one succeeds (POSIX; NFS since version 3).

Claims belong to one launch of the study command. Hydra's basic sweeper rewrites the sweep's
``multirun.yaml`` each time the command starts, so its modification time names the launch;
the claims of an earlier launch (a killed study) are stale and are removed by the next one,
which evaluates again what was claimed but never finished. A job run outside a sweep (no
``multirun.yaml``) shares with nobody: every point it has not finished is its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CLAIMS = ".claims"
"""Folder of the claims in the sweep directory (hidden: the analysis does not look there)."""
LAUNCH_FILE = "multirun.yaml"


def launch_name(sweep_dir: Path) -> str | None:
    """The name of the current launch of the study in ``sweep_dir``; None outside a sweep."""
    try:
        return f"launch-{(sweep_dir / LAUNCH_FILE).stat().st_mtime_ns}"
    except FileNotFoundError:
        return None


class PointClaims:
    """The claims of the current launch of a study.

    Args:
        sweep_dir: The study's sweep directory.
    """

    def __init__(self, sweep_dir: str | Path):
        root = Path(sweep_dir) / CLAIMS
        self.launch = launch_name(Path(sweep_dir))
        self.folder = None if self.launch is None else root / self.launch
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():  # an earlier launch's: killed, or finished
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)

    def claim(self, row: int) -> bool:
        """Claim sample point ``row``; False when another job of this launch has it."""
        if self.folder is None:
            return True
        try:
            fd = os.open(self.folder / str(row), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        os.close(fd)
        return True
