"""Step 2 of the year (sim.model.competition.compete) on small hand-built economies.

The deterministic part (replicator, employment, profits, cash, loss years) is
checked against the formulas of ``compete``'s docstring worked out firm by firm
with scalar arithmetic; the Laplace shocks are checked statistically over many
identical firms with fixed seeds.
"""

import dataclasses
import math

import numpy as np
import pytest

from sim.model.competition import MAX_SHOCK_SCALE, compete
from sim.model.economy import Economy, EconomySpec
from sim.model.firms import Firms
from sim.model.params import Competition
from sim.model.streams import KeyedDraws, initial_keys
from sim.model.world import WorldMarkets

# Two regions x three sectors. va_per_job is in thousand EUR per job, so the
# reference technology A_s is 0.1, 0.05 and 0.08 million EUR per job.
SPEC = {
    "name": "hand",
    "focal_region": "north",
    "capabilities": ["a", "b"],
    "sectors": {
        "s0": {"group": "mature_manufacturing", "world_share": 0.5, "rd_intensity": 0.05,
               "va_per_job": 100.0, "profile": [1.0, 0.0]},
        "s1": {"group": "services", "world_share": 0.3, "rd_intensity": 0.02,
               "va_per_job": 50.0, "profile": [1.0, 1.0]},
        "s2": {"group": "emerging", "world_share": 0.2, "rd_intensity": 0.1,
               "va_per_job": 80.0, "profile": [0.0, 1.0]},
    },
    "regions": {"north": {"jobs": 1000.0, "wage": 1.2}, "south": {"jobs": 500.0, "wage": 0.8}},
}  # fmt: skip
WAGE = {0: 1.2, 1: 0.8}
TECH = [0.1, 0.05, 0.08]
RD = [0.05, 0.02, 0.1]
DEMAND = [1000.0, 400.0, 200.0]

# The hand case: three firms in sector s0 (two in the north, one in the south)
# and one alone in s1. Their shares and the rest of the world's add up to 1.
REGION = [0, 0, 1, 0]
SECTOR = [0, 0, 0, 1]
SHARE = [0.15, 0.15, 0.10, 0.30]
ROW = [0.60, 0.70, 1.0]
PROD = [0.2, 0.0, 0.1, 0.0]
EMPLOYMENT = [1200.0, 1500.0, 900.0, 20000.0]
CASH = [10.0, 0.0, -3.0, 5.0]
LOSS_YEARS = [2, 0, 5, 1]
# rca 0.05 in (south, s0) is below the 0.1 floor of the local wage
RCA = np.array([[1.5, 1.0, 1.0], [0.05, 1.2, 1.0]])
DENSITY = np.array([[0.3, 0.2, 0.1], [0.6, 0.1, 0.0]])
# the north's share of the regions' jobs is 10 % above its start, the south's below
TIGHT = np.array([1.1, 0.85])


def economy() -> Economy:
    return Economy.from_spec(EconomySpec.from_config(SPEC))


def markets(e: Economy, demand=DEMAND, row=ROW) -> WorldMarkets:
    m = WorldMarkets(e)
    m.demand = np.array(demand, dtype=float)
    m.technology = np.array(TECH)
    m.row_share = np.array(row, dtype=float)
    return m


def hand_firms() -> Firms:
    firms = Firms()
    firms.add(
        key=initial_keys(len(REGION)),
        region=np.array(REGION),
        sector=np.array(SECTOR),
        share=np.array(SHARE),
        productivity=np.array(PROD),
        employment=np.array(EMPLOYMENT),
        cash=np.array(CASH),
        loss_years=np.array(LOSS_YEARS),
    )
    return firms


# (no upper bend either: it has its own test, tests/test_size_bend.py)
NO_SHOCKS = Competition(shock_scale=0.0, size_penalty=0.0)


def premium(p: Competition, r: int, s: int) -> float:
    """Scarcity premium of specialised labour: max(rca, 0.1)^congestion * tightness^lt."""
    return max(RCA[r, s], 0.1) ** p.congestion * TIGHT[r] ** p.labour_tightness


def by_hand_shares(p: Competition, row: list[float]) -> tuple[list[float], list[float]]:
    """Shares after the replicator and the renormalisation, firm by firm."""
    edge = []
    for r, s, a in zip(REGION, SECTOR, PROD, strict=True):
        edge.append(
            a - p.wage_share * math.log(premium(p, r, s)) + p.relatedness_advantage * DENSITY[r, s]
        )
    fitness = [0.0] * 4
    for s in (0, 1, 2):
        members = [i for i in range(4) if SECTOR[i] == s]
        if not members:
            continue
        joint = sum(SHARE[i] for i in members)
        mean = sum(SHARE[i] * edge[i] for i in members) / joint
        raw = {i: SHARE[i] * math.exp(p.selection * (edge[i] - mean)) for i in members}
        for i in members:
            fitness[i] = raw[i] * joint / sum(raw.values())
    total = [sum(fitness[i] for i in range(4) if SECTOR[i] == s) + row[s] for s in range(3)]
    shares = [fitness[i] / total[SECTOR[i]] for i in range(4)]
    return shares, [row[s] / total[s] for s in range(3)]


