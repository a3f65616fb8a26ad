"""Validation of a baseline run against stylised facts of firms and regions.

``validate_runs`` computes the table of statistics for one or several run
directories, ``write_report`` writes it as ``validation.md`` and
``validation.json``; ``s3sim-validate`` (:mod:`sim.validation.command`) does both.
"""

from sim.validation.rundir import InputError
from sim.validation.table import validate_runs, write_report

__all__ = ["InputError", "validate_runs", "write_report"]
