"""Periods end where the run ends; every indicator that compares periods uses whole ones.

A small run from 2000 to 2012 with four-year periods has three whole periods
(2000-2003, 2004-2007, 2008-2011) and the partial period 2012-2012. The
indicators are recomputed here from the yearly panel the run wrote.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.cli import build_model, run
from sim.metrics import specialisation_changes
from sim.outputs import summary
from tests.conftest import SMALL, compose_config

WHOLE = {"2000-2003": (2000, 2003), "2004-2007": (2004, 2007), "2008-2011": (2008, 2011)}


@pytest.fixture(scope="module")
def targeted_run(tmp_path_factory):
    """A small targeted run, with the periods each indicator asked for recorded."""
    used: list[str] = []
    real = summary.rca_by_period

    def spy(recorder, start, length):
        names, means = real(recorder, start, length)
        used.extend(names)
        return names, means

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summary, "rca_by_period", spy)
        out = run(compose_config([*SMALL, "scenario=targeted"]), tmp_path_factory.mktemp("run"))
    return out, used


def test_every_period_used_by_an_indicator_has_its_full_length(targeted_run):
    _, used = targeted_run
    assert used, "no indicator used periods"
    for label in used:
        first, last = map(int, label.split("-"))
        assert last - first + 1 == 4, f"indicator period {label} is not four years long"


def test_the_partial_last_period_is_labelled_by_its_years_and_marked(targeted_run):
    out, _ = targeted_run
    periods = pd.read_parquet(out / "specialisation_periods.parquet")
    whole = periods.groupby("period")["whole"].agg(["min", "max"])
    assert list(whole.index) == [*WHOLE, "2012-2012"]
    assert whole["min"].tolist() == whole["max"].tolist() == [True, True, True, False]


def test_period_indicators_equal_whole_period_means_of_the_yearly_panel(targeted_run):
    out, _ = targeted_run
    written = json.loads((out / "summary.json").read_text())
    spec = pd.read_parquet(out / "specialisation.parquet")
    regions = list(dict.fromkeys(spec["region"]))
    sectors = list(dict.fromkeys(spec["sector"]))
    cube = np.stack(
        [
            spec[spec["year"].between(a, b)]
            .groupby(["region", "sector"])["rca"]
            .mean()
            .unstack()
            .loc[regions, sectors]
            .to_numpy()
            for a, b in WHOLE.values()
        ]
    )
    f = regions.index(written["focal_region"])
    last = dict(zip(sectors, cube[-1, f], strict=True))
    assert written["focal_sectors"]["rca_last_period"] == pytest.approx(last, rel=1e-9)
    spear = written["spearhead_sectors"]
    assert spear, "the targeted scenario should pick spearheads"
    assert written["indicators"]["rca_spearhead_last_period"] == pytest.approx(
        np.mean([last[s] for s in spear]), rel=1e-9
    )
    gained, lost = specialisation_changes(cube, hold=2)
    assert written["indicators"]["specialisations_gained"] == gained[f].sum()
    assert written["indicators"]["specialisations_lost"] == lost[f].sum()


def test_a_run_shorter_than_one_period_has_no_period_indicators(tmp_path):
    config = compose_config([*SMALL, "years.end=2002", "scenario=targeted"])
    written = json.loads((run(config, tmp_path) / "summary.json").read_text())
    for name in ("rca_spearhead_last_period", "specialisations_gained", "specialisations_lost"):
        assert written["indicators"][name] is None  # NaN, written as null
    assert all(v is None for v in written["focal_sectors"]["rca_last_period"].values())


def test_summary_reports_the_initial_and_the_first_year_firm_counts(targeted_run):
    out, _ = targeted_run
    written = json.loads((out / "summary.json").read_text())
    model = build_model(compose_config([*SMALL, "scenario=targeted"]))
    assert written["n_firms_start"] == model.firms.n  # drawn, close to but not 3000
    employment = pd.read_parquet(out / "employment.parquet")
    first = employment[(employment["year"] == 2000) & (employment["region"] != "rest_of_world")]
    assert written["n_firms_first_year"] == first["firms"].sum()
