"""Step 1 of the year (sim.model.world.WorldMarkets.move) on the default economy's 26 sectors."""

import copy
import math

import numpy as np
import pytest

from sim.model.economy import Economy, EconomySpec
from sim.model.world import WorldMarkets
from tests.conftest import compose_config


def default_economy(volatility: float | None = None) -> Economy:
    """The default economy; every sector's demand_volatility set when given."""
    spec = copy.deepcopy(compose_config()["economy"])
    if volatility is not None:
        for sector in spec["sectors"].values():
            sector["demand_volatility"] = volatility
    return Economy.from_spec(EconomySpec.from_config(spec))


def test_without_volatility_demand_and_technology_follow_their_trends_exactly():
    e = default_economy(volatility=0.0)
    m = WorldMarkets(e)
    demand, technology = m.demand.copy(), m.technology.copy()
    assert (e.demand_growth != 0).any() and (e.productivity_growth != 0).any()
    m.move(np.random.default_rng(0))
    np.testing.assert_allclose(m.demand, demand * np.exp(e.demand_growth), rtol=1e-15)
    np.testing.assert_allclose(m.technology, technology * np.exp(e.productivity_growth), rtol=1e-15)
    np.testing.assert_array_equal(m.growth, e.demand_growth)
    # ten more years: the trend compounds, whatever the generator draws
    for seed in range(1, 11):
        m.move(np.random.default_rng(seed))
    np.testing.assert_allclose(m.demand, demand * np.exp(11 * e.demand_growth), rtol=1e-13)
    np.testing.assert_allclose(
        m.technology, technology * np.exp(11 * e.productivity_growth), rtol=1e-13
    )


def test_demand_shocks_are_normal_with_the_sectors_volatility():
    # growth_s = trend_s + volatility_s z_s with z standard normal: over 400 years
    # x 26 sectors the standardised shocks have mean 0 (sd 1 / sqrt(10,400) = 0.0098)
    # and sd 1 (relative sd 1 / sqrt(2 n) = 0.0069); we allow 4 sd for each.
    e = default_economy()
    assert (e.demand_volatility > 0).all()
    m = WorldMarkets(e)
    z = []
    for year in range(400):
        before = m.demand.copy()
        m.move(np.random.default_rng([1, year]))
        np.testing.assert_allclose(m.demand, before * np.exp(m.growth), rtol=1e-14)
        z.append((m.growth - e.demand_growth) / e.demand_volatility)
    z = np.concatenate(z)
    assert abs(z.mean()) < 4 / math.sqrt(z.size)
    assert z.std() == pytest.approx(1.0, rel=4 / math.sqrt(2 * z.size))
