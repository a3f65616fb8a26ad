"""Step 4 of the year (sim.model.pipeline.innovate) on hand-built firms and projects.

Economy: 2 regions x 3 sectors with reference technology A = [0.1, 0.05, 0.08]
million EUR per job and relatedness phi_01 = phi_12 = 1/sqrt(2), phi_02 = 0.
A stage's yearly cost is ``cost[stage] * A_target * max(e, 1) ** cost_size_elasticity``
(``stage_cost``'s docstring); every expected payment below is computed from it.
"""

import dataclasses

import numpy as np
import pytest

from sim.model.economy import Economy, EconomySpec
from sim.model.firms import NO_PROJECT, Firms
from sim.model.params import Dynamics, Innovation
from sim.model.pipeline import innovate
from sim.model.stages import CAUSES, Event
from sim.model.streams import KeyedDraws, initial_keys
from tests.conftest import compose_config

SPEC = {
    "name": "hand",
    "focal_region": "north",
    "capabilities": ["a", "b"],
    "sectors": {
        "s0": {"group": "mature_manufacturing", "world_share": 0.5, "va_per_job": 100.0,
               "profile": [1.0, 0.0]},
        "s1": {"group": "services", "world_share": 0.3, "va_per_job": 50.0,
               "profile": [1.0, 1.0]},
        "s2": {"group": "emerging", "world_share": 0.2, "va_per_job": 80.0,
               "profile": [0.0, 1.0]},
    },
    "regions": {"north": {"jobs": 1000.0}, "south": {"jobs": 500.0}},
}  # fmt: skip
TECH = np.array([0.1, 0.05, 0.08])
ECONOMY = Economy.from_spec(EconomySpec.from_config(SPEC))
SURE = [0.999999] * 4
NEVER = [1e-6] * 4
# no new projects unless a test asks for them
QUIET = Innovation(start_rate=0.0)


def due(p: Innovation, stage: int, target: int, jobs: float) -> float:
    return p.cost[stage] * TECH[target] * max(jobs, 1.0) ** p.cost_size_elasticity


def make_firms(n: int, **columns) -> Firms:
    """``n`` firms in (north, s0) with 20 jobs, VA 2 and K 1 unless given otherwise."""
    base = {
        "key": initial_keys(n),
        "region": np.zeros(n, int),
        "sector": np.zeros(n, int),
        "employment": np.full(n, 20.0),
        "value_added": np.full(n, 2.0),
        "knowledge": np.full(n, 1.0),
    }
    base.update({k: np.broadcast_to(np.asarray(v), (n,)).copy() for k, v in columns.items()})
    firms = Firms()
    firms.add(**base)
    return firms


def year(firms: Firms, p: Innovation, t: int = 2000, seed: int = 0):
    draws = KeyedDraws(seed, t)
    return innovate(firms, ECONOMY, TECH, np.zeros((2, 3)), np.zeros(3), p, draws, t)


def events(outcome, code: int, cause: str | None = None) -> list[int]:
    """Firm ids of the year's events of one kind (and cause)."""
    ev = outcome.events
    if not ev:
        return []
    keep = ev["event"] == code
    if cause is not None:
        keep &= ev["cause"] == CAUSES.index(cause)
    return sorted(ev["firm_id"][keep].tolist())


def test_a_firm_without_cash_does_not_start():
    # knowledge intensity k = K / VA = 10, so the start probability is
    # min(2 * 1.0 * 10 / (10 + 0.5), 1) = 1 for a firm with cash
    p = Innovation(start_rate=1.0, knowledge_half=0.5, diversification=0.0)
    firms = make_firms(3, cash=[50.0, 0.0, -5.0], knowledge=20.0)
    out = year(firms, p)
    assert events(out, Event.START) == [0]
    np.testing.assert_array_equal(firms.project_stage, [0, NO_PROJECT, NO_PROJECT])
    assert firms.project_target[0] == 0 and firms.project_start[0] == 2000


