"""Sweeps of runs: collect them, compare scenarios on paired seeds, and report.

- :func:`collect` gathers the complete runs of a Hydra sweep into ``runs.parquet`` and a
  panel dataset partitioned by scenario (``s3sim-collect``).
- :func:`compare` pairs each scenario's runs with the baseline's on the same seeds and
  summarises the differences with bootstrap intervals and Wilcoxon tests
  (``s3sim-compare``).
- :func:`report` writes a self-contained HTML report and a Markdown twin
  (``s3sim-report``).
"""

from sim.experiments.collect import CollectResult, collect, load_runs
from sim.experiments.compare import (
    DEFAULT_INDICATORS,
    ComparisonResult,
    compare,
    compare_runs,
)
from sim.experiments.progress import progress
from sim.experiments.sweep import SweepError, find_run_dirs
from sim.experiments.sweep_report import report
from sim.experiments.tables import write_comparison

__all__ = [
    "DEFAULT_INDICATORS",
    "CollectResult",
    "ComparisonResult",
    "SweepError",
    "collect",
    "compare",
    "compare_runs",
    "find_run_dirs",
    "load_runs",
    "progress",
    "report",
    "write_comparison",
]
