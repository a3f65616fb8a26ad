"""Runs from data: an empty rest of world under reference=all, sectors without statistics
marked in tables and plots, and the A*10 example with its own ten sectors end to end."""

import json

import numpy as np
import pandas as pd
import pytest

from sim import plots
from sim.cli import build_model, run
from sim.data import example_path
from tests.conftest import compose_config

EUROSTAT = str(example_path("example_eurostat_nama_10r_2x10e.csv"))
A10_DEFAULT = str(example_path("nace_mapping_a10.yaml"))
A10_OWN = str(example_path("nace_mapping_a10_own.yaml"))
BASE = [
    "economy=from_data",
    f"data.path={EUROSTAT}",
    "data.year=2008",
    "data.regions=[BE21,BE22,BE23,BE24]",
    "years.start=2009",
    "years.burn_in=0",
    "years.end=2014",
    "economy.n_firms=3000",
    "output.plots=false",
]


def run_model(*overrides):
    model = build_model(compose_config([*BASE, *overrides]))
    return model, model.run()


@pytest.mark.parametrize("mapping", [A10_DEFAULT, A10_OWN])
def test_reference_all_keeps_the_rest_of_the_world_empty(mapping):
    model, rec = run_model(f"data.mapping={mapping}", "data.reference=all", "scenario=targeted")
    R = model.economy.n_regions
    assert rec.employment[:, :R].sum() > 0
    np.testing.assert_array_equal(rec.employment[:, R], 0.0)  # every year, every sector
    # sectors without statistics have no market, so no jobs in the regions either
    np.testing.assert_array_equal(rec.employment[:, :R][:, :, ~model.economy.statistics], 0.0)


def test_a_named_reference_keeps_the_latent_markets_of_sectors_without_statistics():
    model, rec = run_model(f"data.mapping={A10_DEFAULT}", "data.reference=EU27_2020")
    e = model.economy
    assert not e.closed and (~e.statistics).sum() == 18
    assert (rec.employment[:, e.n_regions][:, ~e.statistics] > 0).all()


def test_sectors_without_statistics_are_marked_in_tables_and_the_period_chart(tmp_path):
    config = compose_config(
        [*BASE, f"data.mapping={A10_DEFAULT}", "data.reference=all", "output.plots=true"]
    )
    out = run(config, tmp_path / "run")
    summary = json.loads((out / "summary.json").read_text())
    absent = summary["sectors_without_statistics"]
    assert "food" in absent and "clean_vehicles" in absent and "agriculture" not in absent
    rca_last = summary["focal_sectors"]["rca_last_period"]
    assert all(rca_last[s] is None for s in absent)
    assert all(rca_last[s] is not None for s in rca_last if s not in absent)
    for name in ("specialisation.parquet", "specialisation_periods.parquet"):
        frame = pd.read_parquet(out / name)
        marked = frame[~frame["statistics"]]
        assert set(marked["sector"]) == set(absent)
        assert marked[["rca", "rsca"]].isna().all().all()
        assert frame.loc[frame["statistics"], ["rca", "rsca"]].notna().all().all()
    periods = pd.read_parquet(out / "specialisation_periods.parquet")
    figure = plots.plot_specialisation_by_period(periods, "BE21")
    ax = figure.axes[0]
    notes = [t for t in ax.texts if t.get_text().strip() == "no statistics"]
    assert len(notes) == len(absent)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert sorted(labels[int(round(t.get_position()[0]))] for t in notes) == sorted(absent)
    # no bar is drawn for them: every bar at their positions has no height
    for bar in (b for c in ax.containers for b in c):
        centre = round(bar.get_x() + bar.get_width() / 2)
        if labels[centre] in absent:
            assert np.isnan(bar.get_height())


def test_the_a10_example_with_its_own_ten_sectors_runs_end_to_end(tmp_path):
    """Outputs, plots, validation and a paired comparison from the A*10 example file."""
    from sim.experiments.commands import report_main as report
    from sim.validation.command import main as validate

    sweep = tmp_path / "sweep"
    for i, scenario in enumerate(["no_policy", "targeted"]):
        overrides = [
            *BASE,
            f"data.mapping={A10_OWN}",
            "data.reference=all",
            "data.focal=BE21",
            "output.plots=true",
            "output.firm_panel=true",
            f"scenario={scenario}",
            "years.end=2017",
        ]
        run(compose_config(overrides), sweep / str(i))
    base = sweep / "0"
    summary = json.loads((base / "summary.json").read_text())
    ten = list(summary["focal_sectors"]["employment"])
    assert (
        len(ten) == 10 and ten[0] == "agriculture" and summary["sectors_without_statistics"] == []
    )
    assert summary["indicators"]["employment_rest_of_world"] == 0.0
    periods = pd.read_parquet(base / "specialisation_periods.parquet")
    assert sorted(periods["period"].unique()) == ["2009-2012", "2013-2016", "2017-2017"]
    assert set(periods["sector"]) == set(ten) and periods["statistics"].all()
    assert (base / "plots" / "specialisation_by_period.png").stat().st_size > 0
    chart = plots.plot_specialisation_by_period(periods, "BE21")
    assert sorted(t.get_text() for t in chart.axes[0].get_xticklabels()) == sorted(ten)
    assert validate(["-q", str(base)]) in (0, 1)  # 1: a target missed, still computed
    facts = {s["name"]: s for s in json.loads((base / "validation.json").read_text())["statistics"]}
    for name in ("rca_galton_slope", "rca_galton_correlation", "entry_rate"):
        assert np.isfinite(facts[name]["value"]), name
    assert report([str(sweep)]) == 0
    comparison = pd.read_csv(sweep / "comparison.csv")
    assert "targeted" in set(comparison["scenario"])
    assert (sweep / "report.html").stat().st_size > 0


def test_a_sector_without_a_market_is_related_to_nothing_but_itself():
    from sim.metrics.relatedness import without_markets

    phi = np.array([[1.0, 0.4, 0.7], [0.4, 1.0, 0.2], [0.7, 0.2, 1.0]])
    cut = without_markets(phi, np.array([False, True, False]))
    expected = np.array([[1.0, 0.0, 0.7], [0.0, 1.0, 0.0], [0.7, 0.0, 1.0]])
    np.testing.assert_array_equal(cut, expected)
    assert without_markets(phi, False) is phi  # an open reference area keeps it whole
