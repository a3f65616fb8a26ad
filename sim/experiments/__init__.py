"""Sweeps of runs: collect them, compare scenarios on paired seeds, and report.

- :func:`collect` gathers the complete runs of a Hydra sweep into ``runs.parquet`` and a
  panel dataset partitioned by scenario (``s3sim-collect``).
- :func:`compare` pairs each scenario's runs with the baseline's on the same seeds and
  summarises the differences with t intervals and Wilcoxon tests
  (``s3sim-compare``).
- :func:`report` writes a self-contained HTML report and a Markdown twin
  (``s3sim-report``).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from sim.lazy import lazy_exports

#: Where each public name lives. They are imported on first use: the sweep's progress bar
#: (sim.experiments.callbacks) and a study's jobs import this package, and should not pay
#: for pandas, pyarrow and scipy.stats, which collecting and comparing need.
_HOME = {
    "CollectResult": "collect",
    "collect": "collect",
    "load_runs": "collect",
    "DEFAULT_INDICATORS": "compare",
    "ComparisonResult": "compare",
    "compare": "compare",
    "compare_runs": "compare",
    "progress": "progress",
    "SweepError": "sweep",
    "find_run_dirs": "sweep",
    "report": "sweep_report",
    "write_comparison": "tables",
}
__all__ = sorted(_HOME)


__getattr__ = lazy_exports(__name__, _HOME, globals())


class _Package(types.ModuleType):
    """This package; a function keeps its name here when its module of the same name loads."""

    def __setattr__(self, name: str, value: Any) -> None:
        # the import system binds every submodule it loads to its parent; `collect`,
        # `compare` and `progress` name the functions this package exports, not their modules
        if isinstance(value, types.ModuleType) and _HOME.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
