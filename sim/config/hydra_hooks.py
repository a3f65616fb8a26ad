"""Where the checks of :mod:`sim.config.safety` enter Hydra's composition.

Hydra (1.3) reads each config file, its header and defaults in
``ConfigRepository.load_config`` and merges everything in
``ConfigLoaderImpl.load_configuration``; it instantiates callbacks, sweeper and
launcher only afterwards, and every sweep job composes its own config through
the same path (in the worker). :func:`install` wraps those methods (not the
config sources: Hydra's plugin scan re-executes their modules), once per
process; ``sim.cli`` calls it on import, so workers that unpickle the task
install it too.

A refused config ends the command with ``s3sim: config error: ...`` and exit
status 2 before Hydra creates a folder; inside a sweep job or the compose API
the :class:`~sim.errors.ConfigError` is raised instead.

Three hooks only save time: each config text is parsed once per process
(:mod:`sim.config.parse_once`); of a sensitivity study's jobs, which differ only in
``sensitivity.batch``, the sweeper checks the first (one per worker) instead of all before
launching; and the first job of each worker takes the config the check composed instead of
composing it again (:mod:`sim.config.precomposed`).
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.config_repository import ConfigRepository
from hydra.core.object_type import ObjectType
from hydra.errors import HydraException
from hydra.plugins.sweeper import Sweeper
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import composed, parse_once, precomposed
from sim.config.paths import config_dir
from sim.config.safety import check_file
from sim.config.sources import SOURCES, enter_job, in_sweep_job, leave_job, shown
from sim.config.yaml_bounds import MAX_CONFIG_BYTES, check_yaml_text
from sim.errors import ConfigError

_STATE = {"installed": False}
log = logging.getLogger("s3sim")


def _read_bounded(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(MAX_CONFIG_BYTES + 1)


def _check_text(source: Any, config_path: str) -> None:
    """Bound a config file's size and alias expansion before it is parsed; note its path."""
    if source is None or source.scheme() != "file":
        return
    full = Path(source.path, source._normalize_file_name(config_path)).resolve()
    if full.is_file():
        SOURCES[config_path] = str(full)
        check_yaml_text(_read_bounded(str(full)), str(full))


def _trusted(source: Any, config_path: str) -> bool:
    scheme = source.scheme() if source is not None else ""
    if scheme == "structured":  # dataclasses registered by Hydra and its plugins
        return True
    group = config_path.rpartition("/")[0]
    if scheme == "pkg" and group.split("/")[0] == "hydra":
        return True
    own = scheme == "file" and Path(source.path).resolve() == config_dir().resolve()
    return own and group == ""


