"""Step 6 of the year (sim.model.demography): exit, entry weights and entry, on hand-made firms."""

import math

import numpy as np
import pytest

from sim.model.demography import add_entrants, enter, entry_weights, exits
from sim.model.economy import Economy, EconomySpec
from sim.model.firms import NO_PROJECT, Firms
from sim.model.params import Demography
from sim.model.streams import KeyedDraws, entrant_keys, initial_keys
from sim.model.world import WorldMarkets
from tests.conftest import HAND_SPEC

ECONOMY = Economy.from_spec(EconomySpec.from_config(HAND_SPEC))


def make_firms(**columns) -> Firms:
    firms = Firms()
    n = len(next(iter(columns.values())))
    firms.add(key=initial_keys(n), **{k: np.asarray(v) for k, v in columns.items()})
    return firms


def test_exit_of_small_and_loss_making_firms():
    # exit_size 0.8: strictly smaller firms leave; loss_years 3: three or more leave
    p = Demography(infant_hazard=0.0, exit_size=0.8, loss_years=3)
    firms = make_firms(
        region=np.zeros(7, int),
        sector=np.zeros(7, int),
        employment=[0.5, 0.8, 5.0, 5.0, 0.79, 100.0, 100.0],
        loss_years=[0, 0, 3, 2, 5, 0, 4],
        age=[10, 10, 10, 10, 10, 0, 10],
    )
    leaving = exits(firms, p, KeyedDraws(0, 2000))
    np.testing.assert_array_equal(leaving, [True, False, True, False, True, False, True])


def test_infant_hazard_falls_with_age():
    # 20,000 healthy firms (no small size, no losses) at each age 0-4; the only
    # exit is infant mortality with probability 0.12 exp(-age / 2):
    # 0.120, 0.073, 0.044, 0.027, 0.016. The observed share has binomial sd
    # sqrt(h (1 - h) / 20,000) <= 0.0023; we allow 4 sd per age.
    p = Demography(infant_hazard=0.12, infant_fade=2.0)
    per_age, ages = 20_000, np.arange(5)
    n = per_age * len(ages)
    firms = make_firms(
        region=np.zeros(n, int),
        sector=np.zeros(n, int),
        employment=np.full(n, 10.0),
        age=np.repeat(ages, per_age),
    )
    leaving = exits(firms, p, KeyedDraws(3, 2000))
    share = leaving.reshape(len(ages), per_age).mean(axis=1)
    hazard = 0.12 * np.exp(-ages / 2.0)
    np.testing.assert_array_less(
        np.abs(share - hazard), 4 * np.sqrt(hazard * (1 - hazard) / per_age)
    )
    assert (np.diff(share) < 0).all()


def test_entry_weights_rise_with_relatedness_density():
    # w_rs = (1 - 0.6) e_rs / e_r + 0.6 d_rs / sum_s d_rs, normalised per region.
    # north: equal jobs, densities 0.1, 0.5, 0.2 (sum 0.8):
    #   0.4 / 3 + 0.6 * [0.125, 0.625, 0.25] = [0.2083, 0.5083, 0.2833] (sum 1)
    # south: jobs 30, 10, 0 and equal densities:
    #   0.4 * [0.75, 0.25, 0] + 0.6 / 3 = [0.5, 0.3, 0.2]
    p = Demography(entry_density_weight=0.6, entry_growth_weight=4.0)
    employment = np.array([[10.0, 10.0, 10.0], [30.0, 10.0, 0.0]])
    density = np.array([[0.1, 0.5, 0.2], [0.2, 0.2, 0.2]])
    w = entry_weights(ECONOMY, employment, density, np.zeros(3), p)
    np.testing.assert_allclose(
        w, [[0.4 / 3 + 0.075, 0.4 / 3 + 0.375, 0.4 / 3 + 0.15], [0.5, 0.3, 0.2]], rtol=1e-14
    )
    # same jobs, higher density -> more entry
    assert w[0, 1] > w[0, 2] > w[0, 0]


def test_entry_weights_tilt_toward_growing_demand():
    # equal jobs and densities: w_s proportional to exp(4 growth_s)
    p = Demography(entry_density_weight=0.6, entry_growth_weight=4.0)
    employment = np.full((2, 3), 10.0)
    density = np.full((2, 3), 0.3)
    growth = np.array([0.0, 0.05, -0.02])
    w = entry_weights(ECONOMY, employment, density, growth, p)
    tilt = np.exp([0.0, 0.2, -0.08])
    np.testing.assert_allclose(w, np.tile(tilt / tilt.sum(), (2, 1)), rtol=1e-14)
    assert w[0, 1] > w[0, 0] > w[0, 2]