@pytest.mark.parametrize("max_stall", [0, 2, 3])
def test_a_project_the_firm_cannot_pay_stalls_then_is_abandoned_for_money(max_stall):
    p = dataclasses.replace(QUIET, max_stall=max_stall, duration=[9, 9, 9, 9])
    cost = due(p, 1, 0, 20.0)
    # firm 0 has half its demonstration cost; firm 1 can pay and runs on
    firms = make_firms(
        2, project_stage=1, project_target=0, cash=[0.5 * cost, 100.0], project_years=0
    )
    for t in range(1, max_stall + 2):
        out = year(firms, p, t)
        assert events(out, Event.STALL) == [0]
        assert firms.cash[0] == 0.5 * cost  # nothing paid
        if t <= max_stall:
            assert events(out, Event.ABANDON) == []
            assert firms.project_stage[0] == 1 and firms.project_stall[0] == t
    # the (max_stall + 1)-th stalled year ends the project, for lack of money
    assert events(out, Event.ABANDON, "money") == [0]
    assert firms.project_stage[0] == NO_PROJECT
    # the paying firm was never stalled and is in its (max_stall + 1)-th year
    assert firms.project_stage[1] == 1 and firms.project_stall[1] == 0
    assert firms.project_years[1] == max_stall + 1


def test_the_stall_count_restarts_when_the_firm_pays_again():
    p = dataclasses.replace(QUIET, max_stall=2, duration=[9, 9, 9, 9])
    firms = make_firms(1, project_stage=0, project_target=0, cash=0.0)
    for t in (1, 2):
        year(firms, p, t)
    assert firms.project_stall[0] == 2
    firms.cash[0] = 10 * due(p, 0, 0, 20.0)
    year(firms, p, 3)
    assert firms.project_stall[0] == 0 and firms.project_years[0] == 1
    firms.cash[0] = 0.0
    for t in (4, 5):
        out = year(firms, p, t)
    assert events(out, Event.ABANDON) == [] and firms.project_stage[0] == 0


def test_a_paying_project_advances_after_each_stage_duration():
    p = dataclasses.replace(QUIET, duration=[3, 1, 2, 1], success=SURE, success_knowledge=0.0)
    firms = make_firms(1, project_stage=0, project_target=0, cash=1e6)
    stages, advances, success = [], [], []
    for t in range(1, 9):
        out = year(firms, p, t)
        stages.append(int(firms.project_stage[0]))
        advances += [t] * len(events(out, Event.ADVANCE))
        success += [t] * len(events(out, Event.SUCCESS))
    # 3 years of R&D, 1 of demonstration, 2 of industrialisation, 1 of marketisation
    assert advances == [3, 4, 6]
    assert success == [7]
    assert stages == [0, 0, 1, 2, 2, 3, NO_PROJECT, NO_PROJECT]


def test_a_grant_lowers_the_payment_by_exactly_the_grant_up_to_the_amount_due():
    p = QUIET
    d0, d2 = due(p, 0, 0, 20.0), due(p, 2, 0, 20.0)
    # a: grant 40 % of the R&D cost; b: grant three times the cost; c: grant half
    # the cost but cash for only a fifth; d: no grant; e: industrialisation, grant half
    firms = make_firms(
        5,
        project_stage=[0, 0, 0, 0, 2],
        project_target=0,
        cash=[10.0, 10.0, 0.2 * d0, 10.0, 10.0],
        grant=[0.4 * d0, 3 * d0, 0.5 * d0, 0.0, 0.5 * d2],
        grant_funder=[3, 3, 3, -1, 4],
    )
    out = year(firms, p)
    np.testing.assert_allclose(
        firms.cash, [10 - 0.6 * d0, 10.0, 0.2 * d0, 10 - d0, 10 - 0.5 * d2], rtol=1e-14
    )
    np.testing.assert_allclose(out.paid_grant, [0.4 * d0, d0, 0.0, 0.0, 0.5 * d2], rtol=1e-14)
    np.testing.assert_array_equal(out.paid_funder, [3, 3, -1, -1, 4])
    # R&D money (stage 0 only), split into the firm's own and the grant
    np.testing.assert_allclose(out.rd_own, [0.6 * d0, 0.0, 0.0, d0, 0.0], rtol=1e-14)
    np.testing.assert_allclose(out.rd_grant, [0.4 * d0, d0, 0.0, 0.0, 0.0], rtol=1e-14)
    assert events(out, Event.STALL) == [2]
    # a reservation is for one year's payment only
    assert (firms.grant == 0).all() and (firms.grant_funder == -1).all()


