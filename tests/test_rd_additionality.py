"""R&D grants and knowledge (sim.model.knowledge.add_project_rd): input additionality."""

import numpy as np
import pytest

from sim.cli import build_model
from sim.model.firms import Firms
from sim.model.knowledge import add_project_rd
from tests.conftest import SMALL, compose_config


def test_by_hand():
    firms = Firms()
    firms.add(
        cash=np.array([10.0, 1.0, -2.0, 5.0]),
        knowledge=np.zeros(4),
        key=np.arange(4, dtype=np.uint64),
    )
    own = np.array([2.0, 2.0, 2.0, 3.0])
    grant = np.array([2.0, 2.0, 2.0, 0.0])
    extra = add_project_rd(firms, own, grant, 1.0)
    # the extra spending is the grant, as far as positive cash goes
    assert extra.tolist() == [2.0, 1.0, 0.0, 0.0]
    assert firms.cash.tolist() == [8.0, 0.0, -2.0, 5.0]
    assert firms.knowledge.tolist() == [6.0, 5.0, 4.0, 3.0]
    # full crowding out: the grant only replaces the firm's own money
    firms.knowledge[:] = 0.0
    assert add_project_rd(firms, own, grant, 0.0).sum() == 0.0
    assert firms.knowledge.tolist() == [4.0, 4.0, 4.0, 3.0]


@pytest.fixture(scope="module")
def first_funded_year():
    """(tau 0, tau 1, tau 2) models stopped after the first reported year's innovation."""
    out = []
    for tau in (0, 1, 2):
        overrides = [
            "scenario=bottom_up",
            "scenario.budget.funding=external",
            f"dynamics.knowledge.rd_additionality={tau}",
            "seed=2",
        ]
        model = build_model(compose_config([*SMALL, *overrides]))
        while model.year < model.start:
            model.step()
        model.move_world_demand()
        model.compete_for_demand()
        model.learn()
        model.innovate()
        out.append(model)
    return out


def test_with_and_without_additionality_on_the_same_draws(first_funded_year):
    # the same history up to this year's innovation: the knowledge a grant adds follows
    # tau, firm by firm, and so does the cash the firm puts in
    none, neutral, leverage = first_funded_year
    grant = none.outcome.rd_grant
    assert (grant > 0).sum() > 5
    cash = none.firms.cash
    np.testing.assert_array_equal(none.firms.firm_id, neutral.firms.firm_id)
    for model, tau in ((neutral, 1.0), (leverage, 2.0)):
        extra = np.minimum(tau * grant, np.maximum(cash, 0.0))
        np.testing.assert_allclose(model.firms.knowledge - none.firms.knowledge, extra, atol=1e-9)
        np.testing.assert_allclose(none.firms.cash - model.firms.cash, extra, atol=1e-9)
    assert (leverage.firms.knowledge >= neutral.firms.knowledge).all()
    unfunded = grant == 0
    assert (neutral.firms.knowledge[unfunded] == none.firms.knowledge[unfunded]).all()
