"""A sector's presence in a region: a smooth step around RCA = 1, the binary one at width 0.

The density that firms see must move a little when employment moves a little;
a binary threshold turns one cell crossing RCA = 1 into a jump of every related
cell's density (docs/ODD.md 7.6, "Presence").
"""

import numpy as np
import pytest

from sim.config.assemble import build_economy
from sim.metrics import relatedness_density
from sim.model.regional import current_density, presence
from tests.conftest import SMALL, compose_config


def test_width_zero_is_the_binary_indicator():
    rca = np.array([[0.0, 0.5, 0.999, 1.0, 1.001, 3.0]])
    np.testing.assert_array_equal(presence(rca, 0.0), (rca >= 1.0).astype(float))


def test_the_step_by_hand():
    # 1 / (1 + exp(-(rca - 1) / w)) at w = 0.1
    rca = np.array([0.8, 1.0, 1.2])
    expected = 1.0 / (1.0 + np.exp(-np.array([-2.0, 0.0, 2.0])))
    np.testing.assert_allclose(presence(rca, 0.1), expected)
    assert presence(np.array([0.0]), 0.1)[0] < 1e-4
    assert presence(np.array([50.0]), 0.1)[0] == pytest.approx(1.0)
    # far from 1 the step saturates without overflow warnings
    with np.errstate(all="raise"):
        presence(np.array([0.0, 1e6]), 1e-3)


@pytest.mark.parametrize("width", [0.05, 0.1, 0.3])
def test_the_step_is_monotone_and_lipschitz(width):
    rca = np.linspace(0.0, 3.0, 3001)
    x = presence(rca, width)
    steps = np.diff(x)
    assert (steps >= 0).all()
    # the logistic's slope is at most 1 / (4 w): no jump anywhere
    assert steps.max() <= np.diff(rca)[0] / (4 * width) + 1e-12


def test_a_cell_crossing_rca_one_moves_related_densities_a_little():
    # two regions, three related sectors; region 0's sector 0 crosses RCA = 1 by a
    # hair: with the binary indicator sector 1's density jumps, with the step it does not
    phi = np.array([[1.0, 0.8, 0.2], [0.8, 1.0, 0.3], [0.2, 0.3, 1.0]])
    before = np.array([[0.9999, 1.5, 0.2]])
    after = np.array([[1.0001, 1.5, 0.2]])
    binary = relatedness_density(presence(after, 0.0), phi) - relatedness_density(
        presence(before, 0.0), phi
    )
    smooth = relatedness_density(presence(after, 0.1), phi) - relatedness_density(
        presence(before, 0.1), phi
    )
    assert binary[0, 1] == pytest.approx(0.8 / 1.1)
    assert abs(smooth[0, 1]) < 1e-3


def test_the_model_density_uses_the_configured_width():
    economy = build_economy(compose_config(SMALL))
    employment = economy.employment
    row = economy.rest_of_world
    rca, smooth = current_density(economy, employment, row, 0.1)
    _, binary = current_density(economy, employment, row, 0.0)
    np.testing.assert_allclose(binary, relatedness_density(rca >= 1.0, economy.relatedness))
    np.testing.assert_allclose(smooth, relatedness_density(presence(rca, 0.1), economy.relatedness))
    assert not np.allclose(smooth, binary)
