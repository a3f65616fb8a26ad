"""``${study_jobs:${sensitivity.batches}}``: how many jobs a study's sweep launches.

A study's jobs share its sample points out as they go (sim.experiments.sensitivity.claims),
so one job per worker is enough: more jobs only add each one's start (composing its config,
writing its ``.hydra`` files), and fewer leave workers idle. ``batches: auto`` asks for
that number, read from the launcher's own settings when the sweep's config is composed.
"""

from __future__ import annotations

import os
from typing import Any

from omegaconf import OmegaConf

from sim.errors import ConfigError

RESOLVER = "study_jobs"
BASIC = "hydra._internal.core_plugins.basic_launcher.BasicLauncher"


def workers(launcher: Any) -> int:
    """The jobs a launcher (the composed ``hydra.launcher``) runs at the same time.

    joblib: ``n_jobs`` (-1: every CPU, as joblib counts them); submitit on SLURM:
    ``array_parallelism``; Hydra's basic launcher: 1 (it runs jobs one after the other);
    any other: the CPUs of this machine.
    """
    launcher = launcher if launcher is not None else {}
    n_jobs = launcher.get("n_jobs")
    if isinstance(n_jobs, int) and not isinstance(n_jobs, bool):
        if n_jobs > 0:
            return n_jobs
        from joblib import effective_n_jobs

        return int(effective_n_jobs(n_jobs))
    parallelism = launcher.get("array_parallelism")
    if isinstance(parallelism, int) and parallelism > 0:
        return parallelism
    if launcher.get("_target_") == BASIC:
        return 1
    return os.cpu_count() or 1


def study_jobs(batches: Any, _root_: Any) -> Any:
    """``batches`` itself, or for ``auto`` the workers of the sweep's launcher."""
    if batches != "auto":
        # a count below 1 would launch no job at all, so no study to check it (a float or a
        # word is refused by the study, sim.experiments.sensitivity.study)
        if isinstance(batches, int) and not isinstance(batches, bool) and batches < 1:
            raise ConfigError(
                f"sensitivity.batches = {batches}: must be auto or a whole number >= 1"
            )
        return batches
    return workers(OmegaConf.select(_root_, "hydra.launcher", default=None))


def register() -> None:
    """Make the resolver known to OmegaConf in this process (idempotent)."""
    if not OmegaConf.has_resolver(RESOLVER):
        OmegaConf.register_new_resolver(RESOLVER, study_jobs)
