"""Run settings (seed, years, periods, outputs) and the assembly of a model from a config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.economy import Economy, EconomySpec
from sim.errors import ConfigError
from sim.params import Dynamics
from sim.schema import bounded, parse


@dataclass(frozen=True)
class Years:
    """The simulated calendar: reported years ``start..end`` after ``burn_in`` years."""

    start: int = bounded(1998, 1000, 3000)
    end: int = bounded(2030, 1000, 3000)
    burn_in: int = bounded(10, 0, 500)


@dataclass(frozen=True)
class Periods:
    """Reporting periods for relative specialisation: windows of ``length`` years."""

    length: int = bounded(4, 1, 100)


@dataclass(frozen=True)
class Output:
    """What a run writes besides the always-written panels."""

    firm_panel: bool = False
    plots: bool = True


@dataclass(frozen=True)
class RunSettings:
    """The top-level keys of the config that are not config groups."""

    seed: int = bounded(0, 0)
    years: Years = field(default_factory=Years)
    periods: Periods = field(default_factory=Periods)
    output: Output = field(default_factory=Output)

    def __post_init__(self):
        if self.years.end < self.years.start:
            raise ConfigError(
                f"years.end = {self.years.end}: must not be before years.start = {self.years.start}"
            )


GROUPS = ("economy", "dynamics", "scenario", "data")


def to_container(cfg: DictConfig | Mapping[str, Any]) -> dict[str, Any]:
    """A plain dict of the composed config, interpolations resolved."""
    if isinstance(cfg, DictConfig):
        try:
            return OmegaConf.to_container(cfg, resolve=True)
        except Exception as exc:  # omegaconf raises many types; report one line
            raise ConfigError(f"config: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    return dict(cfg)


def run_settings(config: Mapping[str, Any]) -> RunSettings:
    """Parse the non-group top-level keys (``hydra`` is Hydra's own)."""
    top = {k: v for k, v in config.items() if k not in GROUPS and k != "hydra"}
    return parse(RunSettings, top, "")


def build_economy(config: Mapping[str, Any]) -> Economy:
    """The economy of the config: the synthetic default or an initial state from data."""
    spec = EconomySpec.from_config(config.get("economy"))
    return Economy.from_spec(spec)


def build_dynamics(config: Mapping[str, Any]) -> Dynamics:
    """The firms' behavioural parameters."""
    return Dynamics.from_config(config.get("dynamics"))