def test_the_more_productive_of_two_firms_gains_share_by_the_replicator():
    # Two firms alone in (north, s0), shares 0.2 each, the rest of the world 0.6;
    # same cell, so the same premium and density: c_1 - c_2 = 0.3 - 0.0.
    # mean c = (0.2 c_1 + 0.2 c_2) / 0.4, so c_1 - mean = 0.15, c_2 - mean = -0.15;
    # fitness 0.2 exp(0.6 * 0.15) = 0.2 e^0.09 and 0.2 e^-0.09, rescaled to sum 0.4:
    # share_1 = 0.4 e^0.09 / (e^0.09 + e^-0.09) = 0.2 (1 + tanh 0.09) = 0.217952...
    e = economy()
    m = markets(e, row=[0.6, 1.0, 1.0])
    firms = Firms()
    firms.add(
        key=initial_keys(2),
        region=np.array([0, 0]),
        sector=np.array([0, 0]),
        share=np.array([0.2, 0.2]),
        productivity=np.array([0.3, 0.0]),
        employment=np.array([100.0, 100.0]),
    )
    compete(firms, m, e, NO_SHOCKS, KeyedDraws(0, 2000), RCA, DENSITY, TIGHT)
    gain = 0.2 * math.tanh(0.6 * 0.15)
    np.testing.assert_allclose(firms.share, [0.2 + gain, 0.2 - gain], rtol=1e-12)
    assert gain == pytest.approx(0.017952, abs=1e-6)
    # their joint share and the rest of the world's are unchanged by selection
    assert firms.share.sum() == pytest.approx(0.4, rel=1e-12)
    assert m.row_share[0] == pytest.approx(0.6, rel=1e-12)


def test_replicator_matches_the_formula_across_regions():
    e = economy()
    m = markets(e)
    firms = hand_firms()
    compete(firms, m, e, NO_SHOCKS, KeyedDraws(0, 2000), RCA, DENSITY, TIGHT)
    shares, row = by_hand_shares(NO_SHOCKS, ROW)
    np.testing.assert_allclose(firms.share, shares, rtol=1e-12)
    # firms 0 and 1 share a cell (same premium and density): their share ratio
    # moves by exp(selection * (0.2 - 0.0)), toward the more productive one
    ratio = (firms.share[0] / firms.share[1]) / (SHARE[0] / SHARE[1])
    assert ratio == pytest.approx(math.exp(NO_SHOCKS.selection * 0.2), rel=1e-12)
    # firm 2, in the south with a lower premium and higher density, gains most
    assert firms.share[2] > SHARE[2] and firms.share[1] < SHARE[1]
    # selection moves shares between firms only: the sector's joint share of the
    # firms (0.4) and the rest of the world's (0.6) stay as they were
    assert firms.share[:3].sum() == pytest.approx(0.4, rel=1e-12)
    np.testing.assert_allclose(m.row_share, ROW, rtol=1e-12)
    np.testing.assert_allclose(m.row_share, row, rtol=1e-12)
    # alone in its sector, firm 3 keeps its share
    assert firms.share[3] == pytest.approx(SHARE[3], rel=1e-12)


def test_renormalisation_keeps_the_ratio_of_firms_to_rest_of_world():
    # After entry the shares add up to more than one: 0.4 + 0.65 in s0.
    e = economy()
    row = [0.65, 0.70, 1.0]
    m = markets(e, row=row)
    firms = hand_firms()
    compete(firms, m, e, NO_SHOCKS, KeyedDraws(0, 2000), RCA, DENSITY, TIGHT)
    shares, row_after = by_hand_shares(NO_SHOCKS, row)
    np.testing.assert_allclose(firms.share, shares, rtol=1e-12)
    np.testing.assert_allclose(m.row_share, row_after, rtol=1e-12)
    assert firms.share[:3].sum() + m.row_share[0] == pytest.approx(1.0, rel=1e-12)
    assert firms.share[:3].sum() / m.row_share[0] == pytest.approx(0.4 / 0.65, rel=1e-12)


