"""One seed drives every random stream: same seed, same outputs; the world is common.

The exogenous world (demand shocks, technology) draws from its own stream keyed
by seed and year (sim.model.streams), so runs that differ only in firm behaviour see
the same world demand path: common random numbers for scenario comparisons.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.cli import run
from sim.config.assemble import build_model
from tests.conftest import ROOT, SMALL, compose_config


def small(*overrides: str) -> dict:
    return compose_config([*SMALL, "output.firm_panel=true", *overrides])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs with seed 0 and one with seed 1, in their own directories."""
    root = tmp_path_factory.mktemp("determinism")
    return {
        name: run(small(f"seed={seed}"), root / name)
        for name, seed in (("first", 0), ("again", 0), ("other", 1))
    }


def frames(run_dir) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_parquet(p) for p in sorted(run_dir.glob("*.parquet"))}


def test_same_seed_gives_identical_outputs(runs):
    first, again = frames(runs["first"]), frames(runs["again"])
    assert {"employment.parquet", "firms.parquet", "projects.parquet"} <= set(first)
    assert set(first) == set(again)
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, again[name], check_exact=True, obj=name)
    summaries = [json.loads((runs[k] / "summary.json").read_text()) for k in ("first", "again")]
    for summary in summaries:
        summary.pop("wall_time_s")
    assert summaries[0] == summaries[1]


def test_same_seed_gives_identical_outputs_in_another_process(runs, tmp_path):
    # sweeps run seeds in separate processes: string hashing (set and dict order of
    # names) differs between processes and must not change the draws
    code = (
        "import sys\n"
        "from sim.cli import run\n"
        "from tests.conftest import ROOT, SMALL, compose_config\n"
        "run(compose_config([*SMALL, 'output.firm_panel=true', 'seed=0']), sys.argv[1])\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = tmp_path / "elsewhere"
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env, check=True)
    first, elsewhere = frames(runs["first"]), frames(out)
    assert set(first) == set(elsewhere)
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, elsewhere[name], check_exact=True, obj=name)


def test_another_seed_gives_other_outputs(runs):
    first, other = frames(runs["first"]), frames(runs["other"])
    for name in ("employment.parquet", "firms.parquet", "specialisation.parquet"):
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(first[name], other[name], check_exact=True)


def world_path(config: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """World demand and technology after every simulated year, and final employment."""
    model = build_model(config)
    demand, technology = [], []
    while model.year <= model.end:
        model.step()
        demand.append(model.markets.demand.copy())
        technology.append(model.markets.technology.copy())
    return np.array(demand), np.array(technology), model.recorder.employment[-1]


@pytest.fixture(scope="module")
def baseline_world():
    return world_path(small())


@pytest.mark.parametrize(
    "override",
    [
        "dynamics.innovation.start_rate=0.2",
        "dynamics.competition.selection=1.2",
        "dynamics.demography.entry_rate=0.12",
        "economy.n_firms=2000",
        "scenario=targeted",
    ],
)
def test_world_demand_path_is_common_whatever_the_firms_do(baseline_world, override):
    demand, technology, employment = baseline_world
    demand_v, technology_v, employment_v = world_path(small(override))
    # the firms' world differs ...
    assert not np.array_equal(employment, employment_v)
    # ... the exogenous world does not, to the last bit
    np.testing.assert_array_equal(demand_v, demand)
    np.testing.assert_array_equal(technology_v, technology)


def test_world_demand_path_changes_with_the_seed(baseline_world):
    demand, technology, _ = baseline_world
    demand_v, technology_v, _ = world_path(small("seed=1"))
    assert not np.allclose(demand_v, demand)
    # technology has no shocks: its trend is the same in every run
    np.testing.assert_array_equal(technology_v, technology)