def test_stage_costs_rise_from_rd_to_industrialisation_per_the_config():
    p = Dynamics.from_config(compose_config()["dynamics"]).innovation
    assert p.cost[0] < p.cost[1] < p.cost[2]
    # three firms of 30 jobs in stages 0-2 of an upgrade, one of 0.5 jobs (charged
    # as 1 job) and one diversifying from s0 into s2 (charged at s2's technology)
    firms = make_firms(
        5,
        employment=[30.0, 30.0, 30.0, 0.5, 30.0],
        project_stage=[0, 1, 2, 0, 1],
        project_target=[0, 0, 0, 0, 2],
        cash=100.0,
    )
    year(firms, dataclasses.replace(p, start_rate=0.0))
    paid = 100.0 - firms.cash
    expected = [
        p.cost[0] * 0.1 * 30**p.cost_size_elasticity,
        p.cost[1] * 0.1 * 30**p.cost_size_elasticity,
        p.cost[2] * 0.1 * 30**p.cost_size_elasticity,
        p.cost[0] * 0.1,
        p.cost[1] * 0.08 * 30**p.cost_size_elasticity,
    ]
    np.testing.assert_allclose(paid, expected, rtol=1e-10)
    assert paid[0] < paid[1] < paid[2]


def test_a_successful_upgrade_raises_productivity_by_upgrade_gain():
    p = dataclasses.replace(QUIET, success=SURE, upgrade_gain=0.12)
    firms = make_firms(2, project_stage=3, project_target=0, cash=100.0, productivity=[0.05, -0.2])
    out = year(firms, p)
    assert events(out, Event.SUCCESS) == [0, 1]
    np.testing.assert_allclose(firms.productivity, [0.17, -0.08], rtol=1e-14)
    assert (firms.project_stage == NO_PROJECT).all()
    assert len(out.new_activity["region"]) == 0


def test_a_successful_diversification_returns_new_activity_in_the_target_sector():
    p = dataclasses.replace(QUIET, success=SURE)
    # firm 0: north s0 -> s1; firm 1: south s1 -> s2; firm 2: north s2 upgrades
    firms = make_firms(
        3,
        region=[0, 1, 0],
        sector=[0, 1, 2],
        project_stage=3,
        project_target=[1, 2, 2],
        cash=100.0,
        knowledge=[3.0, 0.5, 1.0],
        value_added=[2.0, 4.0, 1.0],
    )
    out = year(firms, p)
    assert events(out, Event.SUCCESS) == [0, 1, 2]
    new = out.new_activity
    np.testing.assert_array_equal(new["region"], [0, 1])
    np.testing.assert_array_equal(new["sector"], [1, 2])
    # the new establishment carries its parent's knowledge per value added
    np.testing.assert_allclose(new["intensity"], [1.5, 0.125], rtol=1e-14)
    np.testing.assert_allclose(firms.productivity, [0.0, 0.0, p.upgrade_gain], rtol=1e-14)


def stage_ends(p: Innovation, per_stage: int) -> Firms:
    """``per_stage`` firms in the last year of each stage, with cash to pay it."""
    stage = np.repeat(np.arange(4), per_stage)
    years = np.asarray(p.duration)[stage] - 1
    return make_firms(
        4 * per_stage, project_stage=stage, project_years=years, project_target=0, cash=100.0
    )


def test_with_success_forced_to_one_every_ending_stage_advances():
    p = dataclasses.replace(QUIET, success=SURE, success_knowledge=0.0)
    firms = stage_ends(p, 10)
    out = year(firms, p)
    assert events(out, Event.ADVANCE) == list(range(30))
    assert events(out, Event.SUCCESS) == list(range(30, 40))
    assert events(out, Event.ABANDON) == []
    np.testing.assert_array_equal(firms.project_stage, np.repeat([1, 2, 3, NO_PROJECT], 10))
    assert (firms.project_years[:30] == 0).all()


def test_with_success_forced_to_zero_every_ending_stage_fails():
    p = dataclasses.replace(QUIET, success=NEVER, success_knowledge=0.0)
    firms = stage_ends(p, 10)
    before = firms.productivity.copy()
    out = year(firms, p)
    assert events(out, Event.ABANDON, "failure") == list(range(40))
    assert events(out, Event.ADVANCE) == [] and events(out, Event.SUCCESS) == []
    assert (firms.project_stage == NO_PROJECT).all()
    np.testing.assert_array_equal(firms.productivity, before)
    # the stage was paid before it failed
    np.testing.assert_array_less(firms.cash, 100.0)