def _repo_load_config(original, self: ConfigRepository, config_path: str):
    source = self._find_object_source(config_path, ObjectType.CONFIG)
    _check_text(source, config_path)
    try:
        ret = original(self, config_path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{shown(config_path)}: not YAML ({_yaml_problem(exc)})") from None
    if ret is not None:
        content = OmegaConf.to_container(ret.config, resolve=False)
        where = shown(config_path)
        try:
            check_file(
                config_path,
                ret.header,
                content,
                ret.defaults_list,
                _trusted(source, config_path),
            )
        except ConfigError as exc:
            message = str(exc)
            if message.startswith(f"{config_path}.yaml"):
                message = where + message[len(config_path) + 5 :]
            raise ConfigError(message) from None
    return ret


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error in one line: the problem and where in the file (from 1)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return problem
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


def _find_config_error(exc: BaseException) -> ConfigError | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ConfigError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _load_configuration(original, self: ConfigLoaderImpl, *args: Any, **kwargs: Any):
    if kwargs.get("validate_sweep_overrides") is False:
        # Hydra's get_mode peeks at hydra.mode; the composition that follows is checked
        return original(self, *args, **kwargs)
    run_mode = kwargs.get("run_mode", args[2] if len(args) > 2 else None)
    from_shell = kwargs.get("from_shell", args[3] if len(args) > 3 else True)
    top = from_shell and not in_sweep_job()
    try:
        cfg = original(self, *args, **kwargs)
        composed.check(cfg, run_mode, top, self)
    except Exception as exc:
        error = _find_config_error(exc)
        if top and (error is not None or isinstance(exc, HydraException | OmegaConfBaseException)):
            print(f"s3sim: config error: {one_line(error or exc)}", file=sys.stderr)
            sys.exit(2)
        if error is None:
            raise
        raise error from None
    return cfg


def one_line(exc: BaseException) -> str:
    """A composition error in one line: its first line, and the options Hydra lists."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    options = []
    for line in lines[1:]:
        if not line.startswith(("\t", "    ")):
            if options:
                break
            continue
        options.append(line.strip())
    return lines[0] + (f" (options: {', '.join(options)})" if options else "")


#: The configs being kept while the sweeper checks its jobs (sim.config.precomposed).
_CHECKING: dict[str, precomposed.Kept | None] = {"kept": None}


def _load_sweep_config(original, self: ConfigLoaderImpl, *args: Any, **kwargs: Any):
    overrides = kwargs.get("sweep_overrides", args[1] if len(args) > 1 else ())
    checking = _CHECKING["kept"]
    if checking is None:
        kept = precomposed.kept_for(self)
        config = None if kept is None else kept.take(overrides)
        if config is not None:
            return config
    enter_job()
    try:
        config = original(self, *args, **kwargs)
    finally:
        leave_job()
    if checking is not None:
        checking.keep(overrides, config)
    return config


#: The one override in which the jobs of a sensitivity study differ (sim.experiments.sensitivity).
STUDY_BATCH = "sensitivity.batch"


def _study_jobs(batch: Sequence[Sequence[str]]) -> bool:
    """Whether every job of ``batch`` has the same overrides but for its ``sensitivity.batch``."""
    rest = set()
    for overrides in batch:
        keys = [o.split("=", 1)[0].lstrip("+~") for o in overrides]
        if keys.count(STUDY_BATCH) != 1:
            return False
        rest.add(tuple(o for o, k in zip(overrides, keys, strict=True) if k != STUDY_BATCH))
    return len(rest) == 1


def _validate_batch(original, self: Sweeper | None, batch: Sequence[Sequence[str]]) -> None:
    # Hydra composes every job in the main process before launching any (serial work: a
    # quarter of a second per job or so, while the workers start). A study's jobs differ
    # only in the integer sensitivity.batch, which composes the same whatever its value
    # (the job itself checks its range), so composing the first checks them all; the
    # first of each worker are composed all the same, and their configs kept for them
    # (sim.config.precomposed), which then start without composing again.
    # The scenarios a study's jobs run are composed here too, once, for the same jobs.
    limit = precomposed.LIMIT["jobs"]
    study = _study_jobs(batch)
    if len(batch) > 1 and study:
        batch = list(batch[: max(1, limit)])
    loader = _loader(self)
    kept = None if loader is None else precomposed.keeping(loader, limit)
    _CHECKING["kept"] = kept
    try:
        original(self, batch)
    finally:
        _CHECKING["kept"] = None
    if kept is not None and study:
        _hand_scenarios(kept, getattr(self, "config", None))


def _hand_scenarios(kept: precomposed.Kept, config: Any) -> None:
    """Compose the scenarios of the study in ``config`` for its first jobs.

    Only a saving, and only within the command's Hydra run, whose search path the jobs
    share: where anything fails here, the jobs compose them as before, and report what
    fails in their own words.
    """
    from hydra.core.global_hydra import GlobalHydra

    from sim.config.scenario_group import compose_scenario, scenario_key
    from sim.experiments.sensitivity.study import read_study

    if not GlobalHydra.instance().is_initialized():
        return
    try:
        section = OmegaConf.to_container(config.sensitivity, resolve=True)
        study = read_study({"sensitivity": section})
        if study.model != "s3sim":
            return
        for name in study.scenarios:  # one worker: joblib runs the jobs in this process
            kept.hand(scenario_key(name), compose_scenario(name), here=kept.limit == 1)
    except Exception as exc:  # the jobs compose them, and report any error themselves
        log.debug("the study's scenarios were not composed for its jobs: %s", exc)


def _loader(sweeper: Sweeper | None) -> ConfigLoaderImpl | None:
    """The config loader the sweeper checks its jobs with (as Hydra's own check finds it)."""
    context = getattr(sweeper, "hydra_context", None)
    return getattr(context, "config_loader", None) or getattr(sweeper, "config_loader", None)


def _wrap(cls: type, name: str, hook) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapper(self, *args: Any, **kwargs: Any):
        return hook(original, self, *args, **kwargs)

    setattr(cls, name, wrapper)


def install() -> None:
    """Put the checks into Hydra's composition (idempotent)."""
    if _STATE["installed"]:
        return
    _wrap(ConfigRepository, "load_config", _repo_load_config)
    _wrap(ConfigLoaderImpl, "load_configuration", _load_configuration)
    _wrap(ConfigLoaderImpl, "load_sweep_config", _load_sweep_config)
    _wrap(Sweeper, "validate_batch_is_legal", _validate_batch)
    parse_once.install()  # a sweep composes the same files dozens of times
    _STATE["installed"] = True


__all__ = ["SOURCES", "enter_job", "install", "leave_job", "shown"]


install()  # on import: a sweep worker that unpickles the task imports this module first
