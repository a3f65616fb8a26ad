"""All governments at once (sim.policy.allocation) allocate exactly as each would alone.

The policy lets every instrument commit money for all its governments in one call.
Small runs of several scenarios are stepped into the reported period; each case
copies the run twice, reopens next year's applications (no grant reserved yet; the
governments keep the commitments they made), and allocates the same year's money once
for all governments together and once government by government in region order.
Grants, commitments, payments, clusters' money and the shared pilots must be the same
bit for bit.
"""

import copy
import functools

import numpy as np
import pytest

from sim.config.assemble import build_model
from sim.policy.allocation import Allocation
from sim.policy.government import YearPlan
from tests.conftest import SMALL, compose_config

PILOT_TWO = "{_target_: sim.policy.instruments.PilotCoInvestment, share: 0.05}"
CASES = {
    "bottom_up": ["scenario=bottom_up"],
    "challenge_driven": ["scenario=challenge_driven", "seed=1"],
    "targeted_by_additionality": ["scenario=targeted", "scenario.selection.rank=additionality"],
    # two pilot instruments and an EU top-up: the pilots' sums depend on the order of payment
    "vanguard_two_pilots": [
        "scenario=vanguard",
        "seed=2",
        "scenario.budget.eu_top_up=0.5",
        "scenario.instruments.pilot.share=0.05",
        f"+scenario.instruments.pilot_two={PILOT_TWO}",
    ],
}


@functools.cache
def _stepped(case: str):
    model = build_model(compose_config([*SMALL, *CASES[case]]))
    while model.year <= model.start + 3:
        model.step()
    return model


def reopened(case: str):
    """A copy of the stepped run whose next year's grants are not reserved yet."""
    model = copy.deepcopy(_stepped(case))
    model.firms.grant[:] = 0.0
    model.firms.grant_funder[:] = -1
    return model


def year_plan(model) -> YearPlan:
    """The plan of the coming year, with the money the ledger holds for it."""
    policy = model.policy
    t = policy.ledger.t(model.year)
    return YearPlan(
        year=model.year,
        instruments=policy.instruments,
        rule=policy.phase.rule,
        available=policy.ledger.available[t].copy(),
        room_later=policy.phase.budget.commitment_cap * policy.ledger.new[t],
        running=np.flatnonzero(model.firms.project_stage >= 0),
        clusters=policy.clusters,
        spearheads=policy.spearheads,
        coordinator=policy.coordinator,
        draws=model.streams.keyed(model.year),
    )


def state(model, payments) -> dict[str, bytes]:
    """Everything the allocation writes, as bytes."""
    policy, firms = model.policy, model.firms
    out = {
        "grant": firms.grant[: firms.n].tobytes(),
        "grant_funder": firms.grant_funder[: firms.n].tobytes(),
    }
    for p in payments:
        for name in ("committed", "to_clusters", "to_pilots"):
            out[f"{name} {p.region}"] = getattr(p, name).tobytes()
    for gov in policy.governments:
        for inst, owed in sorted(gov.commitments._owed.items()):
            out[f"owed {gov.region} {inst}"] = b"".join(a.tobytes() for a in owed)
    for c in policy.clusters:
        funds = (c.management_funds, c.demonstrator_funds, c.received)
        out[f"cluster {c.index}"] = np.array(funds).tobytes()
    coordinator = policy.coordinator
    for area, pilot in coordinator.pilots.items():
        sums = [pilot.capacity, pilot.received, *pilot.contributions.values()]
        out[f"pilot {area}"] = np.array(sums).tobytes() + repr(list(pilot.contributions)).encode()
    out["eu_paid"] = np.array(coordinator.eu_paid).tobytes()
    return out


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("every", [1, 2], ids=["all", "every_other_region"])
def test_all_governments_at_once_allocate_as_each_alone(case, every):
    together = reopened(case)
    governments = together.policy.governments[::every]
    payments = Allocation(together, governments, year_plan(together)).run()

    alone = reopened(case)
    plan = year_plan(alone)
    each = [Allocation(alone, [gov], plan).run()[0] for gov in alone.policy.governments[::every]]

    assert len(governments) > 1
    assert (together.firms.grant > 0).sum() >= 5  # awards and installments in several regions
    assert len({p.region for p in payments if p.committed.sum() > 0}) > 1
    if "pilots" in case:
        assert sum(p.to_pilots.sum() > 0 for p in payments) >= 2
        assert together.policy.coordinator.eu_paid > 0
    a, b = state(together, payments), state(alone, each)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
