"""A scenario group option composed by Hydra on its own, as a run or a study's job needs it.

Kept apart from :mod:`sim.config.assemble`, which imports the model: a sweep's main process
composes the scenarios of a sensitivity study for its first jobs (:mod:`sim.config.precomposed`)
without importing the model.
"""

from __future__ import annotations

from typing import Any

from sim.config import precomposed
from sim.config.settings import no_such_scenario
from sim.errors import ConfigError


def run_searchpath() -> list[str]:
    """The run's own ``hydra.searchpath`` overrides (its command line's), within a Hydra run."""
    from hydra.core.hydra_config import HydraConfig

    if not HydraConfig.initialized():
        return []
    hydra = HydraConfig.get().overrides.hydra
    return [o for o in hydra if o.startswith("hydra.searchpath=")]


def scenario_key(name: str) -> tuple[str, tuple[str, ...]]:
    """What a composed scenario depends on besides the files: its name and the search path."""
    return name, tuple(run_searchpath())


def compose_scenario(name: str, key: str = "scenario") -> dict[str, Any]:
    """The scenario group option ``name`` composed by Hydra (its defaults list applied).

    Within a Hydra run the run's own search path is used (``--config-dir`` and
    ``hydra.searchpath`` included), else the project's configs. A study's job takes the
    composition its sweep's main process handed it, if any (once).

    Raises:
        ConfigError: ``key = 'name': no such scenario``, listing those there are.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import MissingConfigException
    from omegaconf import OmegaConf

    from sim.config.paths import config_dir

    def composed(searchpath: list[str]) -> dict[str, Any]:
        loader = GlobalHydra.instance().config_loader()
        options = loader.get_group_options("scenario", config_name="config", overrides=searchpath)
        if name not in options:
            raise no_such_scenario(key, name, options)
        try:  # the group alone, without the primary config: the same values in half the time
            cfg = compose(config_name=None, overrides=[*searchpath, f"+scenario={name}"])
        except MissingConfigException as err:
            raise ConfigError(f"{key} = {name!r}: {err}") from None
        return OmegaConf.to_container(cfg.scenario, resolve=True)

    if GlobalHydra.instance().is_initialized():
        searchpath = run_searchpath()
        handed = precomposed.take_scenario((name, tuple(searchpath)))
        return handed if handed is not None else composed(searchpath)
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return composed([])


__all__ = ["compose_scenario", "run_searchpath", "scenario_key"]
