"""The one place where a composed config becomes a model's arguments, once.

``assemble(config)`` parses the run settings, builds the economy (the synthetic
default or an initial state from data), the firms' dynamics and the policy of
the scenario, in that order, so the first bad key met stops the run with one
line. ``Assembly.model()`` is the ready-to-run :class:`ClusterModel`; the
command line (sim.cli), tests and experiments all start here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from hydra.core.hydra_config import HydraConfig

from sim.config.from_data import check_data_years, economy_from_data
from sim.config.limits import check_firms, check_run, read_limits
from sim.config.params_file import apply_params_file
from sim.config.safety import check_targets
from sim.config.scenario_group import compose_scenario
from sim.config.schema import parse
from sim.config.settings import (
    NO_POLICY,
    DataSpec,
    RunSettings,
    run_settings,
    to_container,
)
from sim.config.sources import SOURCES, shown
from sim.model.economy import Economy, EconomySpec
from sim.model.model import ClusterModel
from sim.model.params import Dynamics
from sim.model.streams import Stream
from sim.policy.clusters import ClusterPool
from sim.policy.policies import Policies
from sim.policy.policy import Policy
from sim.policy.scenario import ScenarioSpec, parse_scenario


@dataclass(frozen=True)
class Assembly:
    """Everything a run is made of, validated.

    Attributes:
        settings: Seed, years, periods and outputs.
        economy: Regions, sectors and initial employment.
        dynamics: The firms' behavioural parameters.
        scenario: The validated scenario, its instruments and rules built
            (``no_policy`` moves no money).
        others: The scenario of the regions other than the focal one under
            ``policy_scope=focal``, when it is not ``no_policy`` (its instruments
            numbered after the scenario's own).
    """

    settings: RunSettings
    economy: Economy
    dynamics: Dynamics
    scenario: ScenarioSpec
    others: ScenarioSpec | None = None

    def policy(self) -> Policy | Policies:
        """A fresh policy of the scenario for one run.

        Under ``policy_scope=focal`` only the focal region acts; the others run
        ``policy_others``: with ``no_policy`` they get no budget and pick no
        spearheads; with another scenario, a second policy governs them.
        """
        y, scale = self.settings.years, self.settings.budget_scale
        focal = np.zeros(self.economy.n_regions, dtype=bool)
        focal[self.economy.focal] = True
        if self.others is None:
            acting = focal if self.settings.policy_scope == "focal" else np.ones_like(focal)
            return Policy(self.scenario, y.start, y.end, scale, acting)
        pool = ClusterPool()
        eu = any(p.budget.eu_top_up > 0 for s in (self.scenario, self.others) for p in s.phases)
        own = replace(self.scenario, instrument_names=self.others.instrument_names)
        return Policies(
            [
                Policy(own, y.start, y.end, scale, governs=focal, pool=pool, eu_row=eu),
                Policy(
                    self.others,
                    y.start,
                    y.end,
                    scale,
                    governs=~focal,
                    pool=pool,
                    stream=Stream.POLICY_OTHERS,
                    eu_row=eu,
                ),
            ]
        )

    def model(self, with_policy: bool = True) -> ClusterModel:
        """A ready-to-run model (a new one, with a policy of its own, at each call).

        Args:
            with_policy: False for the model without any policy, to be forked
                (sim.config.scenario_runs).
        """
        y = self.settings.years
        return ClusterModel(
            self.economy,
            self.dynamics,
            seed=self.settings.seed,
            start=y.start,
            end=y.end,
            burn_in=y.burn_in,
            firm_panel=self.settings.output.firm_panel,
            policy=self.policy() if with_policy else None,
        )


def assemble(config: Mapping[str, Any]) -> Assembly:
    """Validate a composed config (plain dict or DictConfig) and build a run's parts."""
    config = apply_params_file(to_container(config))
    # the scenario's instruments are checked by its parser, which names the file
    check_targets({k: v for k, v in config.items() if k != "scenario"})
    settings = run_settings(config)
    check_run(config, settings)
    economy = build_economy(config)
    if economy.spec.source == "data":
        check_data_years(settings, config.get("data") or {})
    dynamics = Dynamics.from_config(config.get("dynamics"))
    jobs = float(economy.employment.sum())
    check_firms(economy.spec.n_firms, jobs, dynamics.demography.exit_size)
    source = scenario_file(config)
    scenario = build_scenario(config.get("scenario"), economy, settings, source)
    others = None
    if settings.policy_others != NO_POLICY:
        name = settings.policy_others
        others = build_scenario(
            compose_scenario(name, "policy_others"),
            economy,
            settings,
            shown(f"scenario/{name}"),
            known=scenario.instrument_names,
        )
    return Assembly(settings, economy, dynamics, scenario, others)


def build_model(config: Mapping[str, Any]) -> ClusterModel:
    """A ready-to-run model from a composed config."""
    return assemble(config).model()


def build_scenario(
    scenario: Mapping[str, Any] | None,
    economy: Economy,
    settings: RunSettings,
    source: str | None = None,
    known: list[str] | None = None,
) -> ScenarioSpec:
    """The validated scenario (None is ``no_policy``), its instruments and rules built.

    Sector names in the scenario (top-down spearhead lists) are checked against
    the economy here, so a bad scenario fails before the run starts. ``source``
    is the scenario's file as messages name it; ``known`` the instruments of the
    run's other scenario, numbered first.
    """
    spec = parse_scenario(scenario, settings.years.start, source, known)
    for phase in spec.phases:
        for region, sectors in phase.selection.top_down.items():
            where = f"{spec.source}: scenario.selection.top_down"
            economy.region_index(region, f"{where}.{region}")
            for sector in sectors:
                economy.sector_index(sector, f"{where}.{region}")
    return spec


def scenario_file(config: Mapping[str, Any]) -> str | None:
    """The file of the run's scenario as messages name it (kept anywhere on the search path)."""
    choice = None
    if HydraConfig.initialized():
        choice = HydraConfig.get().runtime.choices.get("scenario")
    name = choice or (config.get("scenario") or {}).get("name")
    if not isinstance(name, str) or f"scenario/{name}" not in SOURCES:
        return None
    return shown(f"scenario/{name}")


def build_economy(config: Mapping[str, Any]) -> Economy:
    """The economy of the config: the synthetic default or an initial state from data."""
    spec = EconomySpec.from_config(config.get("economy"))
    if spec.source != "data":
        return Economy.from_spec(spec)
    data = parse(DataSpec, config.get("data"), "data")
    return economy_from_data(spec, data, read_limits(config.get("limits")))
