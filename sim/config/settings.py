"""Run settings (seed, years, periods, outputs), where data comes from, and the plain config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.config.safety import PATH_NAME
from sim.config.schema import bounded, one_of, parse
from sim.errors import ConfigError


@dataclass(frozen=True)
class Years:
    """The simulated calendar: reported years ``start..end`` after ``burn_in`` years."""

    start: int = bounded(1998, 1000, 3000)
    """First reported year; periods start here. Source: the source presentation's series."""
    end: int = bounded(2030, 1000, 3000)
    """Last reported year (inclusive). Source: the horizon of the policy question."""
    burn_in: int = bounded(10, 0, 500)
    """[years] Unreported years simulated before `start`: the population settles. Source:
    sizes, shares and productivities lose the imprint of the initial draw."""


@dataclass(frozen=True)
class Periods:
    """Reporting periods for relative specialisation: windows of ``length`` years."""

    length: int = bounded(4, 1, 100)
    """[years] Years per reporting period; a partial last period enters no indicator. Source:
    the four-year periods of the source presentation."""


@dataclass(frozen=True)
class Output:
    """What a run writes besides the always-written panels."""

    firm_panel: bool = False
    """Write `firms.parquet`, every firm every year (needed for validation)."""
    plots: bool = True
    """Write the run's plots."""


#: ``all``: every region applies the scenario; ``focal``: only the focal region does.
POLICY_SCOPES = ("all", "focal")
#: What the other regions run under ``policy_scope=focal`` unless told otherwise.
NO_POLICY = "no_policy"


def no_such_scenario(key: str, name: str, options: list[str]) -> ConfigError:
    """The one-line error for a scenario name that no scenario file has."""
    return ConfigError(f"{key} = {name!r}: no such scenario (one of: {', '.join(options)})")


@dataclass(frozen=True)
class RunSettings:
    """The top-level keys of the config that are not config groups."""

    seed: int = bounded(0, 0)
    """Drives every random stream."""
    budget_scale: float = bounded(1.0, 0.0)
    """Multiplies every scenario's budget rate (budget_levels). Source: a policy lever."""
    policy_scope: str = "all"
    """Who applies the scenario: ``all`` regions, or only the ``focal`` one."""
    policy_others: str = NO_POLICY
    """The scenario of the other regions under ``policy_scope=focal`` (a scenario's name)."""
    params_file: str | None = None
    """A parameters file (``s3sim-calibrate``'s best.yaml) applied over the config."""
    years: Years = field(default_factory=Years)
    periods: Periods = field(default_factory=Periods)
    output: Output = field(default_factory=Output)

    def __post_init__(self):
        one_of(self.policy_scope, POLICY_SCOPES, "policy_scope")
        if not isinstance(self.policy_others, str) or not PATH_NAME.match(self.policy_others):
            raise ConfigError(
                f"policy_others = {self.policy_others!r}: must name a scenario "
                "(1-64 letters, digits, '_' or '-'), e.g. no_policy or bottom_up"
            )
        if self.policy_others != NO_POLICY and self.policy_scope != "focal":
            raise ConfigError(
                f"policy_others = {self.policy_others!r}: the other regions' scenario is read "
                f"only under policy_scope=focal (policy_scope = {self.policy_scope!r})"
            )
        if self.years.end < self.years.start:
            raise ConfigError(
                f"years.end = {self.years.end}: must not be before years.start = {self.years.start}"
            )


@dataclass(frozen=True)
class DataSpec:
    """Where an initial state from data comes from (``economy=from_data``; docs/data.md)."""

    path: str | None = None
    mapping: str | None = None
    year: int | None = None
    regions: list[str] = field(default_factory=list)
    reference: str = "all"
    focal: str | None = None
    vanguard: list[str] = field(default_factory=list)
    layout: str = "auto"
    unknown_codes: str = "error"
    missing: str = "error"
    filters: dict[str, list[str]] | None = None
    colocation_regions: list[str] = field(default_factory=list)
    anchored: bool = True
    settle: int = bounded(10, 0, 100)


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
    """Parse the non-group top-level keys (``hydra`` and ``limits`` are read elsewhere)."""
    top = {k: v for k, v in config.items() if k not in (*GROUPS, "hydra", "limits")}
    return parse(RunSettings, top, "")
