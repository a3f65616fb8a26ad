"""Money in whole runs: the ledger of small runs over random scenario parameters.

Each example composes a policy scenario with a random budget rate, carry-over
and commitment caps, instrument shares that add up to 1 (a pilot instrument
included), co-financing rates, a repayable loan or not, an EU top-up or not, a
selection rule and a seed, runs a small economy and checks the ledger against
the rules of sim.policy.ledger and against what firms, clusters and pilots
received.
"""

import copy
import functools

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sim.config.assemble import build_model
from sim.policy.instruments import PilotCoInvestment
from sim.policy.ledger import EU
from tests.conftest import compose_config

SMALL_RUN = [
    "economy.n_firms=3000",
    "years.start=2000",
    "years.end=2006",
    "years.burn_in=3",
    "output.plots=false",
]
STAGES = ["rd_grant", "demonstrator", "industrialisation", "marketisation"]
ALL = [*STAGES, "cluster_management", "pilot"]
TOL = 1e-9


@functools.cache
def base_scenario() -> dict:
    return compose_config([*SMALL_RUN, "scenario=bottom_up"])


@st.composite
def scenarios(draw):
    # shares in twentieths, so they add up to 1 up to rounding
    cuts = sorted(draw(st.lists(st.integers(0, 20), min_size=5, max_size=5)))
    parts = np.diff([0, *cuts, 20])
    shares = {name: int(k) / 20 for name, k in zip(ALL, parts, strict=True)}
    return {
        "seed": draw(st.integers(0, 10**6)),
        "rate": draw(st.one_of(st.sampled_from([0.0, 0.0015]), st.floats(1e-6, 0.01))),
        "basis": draw(st.sampled_from(["start", "current"])),
        "carry_over_cap": draw(st.floats(0.0, 2.0)),
        "commitment_cap": draw(st.floats(0.0, 1.0)),
        "eu_top_up": draw(st.sampled_from([0.0, 0.5])),
        "shares": shares,
        "co_financing": {n: draw(st.floats(0.05, 1.0)) for n in STAGES},
        "collective_share": draw(st.floats(0.0, 1.0)),
        "loan": draw(st.sampled_from([True, True, False])),
        # vanguard is drawn half of the time: pilots are the most intricate money flow
        "rule": draw(
            st.sampled_from(["bottom_up", "challenge_driven", "targeted", *3 * ["vanguard"]])
        ),
        "picking": draw(st.sampled_from(["entrepreneurial_discovery", "random", "largest"])),
        "funding": draw(st.sampled_from(["tax", "tax", "external"])),
    }


