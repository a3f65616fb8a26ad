"""The ``s3sim`` command: a thin Hydra wrapper around :func:`run`.

``run(cfg, out_dir)`` is a plain function (tests call it directly); ``main``
composes the config with Hydra, so overrides (``s3sim seed=3
economy.n_firms=100000 years.end=2040``), scenarios (``scenario=targeted``) and
sweeps (``-m``) all work. Bad input stops with one line naming the key and the
problem, exit status 2.
"""

from __future__ import annotations

import errno
import gc
import logging
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hydra
import yaml
from hydra._internal import utils as hydra_utils
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import composed, hydra_hooks
from sim.config.params_file import apply_params_file
from sim.config.paths import config_dir
from sim.config.safety import check_path_name
from sim.config.settings import to_container
from sim.errors import ConfigError
from sim.experiments.warm_start import settle_imports, start_server
from sim.outputs import manifest
from sim.outputs.atomic import is_complete

if TYPE_CHECKING:
    from sim.config.assemble import build_model
    from sim.model.model import ClusterModel

log = logging.getLogger("s3sim")
hydra_hooks.install()  # scenario and experiment files are data: checked as Hydra composes
__all__ = ["build_model", "main", "run"]


def __getattr__(name: str) -> Any:
    # The model (mesa, pandas, scipy: about 2 s of imports) is imported where a run needs it:
    # the main process of a sweep only composes and launches, and should not wait for it.
    if name == "build_model":
        from sim.config.assemble import build_model

        return build_model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run(cfg: DictConfig | Mapping[str, Any], out_dir: str | Path | None = None) -> Path:
    """Simulate one run and write its outputs.

    The run writes only inside ``out_dir`` and lists each file in its manifest
    before writing it; running again removes only listed files (sim.outputs.manifest).

    Args:
        cfg: The composed config.
        out_dir: The run directory (default: Hydra's output directory, or the
            working directory outside Hydra). A directory that already holds a
            complete run of the same config, its files intact, is left as it is:
            sweeps resume by skipping finished runs.

    Returns:
        The run directory.

    Raises:
        ConfigError: A bad config, or a folder holding files no run wrote.
    """
    # mesa logs every step at INFO, which Hydra's job logging would print
    logging.getLogger("MESA").setLevel(logging.WARNING)
    _guard_sweep_worker()
    config = apply_params_file(to_container(cfg), task_overrides())
    if out_dir is None:
        out_dir = HydraConfig.get().runtime.output_dir if HydraConfig.initialized() else "."
    out_dir = Path(out_dir)
    manifest.check_run_folder(out_dir, "run folder")
    if is_complete(out_dir) and holds_run(out_dir, config):
        if manifest.verify(out_dir):
            log.info("%s is complete; skipped", out_dir)
            return out_dir
        log.warning("%s: a file of the finished run changed or is missing; running again", out_dir)
    scenario = (config.get("scenario") or {}).get("name", "no_policy")
    check_path_name(scenario, "scenario.name")
    from sim.config.assemble import assemble
    from sim.outputs.results import write_results

    t0 = time.perf_counter()
    parts = assemble(config)
    model = parts.model()
    manifest.claim(out_dir)
    manifest.clear(out_dir)  # an earlier run's files (another config, or killed mid-way)
    with manifest.recording(out_dir):
        model.run(progress=_show_progress())
        _warn_few_firms(model)
        elapsed = time.perf_counter() - t0
        write_results(model, out_dir, config, parts.settings, scenario, elapsed)
    return out_dir


def _warn_few_firms(model: ClusterModel) -> None:
    alive = int(model.recorder.firms[0, : model.economy.n_regions].sum())
    if alive < model.initial_firms / 2:
        log.warning(
            "economy.n_firms = %d: only %d firms alive in the first reported year; most were "
            "below dynamics.demography.exit_size and left (more firms need more jobs)",
            model.initial_firms,
            alive,
        )


def _guard_sweep_worker() -> None:
    """In a worker of a sweep (another process launched it), end with that process."""
    from hydra.types import RunMode

    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        from sim.experiments.orphans import end_with_main

        end_with_main()


def _show_progress() -> bool:
    """A bar over the years for a single run on a terminal (sweeps have their own)."""
    from hydra.types import RunMode

    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        return False
    return sys.stderr.isatty()


