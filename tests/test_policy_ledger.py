"""The budget ledger and multi-year commitments (sim.policy.ledger, sim.policy.government).

The ledger's docstring states the accounting: ``available = new + carried_over[y-1]``,
``carried_over = min(available - disbursed + repaid, cap)``, the rest lapses, so
``available + repaid = disbursed + carried_over + lapsed`` every year. A
commitment recorded with ``left`` installments is taken in each of the ``left``
allocations that follow, and never again.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.policy.commitments import Commitments
from sim.policy.ledger import FIELDS, Ledger


def test_a_hand_worked_year_and_its_successor():
    led = Ledger(np.array([2000, 2001]), ["a"], ["x", "y"])
    got = led.open_year(2000, np.array([[10.0, 4.0]]))
    assert got.tolist() == [[10.0, 4.0]]
    led.committed[0] = [8.0, 4.0]
    led.disbursed[0] = [6.0, 4.0]
    led.repaid[0] = [1.0, 0.0]
    led.close_year(2000, np.array([[2.5, 1.0]]))
    # x: 10 - 6 + 1 = 5 left, 2.5 carried, 2.5 lapse; y: nothing left
    assert led.carried_over[0].tolist() == [[2.5, 0.0]]
    assert led.lapsed[0].tolist() == [[2.5, 0.0]]
    assert led.open_year(2001, np.array([[10.0, 4.0]])).tolist() == [[12.5, 4.0]]
    assert led.new[1].tolist() == [[10.0, 4.0]]


def test_the_frame_has_one_row_per_year_region_and_instrument():
    led = Ledger(np.array([2000, 2001, 2002]), ["a", "b"], ["x", "y", "z"])
    led.open_year(2001, np.arange(6.0).reshape(2, 3))
    frame = led.frame()
    assert list(frame.columns) == ["year", "region", "instrument", *FIELDS]
    assert len(frame) == 18
    row = frame[(frame.year == 2001) & (frame.region == "b") & (frame.instrument == "y")]
    assert row["new"].item() == 4.0 and row["available"].item() == 4.0
    assert frame[frame.year != 2001]["new"].sum() == 0.0


@st.composite
def ledger_histories(draw):
    years = draw(st.integers(1, 8))
    regions = draw(st.integers(1, 3))
    instruments = draw(st.integers(1, 3))
    shape = (regions, instruments)
    money = st.floats(0.0, 1e3, allow_nan=False)
    share = st.floats(0.0, 1.0)

    def grid(strategy):
        return np.array(
            draw(st.lists(strategy, min_size=regions * instruments, max_size=regions * instruments))
        ).reshape(shape)

    steps = []
    for _ in range(years):
        steps.append(
            {
                "new": grid(st.one_of(st.just(0.0), money)),
                "commit": grid(share),  # share of what is available that is committed
                "pay": grid(share),  # share of the commitments actually paid
                "repaid": grid(st.one_of(st.just(0.0), money)),
                "cap": draw(st.floats(0.0, 10.0)),
            }
        )
    return 2000, regions, instruments, steps


@settings(max_examples=300, deadline=None)
@given(ledger_histories())
def test_every_unit_of_money_is_accounted_for(history):
    first, regions, instruments, steps = history
    years = np.arange(first, first + len(steps))
    led = Ledger(years, [f"r{i}" for i in range(regions)], [f"i{j}" for j in range(instruments)])
    for year, step in zip(years, steps, strict=True):
        t = led.t(year)
        available = led.open_year(year, step["new"])
        led.committed[t] = step["commit"] * available
        led.disbursed[t] = step["pay"] * led.committed[t]
        led.repaid[t] = step["repaid"]
        led.close_year(year, step["cap"] * step["new"])

    previous = np.vstack([np.zeros((1, regions, instruments)), led.carried_over[:-1]])
    np.testing.assert_allclose(led.available, led.new + previous, rtol=1e-12, atol=1e-9)
    # (disbursed <= committed <= available holds here by construction: the ledger only
    # books them; test_policy_runs checks what the policy layer books in whole runs)
    caps = np.array([s["cap"] for s in steps])[:, None, None] * led.new
    assert (led.carried_over <= caps + 1e-9).all()
    assert (led.carried_over >= -1e-9).all() and (led.lapsed >= -1e-9).all()
    np.testing.assert_allclose(
        led.available + led.repaid,
        led.disbursed + led.carried_over + led.lapsed,
        rtol=1e-12,
        atol=1e-9,
    )
    # over the whole history: what came in is spent, carried out of the last year or lapsed
    total_in = led.new.sum() + led.repaid.sum()
    total_out = led.disbursed.sum() + led.lapsed.sum() + led.carried_over[-1].sum()
    assert total_in == pytest.approx(total_out, rel=1e-12, abs=1e-9)


def test_unspent_money_within_the_cap_carries_over_and_the_rest_lapses():
    led = Ledger(np.array([2000, 2001, 2002]), ["a"], ["x"])
    new = np.array([[100.0]])
    for year, paid, repaid in [(2000, 40.0, 0.0), (2001, 110.0, 0.0), (2002, 0.0, 30.0)]:
        t = led.t(year)
        led.open_year(year, new)
        led.committed[t] = led.disbursed[t] = paid
        led.repaid[t] = repaid
        led.close_year(year, 0.25 * new)
    # 2000: 100 - 40 = 60 left: 25 carried (the cap), 35 lapse
    # 2001: 125 - 110 = 15 left: all carried
    # 2002: 115 - 0 + 30 repaid = 145 left: 25 carried, 120 lapse
    assert led.available[:, 0, 0].tolist() == [100.0, 125.0, 115.0]
    assert led.carried_over[:, 0, 0].tolist() == [25.0, 15.0, 25.0]
    assert led.lapsed[:, 0, 0].tolist() == [35.0, 0.0, 120.0]


# ---- commitments --------------------------------------------------------------------
def test_a_two_year_commitment_is_taken_twice():
    c = Commitments()
    c.add(np.array([7, 8]), 1, np.array([2.0, 3.0]), np.array([2, 0]))
    # firm 8 has nothing after the coming year: not recorded at all
    assert c.firm_id.tolist() == [7]
    assert c.due_later(1) == 2.0
    ids, amounts = c.take(1)
    assert ids.tolist() == [7] and amounts.tolist() == [2.0]
    assert c.due_later(1) == 2.0  # one more installment after this one
    assert c.take(0)[0].tolist() == []  # another instrument's call takes nothing
    ids, amounts = c.take(1)
    assert ids.tolist() == [7] and amounts.tolist() == [2.0]
    assert c.due_later(1) == 0.0
    assert c.take(1)[0].tolist() == []


@st.composite
def award_histories(draw):
    years = draw(st.integers(1, 10))
    instruments = draw(st.integers(1, 3))
    plan = []
    for _ in range(years):
        awards = draw(
            st.lists(
                st.tuples(
                    st.integers(0, instruments - 1),
                    st.floats(0.01, 100.0),
                    st.integers(-1, 5),  # installments after the coming year
                ),
                max_size=6,
            )
        )
        plan.append(awards)
    return instruments, plan


@settings(max_examples=300, deadline=None)
@given(award_histories())
def test_installments_are_taken_once_a_year_for_exactly_the_years_committed(history):
    instruments, plan = history
    c = Commitments()
    expected = {}  # firm id -> (instrument, installment, years it must be taken)
    taken = {}  # firm id -> years it was taken
    next_id = 0
    horizon = len(plan) + 7
    for year in range(horizon):
        # the allocation of a year: each instrument takes its installments first ...
        for inst in range(instruments):
            ids, amounts = c.take(inst)
            assert len(set(ids.tolist())) == len(ids)
            for fid, amount in zip(ids.tolist(), amounts.tolist(), strict=True):
                owner, installment, _ = expected[fid]
                assert owner == inst
                assert amount == installment
                taken.setdefault(fid, []).append(year)
            # ... then what is still owed after the coming year bounds new commitments
            later = sum(
                e[1] for fid, e in expected.items() if e[0] == inst and e[2] and year < e[2][-1]
            )
            assert c.due_later(inst) == pytest.approx(later, rel=1e-12)
        # ... and new awards are recorded after
        if year < len(plan):
            for inst, installment, left in plan[year]:
                fid = next_id
                next_id += 1
                c.add(np.array([fid]), inst, np.array([installment]), np.array([left]))
                expected[fid] = (inst, installment, list(range(year + 1, year + 1 + max(left, 0))))
    for fid, (_, _, years) in expected.items():
        assert taken.get(fid, []) == years
    assert len(c.firm_id) == 0
