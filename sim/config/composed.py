"""Checks of a whole composed config, made before Hydra instantiates or creates anything.

Called by :mod:`sim.config.hydra_hooks` right after composition: the
``_target_`` allow-list over the whole config (``hydra`` included), names used
in paths, the run folder (single runs) and, for sweeps, the sweep's size, the
launcher's worker count, the sweep folder and every scenario or experiment a
sweep will compose in its jobs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ChoiceSweep, RangeSweep
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config import precomposed
from sim.config.limits import Limits, read_limits
from sim.config.safety import PATH_NAME, check_path_name, check_targets
from sim.config.settings import NO_POLICY, no_such_scenario
from sim.config.sources import enter_job, leave_job, shown
from sim.errors import ConfigError
from sim.outputs.manifest import check_run_folder, check_sweep_folder

#: Most workers a local launcher may start.
MAX_JOBS = 256
#: The run folder this process found missing before Hydra created it, and the first of
#: its parents that was missing too (removed again when the run stops on a config error:
#: nothing of a refused run is left behind).
FRESH: dict[str, Path | None] = {"run_dir": None, "first_new": None}


def _select(cfg: DictConfig, key: str) -> Any:
    try:
        return OmegaConf.select(cfg, key, throw_on_missing=False)
    except Exception:  # an interpolation that only resolves in a job (${hydra:...})
        return None


def check(cfg: DictConfig, run_mode: RunMode | None, top: bool, loader: Any) -> None:
    """All checks of a freshly composed config (``top``: the command's own config)."""
    choice = _select(cfg, "hydra.runtime.choices.scenario")
    scenario_source = None if choice is None else shown(f"scenario/{choice}")
    check_targets(OmegaConf.to_container(cfg, resolve=False), "config", scenario_source)
    name = _select(cfg, "scenario.name")
    if name is not None:
        check_path_name(name, "scenario.name")
    if not top:
        return
    resolve_all(cfg)
    limits = read_limits(OmegaConf.to_container(cfg.get("limits") or {}, resolve=True))
    if run_mode == RunMode.MULTIRUN:
        check_sweep(cfg, limits, loader)
        from sim.experiments.orphans import mark_main
        from sim.experiments.warm_start import joblib_workers, start

        mark_main()  # the workers this process starts end when it ends
        launcher = OmegaConf.to_container(cfg.hydra.launcher, resolve=True)
        start(launcher, "sensitivity" in cfg)
        precomposed.expect(joblib_workers(launcher))
    elif run_mode == RunMode.RUN:
        compose_checks(cfg, sweep_overrides(cfg), [], loader)
        run_dir = Path(str(cfg.hydra.run.dir)).resolve()
        FRESH["run_dir"] = run_dir if check_run_folder(run_dir) else None
        first_new = run_dir
        while not first_new.parent.exists():
            first_new = first_new.parent
        FRESH["first_new"] = first_new


def resolve_all(cfg: DictConfig) -> None:
    """Every interpolation of the run's keys and of its folders resolves (one line if not)."""
    keys = [k for k in cfg if k != "hydra"]
    for key in keys:
        try:
            value = cfg[key]  # a leaf's interpolation resolves here
            if OmegaConf.is_config(value):
                OmegaConf.to_container(value, resolve=True)
        except Exception as exc:  # omegaconf raises many types
            raise ConfigError(f"{key}: {str(exc).splitlines()[0]}") from None
    for key in ("hydra.run.dir", "hydra.sweep.dir"):
        try:
            OmegaConf.select(cfg, key)
        except Exception as exc:
            raise ConfigError(f"{key}: {str(exc).splitlines()[0]}") from None


def sweep_overrides(cfg: DictConfig) -> list[Any]:
    """The parsed task overrides and sweeper params (command-line sweeps win)."""
    parser = OverridesParser.create()
    task = parser.parse_overrides(list(cfg.hydra.overrides.task))
    params = cfg.hydra.sweeper.get("params") or {}
    keys = {o.key_or_group for o in task}
    extra = [f"{k}={v}" for k, v in params.items() if str(k).lstrip("+~") not in keys]
    return task + parser.parse_overrides(extra)


def _count(override: Any) -> int:
    value = override.value()
    if isinstance(value, RangeSweep):
        rng = value.range()
        if isinstance(rng, range):
            return len(rng)
        return max(0, math.ceil((rng.stop - rng.start) / rng.step))
    if isinstance(value, ChoiceSweep):
        return len(value.list)
    return len(list(override.sweep_string_iterator()))


def check_sweep(cfg: DictConfig, limits: Limits, loader: Any) -> None:
    """A sweep's size, launcher, folder, and the configs its jobs will compose."""
    try:
        overrides = sweep_overrides(cfg)
    except Exception as exc:  # Hydra reports a malformed override itself
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, ConfigError):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:  # raised by a resolver of the sweep's params
            raise ConfigError(str(cause)) from None
        raise ConfigError(f"sweep: {str(exc).splitlines()[0]}") from None
    sweeps = [o for o in overrides if o.is_sweep_override()]
    size = math.prod(_count(o) for o in sweeps)
    if size > limits.sweep_runs:
        raise ConfigError(
            f"sweep: {size:,} runs exceed limits.sweep_runs = {limits.sweep_runs:,} "
            "(split the sweep, or raise it: limits.sweep_runs=N)"
        )
    n_jobs = _select(cfg, "hydra.launcher.n_jobs")
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1
    ):
        raise ConfigError(
            f"hydra.launcher.n_jobs = {n_jobs!r}: must be a whole number >= 1 (or -1: all cores)"
        )
    if isinstance(n_jobs, int) and n_jobs > MAX_JOBS:
        raise ConfigError(f"hydra.launcher.n_jobs = {n_jobs}: must be <= {MAX_JOBS}")
    sweep_dir = _select(cfg, "hydra.sweep.dir")
    if sweep_dir is not None:
        check_sweep_folder(Path(str(sweep_dir)))
    if "sensitivity" in cfg:
        check_study(cfg, None if sweep_dir is None else Path(str(sweep_dir)))
    elif sweep_dir is not None and Path(str(sweep_dir)).is_dir():
        from sim.experiments.sensitivity.journal import find_batches

        if find_batches(Path(str(sweep_dir))):
            raise ConfigError(
                f"hydra.sweep.dir = {sweep_dir}: holds a sensitivity study, not a sweep's "
                "runs; use a new sweep directory (nothing was changed)"
            )
    check_sweep_groups(cfg, overrides, sweeps, loader)


