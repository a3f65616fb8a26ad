"""Firms respond to policy: expected support moves starts and targets, roadmaps move entry.

Mechanisms: sim.model.expectations (the support rate firms expect), the start and
target terms of sim.model.pipeline, the roadmap term of
sim.model.demography.entry_weights. Each is shown with and without the response on
common random numbers (same seed, same draws for every firm).
"""

import numpy as np
import pytest

from sim.config.assemble import build_economy, build_model
from sim.model.demography import entry_weights
from sim.model.expectations import ADAPTATION, adapt, observed_rate
from sim.model.params import Demography, Innovation
from sim.model.pipeline import target_weights
from tests.conftest import SMALL, compose_config

NO_RESPONSE = [
    "dynamics.innovation.start_response=0",
    "dynamics.innovation.target_response=0",
    "dynamics.demography.roadmap_entry=0",
]


def test_observed_rate_and_adaptation_by_hand():
    # cell 0: grants 1 + 0 over costs 2 + 2; cell 2: 3 over 3; cell 1: no project
    cells, grants, costs = np.array([0, 0, 2]), np.array([1.0, 0.0, 3.0]), np.array([2.0, 2.0, 3.0])
    rate, seen = observed_rate(cells, grants, costs, 3)
    np.testing.assert_allclose(rate, [0.25, 0.0, 1.0])
    assert seen.tolist() == [True, False, True]
    expected = np.array([[0.5, 0.4, 0.0]])
    adapt(expected, rate, seen)
    # half-way toward what was seen; unchanged where no project ran
    np.testing.assert_allclose(expected, [[0.5 + ADAPTATION * (0.25 - 0.5), 0.4, ADAPTATION]])


def test_entry_leans_toward_roadmap_sectors():
    economy = build_economy(compose_config(SMALL))
    R, S = economy.n_regions, economy.n_sectors
    employment, density = economy.employment, np.full((R, S), 0.3)
    growth = np.zeros(S)
    roadmaps = np.zeros((R, S))
    roadmaps[0, 3] = 1.0
    plain = entry_weights(economy, employment, density, growth, Demography())
    leaning = entry_weights(economy, employment, density, growth, Demography(), roadmaps)
    np.testing.assert_allclose(leaning.sum(axis=1), 1.0)
    # region 0's weight of sector 3 rises by (1 + roadmap_entry) before renormalising
    odds = lambda w: w[0, 3] / (1.0 - w[0, 3])  # noqa: E731
    assert odds(leaning) == pytest.approx((1 + Demography().roadmap_entry) * odds(plain))
    np.testing.assert_allclose(leaning[1:], plain[1:])
    off = entry_weights(economy, employment, density, growth, Demography(roadmap_entry=0), roadmaps)
    np.testing.assert_allclose(off, plain)


def test_targets_lean_toward_supported_sectors():
    economy = build_economy(compose_config(SMALL))
    R, S = economy.n_regions, economy.n_sectors
    density, growth = np.full((R, S), 0.3), np.zeros(S)
    support = np.zeros((R, S))
    support[2, 5] = 0.4
    p = Innovation()
    plain = target_weights(economy, density, growth, p)
    leaning = target_weights(economy, density, growth, p, support)
    np.testing.assert_allclose(leaning[2, :, 5], plain[2, :, 5] * (1 + p.target_response * 0.4))
    np.testing.assert_allclose(np.delete(leaning[2], 5, axis=1), np.delete(plain[2], 5, axis=1))
    np.testing.assert_allclose(leaning[:2], plain[:2])


def starts(overrides: list[str]) -> tuple[np.ndarray, object]:
    """(R, S) project starts by region and target sector over the run, and the model."""
    model = build_model(compose_config([*SMALL, *overrides]))
    model.run()
    frame = model.recorder.project_frame()
    start = frame[frame["event"] == "start"]
    e = model.economy
    table = np.zeros((e.n_regions, e.n_sectors))
    np.add.at(table, (start["region"].cat.codes, start["target_sector"].cat.codes), 1)
    return table, model


def test_without_support_the_responses_change_nothing():
    # no_policy: no grant, no roadmap, so the response parameters cannot matter
    with_response, _ = starts(["seed=4"])
    without, _ = starts(["seed=4", *NO_RESPONSE])
    np.testing.assert_array_equal(with_response, without)


def test_supported_cells_start_more_projects():
    # the same targeted run with and without the responses, on the same draws:
    # the cells where grants covered most of the cost get more starts
    scenario = ["scenario=targeted", "scenario.budget.funding=external", "seed=6"]
    responding, model = starts(scenario)
    ignoring, _ = starts([*scenario, *NO_RESPONSE])
    expected = model.expectations.rate
    assert expected.max() > 0.05
    supported = expected >= np.quantile(expected[expected > 0], 0.75)
    assert responding[supported].sum() > ignoring[supported].sum()
