"""Every config group composes and builds; the YAML defaults and the typed defaults agree."""

import dataclasses

import pytest
import yaml

from sim.config.assemble import assemble, build_model
from sim.config.paths import config_dir
from sim.model.params import Dynamics
from tests.conftest import SMALL, compose_config

SCENARIOS = sorted(p.stem for p in (config_dir() / "scenario").glob("*.yaml"))


def test_dynamics_yaml_matches_the_typed_defaults():
    """configs/dynamics/default.yaml and sim/model/params.py state the same defaults."""
    data = yaml.safe_load((config_dir() / "dynamics" / "default.yaml").read_text())
    defaults = dataclasses.asdict(Dynamics())
    assert set(data) == set(defaults)
    for group, values in data.items():
        assert values == defaults[group], group


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_composes_and_builds(scenario):
    model = build_model(compose_config([*SMALL, f"scenario={scenario}"]))
    assert model.policy.scenario.name == scenario
    assert model.policy.scenario.phases


@pytest.mark.parametrize("economy", ["default"])
def test_every_economy_composes_and_builds(economy):
    model = build_model(compose_config([*SMALL, f"economy={economy}"]))
    assert model.firms.n > 0


def test_one_assembly_gives_models_with_policies_of_their_own():
    parts = assemble(compose_config([*SMALL, "scenario=vanguard", "years.end=2004"]))
    first, second = parts.model(), parts.model()
    assert first.policy is not second.policy
    assert first.policy.scenario is second.policy.scenario is parts.scenario
    first.run()
    second.run()
    assert (first.recorder.employment == second.recorder.employment).all()
    assert (first.policy.ledger.disbursed == second.policy.ledger.disbursed).all()
    assert first.policy.ledger.disbursed.sum() > 0