def check_study(cfg: DictConfig, sweep_dir: Path | None) -> None:
    """A study's settings, as each job will read them, and (resumed) that it is the same study.

    Checked before Hydra writes anything, so that a study that cannot run leaves no folder.
    """
    from sim.config.params_file import apply_params_file
    from sim.experiments.sensitivity.evaluate import check_keys
    from sim.experiments.sensitivity.journal import check_resume
    from sim.experiments.sensitivity.study import read_study

    try:
        config = {
            key: OmegaConf.to_container(value, resolve=True)
            if OmegaConf.is_config(value)
            else value
            for key, value in cfg.items()
            if key != "hydra"
        }
    except Exception:  # an interpolation only a job resolves: the jobs check
        return
    check_keys(read_study(config), {k: v for k, v in config.items() if k != "sensitivity"})
    if sweep_dir is not None:  # as each job reads it (sim.cli): the file's values in
        check_resume({**apply_params_file(config), "params_file": None}, sweep_dir)


def check_sweep_groups(cfg: DictConfig, overrides: list, sweeps: list, loader: Any) -> None:
    """Compose once per option of each swept config group, so every file is checked now."""
    repo = getattr(loader, "repository", None)
    groups = [o for o in sweeps if repo is not None and repo.group_exists(o.key_or_group)]
    checks = [(o.get_key_element(), v) for o in groups for v in o.sweep_string_iterator()]
    compose_checks(cfg, overrides, checks, loader)


def compose_checks(cfg: DictConfig, overrides: list, checks: list, loader: Any) -> None:
    """Compose the config once per (key, value) in ``checks``, beside the fixed overrides.

    Each scenario named by ``policy_others`` (the other regions' scenario, composed by
    the run itself) is added to ``checks``, so its file is checked before anything runs.
    """
    others = {v for o in overrides if o.key_or_group == "policy_others" for v in _values(o)}
    named = _select(cfg, "policy_others")  # also when a config file names it
    if isinstance(named, str) and PATH_NAME.match(named):
        others.add(named)
    others.discard(NO_POLICY)
    fixed = [o.input_line for o in overrides if not o.is_sweep_override()]
    hydra_overrides = list(cfg.hydra.overrides.get("hydra") or [])
    options = []
    if others:  # hydra.searchpath among the overrides adds the user's folders
        config_name = cfg.hydra.job.config_name
        every = [*hydra_overrides, *fixed]
        options = loader.get_group_options("scenario", config_name=config_name, overrides=every)
    for name in sorted(others):
        if name not in options:
            raise no_such_scenario("policy_others", name, options)
        checks = [*checks, ("scenario", name)]
    if not checks:
        return
    enter_job()
    try:
        for key, value in checks:
            loader.load_configuration(
                config_name=cfg.hydra.job.config_name,
                overrides=[*hydra_overrides, *fixed, f"{key}={value}"],
                run_mode=RunMode.RUN,
            )
    finally:
        leave_job()


def _values(override: Any) -> list[str]:
    if not override.is_sweep_override():
        return [str(override.value())]
    try:
        return [str(v) for v in override.sweep_string_iterator()]
    except Exception:  # a range of numbers: no scenario names
        return []
