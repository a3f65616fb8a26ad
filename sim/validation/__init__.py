"""Validation of a baseline run against stylised facts of firms and regions.

``validate_runs`` computes the table of statistics for one or several run
directories, ``write_report`` writes it as ``validation.md`` and
``validation.json``; ``s3sim-validate`` (:mod:`sim.validation.command`) does both.
"""

from __future__ import annotations

from sim.lazy import lazy_exports

#: Where each public name lives, imported on first use (a study's jobs use only
#: stylised_facts and should not load the report's readers).
_HOME = {"InputError": "rundir", "validate_runs": "table", "write_report": "table"}
__all__ = ["InputError", "validate_runs", "write_report"]


__getattr__ = lazy_exports(__name__, _HOME, globals())
