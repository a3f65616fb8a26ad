"""The uncertain future (sim.model.prospects): drawn prospects, noisy forecasts, picking quality."""

import numpy as np
import pytest

from sim.cli import build_model
from sim.model.params import Prospects as ProspectsParams
from sim.model.prospects import Prospects, picking_quality
from tests.conftest import SMALL, compose_config


@pytest.fixture(scope="module")
def economy():
    return build_model(compose_config(SMALL)).economy


def draw(economy, seed=0, **params):
    return Prospects(economy, ProspectsParams(**params), np.random.default_rng(seed), start=2000)


def test_some_emerging_chains_take_off_and_some_fizzle(economy):
    em = economy.emerging
    outcomes = np.array([draw(economy, seed).takes_off[em] for seed in range(200)])
    # 7 chains x 200 draws at p = 0.5: the share is 0.5 +- 3 sd of 0.0134
    assert abs(outcomes.mean() - 0.5) < 0.04
    p = draw(economy, 3, spread=0.0)
    assert np.allclose(p.trend[em & p.takes_off], economy.demand_growth[em & p.takes_off])
    assert np.allclose(p.trend[em & ~p.takes_off], 0.01)
    # mature sectors keep their configured trend; before the start everyone has the old one
    assert np.array_equal(p.trend[~em], economy.demand_growth[~em])
    assert np.array_equal(p.trend_in(1999), economy.demand_growth)
    assert np.array_equal(p.trend_in(2000), p.trend)


def test_forecasts_err_only_on_emerging_chains_and_sharpen_as_they_grow(economy):
    p = draw(economy, 1, forecast_noise=0.05)
    demand = np.ones(economy.n_sectors)
    p.begin(demand)
    early = p.forecast(2000, demand) - p.trend
    late = p.forecast(2000, 16.0 * demand) - p.trend
    assert np.all(early[:, ~economy.emerging] == 0.0)
    assert np.abs(early[:, economy.emerging]).min() > 0.0
    # sixteen times the activity: a quarter of the error
    np.testing.assert_allclose(late, early / 4.0)
    # regions err differently
    assert not np.allclose(early[0], early[1])
    assert np.all(draw(economy, 1, forecast_noise=0.0).forecast(2000, demand) == p.trend)


def test_picking_quality_by_hand():
    growth = np.array([0.1, 0.5, 0.3, 0.9, 0.0])
    emerging = np.array([False, True, True, True, True])
    # emerging growth 0.5, 0.3, 0.9, 0.0: median 0.4
    got = picking_quality(growth, [3], emerging)  # the best emerging chain
    assert got == {"picking_rank": 1.0, "picking_quality": 1.0, "picked_below_emerging_median": 0}
    got = picking_quality(growth, [0, 2], emerging)  # a mature sector and a laggard
    # sector 0: 3 emerging chains grew faster, it beat 1 of 4; sector 2: rank 3, beat 1 of 3
    assert got["picking_rank"] == pytest.approx((4 + 3) / 2)
    assert got["picking_quality"] == pytest.approx((1 / 4 + 1 / 3) / 2)
    assert got["picked_below_emerging_median"] == 2
    assert np.isnan(picking_quality(growth, [], emerging)["picking_rank"])


def test_every_scenario_of_a_seed_faces_the_same_future():
    a = build_model(compose_config([*SMALL, "scenario=no_policy", "seed=4"]))
    b = build_model(compose_config([*SMALL, "scenario=targeted", "seed=4"]))
    c = build_model(compose_config([*SMALL, "scenario=no_policy", "seed=5"]))
    assert np.array_equal(a.prospects.trend, b.prospects.trend)
    assert np.array_equal(a.prospects.error, b.prospects.error)
    assert not np.array_equal(a.prospects.trend, c.prospects.trend)


def test_the_drawn_future_moves_world_demand_and_picking_sees_only_forecasts():
    # with and without prospects on the same seed: a zero spread and take-off
    # probability 1 reproduce the configured trends, so the world's demand paths
    # differ only through the fizzled chains
    config = [*SMALL, "scenario=targeted", "seed=2"]
    sure = build_model(compose_config([*config, "dynamics.prospects.take_off=1"]))
    unsure = build_model(compose_config([*config, "dynamics.prospects.take_off=0"]))
    for m in (sure, unsure):
        m.run()
    em = sure.economy.emerging
    g_sure = sure.prospects.realised_growth(sure.markets.demand)
    g_unsure = unsure.prospects.realised_growth(unsure.markets.demand)
    assert np.allclose(g_sure[~em], g_unsure[~em])  # the same world shocks elsewhere
    assert (g_sure[em] > g_unsure[em]).all()  # every chain fizzled in the second
    # spearheads are picked from forecasts: with a huge forecast error the picks change
    noisy = build_model(compose_config([*config, "dynamics.prospects.forecast_noise=1"]))
    noisy.run()
    clear = build_model(compose_config([*config, "dynamics.prospects.forecast_noise=0"]))
    clear.run()
    assert noisy.policy.spearheads != clear.policy.spearheads


def test_the_summary_reports_picking_quality():
    model = build_model(compose_config([*SMALL, "scenario=targeted", "seed=1"]))
    model.run()
    got = model.policy.indicators(model)
    picked = model.policy.spearhead_sectors(model.economy.focal)
    assert picked
    expect = picking_quality(
        model.prospects.realised_growth(model.markets.demand), picked, model.economy.emerging
    )
    for key, value in expect.items():
        assert got[key] == value
