"""Selection rules (sim.policy.selection_rules): ranked funding within budgets and earmarked pots.

Hand-worked cases first, then properties over random application sets, budgets
and pots. ``award`` is observed through the calls it makes to ``fund_in_order``
(one per pot, then one for the open call), so the money each pot got can be
checked against the pot's amount.
"""

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.policy import selection_rules
from sim.policy.selection_rules import Pot, award, fund_in_order, perceive

# fund_in_order allows 1e-9 of slack per call; award makes at most three calls here
TOL = 1e-7


def test_fund_in_order_stops_at_the_first_request_that_does_not_fit():
    now = np.array([5.0, 10.0, 1.0])
    later = np.zeros(3)
    # 5 fits in 6, 5 + 10 does not; the third (1) would fit but the prefix has ended
    assert fund_in_order(np.array([0, 1, 2]), now, later, 6.0, 0.0).tolist() == [0]
    # in another order: 1 then 5 fit (6), 10 does not
    assert fund_in_order(np.array([2, 0, 1]), now, later, 6.0, 0.0).tolist() == [2, 0]
    # everything fits
    assert fund_in_order(np.array([2, 0, 1]), now, later, 16.0, 0.0).tolist() == [2, 0, 1]
    # nothing fits
    assert fund_in_order(np.array([1, 0]), now, later, 9.0, 0.0).tolist() == []
    assert fund_in_order(np.array([], dtype=int), now, later, 9.0, 0.0).tolist() == []


def test_fund_in_order_respects_the_budget_of_the_year_after():
    now = np.array([1.0, 1.0, 1.0])
    later = np.array([1.0, 0.0, 1.0])
    # later: 1, 1, 2 > 1.5 -> the third is out although the coming year has room
    assert fund_in_order(np.array([0, 1, 2]), now, later, 10.0, 1.5).tolist() == [0, 1]
    assert fund_in_order(np.array([0, 1, 2]), now, later, 10.0, 2.0).tolist() == [0, 1, 2]
    assert fund_in_order(np.array([0, 1, 2]), now, later, 10.0, 0.0).tolist() == []


def test_award_serves_the_pot_first_then_the_open_call():
    perceived = np.array([3.0, 2.0, 1.0, 0.0])  # ranked 0, 1, 2, 3
    now = np.full(4, 4.0)
    later = np.zeros(4)
    pot = Pot(np.array([False, False, True, True]), 5.0)
    # the pot (5) funds 2 (4); 2 + 3 would be 8 > 5. The open call has 10 - 4 = 6
    # left and funds 0 (4); 0 + 1 would be 8 > 6.
    got = award(perceived, now, later, 10.0, 0.0, [pot])
    assert got.tolist() == [True, False, True, False]
    # without the pot the two best are funded
    assert award(perceived, now, later, 10.0, 0.0).tolist() == [True, True, False, False]


def test_a_pot_never_gets_more_than_the_budget():
    perceived = np.array([3.0, 2.0, 1.0, 0.0])
    now = np.full(4, 4.0)
    pot = Pot(np.array([False, False, True, True]), 100.0)
    # the pot is capped at the budget (6): it funds 2 only, and 2 is left for the
    # open call, where 0 asks for 4
    got = award(perceived, now, np.zeros(4), 6.0, 0.0, [pot])
    assert got.tolist() == [False, False, True, False]


def test_two_pots_share_the_budget_in_order():
    perceived = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    now = np.array([2.0, 2.0, 2.0, 2.0, 2.0])
    challenge = Pot(np.array([False, True, False, True, True]), 4.0)
    spearhead = Pot(np.array([False, True, True, False, False]), 4.0)
    # challenge pot: 1 (2), 3 (4) -> 4 spent; spearhead pot: 1 is taken, 2 (2) -> 6
    # spent; open call with 7 - 6 = 1 left: 0 asks for 2 -> nothing
    got = award(perceived, now, np.zeros(5), 7.0, 0.0, [challenge, spearhead])
    assert got.tolist() == [False, True, True, True, False]


def test_equal_perceived_quality_keeps_the_application_order():
    perceived = np.array([1.0, 1.0, 1.0])
    now = np.array([1.0, 1.0, 1.0])
    assert award(perceived, now, np.zeros(3), 2.0, 0.0).tolist() == [True, True, False]


