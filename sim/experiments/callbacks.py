"""A Hydra callback that shows a sweep's progress: finished runs over all runs.

Runs may execute in other processes (joblib workers, SLURM jobs), so the bar
counts completion markers in the sweep directory instead of listening to the
jobs; runs already complete from an interrupted sweep count at once.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig
from tqdm import tqdm

from sim.experiments.progress import _stderr_is_terminal
from sim.outputs.atomic import COMPLETE_MARKER


def sweep_size(task_overrides: list[str], sweeper_params: dict[str, Any] | None) -> int | None:
    """Number of runs of a basic-sweeper grid (command-line sweeps win over config ones)."""
    sweeps: dict[str, str] = {str(k): str(v) for k, v in (sweeper_params or {}).items()}
    parser = OverridesParser.create()
    try:
        fixed = parser.parse_overrides(task_overrides)
        for o in fixed:
            sweeps.pop(o.key_or_group, None)
        parsed = [o for o in fixed if o.is_sweep_override()]
        parsed += parser.parse_overrides([f"{k}={v}" for k, v in sweeps.items()])
        return math.prod(
            len(list(o.sweep_string_iterator())) for o in parsed if o.is_sweep_override()
        )
    except Exception:  # an exotic sweeper or grammar: show a bar without a total
        return None


class SweepProgress(Callback):
    """Progress bar of a multirun, on stderr when it is a terminal."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __getstate__(self) -> dict[str, Any]:
        # launchers pickle callbacks into their workers; the watcher stays here
        return {"interval": self.interval}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Start watching the sweep directory (on a terminal only)."""
        if not _stderr_is_terminal():
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        total = sweep_size(list(config.hydra.overrides.task), config.hydra.sweeper.get("params"))
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, args=(sweep_dir, total), daemon=True)
        self._thread.start()

    def _watch(self, sweep_dir: Path, total: int | None) -> None:
        with tqdm(total=total, desc="runs", unit="run") as bar:
            while True:
                stopping = self._stop.wait(self.interval)
                done = sum(1 for _ in sweep_dir.glob(f"*/{COMPLETE_MARKER}"))
                bar.update(done - bar.n)
                if stopping:
                    return

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Stop watching and close the bar."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
