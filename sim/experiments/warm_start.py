"""A sweep's joblib workers start, and import the model, while the main process gets ready.

Hydra starts the launcher's workers only when it launches the jobs, after it has checked
that the jobs compose; each worker then imports Hydra, the model (mesa, pandas, scipy) and
the statistics, a second or two during which the main process only waits, and which the
same sweep on one worker pays once. Two things shorten that wait:

- :func:`start_server`, called with the command line before Hydra is even imported
  (:mod:`sim.entry`), starts Python's fork server, which imports the model once while
  the main process composes; loky then forks every worker from it, its imports done.
- :func:`start` asks joblib for the launcher's workers as soon as the command's config
  is composed, from a thread, and gives each a first task, :func:`prepare_worker`; the
  launcher's ``joblib.Parallel`` then finds the workers running (joblib reuses loky's
  executor when its settings are the same, which they are: the launcher's own).

If anything fails here, the launcher starts its workers as it always did.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import threading
from typing import Any

log = logging.getLogger("s3sim")
JOBLIB = "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"
_FROZEN = {"done": False}


#: What a sweep's job imports besides ``sim.cli`` (which a worker runs as its main module
#: when the command is ``python -m sim.cli``: runpy warns if it is imported already).
JOB_MODULES = ("hydra_plugins.hydra_joblib_launcher._core", "sim.config.assemble")
#: What a sensitivity study's job imports besides.
STUDY_MODULES = ("sim.experiments.sensitivity.batch",)


#: The fork server's last import (it freezes the collector's view of the others).
SERVER_READY = "sim.experiments.server_ready"
#: The fork server's first import: mesa's own import walks the stack it is imported from
#: (``mesa.model`` names its logger with ``inspect.stack()``, which reads the source of
#: every frame and searches every module loaded), cheaper first of all than deep inside
#: the model's imports.
SERVER_FIRST = "mesa"


def job_modules(study: bool) -> tuple[str, ...]:
    """The modules a sweep's job imports (a study's jobs: :data:`STUDY_MODULES` too)."""
    return JOB_MODULES + (STUDY_MODULES if study else ())


def settle_imports(study: bool = False) -> None:
    """Import the model, then keep the garbage collector off what is alive (once a process).

    ``study``: also the modules of a sensitivity study's jobs. The modules live as long as
    the process. At its end the interpreter would search all
    their objects for cycles, about half a second (several under load) with the model's
    1,800 modules: time every single run and every worker of a sweep spent after its work.
    ``gc.freeze`` moves what is alive now out of the collector's sight; what later runs
    allocate is collected as before. The collector is off during the imports themselves
    (about a tenth of their CPU time here: its passes over the new modules' objects).
    The model's compiled loops are loaded here as well (:func:`sim.model.preload.warm`).
    """
    if _FROZEN["done"]:
        return
    enabled = gc.isenabled()
    gc.disable()  # what imports allocate lives for good: the collector's passes find little
    try:
        for module in job_modules(study):
            importlib.import_module(module)
        importlib.import_module("sim.model.preload").warm()
    finally:
        if enabled:
            gc.enable()
    gc.collect()
    gc.freeze()
    _FROZEN["done"] = True


def prepare_worker(study: bool, parsed_texts: dict[str, Any] | None = None) -> None:
    """A worker's first task: end with the sweep's main process, and import what jobs need.

    ``parsed_texts``: the config files the main process has parsed (``parse_once.texts``),
    so that the worker's first composition does not parse them again.
    """
    from sim.config import parse_once
    from sim.experiments.orphans import end_with_main

    end_with_main()  # from now on, not only once a job has started
    settle_imports(study)
    if parsed_texts:
        parse_once.adopt(parsed_texts)


def _joblib(launcher: dict[str, Any]) -> tuple[dict[str, Any], int] | None:
    """The settings the joblib launcher gives joblib, and its workers; None for another."""
    if launcher.get("_target_") != JOBLIB:
        return None
    from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg
    from joblib import effective_n_jobs

    settings = {k: v for k, v in launcher.items() if k != "_target_"}
    settings["backend"] = "loky"  # as the launcher does
    process_joblib_cfg(settings)
    return settings, effective_n_jobs(settings.get("n_jobs", -1))


#: Hydra's command-line options that take a value; any other option but ``-m`` is a flag.
VALUED_OPTIONS = ("-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir")


def multirun_overrides(argv: list[str]) -> dict[str, str] | None:
    """The overrides of a multirun's command line (key: value), or None.

    None for a single run, and for a command line with any option besides ``-m`` and the
    config's place and name (``--cfg``, ``--help``, ``--info``...: nothing is launched) or
    a malformed one (Hydra reports it). Read without Hydra, which is not imported yet.
    """
    multirun, chosen, args = False, {}, iter(argv)
    for arg in args:
        if arg in ("-m", "--multirun"):
            multirun = True
        elif arg in VALUED_OPTIONS:
            value = next(args, None)
            if value is None or value.startswith("-"):
                return None
        elif arg.startswith("-"):
            option, _, value = arg.partition("=")
            if option not in VALUED_OPTIONS or not value:
                return None
        else:
            key, _, value = arg.partition("=")
            chosen[key.strip().lstrip("+~")] = value.strip()
    return chosen if multirun else None


def start_server(argv: list[str]) -> bool:
    """Have loky fork a multirun's workers from a server process that imports the model now.

    loky starts each worker as a fresh interpreter, which imports the model (mesa with
    pandas, networkx and scipy.spatial: a second or more of CPU) once Hydra has composed
    and checked the sweep: on 2 cores, the main process and two importing workers share
    them. With Python's fork server, one process imports :func:`job_modules` once, on
    the other core while the main process composes, and every worker is a fork of it,
    ready at once. The ``s3sim`` command calls this first of all (:mod:`sim.entry`),
    before Hydra is imported: the server's imports are the longest wait of a sweep's
    launch, and start a few tenths of a second sooner. Called again, it does nothing.

    It starts the server for a multirun whose command line chooses no other launcher and
    not one worker (:func:`multirun_overrides`). Where the config then chooses another
    launcher, or joblib runs the jobs in the main process, no worker is ever asked of the
    server, which ends with the command.

    Returns:
        Whether the server was started: not for a single run, another launcher or one
        worker on the command line, one CPU, where loky's start method was chosen already,
        or where the platform has no fork server (loky's own start then serves as before).
    """
    chosen = multirun_overrides(argv)
    if chosen is None:
        return False
    launcher = chosen.get("hydra/launcher", chosen.get("override hydra/launcher", "joblib"))
    if launcher != "joblib" or chosen.get("hydra.launcher.n_jobs") == "1":
        return False
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods() or _one_cpu_allowed():
        return False
    loky = sys.modules.get(LOKY_CONTEXT)  # imported: a start method may have been chosen
    if loky is not None and loky.get_start_method() is not None:
        return False
    from multiprocessing import forkserver

    from sim.experiments.orphans import mark_main

    mark_main()  # the server and its workers inherit the name of the main process
    multiprocessing.set_forkserver_preload([SERVER_FIRST, *job_modules(study=True), SERVER_READY])
    forkserver.ensure_running()  # the server imports the model from now on
    # joblib (a fifth of a second of imports) only now: its count of CPUs counts cgroup
    # quotas too, and the start method may only be chosen by loky's own function
    from joblib.externals.loky import cpu_count
    from joblib.externals.loky.backend.context import get_start_method, set_start_method

    if cpu_count() <= 1 or get_start_method() is not None:
        _stop_server(forkserver)
        return False
    set_start_method("forkserver")
    return True


#: loky's module that keeps its start method.
LOKY_CONTEXT = "joblib.externals.loky.backend.context"


def _one_cpu_allowed() -> bool:
    """Whether this process may run on one CPU only (its affinity), as far as is known cheaply."""
    affinity = getattr(os, "sched_getaffinity", None)
    return affinity is not None and len(affinity(0)) <= 1


def _stop_server(forkserver: Any) -> None:
    """End a fork server started in vain (else it idles until the command ends)."""
    stop = getattr(forkserver._forkserver, "_stop", None)  # Python's own, not public
    if stop is not None:
        stop()


def joblib_workers(launcher: dict[str, Any]) -> int:
    """The workers of the joblib launcher configured by ``launcher``; 0 for another launcher."""
    found = _joblib(launcher)
    return 0 if found is None else found[1]


def start(launcher: dict[str, Any], study: bool) -> threading.Thread | None:
    """Start the workers of the joblib launcher configured by ``launcher`` (hydra.launcher).

    Args:
        launcher: The composed ``hydra.launcher`` section.
        study: Whether the sweep is a sensitivity study (its jobs import more).

    Returns:
        The thread that waits for the workers' imports, or None when there is nothing to
        start (another launcher, or one worker: joblib then runs the jobs in this process).
    """
    found = _joblib(launcher)
    if found is None or found[1] <= 1:
        return None
    from sim.config import parse_once

    settings, workers = found
    texts = parse_once.texts()
    thread = threading.Thread(target=_warm, args=(settings, workers, study, texts), daemon=True)
    thread.start()
    return thread


def _warm(settings: dict[str, Any], workers: int, study: bool, texts: dict[str, Any]) -> None:
    from joblib import Parallel, delayed

    try:
        Parallel(**settings)(delayed(prepare_worker)(study, texts) for _ in range(workers))
    except Exception as exc:  # an optimisation only: the launcher starts its workers itself
        log.debug("warm start of the sweep's workers failed: %s", exc)