def run_scenario(p):
    config = copy.deepcopy(base_scenario())
    config["seed"] = p["seed"]
    sc = config["scenario"]
    sc["name"] = "random_mix"
    for key in ("rate", "basis", "carry_over_cap", "commitment_cap", "eu_top_up", "funding"):
        sc["budget"][key] = p[key]
    sc["instruments"]["pilot"] = {"_target_": "sim.policy.instruments.PilotCoInvestment"}
    for name, share in p["shares"].items():
        sc["instruments"][name]["share"] = share
    for name, rate in p["co_financing"].items():
        sc["instruments"][name]["co_financing"] = rate
    sc["instruments"]["demonstrator"]["collective_share"] = p["collective_share"]
    sc["instruments"]["industrialisation"]["loan"] = p["loan"]
    sc["selection"]["rule"] = p["rule"]
    sc["selection"]["picking"] = p["picking"]
    model = build_model(config)
    model.run()
    return model


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_the_ledger_of_a_random_policy_mix(p):
    model = run_scenario(p)
    policy, led = model.policy, model.policy.ledger
    R = model.economy.n_regions

    # no more is paid than is available, nor more than was committed
    assert (led.disbursed <= led.available + TOL).all()
    assert (led.disbursed <= led.committed + TOL).all()
    assert (led.committed <= led.available + TOL).all()
    assert (led.disbursed >= 0).all() and (led.repaid >= 0).all()
    # carry-over within its cap; the accounting identity; available from new and carry-over
    assert (led.carried_over <= p["carry_over_cap"] * led.new + TOL).all()
    assert (led.carried_over >= -TOL).all() and (led.lapsed >= -TOL).all()
    np.testing.assert_allclose(
        led.available + led.repaid, led.disbursed + led.carried_over + led.lapsed, atol=TOL
    )
    np.testing.assert_allclose(led.available[0], led.new[0], atol=TOL)
    np.testing.assert_allclose(led.available[1:], led.new[1:] + led.carried_over[:-1], atol=TOL)

    # new money: rate x the region's basis, split by the shares
    shares = np.array([p["shares"][n] for n in led.instruments])
    totals = led.new[:, :R].sum(axis=2)
    np.testing.assert_allclose(led.new[:, :R], totals[:, :, None] * shares, rtol=1e-12, atol=0)
    basis = np.array([g.budget_basis for g in policy.governments])
    if p["basis"] == "start":
        np.testing.assert_allclose(totals, np.tile(p["rate"] * basis, (len(totals), 1)), rtol=1e-9)
    else:  # the last plan set the basis of the last year
        np.testing.assert_allclose(totals[-1], p["rate"] * basis, rtol=1e-9)

    # the tax: every region's new money raised from its firms (never the EU's), or none
    if p["funding"] == "tax":
        np.testing.assert_allclose(led.taxed[:, :R], led.new[:, :R], rtol=1e-12, atol=0)
    assert led.taxed[:, R:].sum() == 0.0
    if p["funding"] == "external":
        assert led.taxed.sum() == 0.0
    # tax in (and outside money, and repayments) against money out: paid, lapsed to the
    # treasury, or carried out of the last year
    outside = led.new.sum() - led.taxed.sum()
    money_in = led.taxed.sum() + outside + led.repaid.sum()
    money_out = led.disbursed.sum() + led.lapsed.sum() + led.carried_over[-1].sum()
    assert money_in == pytest.approx(money_out, rel=1e-9, abs=TOL)

    # only loans are repaid
    loans = led.instruments.index("industrialisation")
    others = [i for i in range(len(led.instruments)) if i != loans]
    assert led.repaid[:, :, others].sum() == 0.0
    if not p["loan"]:
        assert led.repaid.sum() == 0.0

    # every unit disbursed went to firms, clusters or pilots
    received = policy.received
    assert led.disbursed.sum() == pytest.approx(sum(received.values()), rel=1e-9, abs=TOL)
    clusters = sum(c.received for c in policy.clusters)
    assert clusters == pytest.approx(received["clusters"], rel=1e-9, abs=TOL)
    pilots = policy.coordinator.pilots.values()
    assert sum(pl.received for pl in pilots) == pytest.approx(received["pilots"], rel=1e-9, abs=TOL)
    # a region's pilot money is exactly what it put into its consortia
    pilot = next(i.index for i in policy.instruments if isinstance(i, PilotCoInvestment))
    for r in range(R):
        put_in = sum(pl.contributions.get(r, 0.0) for pl in pilots)
        assert led.disbursed[:, r, pilot].sum() == pytest.approx(put_in, rel=1e-9, abs=TOL)
    if EU in led.regions:
        eu = led.regions.index(EU)
        assert led.disbursed[:, eu].sum() == pytest.approx(policy.coordinator.eu_paid, rel=1e-9)
    else:
        assert p["eu_top_up"] == 0.0
    if p["rule"] != "vanguard" or p["rate"] == 0.0:
        assert received["pilots"] == 0.0
    # clusters are funded only by cluster management and collective demonstrators
    if p["shares"]["cluster_management"] == 0 and p["collective_share"] == 0:
        assert received["clusters"] == 0.0
    # what the examples reached (shown by --hypothesis-show-statistics)
    event(f"pilots formed: {bool(policy.coordinator.pilots)}")
    event(f"loans repaid: {led.repaid.sum() > 0}")
    event(f"carry-over capped: {bool((led.lapsed > TOL).any())}")


def test_no_policy_moves_no_money():
    model = build_model(compose_config([*SMALL_RUN, "scenario=no_policy"]))
    model.run()
    policy = model.policy
    assert policy.instrument_names == []
    assert policy.ledger.frame().empty
    assert sum(policy.received.values()) == 0.0
    indicators = policy.indicators(model)
    # no grants: no deadweight to measure; no spearheads: no picks to judge
    undefined = ["deadweight_share", "deadweight_share_all_regions", "picking_rank"]
    undefined += ["picking_quality"]
    assert all(np.isnan(indicators.pop(k)) for k in undefined)
    assert all(v == 0.0 for k, v in indicators.items() if k != "spearheads_focal")
    assert policy.clusters, "clusters form without policy too"
    base = model.dynamics.clusters.base_collaboration
    assert all(c.collaboration == base and c.received == 0.0 for c in policy.clusters)
    assert not policy.coordinator.pilots
    events = model.recorder.project_frame()
    assert (events["grant"] == 0).all() and (events["funder"] == -1).all()
