"""A government's yearly allocation (sim.policy.allocation): commitments come first.

A small bottom-up run is stepped a few years into the reported period, so the
government sees real applications (running projects of the instrument's
stage). Each case takes its own copy of that run, clears the reservations of
its plan, gives the government commitments of its own choosing and lets it
allocate (alone: an allocation of that one government) a year plan in which only
the instrument under test has money, less than all requests.
"""

import copy
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config.assemble import build_model
from sim.policy.allocation import Allocation
from sim.policy.commitments import Commitments
from sim.policy.government import YearPlan
from sim.policy.instruments import Demonstrator, RDGrant
from tests.conftest import compose_config

CONFIG = [
    "economy.n_firms=6000",
    "years.start=2000",
    "years.end=2010",
    "years.burn_in=4",
    "output.plots=false",
    "scenario=bottom_up",
    "scenario.budget.funding=external",  # the allocation, not its funding, is tested here
]


@functools.cache
def _stepped():
    model = build_model(compose_config(CONFIG))
    while model.year <= model.start + 2:
        model.step()
    return model


def stepped_model():
    """A copy of the stepped run of its own: a test may change it freely."""
    return copy.deepcopy(_stepped())


def plan_for(model, inst, money=0.0, room_later=0.0):
    """Next year's plan in which only ``inst`` has money (the same in every region)."""
    policy = model.policy
    shape = (len(policy.ledger.regions), len(policy.instrument_names))
    available, room = np.zeros(shape), np.zeros(shape)
    available[:, inst.index] = money
    room[:, inst.index] = room_later
    return YearPlan(
        year=model.year,
        instruments=[inst],
        rule=policy.phase.rule,
        available=available,
        room_later=room,
        running=np.flatnonzero(model.firms.project_stage >= 0),
        clusters=policy.clusters,
        spearheads=policy.spearheads,
        coordinator=policy.coordinator,
        draws=model.streams.keyed(model.year),
    )


def allocate(model, gov, inst, money, room_later):
    """What ``gov`` commits for ``inst`` given ``money``."""
    (payments,) = Allocation(model, [gov], plan_for(model, inst, money, room_later)).run()
    return payments.committed[inst.index]


def instrument(model, kind):
    return next(i for i in model.policy.instruments if type(i) is kind)


def fresh(model):
    """Forget the reservations and commitments of the plan the run made."""
    model.firms.grant[:] = 0.0
    model.firms.grant_funder[:] = -1
    for gov in model.policy.governments:
        gov.commitments = Commitments()


def busiest(model, inst):
    """The government with most applications for ``inst``, and those applications."""
    fresh(model)
    govs = model.policy.governments
    apps = [Allocation(model, [g], plan_for(model, inst)).applications(inst) for g in govs]
    best = int(np.argmax([len(a.index) for a in apps]))
    return govs[best], apps[best]


def commit_worst(model, gov, inst, apps, k):
    """Commit one more installment to the ``k`` applications of lowest quality."""
    worst = np.argsort(apps.quality, kind="stable")[:k]
    pos = apps.index[worst]
    installment = inst.co_financing * apps.due[worst]
    gov.commitments.add(model.firms.firm_id[pos], inst.index, installment, np.ones(k, int))
    return pos, installment


def test_the_run_gives_enough_applications():
    model = stepped_model()
    for kind in (RDGrant, Demonstrator):
        _, apps = busiest(model, instrument(model, kind))
        assert len(apps.index) >= 15


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 6), spare=st.floats(0.0, 0.8))
def test_commitments_are_paid_before_new_awards(k, spare):
    model = stepped_model()
    inst = instrument(model, RDGrant)
    gov, apps = busiest(model, inst)
    committed, installment = commit_worst(model, gov, inst, apps, k)
    others = np.setdiff1d(apps.index, committed)
    requests = inst.co_financing * apps.due[np.isin(apps.index, others)]
    # room for new awards: a share of what the other applications ask for
    money = installment.sum() + spare * requests.sum()
    assert money - installment.sum() < requests.sum()

    got = allocate(model, gov, inst, money, 1e12)

    firms = model.firms
    # the lowest-quality projects get their installment in full, before anything new
    assert firms.grant[committed].tolist() == installment.tolist()
    assert (firms.grant_funder[committed] == inst.index).all()
    new = others[firms.grant[others] > 0]
    assert (firms.grant_funder[new] == inst.index).all()
    assert firms.grant[new].sum() <= money - installment.sum() + 1e-9
    # each new award is the co-financed share of its project's cost
    due = dict(zip(apps.index.tolist(), apps.due.tolist(), strict=True))
    expect = inst.co_financing * np.array([due[p] for p in new.tolist()])
    assert firms.grant[new] == pytest.approx(expect, rel=1e-12)
    # the budget is smaller than the requests: someone is left out
    assert len(new) < len(others)
    in_region = firms.region == gov.region
    assert got == pytest.approx(firms.grant[in_region].sum(), rel=1e-12)
    assert got <= money + 1e-9
    assert not (firms.grant[~in_region] > 0).any()


@settings(max_examples=20, deadline=None)
@given(k=st.integers(1, 6), short=st.floats(0.05, 0.95))
def test_a_budget_short_of_the_commitments_pays_them_pro_rata_and_nothing_new(k, short):
    model = stepped_model()
    inst = instrument(model, RDGrant)
    gov, apps = busiest(model, inst)
    committed, installment = commit_worst(model, gov, inst, apps, k)
    money = short * installment.sum()

    got = allocate(model, gov, inst, money, 1e12)

    firms = model.firms
    assert firms.grant[committed] == pytest.approx(short * installment, rel=1e-9)
    others = np.setdiff1d(apps.index, committed)
    assert not (firms.grant[others] > 0).any()
    assert got == pytest.approx(money, rel=1e-9)


def test_commitments_of_firms_that_left_the_stage_are_dropped():
    model = stepped_model()
    inst = instrument(model, RDGrant)
    gov, apps = busiest(model, inst)
    committed, installment = commit_worst(model, gov, inst, apps, 3)
    # one project moved on to demonstration, one is already funded by someone else
    model.firms.project_stage[committed[0]] = 1
    model.firms.grant_funder[committed[1]] = 3
    model.firms.grant[committed[1]] = 0.5

    allocate(model, gov, inst, installment.sum(), 0.0)

    assert model.firms.grant[committed[0]] == 0.0
    assert model.firms.grant[committed[1]] == 0.5 and model.firms.grant_funder[committed[1]] == 3
    assert model.firms.grant[committed[2]] == installment[2]
    # the installments were taken: nothing is owed any more
    assert len(gov.commitments.firm_id) == 0


def test_demonstrator_pays_its_commitments_before_collective_demonstrators():
    model = stepped_model()
    inst = instrument(model, Demonstrator)
    assert inst.collective_share == pytest.approx(0.3)
    gov, apps = busiest(model, inst)
    committed, installment = commit_worst(model, gov, inst, apps, 5)
    # the budget covers the installments (they are 85 % of it), but not once 30 % of
    # it has gone to collective demonstrators (70 % of the budget is left)
    money = installment.sum() / 0.85

    allocate(model, gov, inst, money, 1e12)

    assert model.firms.grant[committed] == pytest.approx(installment, rel=1e-12)
