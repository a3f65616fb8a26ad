"""Keyed draws (sim.model.streams): pure functions of (seed, draw, year, key)."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import pdtr

from sim.model.demography import enter, exits
from sim.model.economy import Economy, EconomySpec
from sim.model.firms import Firms
from sim.model.params import Demography
from sim.model.streams import (
    Draw,
    KeyedDraws,
    cell_keys,
    entrant_keys,
    fold,
    initial_keys,
    poisson_quantile,
    spin_off_keys,
)
from sim.model.world import WorldMarkets

N = 200_000
KEYS = initial_keys(N)


def test_a_draw_depends_on_the_key_not_on_the_position_or_the_other_keys():
    draws = KeyedDraws(7, 2001)
    u = draws.uniform(Draw.SHOCK, KEYS[:1000])
    order = np.random.default_rng(0).permutation(1000)
    np.testing.assert_array_equal(draws.uniform(Draw.SHOCK, KEYS[:1000][order]), u[order])
    # a subset (some firms exited) and a superset (others entered) keep every number
    np.testing.assert_array_equal(draws.uniform(Draw.SHOCK, KEYS[500:1000]), u[500:])
    np.testing.assert_array_equal(draws.uniform(Draw.SHOCK, KEYS[:2000])[:1000], u)


def test_seed_draw_and_year_each_change_every_number():
    u = KeyedDraws(7, 2001).uniform(Draw.SHOCK, KEYS[:1000])
    for other in (
        KeyedDraws(8, 2001).uniform(Draw.SHOCK, KEYS[:1000]),
        KeyedDraws(7, 2002).uniform(Draw.SHOCK, KEYS[:1000]),
        KeyedDraws(7, 2001).uniform(Draw.EXIT, KEYS[:1000]),
    ):
        assert not np.isin(u, other).any()
        # independent uniforms: correlation has sd 1 / sqrt(1000) = 0.032; allow 4 sd
        assert abs(np.corrcoef(u, other)[0, 1]) < 4 / np.sqrt(1000)


def test_uniforms_are_uniform_and_distributions_follow_by_inverse_cdf():
    # Kolmogorov-Smirnov at n = 200,000: with independent exact draws p is uniform,
    # so p < 0.001 happens once in a thousand; each check uses another draw index
    draws = KeyedDraws(3, 1999)
    u = draws.uniform(Draw.START, KEYS)
    assert 0.0 < u.min() and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert stats.kstest(draws.normal(Draw.PRODUCTIVITY, KEYS), "norm").pvalue > 0.001
    assert stats.kstest(draws.laplace(Draw.SHOCK, KEYS), "laplace").pvalue > 0.001
    assert stats.kstest(draws.exponential(Draw.ENTRANT_SIZE, KEYS), "expon").pvalue > 0.001
    # neighbouring keys are not correlated (lag-1 autocorrelation sd 1 / sqrt(N))
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 4 / np.sqrt(N)


def test_keys_of_different_origins_never_meet():
    year, cells = 2005, np.arange(40)
    entrants = entrant_keys(year, cells % 8, cells // 8, np.zeros(40, int))
    spun = spin_off_keys(KEYS[:40], year)
    every = np.concatenate([KEYS, entrants, spun, cell_keys(208)])
    assert len(np.unique(every)) == len(every)
    # a spin-off of the same parent in another year is another firm
    assert not np.isin(spin_off_keys(KEYS[:40], year + 1), spun).any()
    assert fold(1, 2) != fold(2, 1)


def test_exit_draws_follow_the_firm_through_compaction():
    # the same firms in two orders and with strangers added exit alike
    p = Demography(infant_hazard=0.5, infant_fade=1e9, exit_size=0.0, loss_years=99)
    n = 5_000

    def population(keys):
        firms = Firms()
        k = len(keys)
        firms.add(key=keys, region=np.zeros(k, int), sector=np.zeros(k, int), employment=np.ones(k))
        return firms

    draws = KeyedDraws(1, 2010)
    alone = exits(population(KEYS[:n]), p, draws)
    reversed_ = exits(population(KEYS[:n][::-1]), p, draws)
    crowded = exits(population(np.concatenate([KEYS[N - n :], KEYS[:n]])), p, draws)
    np.testing.assert_array_equal(reversed_[::-1], alone)
    np.testing.assert_array_equal(crowded[n:], alone)
    assert 0.45 < alone.mean() < 0.55  # hazard 0.5, binomial sd 0.007


SPEC = {
    "name": "hand",
    "focal_region": "north",
    "capabilities": ["a", "b"],
    "sectors": {
        "s0": {"group": "mature_manufacturing", "world_share": 0.5, "profile": [1.0, 0.0]},
        "s1": {"group": "services", "world_share": 0.5, "profile": [1.0, 1.0]},
    },
    "regions": {"north": {"jobs": 1000.0}, "south": {"jobs": 500.0}},
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_entry_counts_move_monotonically_with_the_rate_and_entrants_keep_their_keys(seed):
    economy = Economy.from_spec(EconomySpec.from_config(SPEC))
    weights = np.array([[0.7, 0.3], [0.4, 0.6]])
    draws = KeyedDraws(seed, 2003)
    previous_count, previous_keys = None, None
    for rate in (0.080, 0.081, 0.085, 0.09, 0.2):
        firms = Firms()
        firms.add(
            key=KEYS[:2000],
            region=np.arange(2000) % 2,
            sector=np.zeros(2000, int),
            employment=np.full(2000, 5.0),
        )
        new = enter(
            firms, WorldMarkets(economy), economy, weights, Demography(entry_rate=rate), draws
        )
        count = np.bincount(firms.cell(2)[new], minlength=4)
        keys = set(firms.key[new].tolist())
        if previous_count is not None:
            assert (count >= previous_count).all()
            assert previous_keys <= keys  # entrants of the lower rate all still enter
        previous_count, previous_keys = count, keys


def test_the_poisson_quantile_is_scipys_to_the_last_count():
    rng = np.random.default_rng(11)
    n = 200_000
    mean = 10.0 ** rng.uniform(-4.0, 3.5, n) * rng.random(n)
    mean[:1000] = 0.0
    u = (np.floor(rng.random(n) * 2**53) + 0.5) * 2.0**-53  # keyed uniforms: in (0, 1)
    # and probabilities at, just below and just above the CDF's steps, where the two
    # ways of inverting it could part
    k = np.maximum(np.round(mean + np.sqrt(mean) * rng.normal(size=n)), 0.0)
    offset = rng.choice([-1e-3, -1e-9, -1e-15, 0.0, 1e-15, 1e-9, 1e-3], n)
    step = np.clip(pdtr(k, mean) + offset, 2.0**-53, 1.0 - 2.0**-53)
    for probability in (u, step):
        expected = stats.poisson.ppf(probability, mean)
        np.testing.assert_array_equal(poisson_quantile(probability, mean), expected)