def holds_run(out_dir: Path, config: Mapping[str, Any]) -> bool:
    """Whether the complete run in ``out_dir`` was run with ``config`` (its config.yaml)."""
    try:
        stored = yaml.safe_load((out_dir / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return stored == yaml.safe_load(yaml.safe_dump(dict(config), sort_keys=False))


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def _app(cfg: DictConfig) -> None:
    _guard_sweep_worker()
    settle_imports(study="sensitivity" in cfg)  # the model's imports; the end of the process
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        config = apply_params_file(to_container(cfg), task_overrides())
        done = is_complete(out_dir) and holds_run(out_dir, config)
        if "sensitivity" in cfg:  # a job of a sensitivity study: a batch of sample points
            from sim.experiments.sensitivity.batch import run_batch

            # the file's values are in config now: the study's sampled keys win over them
            study = {**config, "params_file": None}
            hydra_cfg = HydraConfig.get()
            out = run_batch(study, hydra_cfg.runtime.output_dir, sweep_dir=hydra_cfg.sweep.dir)
        else:
            out = run(cfg, out_dir)
    except ConfigError as exc:
        _forget_fresh_folder()
        print(f"s3sim: config error: {_one_line(exc)}", file=sys.stderr)
        sys.exit(2)
    except ValueError as exc:  # data errors (sim.data.DataError) are ValueErrors too
        _forget_fresh_folder()
        print(f"s3sim: error: {_one_line(exc)}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:  # a full disk, a folder made read-only mid-run
        print(f"s3sim: cannot write the run's files: {_one_line(exc)}", file=sys.stderr)
        sys.exit(2)
    print(f"s3sim: {'skipped, already complete:' if done else 'wrote'} {out}")


def task_overrides() -> list[str]:
    """The command line's overrides of the config (none outside Hydra)."""
    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []


def _one_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _forget_fresh_folder() -> None:
    """Remove the folder Hydra created for a run refused before writing anything."""
    folder = composed.FRESH["run_dir"]
    if folder is None or not folder.is_dir() or (folder / manifest.MANIFEST).exists():
        return
    if manifest.foreign_entries(folder):
        return
    logging.shutdown()  # Hydra's job log lives in the folder
    for entry in folder.iterdir():
        if entry.name in manifest.HYDRA_OWN and entry.is_dir():
            for child in entry.iterdir():
                child.unlink()
            entry.rmdir()
        else:
            entry.unlink()
    first_new = composed.FRESH["first_new"] or folder
    while True:  # and the parents Hydra created for it (outputs/DATE/)
        folder.rmdir()
        if folder == first_new or any(folder.parent.iterdir()):
            return
        folder = folder.parent


#: How Hydra refuses a command line with two modes (``-m --cfg job``): a ValueError.
CONFLICTING_MODES = "Only one of --run, --multirun"

#: The errors of a file that cannot be written: a full disk or quota, a size limit, no right.
WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _in_one_line(report: Callable[[Callable[[], Any]], Any]) -> Callable:
    """Hydra's reporter of a command's errors, with a file error (OSError) as one line.

    Hydra writes its own files of a run (``.hydra/``) and of a sweep (``multirun.yaml``)
    before the run starts; a full disk there would otherwise end in Hydra's traceback.
    """

    def guarded_report(func: Callable[[], Any]) -> Any:
        def guarded() -> Any:
            try:
                return func()
            except OSError as exc:
                what = "cannot write the run's files" if exc.errno in WRITE_ERRORS else "error"
                print(f"s3sim: {what}: {_one_line(exc)}", file=sys.stderr)
                try:  # a run that never started leaves no folder behind
                    _forget_fresh_folder()
                except OSError:
                    pass
                sys.exit(2)

        return report(guarded)

    return guarded_report


def main() -> None:
    """The ``s3sim`` command (``python -m sim.cli``; the installed command: :mod:`sim.entry`)."""
    if not getattr(hydra_utils.run_and_report, "one_line", False):
        hydra_utils.run_and_report = _in_one_line(hydra_utils.run_and_report)
        hydra_utils.run_and_report.one_line = True
    start_server(sys.argv[1:])  # a multirun's workers (done already by sim.entry: nothing)
    try:
        _app()
    except ValueError as exc:  # Hydra's own check of the command line, before any report
        if not str(exc).startswith(CONFLICTING_MODES):
            raise
        print(f"s3sim: command line: {exc}", file=sys.stderr)
        sys.exit(2)
    gc.freeze()  # the command ends: no need to search what is left for cycles first


if __name__ == "__main__":
    main()
