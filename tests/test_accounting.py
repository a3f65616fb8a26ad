"""Accounting identities of a small seeded run's outputs (docs/outputs.md).

The employment panel is the sum of the firm panel, firm counts change by entries
minus exits, firm ids are never reused, and the rest of the world completes the
reference area of the specialisation panel.
"""

import numpy as np
import pandas as pd
import pytest

from sim.cli import run
from sim.config.assemble import build_model
from sim.metrics import rca_frame
from sim.model.economy import REST_OF_WORLD
from tests.conftest import SMALL, compose_config

KEYS = ["year", "region", "sector"]


@pytest.fixture(scope="module")
def config() -> dict:
    """The ``small_config`` fixture's economy, with the firm panel written."""
    return compose_config([*SMALL, "output.firm_panel=true"])


@pytest.fixture(scope="module")
def outputs(config, tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = run(config, tmp_path_factory.mktemp("accounting"))
    return {
        name: pd.read_parquet(out / f"{name}.parquet")
        for name in ("employment", "firms", "specialisation")
    }


@pytest.fixture(scope="module")
def model(config):
    model = build_model(config)
    model.run()
    return model


def firm_years(firms: pd.DataFrame) -> dict[int, set[int]]:
    return {int(y): set(ids) for y, ids in firms.groupby("year")["firm_id"]}


def test_employment_panel_is_the_sum_over_firms(outputs, model):
    emp, firms = outputs["employment"], outputs["firms"]
    model_rows = emp[emp["region"] != REST_OF_WORLD].astype({"region": str, "sector": str})
    sums = (
        firms.groupby(KEYS, observed=False)["employment"]
        .agg(["sum", "size"])
        .reset_index()
        .astype({"region": str, "sector": str})
    )
    both = model_rows.merge(sums, on=KEYS, how="outer", indicator=True, validate="1:1")
    # every year, model region and sector is in both (cells without firms included)
    assert (both["_merge"] == "both").all()
    e = model.economy
    assert len(both) == firms["year"].nunique() * e.n_regions * e.n_sectors
    np.testing.assert_allclose(both["employment"], both["sum"], rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(both["firms"], both["size"])
    assert both["firms"].sum() == len(firms)


def test_recorded_run_is_the_written_run(outputs, model):
    # the model rerun from the same config is the run whose files we check below
    frame = model.recorder.employment_frame()
    np.testing.assert_array_equal(frame["employment"], outputs["employment"]["employment"])


def test_firm_count_changes_by_entries_minus_exits(outputs, model):
    firms = outputs["firms"]
    years = sorted(firms["year"].unique())
    counts = firms.groupby("year").size().reindex(years).to_numpy()
    rec = model.recorder
    np.testing.assert_array_equal(rec.years, years)
    assert (rec.entries[1:] > 0).all() and (rec.exits[1:] > 0).all()
    np.testing.assert_array_equal(np.diff(counts), rec.entries[1:] - rec.exits[1:])
    # the same from the panel's ids: entrants are new ids, exits are ids gone
    ids = firm_years(firms)
    entered = [len(ids[t] - ids[t - 1]) for t in years[1:]]
    exited = [len(ids[t - 1] - ids[t]) for t in years[1:]]
    np.testing.assert_array_equal(entered, rec.entries[1:])
    np.testing.assert_array_equal(exited, rec.exits[1:])


def test_firm_ids_are_never_reused(outputs):
    firms = outputs["firms"]
    assert not firms.duplicated(["year", "firm_id"]).any()
    # a firm is present in one unbroken run of years: an id that disappears never reappears
    span = firms.groupby("firm_id")["year"].agg(["min", "max", "size"])
    assert ((span["max"] - span["min"] + 1) == span["size"]).all()
    # new ids are above every id seen before
    ids = firm_years(firms)
    years = sorted(ids)
    seen = max(ids[years[0]])
    for t in years[1:]:
        new = ids[t] - ids[t - 1]
        assert min(new) > seen
        seen = max(seen, max(ids[t]))


def test_ages_count_up_and_entrants_start_at_zero(outputs):
    firms = outputs["firms"][["year", "firm_id", "age"]]
    prev = firms.assign(year=firms["year"] + 1)
    both = firms.merge(prev, on=["year", "firm_id"], how="left", suffixes=("", "_prev"))
    later = both[both["year"] > both["year"].min()]
    stayed = later["age_prev"].notna()
    np.testing.assert_array_equal(later.loc[stayed, "age"], later.loc[stayed, "age_prev"] + 1)
    assert (later.loc[~stayed, "age"] == 0).all()


def test_rest_of_world_completes_the_reference_area(outputs, model):
    emp, spec = outputs["employment"], outputs["specialisation"]
    row = emp[emp["region"] == REST_OF_WORLD]
    years = emp["year"].nunique()
    e = model.economy
    assert len(row) == years * e.n_sectors and (row["employment"] > 0).all()
    recomputed = rca_frame(emp[KEYS + ["employment"]])
    both = spec.merge(recomputed, on=KEYS, suffixes=("", "_file"), validate="1:1")
    assert len(both) == len(spec) == years * e.n_regions * e.n_sectors
    np.testing.assert_allclose(both["rca"], both["rca_file"], rtol=1e-12)
    np.testing.assert_allclose(both["rsca"], both["rsca_file"], rtol=1e-12, atol=1e-15)
    # without the rest of the world the reference area, and so the rca, would differ
    alone = rca_frame(
        pd.concat([emp[emp["region"] != REST_OF_WORLD], row.assign(employment=0.0)])[
            KEYS + ["employment"]
        ]
    )
    assert not np.allclose(alone["rca"].to_numpy(), recomputed["rca"].to_numpy())