def test_employment_profits_cash_and_loss_years_follow_the_formulas():
    e = economy()
    m = markets(e)
    firms = hand_firms()
    p = NO_SHOCKS
    own_rd = compete(firms, m, e, p, KeyedDraws(0, 2000), RCA, DENSITY, TIGHT)
    shares, _ = by_hand_shares(p, ROW)
    for i in range(4):
        r, s = REGION[i], SECTOR[i]
        va = shares[i] * DEMAND[s]
        target = va / (TECH[s] * math.exp(PROD[i]))
        log_e = math.log(EMPLOYMENT[i])
        jobs = math.exp(log_e + p.adjustment * (math.log(target) - log_e))
        wage = WAGE[r] * premium(p, r, s)
        rd = RD[s] * va
        profit = va - p.wage_share * TECH[s] * wage * jobs - rd
        kept = (1.0 - p.payout) * CASH[i] if CASH[i] > 0 else CASH[i]
        assert firms.value_added[i] == pytest.approx(va, rel=1e-12)
        assert firms.employment[i] == pytest.approx(jobs, rel=1e-12)
        assert own_rd[i] == pytest.approx(rd, rel=1e-12)
        assert firms.cash[i] == pytest.approx(kept + profit, rel=1e-10, abs=1e-10)
        expected_loss = LOSS_YEARS[i] + 1 if profit < 0 else 0
        assert firms.loss_years[i] == expected_loss, (i, profit)
    # the case covers both branches: firm 3 (20,000 jobs for 120 of value added)
    # makes a loss and counts up, firm 2 (five loss years) makes a profit and resets
    assert firms.loss_years[3] == LOSS_YEARS[3] + 1
    assert firms.loss_years[2] == 0
    # the rest of the world's jobs: its value added at the reference technology
    np.testing.assert_allclose(
        m.row_employment, np.array(ROW) * np.array(DEMAND) / np.array(TECH), rtol=1e-12
    )


def test_loss_years_count_consecutive_losses_and_reset_on_a_profit():
    # Firm 1 (north, s0, productivity 0) pays the wage 1.2 * 1.5^0.3 * 1.1^0.5 = 1.42
    # per unit of A: at any employment near VA / A its wage bill is 0.72 * 1.42 = 1.02
    # of its value added, so it loses money every year. Firm 3 (north, s1) starts
    # with 20,000 jobs for 2,400 worth of value added and loses; once employment has
    # adjusted its wage bill is 0.72 * 1.2 * 1.1^0.5 = 0.91 of value added (plus
    # R&D 0.02) and it makes a profit.
    e = economy()
    m = markets(e)
    firms = hand_firms()
    draws = KeyedDraws(0, 2000)
    history = []
    for _ in range(4):
        cash, loss = firms.cash.copy(), firms.loss_years.copy()
        compete(firms, m, e, NO_SHOCKS, draws, RCA, DENSITY, TIGHT)
        profit = firms.cash - np.where(cash > 0, (1 - NO_SHOCKS.payout) * cash, cash)
        np.testing.assert_array_equal(firms.loss_years, np.where(profit < 0, loss + 1, 0))
        history.append(firms.loss_years.copy())
    history = np.array(history)
    np.testing.assert_array_equal(history[:, 1], [1, 2, 3, 4])
    assert history[0, 3] == LOSS_YEARS[3] + 1 and history[-1, 3] == 0


# ---------------------------------------------------------------------- shocks


def population(n_per_size: int, sizes: list[float]) -> tuple[Economy, WorldMarkets, Firms]:
    """``n_per_size`` identical firms of each size in (north, s0), half of s0 to the world."""
    e = economy()
    n = n_per_size * len(sizes)
    m = markets(e, row=[0.5, 1.0, 1.0])
    firms = Firms(capacity=n)
    firms.add(
        key=initial_keys(n),
        region=np.zeros(n, int),
        sector=np.zeros(n, int),
        share=np.full(n, 0.5 / n),
        employment=np.repeat(sizes, n_per_size),
        cash=np.ones(n),
    )
    return e, m, firms


def shock_factors(firms: Firms, m: WorldMarkets, share: np.ndarray, row: float) -> np.ndarray:
    """exp(eps_i): every share is divided by the same total as the rest of the world's.

    Identical competitiveness makes the replicator factor exactly 1, so
    ``share_i' / share_i = exp(eps_i) / total`` and ``row' / row = 1 / total``.
    """
    return (firms.share / share) / (m.row_share[0] / row)


