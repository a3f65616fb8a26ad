"""Step 3 of the year (sim.model.knowledge.learn) on a hand-built economy of 2 regions x 3 sectors.

Sector capability profiles s0 = [1, 0], s1 = [1, 1], s2 = [0, 1] give the cosine
relatedness phi_01 = phi_12 = 1/sqrt(2) and phi_02 = 0 (diagonal 1).
"""

import math

import numpy as np
import pytest

from sim.model.economy import Economy, EconomySpec
from sim.model.firms import Firms
from sim.model.knowledge import learn
from sim.model.params import Knowledge
from sim.model.streams import KeyedDraws, initial_keys
from tests.conftest import HAND_SPEC

C = 1 / math.sqrt(2)

# Firms 0 and 2 are identical (sector s0, K 10, VA 100, R&D 2) except for their
# region: the north also has a knowledge-rich firm in the related sector s1.
REGION = [0, 0, 1, 1, 0]
SECTOR = [0, 1, 0, 1, 2]
KNOWLEDGE = [10.0, 50.0, 10.0, 5.0, 20.0]
VALUE_ADDED = [100.0, 100.0, 100.0, 100.0, 50.0]
OWN_RD = np.array([2.0, 0.0, 2.0, 0.0, 1.0])
PRODUCTIVITY = [0.1, 0.0, 0.1, -0.1, 0.0]

# pool_{r,s} = sum_j phi_sj K_rj / sum_j phi_sj VA_rj, by hand:
POOL = [
    (10 + C * 50) / (100 + C * 100),  # north s0: own 10 / 100, s1 50 / 100, s2 not related
    (C * 10 + 50 + C * 20) / (C * 100 + 100 + C * 50),  # north s1: all three
    (10 + C * 5) / (100 + C * 100),  # south s0: own and s1
    (C * 10 + 5) / (C * 100 + 100),  # south s1: s0 and own
    (C * 50 + 20) / (C * 100 + 50),  # north s2: s1 and own (s0 not related)
]


def economy() -> Economy:
    e = Economy.from_spec(EconomySpec.from_config(HAND_SPEC))
    np.testing.assert_allclose(e.relatedness, [[1, C, 0], [C, 1, C], [0, C, 1]], atol=1e-15)
    return e


def hand_firms() -> Firms:
    firms = Firms()
    firms.add(
        key=initial_keys(len(REGION)),
        region=np.array(REGION),
        sector=np.array(SECTOR),
        knowledge=np.array(KNOWLEDGE),
        value_added=np.array(VALUE_ADDED),
        productivity=np.array(PRODUCTIVITY),
    )
    return firms


def test_depreciation_and_own_rd_add_up():
    # Without spillovers: K' = (1 - 0.15) K + R&D, e.g. firm 0: 0.85 * 10 + 2 = 10.5
    p = Knowledge(depreciation=0.15, spillover=0.0, productivity_noise=0.0)
    firms = hand_firms()
    learn(firms, economy(), p, KeyedDraws(0, 2000), OWN_RD)
    np.testing.assert_allclose(firms.knowledge, [10.5, 42.5, 10.5, 4.25, 18.0], rtol=1e-14)


def test_extra_pool_adds_knowledge_per_unit_of_value_added():
    # cluster collaboration: K' = 0.85 K + R&D + extra * VA
    p = Knowledge(depreciation=0.15, spillover=0.0, productivity_noise=0.0)
    extra = np.array([0.01, 0.0, 0.0, 0.02, 0.1])
    firms = hand_firms()
    learn(firms, economy(), p, KeyedDraws(0, 2000), OWN_RD, extra)
    np.testing.assert_allclose(firms.knowledge, [11.5, 42.5, 10.5, 6.25, 23.0], rtol=1e-14)


def test_spillovers_follow_the_related_regional_pool():
    p = Knowledge(depreciation=0.15, spillover=0.04, productivity_noise=0.0)
    firms = hand_firms()
    learn(firms, economy(), p, KeyedDraws(0, 2000), OWN_RD)
    expected = [
        0.85 * k + rd + 0.04 * pool * va
        for k, rd, pool, va in zip(KNOWLEDGE, OWN_RD, POOL, VALUE_ADDED, strict=True)
    ]
    np.testing.assert_allclose(firms.knowledge, expected, rtol=1e-14)
    # the twin in the region with more related knowledge gains more:
    # 0.04 * 100 * (0.2657 - 0.0793) = 0.746 more
    assert POOL[0] > POOL[2]
    assert firms.knowledge[0] - firms.knowledge[2] == pytest.approx(
        0.04 * 100 * (POOL[0] - POOL[2]), rel=1e-12
    )
    assert firms.knowledge[0] - firms.knowledge[2] == pytest.approx(0.746, abs=1e-3)


def test_productivity_moves_toward_knowledge_intensity():
    # log a' = (1 - reversion) log a + effect (log(1 + k_i) - m_s), k_i = K'_i / VA_i,
    # m_s the value-added-weighted mean of log(1 + k) over the sector's firms.
    p = Knowledge(
        depreciation=0.15,
        spillover=0.04,
        productivity_effect=0.5,
        productivity_reversion=0.08,
        productivity_noise=0.0,
    )
    firms = hand_firms()
    learn(firms, economy(), p, KeyedDraws(0, 2000), OWN_RD)
    k_new = [
        (0.85 * k + rd + 0.04 * pool * va) / va
        for k, rd, pool, va in zip(KNOWLEDGE, OWN_RD, POOL, VALUE_ADDED, strict=True)
    ]
    log1k = [math.log(1 + k) for k in k_new]
    mean = {}
    for s in (0, 1, 2):
        members = [i for i in range(5) if SECTOR[i] == s]
        weight = sum(VALUE_ADDED[i] for i in members)
        mean[s] = sum(VALUE_ADDED[i] * log1k[i] for i in members) / weight
    expected = [0.92 * PRODUCTIVITY[i] + 0.5 * (log1k[i] - mean[SECTOR[i]]) for i in range(5)]
    np.testing.assert_allclose(firms.productivity, expected, rtol=1e-12, atol=1e-15)
    # the twins started equal; the one with more knowledge is now ahead, the other behind
    assert firms.productivity[0] > 0.92 * 0.1 > firms.productivity[2]
    # firm 4 is alone in s2: at its sector's mean, it only reverts toward 0
    assert firms.productivity[4] == pytest.approx(0.0, abs=1e-15)


def test_productivity_noise_has_the_configured_sd():
    # 100,000 identical firms: the only spread is the noise, sd 0.03. The sample
    # sd of a normal sample has relative sd 1 / sqrt(2n) = 0.0022; we allow 4 of them.
    p = Knowledge(productivity_noise=0.03)
    n = 100_000
    firms = Firms(capacity=n)
    firms.add(
        key=initial_keys(n),
        region=np.zeros(n, int),
        sector=np.zeros(n, int),
        knowledge=np.full(n, 5.0),
        value_added=np.full(n, 50.0),
    )
    learn(firms, economy(), p, KeyedDraws(5, 2000), np.zeros(n))
    assert firms.productivity.std() == pytest.approx(0.03, rel=4 / math.sqrt(2 * n))
    assert abs(firms.productivity.mean()) < 4 * 0.03 / math.sqrt(n)
