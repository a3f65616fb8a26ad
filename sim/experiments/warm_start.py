"""A sweep's joblib workers start, and import the model, while the main process gets ready.

Hydra starts the launcher's workers only when it launches the jobs, after it has checked
that the jobs compose; each worker then imports Hydra, the model (mesa, pandas, scipy) and
the statistics, a second or two during which the main process only waits, and which the
same sweep on one worker pays once. :func:`start` asks joblib for the same workers as soon
as the command's config is composed, from a thread, and gives each a first task,
:func:`prepare_worker`; the launcher's ``joblib.Parallel`` then finds the workers running
(joblib reuses loky's executor when its settings are the same, which they are: the
launcher's own) and their imports done. If anything fails here, the launcher starts its
workers as it always did.
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

log = logging.getLogger("s3sim")
JOBLIB = "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"
_FROZEN = {"done": False}


def settle_imports(study: bool = False) -> None:
    """Import the model, then keep the garbage collector off what is alive (once a process).

    ``study``: also the modules of a sensitivity study's jobs. The modules live as long as
    the process. At its end the interpreter would search all
    their objects for cycles, about half a second (several under load) with the model's
    1,800 modules: time every single run and every worker of a sweep spent after its work.
    ``gc.freeze`` moves what is alive now out of the collector's sight; what later runs
    allocate is collected as before. The collector is off during the imports themselves
    (about a tenth of their CPU time here: its passes over the new modules' objects).
    """
    if _FROZEN["done"]:
        return
    enabled = gc.isenabled()
    gc.disable()  # what imports allocate lives for good: the collector's passes find little
    try:
        import sim.config.assemble  # noqa: F401

        if study:
            import sim.experiments.sensitivity.batch  # noqa: F401
    finally:
        if enabled:
            gc.enable()
    gc.collect()
    gc.freeze()
    _FROZEN["done"] = True


def prepare_worker(study: bool) -> None:
    """A worker's first task: end with the sweep's main process, and import what jobs need."""
    from sim.experiments.orphans import end_with_main

    end_with_main()  # from now on, not only once a job has started
    settle_imports(study)


def start(launcher: dict[str, Any], study: bool) -> threading.Thread | None:
    """Start the workers of the joblib launcher configured by ``launcher`` (hydra.launcher).

    Args:
        launcher: The composed ``hydra.launcher`` section.
        study: Whether the sweep is a sensitivity study (its jobs import more).

    Returns:
        The thread that waits for the workers' imports, or None when there is nothing to
        start (another launcher, or one worker: joblib then runs the jobs in this process).
    """
    settings = {k: v for k, v in launcher.items() if k != "_target_"}
    if launcher.get("_target_") != JOBLIB:
        return None
    from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg
    from joblib import effective_n_jobs

    settings["backend"] = "loky"  # as the launcher does
    process_joblib_cfg(settings)
    workers = effective_n_jobs(settings.get("n_jobs", -1))
    if workers <= 1:
        return None
    thread = threading.Thread(target=_warm, args=(settings, workers, study), daemon=True)
    thread.start()
    return thread


def _warm(settings: dict[str, Any], workers: int, study: bool) -> None:
    from joblib import Parallel, delayed

    try:
        Parallel(**settings)(delayed(prepare_worker)(study) for _ in range(workers))
    except Exception as exc:  # an optimisation only: the launcher starts its workers itself
        log.debug("warm start of the sweep's workers failed: %s", exc)
