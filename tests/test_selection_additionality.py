"""Selection aimed at additionality and the deadweight of grants (sim.policy.selection_rules)."""

import numpy as np
import pytest

from sim.cli import build_model
from sim.policy.selection_rules import ADDS_NOTHING, additionality
from tests.conftest import SMALL, compose_config


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_additionality_by_hand():
    q = np.array([0.0, 0.0, 0.0, 1.0])
    due = np.full(4, 10.0)
    # pays anyway; pays only with the grant; cannot pay even with it; pays only with it
    cash = np.array([20.0, 6.0, 4.0, 5.0])
    got = additionality(q, cash, due, co_financing=0.5, launch_bonus=0.0)
    tie = ADDS_NOTHING * sigmoid(q)
    np.testing.assert_allclose(got, [0.0, 0.5, 0.0, sigmoid(1.0)] + tie)
    # a launch bonus adds success probability even to a project its firm pays anyway
    bonus = additionality(q, cash, due, co_financing=0.5, launch_bonus=1.0)
    assert bonus[0] == pytest.approx(sigmoid(1.0) - 0.5 + tie[0])


def run(rank):
    model = build_model(
        compose_config([*SMALL, "scenario=bottom_up", f"scenario.selection.rank={rank}", "seed=3"])
    )
    model.run()
    return model


@pytest.fixture(scope="module")
def by_rank():
    return {rank: run(rank) for rank in ("quality", "additionality")}


def test_every_run_reports_its_deadweight(by_rank):
    for model in by_rank.values():
        ind = model.policy.indicators(model)
        f = model.economy.focal
        policy = model.policy
        assert 0 <= ind["deadweight_share"] <= 1
        assert ind["deadweight_share"] == pytest.approx(
            policy.deadweight.unaided[f] / policy.deadweight.funded[f]
        )
        # the funded payments are those of project events with a grant
        events = model.recorder.project_frame()
        assert policy.deadweight.funded.sum() == (events["grant"] > 0).sum()


def test_aiming_at_additionality_lowers_the_deadweight(by_rank):
    # the same seed, ranked by perceived quality or by what the grant adds: the
    # additionality rule funds no project it sees adding nothing
    quality, adds = (by_rank[k].policy.indicators(by_rank[k]) for k in ("quality", "additionality"))
    assert adds["deadweight_share_all_regions"] < quality["deadweight_share_all_regions"] - 0.05
    assert adds["received_by_firms"] < quality["received_by_firms"]


def test_a_deadweight_payment_is_one_the_firm_could_have_paid_alone():
    # without extra R&D from grants (rd_additionality 0) the pipeline's payments are
    # the only change of cash in the step, so the cash after them can be checked
    overrides = ["scenario=bottom_up", "seed=1", "dynamics.knowledge.rd_additionality=0"]
    model = build_model(compose_config([*SMALL, *overrides]))
    while model.year < model.start + 2:
        model.step()
    model.move_world_demand()
    model.compete_for_demand()
    model.learn()
    cash = model.firms.cash.copy()
    model.innovate()
    out = model.outcome
    funded = out.paid_grant > 0
    assert funded.any() and out.unaided[funded].any()
    assert not out.unaided[~funded].any()
    # a deadweight payer had the whole stage cost in cash: after paying its own share it
    # still holds at least the grant it did not need; the others did not
    own = cash - model.firms.cash
    after = model.firms.cash
    assert (after[out.unaided] + 1e-9 >= out.paid_grant[out.unaided]).all()
    needed = funded & ~out.unaided
    assert (after[needed] < out.paid_grant[needed] + 1e-9).all()
    assert (own[funded] >= -1e-9).all()
