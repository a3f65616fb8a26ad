"""Validation of a baseline run against stylised facts of firms and regions.

``validate_runs`` computes the table of statistics for one or several run
directories, ``write_report`` writes it as ``validation.md`` and
``validation.json``; ``s3sim-validate`` (:mod:`sim.validation.cli`) does both.
"""

from sim.validation.report import validate_runs, write_report
from sim.validation.rundir import InputError

__all__ = ["InputError", "validate_runs", "write_report"]