# ---- properties -------------------------------------------------------------------
amounts = st.one_of(
    st.integers(0, 20).map(float),
    st.floats(0.0, 50.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def calls(draw, max_n=25):
    n = draw(st.integers(0, max_n))
    now = np.array(draw(st.lists(amounts, min_size=n, max_size=n)), dtype=float)
    # multi-year requests ask the same again the year after, or nothing
    multi = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    later = np.where(multi, now, 0.0)
    # few distinct qualities, so ties happen
    perceived = np.array(
        draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)), dtype=float
    ) + draw(st.sampled_from([0.0, 0.5]))
    budget_now = draw(st.one_of(st.just(0.0), st.floats(0.0, 400.0)))
    budget_later = draw(st.one_of(st.just(0.0), st.floats(0.0, 400.0)))
    k = draw(st.integers(0, 2))
    pots = [
        Pot(
            np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
            draw(st.floats(0.0, 600.0)),
        )
        for _ in range(k)
    ]
    return perceived, now, later, budget_now, budget_later, pots


def _longest_prefix_ok(order, now, later, budget_now, budget_later, chosen):
    """``chosen`` is a prefix of ``order`` that fits, and the next candidate does not fit."""
    k = len(chosen)
    assert chosen.tolist() == order[:k].tolist()
    assert now[chosen].sum() <= budget_now + TOL
    assert later[chosen].sum() <= budget_later + TOL
    if k < len(order):
        nxt = order[: k + 1]
        assert (now[nxt].sum() > budget_now + 1e-9) or (later[nxt].sum() > budget_later + 1e-9)


@settings(max_examples=300, deadline=None)
@given(calls(), st.randoms(use_true_random=False))
def test_fund_in_order_funds_the_longest_prefix_that_fits(call, rnd):
    _, now, later, budget_now, budget_later, _ = call
    order = np.arange(len(now))
    rnd.shuffle(order)
    chosen = fund_in_order(order, now, later, budget_now, budget_later)
    _longest_prefix_ok(order, now, later, budget_now, budget_later, chosen)


def _award_with_calls(perceived, now, later, budget_now, budget_later, pots):
    seen = []
    real = selection_rules.fund_in_order

    def spy(order, now_, later_, b_now, b_later, bounds=None):
        out = real(order, now_, later_, b_now, b_later, bounds)
        # one government: its budgets are one number each
        budgets = float(np.squeeze(b_now)), float(np.squeeze(b_later))
        seen.append((order.copy(), *budgets, out.copy()))
        return out

    with mock.patch.object(selection_rules, "fund_in_order", spy):
        funded = award(perceived, now, later, budget_now, budget_later, pots)
    return funded, seen


@settings(max_examples=300, deadline=None)
@given(calls())
def test_award_stays_within_both_budgets_and_every_pot(call):
    perceived, now, later, budget_now, budget_later, pots = call
    funded, seen = _award_with_calls(*call)
    assert funded.dtype == bool and len(funded) == len(now)
    assert now[funded].sum() <= budget_now + TOL
    assert later[funded].sum() <= budget_later + TOL

    # one call per pot, in order, then the open call
    assert len(seen) == len(pots) + 1
    ranked = np.argsort(-perceived, kind="stable")
    taken = np.zeros(len(now), dtype=bool)
    spent_now = spent_later = 0.0
    for j, (order, b_now, b_later, chosen) in enumerate(seen):
        if j < len(pots):
            # a pot's candidates: its eligible applications not yet funded, best first
            expected = ranked[pots[j].eligible[ranked] & ~taken[ranked]]
            assert b_now <= pots[j].amount
        else:
            expected = ranked[~taken[ranked]]
        assert order.tolist() == expected.tolist()
        # never more than what the earlier calls left of the budgets
        assert b_now <= budget_now - spent_now + TOL
        assert b_later == pytest.approx(budget_later - spent_later, abs=TOL)
        _longest_prefix_ok(order, now, later, b_now, b_later, chosen)
        # a pot's money is min(amount, what is left)
        if j < len(pots):
            assert b_now == pytest.approx(min(pots[j].amount, budget_now - spent_now), abs=TOL)
        else:
            assert b_now == pytest.approx(budget_now - spent_now, abs=TOL)
        assert not taken[chosen].any()
        taken[chosen] = True
        spent_now += now[chosen].sum()
        spent_later += later[chosen].sum()
    assert funded.tolist() == taken.tolist()


@settings(max_examples=300, deadline=None)
@given(calls())
def test_award_without_pots_is_the_ranked_prefix(call):
    perceived, now, later, budget_now, budget_later, _ = call
    funded = award(perceived, now, later, budget_now, budget_later)
    ranked = np.argsort(-perceived, kind="stable")
    k = int(funded.sum())
    # the funded set is exactly the first k of the ranking
    assert funded[ranked[:k]].all() and not funded[ranked[k:]].any()
    _longest_prefix_ok(ranked, now, later, budget_now, budget_later, ranked[:k])


