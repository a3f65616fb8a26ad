"""A funded budget (sim.policy.funding): the money a government spends is raised from its firms.

With ``budget.funding: tax`` each region's new money of a year is raised in that
year by a flat tax on its firms' value added; ``external`` keeps the money from
outside the model; ``no_policy`` levies nothing.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import build_model
from sim.model.competition import value_added_tax
from sim.policy import funding
from tests.conftest import SMALL, compose_config


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e4)), min_size=1, max_size=40),
    st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e3)), min_size=3, max_size=3),
    st.randoms(use_true_random=False),
)
def test_the_tax_raises_exactly_the_revenue_of_every_region_with_value_added(va, revenue, rnd):
    value_added = np.array(va)
    region = np.array([rnd.randrange(3) for _ in va])
    revenue = np.array(revenue)
    tax = value_added_tax(value_added, region, revenue)
    base = np.bincount(region, value_added, 3)
    raised = np.bincount(region, tax, 3)
    np.testing.assert_allclose(raised, np.where(base > 0, revenue, 0.0), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        raised, funding.collected(revenue, value_added, region), rtol=1e-9, atol=1e-9
    )
    # a flat rate within a region: the tax is proportional to value added
    for r in range(3):
        mine = (region == r) & (value_added > 0)
        if mine.sum() > 1:
            rate = tax[mine] / value_added[mine]
            np.testing.assert_allclose(rate, rate[0], rtol=1e-9)


def test_only_tax_funding_with_new_money_raises_anything():
    new = np.array([[1.0, 2.0], [0.0, 0.0]])
    assert funding.tax_revenue(new, "tax").tolist() == [3.0, 0.0]
    assert funding.tax_revenue(new, "external") is None
    assert funding.tax_revenue(new, None) is None
    assert funding.tax_revenue(np.zeros((2, 2)), "tax") is None
    assert funding.excess_burden(100.0, 1.3) == pytest.approx(30.0)


def first_year_after_competition(funding_key: str):
    """A model stopped in its first reported year, right after competition."""
    model = build_model(
        compose_config([*SMALL, "scenario=bottom_up", f"scenario.budget.funding={funding_key}"])
    )
    while model.year < model.start:
        model.step()
    model.move_world_demand()
    model.compete_for_demand()
    return model


def test_with_and_without_the_tax_firms_differ_by_exactly_their_tax():
    # the same seed and, up to the first reported year, the same history: the first
    # reported year's competition differs only by the tax
    taxed, untaxed = first_year_after_competition("tax"), first_year_after_competition("external")
    a, b = taxed.firms, untaxed.firms
    assert np.array_equal(a.firm_id, b.firm_id)
    np.testing.assert_array_equal(a.value_added, b.value_added)
    revenue = taxed.policy.tax_revenue(taxed)
    assert revenue is not None and (revenue > 0).all()
    tax = value_added_tax(a.value_added, a.region, revenue)
    np.testing.assert_allclose(b.cash - a.cash, tax, rtol=1e-9, atol=1e-12)
    assert (b.cash - a.cash).sum() == pytest.approx(revenue.sum(), rel=1e-9)
    # and the tax is this year's new money of each region
    t = taxed.policy.ledger.t(taxed.year)
    np.testing.assert_allclose(revenue, taxed.policy.ledger.new[t, : len(revenue)].sum(axis=1))
    # lower margins: no firm has fewer loss years, some have more
    assert (a.loss_years >= b.loss_years).all() and (a.loss_years > b.loss_years).any()


@pytest.mark.parametrize("scenario", ["no_policy", "bottom_up_external"])
def test_no_tax_without_tax_funded_money(scenario):
    overrides = (
        ["scenario=bottom_up", "scenario.budget.funding=external"]
        if scenario.endswith("external")
        else ["scenario=no_policy"]
    )
    model = build_model(compose_config([*SMALL, *overrides]))
    model.run()
    led = model.policy.ledger
    assert led.taxed.sum() == 0.0
    indicators = model.policy.indicators(model)
    assert indicators["tax_paid_all_regions"] == 0.0
    assert indicators["excess_burden_all_regions"] == 0.0


def test_a_tax_funded_run_reports_its_tax_and_its_net_transfer():
    model = build_model(compose_config([*SMALL, "scenario=bottom_up"]))
    model.run()
    led, f = model.policy.ledger, model.economy.focal
    ind = model.policy.indicators(model)
    assert ind["tax_paid"] == pytest.approx(led.new[:, f].sum(), rel=1e-12)
    assert ind["tax_paid_all_regions"] == pytest.approx(led.new.sum(), rel=1e-12)
    assert ind["excess_burden_all_regions"] == pytest.approx(0.3 * led.new.sum(), rel=1e-9)
    net = led.disbursed[:, f].sum() - led.repaid[:, f].sum() - led.new[:, f].sum()
    assert ind["net_transfer"] == pytest.approx(net, rel=1e-12)
