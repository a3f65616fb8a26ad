import subprocess
import sys

import pytest

from sim.config.assemble import build_model
from sim.errors import ConfigError
from tests.conftest import compose_config

BAD = [
    (["economy.n_firms=-5"], "economy.n_firms = -5: must be >= 1"),
    (["years.end=1990"], "years.end = 1990: must not be before years.start = 1998"),
    (
        ["+economy.regions.flanders.tilt.unobtainium=2"],
        "economy.regions.flanders.tilt.unobtainium: unknown sector",
    ),
    (
        ["economy.sectors.food.profile=[1,2]"],
        "economy.sectors.food.profile: has 2 weights, economy.capabilities has 8",
    ),
    (["economy.sectors.food.world_share=0.5"], "world_share: add up to"),
    (
        ["economy.sectors.food.demand_volatility=-1"],
        "economy.sectors.food.demand_volatility = -1.0: must be >= 0",
    ),
    (["dynamics.innovation.duration=[1,2]"], "dynamics.innovation.duration: needs 4 values"),
    (["economy.focal_region=atlantis"], "economy.focal_region = 'atlantis': not a region"),
    (["seed=-1"], "seed = -1: must be >= 0"),
    (["dynamics.competition.adjustment=0"], "dynamics.competition.adjustment = 0.0: must be > 0"),
    (["economy.sectors.food.group=fruit"], "economy.sectors.food.group = 'fruit': must be one of"),
    (["economy.n_firms=many"], "economy.n_firms = 'many': must be an integer"),
    (["+economy.sectors.food.colour=red"], "economy.sectors.food.colour: unknown key"),
    (
        ["economy.sectors.food.challenges=[space]"],
        "economy.sectors.food.challenges: unknown area 'space'",
    ),
    (["policy_scope=mine"], "policy_scope = 'mine': must be one of all, focal"),
    (["policy_others=targeted"], "policy_others = 'targeted': the other regions' scenario is read"),
    (
        ["policy_scope=focal", "policy_others=nowhere"],
        "policy_others = 'nowhere': no such scenario (one of: bottom_up",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD)
def test_bad_config_names_the_key_and_the_problem(overrides, message):
    with pytest.raises(ConfigError) as err:
        build_model(compose_config(overrides))
    text = str(err.value)
    assert message in text
    assert "\n" not in text


def test_cli_reports_one_line_and_exit_status_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "economy.n_firms=-5", f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == ["s3sim: config error: economy.n_firms = -5: must be >= 1"]


def test_no_exit_by_size_puts_no_bound_on_the_firms():
    """exit_size = 0 is within its range: the firm-count check must not divide by it."""
    config = compose_config(["dynamics.demography.exit_size=0", "economy.n_firms=400"])
    model = build_model(config)
    assert model.initial_firms > 0
