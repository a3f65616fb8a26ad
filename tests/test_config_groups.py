"""Every config group composes and builds; the YAML defaults and the typed defaults agree."""

import dataclasses

import pytest
import yaml

from sim.cli import build_model
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
    assert model.policy.spec.name == scenario
    assert model.policy.spec.phases


@pytest.mark.parametrize("economy", ["default"])
def test_every_economy_composes_and_builds(economy):
    model = build_model(compose_config([*SMALL, f"economy={economy}"]))
    assert model.firms.n > 0
