"""Eurostat's bulk TSV layout: both forms, gzip, filters, flags and errors, against SDMX-CSV."""

import gzip

import numpy as np
import pytest

from sim.data import DataError, example_path, load_initial_employment, read_observations

CSV = example_path("example_eurostat_nama_10r_2x10e.csv")
CURRENT = example_path("example_eurostat_nama_10r_3empers.tsv")  # \TIME_PERIOD, with wstatus
OLDER = example_path("example_eurostat_nama_10r_2x10e.tsv.gz")  # \time, years descending
BE = ["BE21", "BE22", "BE23", "BE24"]
EMP = {"wstatus": "EMP"}


@pytest.mark.parametrize(("path", "filters"), [(CURRENT, EMP), (OLDER, None)])
@pytest.mark.parametrize("year", [2008, 2009])
def test_same_employment_as_sdmx_csv(path, filters, year):
    mine = load_initial_employment(path, None, year, BE, "EU27_2020", filters=filters)
    theirs = load_initial_employment(CSV, None, year, BE, "EU27_2020")
    assert mine.layout == "eurostat_tsv"
    np.testing.assert_array_equal(mine.employment, theirs.employment)
    np.testing.assert_array_equal(mine.rest_of_world, theirs.rest_of_world)
    assert mine.unit == theirs.unit == "THS_PER"
    assert mine.skipped == theirs.skipped
    columns = ["region", "code", "flag", "meaning"]
    assert mine.flags[columns].equals(theirs.flags[columns])


@pytest.mark.parametrize(("path", "filters"), [(CURRENT, EMP), (OLDER, None)])
def test_all_observations_match_sdmx_csv(path, filters):
    keys = ["region", "nace", "year"]
    mine = read_observations(path, filters=filters).frame.sort_values(keys)
    theirs = read_observations(CSV).frame.sort_values(keys)
    assert len(mine) == len(theirs) == 630
    for column in ["region", "code", "nace", "year", "unit", "flag"]:
        assert mine[column].tolist() == theirs[column].tolist(), column
    np.testing.assert_array_equal(mine["employment"], theirs["employment"])
    np.testing.assert_array_equal(mine["value"], theirs["value"])


def test_cells_value_flags_and_confidential():
    frame = read_observations(OLDER).frame.set_index(["region", "code", "year"])
    assert frame.loc[("EU27_2020", "C21", 2009), "flag"] == "b,p"  # cell "... bp"
    assert np.isnan(frame.loc[("BE24", "C19", 2007), "employment"])  # cell ": c"
    assert frame.loc[("BE24", "C19", 2007), "flag"] == "c"
    assert frame.loc[("BE21", "A", 2008), "employment"] == 8200.0  # "8.2 " thousands


def test_imputes_confidential_cell_like_sdmx_csv():
    rule = {"missing": "impute_from_aggregate"}
    mine = load_initial_employment(OLDER, None, 2007, BE, "EU27_2020", **rule)
    theirs = load_initial_employment(CSV, None, 2007, BE, "EU27_2020", **rule)
    np.testing.assert_array_equal(mine.employment, theirs.employment)
    assert "imputed" in mine.flags["flag"].tolist()


def test_a_dimension_with_several_codes_needs_a_filter():
    with pytest.raises(DataError, match=r"differ in wstatus \(EMP, SAL\): keep one with filters"):
        load_initial_employment(CURRENT, None, 2008, BE, "EU27_2020")
    sal = load_initial_employment(
        CURRENT, None, 2008, BE, "EU27_2020", filters={"wstatus": ["SAL"]}
    )
    emp = load_initial_employment(CURRENT, None, 2008, BE, "EU27_2020", filters=EMP)
    assert 0 < sal.employment.sum() < emp.employment.sum()


def write(tmp_path, text, name="f.tsv", compress=False):
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


HEADER = "unit,nace_r2,geo\\TIME_PERIOD\t2008 \t2009 \n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("THS_PER,A,BE21\t1.0 \t2,5 \n", r"line 2: non-numeric value '2,5' in column 2009"),
        ("THS_PER,A,BE21\t1.0 \t-2 \n", r"line 2: negative employment -2 in column 2009"),
        ("THS_PER,A,BE21\t1.0 \t2.0 p3\n", r"line 2: cell '2.0 p3' in column 2009"),
        ("THS_PER,A,BE21\t1.0 \n", r"line 2: the row has 1 year cells but the header has 2"),
        ("THS_PER,A\t1.0 \t2.0\n", r"line 2: the key 'THS_PER,A' has 2 codes"),
        ("THS_HW,A,BE21\t1.0 \t2.0\n", r"line 2: unit 'THS_HW' is not a count of persons"),
        ("THS_PER,A,BE21\t1 \t2\nTHS_PER,A,BE21\t1 \t2\n", r"line 3: duplicated observation"),
    ],
)
def test_bad_rows_give_one_line_errors(tmp_path, body, message):
    path = write(tmp_path, HEADER + body)
    with pytest.raises(DataError, match=message) as err:
        read_observations(path)
    assert len(str(err.value).splitlines()) == 1


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("unit,nace_r2,geo\\TIME_PERIOD\t2008Q1 \n", r"TIME_PERIOD '2008Q1' is not a year"),
        ("unit,geo\\time\t2008 \n", r"missing column 'nace_r2'"),
        ("unit,nace_r2,geo\\TIME_PERIOD\t2008 \t2008 \n", r"duplicated column '2008'"),
    ],
)
def test_bad_headers(tmp_path, header, message):
    with pytest.raises(DataError, match=message):
        read_observations(write(tmp_path, header + "THS_PER,A,BE21\t1\n"))


def test_truncated_gzip_is_a_one_line_error(tmp_path):
    data = OLDER.read_bytes()
    path = tmp_path / "cut.tsv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="compressed file is truncated or corrupt") as err:
        read_observations(path)
    assert len(str(err.value).splitlines()) == 1


def test_filter_on_a_column_the_file_lacks(tmp_path):
    with pytest.raises(DataError, match=r"missing column 'sex' named in filters"):
        read_observations(OLDER, filters={"sex": "T"})


def test_years_and_regions_narrow_the_rows_read(tmp_path):
    # A bad cell outside the selection is never parsed; inside it is an error.
    path = write(tmp_path, HEADER + "THS_PER,A,BE21\t1.0 \tx \nTHS_PER,A,BE22\ty \t2.0 \n")
    frame = read_observations(path, years=[2008], regions=["BE21"]).frame
    assert frame[["region", "year", "employment"]].values.tolist() == [["BE21", 2008, 1000.0]]
    with pytest.raises(DataError, match="line 3: non-numeric value 'y' in column 2008"):
        read_observations(path, years=[2008])


def test_gzip_and_plain_read_alike(tmp_path):
    text = gzip.decompress(OLDER.read_bytes()).decode()
    plain = read_observations(write(tmp_path, text)).frame
    packed = read_observations(write(tmp_path, text, "g.tsv.gz", compress=True)).frame
    assert plain.equals(packed)
    assert plain["year"].tolist()[:3] == [2007, 2008, 2009]  # ascending whatever the file