@settings(max_examples=300, deadline=None)
@given(calls())
def test_more_money_never_funds_fewer_of_the_ranking_without_pots(call):
    perceived, now, later, budget_now, budget_later, _ = call
    less = award(perceived, now, later, budget_now, budget_later)
    more = award(perceived, now, later, budget_now + 10.0, budget_later + 10.0)
    assert not (less & ~more).any()


# ---- perceived quality ------------------------------------------------------------
def test_perceived_quality_is_quality_plus_scaled_noise():
    quality = np.array([0.5, -1.0, 2.0, 0.0])
    followed = np.array([False, True, False, True])
    z = np.random.default_rng(7).standard_normal(4)
    got = perceive(quality, 2.0, followed, 0.25, z)
    # scale: 2 for the unfollowed, 2 * (1 - 0.25) = 1.5 for the followed
    assert got == pytest.approx(quality + np.array([2.0, 1.5, 2.0, 1.5]) * z, rel=1e-12)


def test_no_noise_or_full_account_management_reveals_the_quality():
    quality = np.linspace(-2, 2, 9)
    z = np.random.default_rng(1).standard_normal(9)
    assert perceive(quality, 0.0, np.zeros(9, bool), 0.5, z).tolist() == quality.tolist()
    assert perceive(quality, 3.0, np.ones(9, bool), 1.0, z).tolist() == quality.tolist()


def test_account_managers_shrink_the_evaluation_error():
    n = 40_000
    quality = np.zeros(n)
    followed = np.arange(n) % 2 == 1
    err = perceive(quality, 1.0, followed, 0.5, np.random.default_rng(3).standard_normal(n))
    # sd 1 unfollowed, 0.5 followed. The sample sd of 20,000 normals has a relative
    # standard error of 1/sqrt(2 * 20,000) = 0.5 %; 3 % is six of them.
    assert err[~followed].std() == pytest.approx(1.0, rel=0.03)
    assert err[followed].std() == pytest.approx(0.5, rel=0.03)


# ---- several governments at once --------------------------------------------------
@st.composite
def segmented_calls(draw):
    """Calls of up to four governments with the same number of pots each."""
    k = draw(st.integers(0, 2))
    segments = []
    for _ in range(draw(st.integers(1, 4))):
        call = draw(calls(max_n=12))
        n = len(call[0])
        pots = [
            Pot(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool), a)
            for a in draw(st.lists(st.floats(0.0, 600.0), min_size=k, max_size=k))
        ]
        segments.append((*call[:5], pots))
    return segments


def _together(segments):
    """The segments' applications in one table, with their bounds and per-segment money."""
    columns = [np.concatenate([s[j] for s in segments]) for j in range(3)]
    budgets = [np.array([s[j] for s in segments]) for j in (3, 4)]
    pots = [
        Pot(
            np.concatenate([s[5][p].eligible for s in segments]),
            np.array([s[5][p].amount for s in segments]),
        )
        for p in range(len(segments[0][5]))
    ]
    bounds = np.concatenate([[0], np.cumsum([len(s[0]) for s in segments])])
    return (*columns, *budgets, pots, bounds)


@settings(max_examples=300, deadline=None)
@given(segmented_calls())
def test_governments_awarded_together_get_what_each_gets_alone(segments):
    perceived, now, later, budget_now, budget_later, pots, bounds = _together(segments)
    got = award(perceived, now, later, budget_now, budget_later, pots, bounds)
    alone = np.concatenate([np.zeros(0, dtype=bool)] + [award(*s) for s in segments])
    assert got.tolist() == alone.tolist()


@settings(max_examples=300, deadline=None)
@given(segmented_calls(), st.randoms(use_true_random=False))
def test_fund_in_order_of_several_governments_is_each_ones_prefix(segments, rnd):
    perceived, now, later, budget_now, budget_later, _, bounds = _together(segments)
    orders = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        order = list(range(a, b))
        rnd.shuffle(order)
        orders.append(np.array(order, dtype=np.intp))
    got = fund_in_order(np.concatenate(orders), now, later, budget_now, budget_later, bounds)
    alone = [
        fund_in_order(order, now, later, s[3], s[4])
        for order, s in zip(orders, segments, strict=True)
    ]
    assert got.tolist() == np.concatenate([np.zeros(0, dtype=np.intp), *alone]).tolist()
