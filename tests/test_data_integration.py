"""economy=from_data: the model's initial state is the file's employment, exactly."""

import numpy as np
import pandas as pd
import pytest

from sim.cli import run
from sim.config.assemble import build_model
from sim.data import example_path, load_initial_employment
from sim.errors import ConfigError
from sim.metrics import rca
from tests.conftest import compose_config

EUROSTAT = str(example_path("example_eurostat_nama_10r_2x10e.csv"))
REGIONS = ["BE21", "BE22", "BE23", "BE24"]
FROM_DATA = [
    "economy=from_data",
    f"data.path={EUROSTAT}",
    "data.year=2008",
    f"data.regions=[{','.join(REGIONS)}]",
    "data.reference=EU27_2020",
    "data.focal=BE22",
    "years.start=2009",
    "years.burn_in=0",
    "years.end=2013",
    "economy.n_firms=4000",
    "output.plots=false",
]


def file_employment(year=2008):
    """Persons by region and NACE code for one year, straight from the example file."""
    raw = pd.read_csv(EUROSTAT)
    raw = raw[(raw["TIME_PERIOD"] == year) & (raw["unit"] == "THS_PER")]
    return raw.set_index(["geo", "nace_r2"])["OBS_VALUE"] * 1000.0


def test_initial_state_equals_the_file_after_mapping():
    model = build_model(compose_config(FROM_DATA))
    e = model.economy
    assert e.regions == REGIONS and e.regions[e.focal] == "BE22"
    assert not e.spec.synthetic
    init = load_initial_employment(
        EUROSTAT, None, year=2008, regions=REGIONS, reference="EU27_2020"
    )
    np.testing.assert_array_equal(e.employment, init.employment)
    # the drawn firms add up to the file's employment in every region and sector
    drawn = model.firms.by_cell(model.firms.employment, e.n_regions, e.n_sectors)
    np.testing.assert_allclose(drawn, init.employment, rtol=1e-12, atol=1e-9)
    # totals preserved: each region's jobs equal the file's TOTAL row
    values = file_employment()
    for r, region in enumerate(REGIONS):
        assert e.employment[r].sum() == pytest.approx(values[(region, "TOTAL")], rel=1e-12)


def test_rca_of_the_initial_state_equals_rca_from_the_file():
    model = build_model(compose_config(FROM_DATA))
    e = model.economy
    reference = e.employment.sum(axis=0) + e.rest_of_world
    model_rca = rca(e.employment, reference)
    values = file_employment()
    # chemicals = C19 + C20 (the mapping); reference is the EU27_2020 row
    chem = e.sectors.index("chemicals")
    for r, region in enumerate(REGIONS):
        e_rs = values[(region, "C19")] + values[(region, "C20")]
        e_r = values[(region, "TOTAL")]
        big_e_s = values[("EU27_2020", "C19")] + values[("EU27_2020", "C20")]
        big_e = values[("EU27_2020", "TOTAL")]
        assert model_rca[r, chem] == pytest.approx((e_rs / e_r) / (big_e_s / big_e), rel=1e-9)


def test_a_run_from_data_writes_its_outputs(tmp_path):
    out = run(compose_config(FROM_DATA + ["scenario=bottom_up"]), tmp_path / "run")
    employment = pd.read_parquet(out / "employment.parquet")
    assert set(employment["region"]) == {*REGIONS, "rest_of_world"}
    assert sorted(employment["year"].unique()) == [2009, 2010, 2011, 2012, 2013]


def test_years_must_follow_the_data_year():
    config = compose_config([o for o in FROM_DATA if not o.startswith("years.")])
    with pytest.raises(ConfigError, match=r"data.year = 2008 simulates first the year 2009"):
        build_model(config)


def test_a_missing_data_path_is_named():
    with pytest.raises(ConfigError, match=r"^data.path: required with economy=from_data$"):
        build_model(compose_config(["economy=from_data"]))