def test_laplace_shocks_are_mean_corrected():
    # All firms at the reference size: Laplace scale b = shock_scale = 0.3.
    # exp(eps) = (1 - b^2) exp(b L): mean 1, and since E[exp(2bL)] = 1 / (1 - 4b^2)
    # its variance is (1 - b^2)^2 / (1 - 4b^2) - 1 = 0.294 (sd 0.542). Over
    # n = 200,000 firms the sample mean has sd 0.542 / sqrt(n) = 0.0012; we allow
    # 4 sd (0.0049). Without the correction the mean would be 1 / (1 - b^2) = 1.099.
    p = Competition(shock_scale=0.3, reference_size=10.0)
    n = 200_000
    e, m, firms = population(n, [10.0])
    share = firms.share.copy()
    compete(firms, m, e, p, KeyedDraws(11, 2000), np.ones((2, 3)), np.zeros((2, 3)), np.ones(2))
    factor = shock_factors(firms, m, share, 0.5)
    b = 0.3
    sd = math.sqrt((1 - b**2) ** 2 / (1 - 4 * b**2) - 1)
    assert abs(factor.mean() - 1.0) < 4 * sd / math.sqrt(n)
    # the log shocks have the Laplace location log(1 - b^2) and scale b (E|bL| = b)
    eps = np.log(factor)
    assert abs(np.median(eps) - math.log(1 - b**2)) < 0.005
    assert abs(np.abs(eps - math.log(1 - b**2)).mean() - b) < 4 * b / math.sqrt(n)


def test_shock_scale_of_tiny_firms_is_capped():
    # 1e-4 jobs (floored at 1e-3) would give b = 0.16 * (1e-4)^-0.22 = 1.2, where
    # log(1 - b^2) is undefined; the scale is capped at 0.6. Then |eps - log(0.64)|
    # = 0.6 |L| has mean 0.6 and sd 0.6: over n = 100,000 firms the mean's sd is
    # 0.0019 and we allow 4 sd.
    p = Competition()
    n = 100_000
    e, m, firms = population(n, [1e-4])
    share = firms.share.copy()
    compete(firms, m, e, p, KeyedDraws(12, 2000), np.ones((2, 3)), np.zeros((2, 3)), np.ones(2))
    assert np.isfinite(firms.share).all()
    eps = np.log(shock_factors(firms, m, share, 0.5))
    b = MAX_SHOCK_SCALE
    assert abs(np.abs(eps - math.log(1 - b**2)).mean() - b) < 4 * b / math.sqrt(n)


def test_shock_scale_falls_with_size_by_the_elasticity():
    # Sizes 1 and 100 with reference size 10: b = 0.16 * 0.1^-0.22 = 0.27 and
    # 0.16 * 10^-0.22 = 0.096, both under the cap. Log share growth of a firm is
    # eps_i minus the sector's common log total, so its sd within a size group is
    # b sqrt(2), and the ratio of the groups' sds is 100^-0.22 = 0.363.
    # Tolerance: for a Laplace sample (kurtosis 6) the sample sd has relative sd
    # sqrt((6 - 1) / (4 n)) = 0.0050 at n = 50,000; the ratio of two independent
    # sds has relative sd 0.0071, and we allow 4 of them (3 %). An elasticity of
    # 0.2 instead of 0.22 would move the ratio by 10 %.
    p = Competition()
    n = 50_000
    e, m, firms = population(n, [1.0, 100.0])
    share = firms.share.copy()
    compete(firms, m, e, p, KeyedDraws(13, 2000), np.ones((2, 3)), np.zeros((2, 3)), np.ones(2))
    growth = np.log(firms.share / share)
    sd_small, sd_large = growth[:n].std(), growth[n:].std()
    expected = 100.0**-p.shock_size_elasticity
    assert sd_large / sd_small == pytest.approx(expected, rel=0.03)
    for size, sd in ((1.0, sd_small), (100.0, sd_large)):
        b = p.shock_scale * (size / p.reference_size) ** -p.shock_size_elasticity
        assert sd == pytest.approx(b * math.sqrt(2.0), rel=4 * math.sqrt(5 / (4 * n)))


def test_no_shock_scale_means_no_randomness():
    e = economy()
    a, b = hand_firms(), hand_firms()
    for firms, seed in ((a, 1), (b, 2)):
        compete(firms, markets(e), e, NO_SHOCKS, KeyedDraws(seed, 2000), RCA, DENSITY, TIGHT)
    np.testing.assert_array_equal(a.share, b.share)
    np.testing.assert_array_equal(a.employment, b.employment)
    # with shocks the two seeds differ
    p = dataclasses.replace(NO_SHOCKS, shock_scale=0.16)
    a, b = hand_firms(), hand_firms()
    for firms, seed in ((a, 1), (b, 2)):
        compete(firms, markets(e), e, p, KeyedDraws(seed, 2000), RCA, DENSITY, TIGHT)
    assert not np.allclose(a.share, b.share)