def test_enter_draws_poisson_entrants_spread_by_the_weights():
    # 12,000 firms in the north and 8,000 in the south, entry_rate 0.085: Poisson
    # means 1,020 and 680 (sd 31.9 and 26.1); we allow 4 sd.
    p = Demography(entry_rate=0.085, entrant_size=2.0, exit_size=0.8)
    n0, n1 = 12_000, 8_000
    firms = make_firms(
        region=np.repeat([0, 1], [n0, n1]),
        sector=np.zeros(n0 + n1, int),
        employment=np.full(n0 + n1, 10.0),
        age=np.full(n0 + n1, 5),
    )
    weights = np.array([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]])
    new = enter(firms, WorldMarkets(ECONOMY), ECONOMY, weights, p, KeyedDraws(7, 2000))
    region = firms.region[new]
    sector = firms.sector[new]
    for r, n_firms in ((0, n0), (1, n1)):
        mean = p.entry_rate * n_firms
        assert abs((region == r).sum() - mean) < 4 * math.sqrt(mean)
    # sectors follow the region's weights: none where the weight is 0, and the
    # share in a sector is within 4 binomial sd of its weight
    for r in (0, 1):
        mine = sector[region == r]
        for s in range(3):
            w = weights[r, s]
            share = (mine == s).mean()
            assert abs(share - w) <= 4 * math.sqrt(w * (1 - w) / len(mine))
    assert not (sector[region == 0] == 1).any()
    # entrants: new ids after the incumbents', age 0, no project, at least exit_size
    # jobs and exit_size + Exponential(entrant_size - exit_size) on average: mean
    # 2.0 with sd 1.2 / sqrt(n) per entrant sample; we allow 4 sd
    k = new.stop - new.start
    np.testing.assert_array_equal(firms.firm_id[new], np.arange(n0 + n1, n0 + n1 + k))
    assert (firms.age[new] == 0).all() and (firms.project_stage[new] == NO_PROJECT).all()
    jobs = firms.employment[new]
    assert jobs.min() >= p.exit_size
    assert jobs.mean() == pytest.approx(p.entrant_size, abs=4 * 1.2 / math.sqrt(k))


def test_entrants_start_from_the_documented_state():
    # docs/ODD.md 7.5: a ~ N(-0.05, 0.2^2), VA = A_s e^a e, K = intensity * VA
    # (0 for ordinary entrants), cash 0.1 VA, share VA / D_s. Over n = 20,000
    # entrants the mean of a has sd 0.2 / sqrt(n) = 0.0014 and its sample sd a
    # relative sd of 1 / sqrt(2n) = 0.005; we allow 4 of each.
    n = 20_000
    m = WorldMarkets(ECONOMY)
    firms = Firms()
    sector = np.arange(n) % 3
    intensity = np.where(sector == 2, 0.4, 0.0)
    new = add_entrants(
        firms,
        m,
        np.arange(n) % 2,
        sector,
        np.full(n, 5.0),
        intensity,
        entrant_keys(2000, np.arange(n) % 2, sector, np.arange(n)),
        KeyedDraws(9, 2000),
    )
    a = firms.productivity[new]
    va = m.technology[sector] * np.exp(a) * 5.0
    np.testing.assert_allclose(firms.value_added[new], va, rtol=1e-14)
    np.testing.assert_allclose(firms.knowledge[new], intensity * va, rtol=1e-14)
    np.testing.assert_allclose(firms.cash[new], 0.1 * va, rtol=1e-14)
    np.testing.assert_allclose(firms.share[new], va / m.demand[sector], rtol=1e-14)
    assert abs(a.mean() + 0.05) < 4 * 0.2 / math.sqrt(n)
    assert a.std() == pytest.approx(0.2, rel=4 / math.sqrt(2 * n))


def test_entry_is_proportional_to_the_population():
    # total entrants ~ Poisson(0.085 * 20,000 = 1,700), sd 41; we allow 4 sd.
    # A rate of 0.1 would give 2,000, seven sd away.
    p = Demography(entry_rate=0.085)
    n = 20_000
    firms = make_firms(
        region=np.arange(n) % 2, sector=np.arange(n) % 3, employment=np.full(n, 10.0)
    )
    weights = np.full((2, 3), 1 / 3)
    new = enter(firms, WorldMarkets(ECONOMY), ECONOMY, weights, p, KeyedDraws(8, 2000))
    assert abs((new.stop - new.start) - 0.085 * n) < 4 * math.sqrt(0.085 * n)
