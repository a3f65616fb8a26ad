"""Real downloads gone wrong: what must stop in one line, and the variants that must read.

Files made by hand for these tests, in the published layouts (Eurostat SDMX-CSV and TSV,
OECD SDMX-CSV, the long CSV); each changes one thing a spreadsheet, a locale or a cut
download does to a real file.
"""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest

from sim.data import DataError, example_path, load_initial_employment, read_observations

EUROSTAT = (  # SDMX-CSV 1.0 as Eurostat writes it, numbers made up
    "DATAFLOW,LAST UPDATE,freq,unit,nace_r2,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
    "ESTAT:X(1.0),15/03/24 11:00:00,A,THS_PER,A,BE21,2008,1.5,\n"
    "ESTAT:X(1.0),15/03/24 11:00:00,A,THS_PER,F,BE21,2008,20.0,p\n"
    "ESTAT:X(1.0),15/03/24 11:00:00,A,THS_PER,A,BE22,2008,2.5,\n"
    "ESTAT:X(1.0),15/03/24 11:00:00,A,THS_PER,F,BE22,2008,30.0,\n"
)
OECD = example_path("example_oecd_regional.csv")
DE = ["DE1", "DE2", "DE3", "DE4"]


def written(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    ("text", "line"),
    [
        # a German-locale spreadsheet's "1,5": the decimals shift into the flag column
        (EUROSTAT.replace("BE21,2008,1.5,", "BE21,2008,1,5,"), 2),
        # SDMX-CSV 2.0: CONF_STATUS after the flag, the same shift
        (
            EUROSTAT.replace("OBS_FLAG\n", "OBS_FLAG,CONF_STATUS\n")
            .replace(",\n", ",,\n")
            .replace(",p\n", ",p,\n")
            .replace("BE22,2008,30.0,,", "BE22,2008,30,0,,"),
            5,
        ),
        ("region,sector,year,employment,flag\nR1,a,2008,30,5,\nR1,f,2008,20,\n", 2),
    ],
    ids=["sdmx-csv 1.0", "sdmx-csv 2.0", "long"],
)
def test_a_decimal_comma_in_a_comma_separated_file_stops_at_its_line(tmp_path, text, line, fast):
    path = written(tmp_path, text)
    with pytest.raises(DataError, match=rf"line {line}: flag '\d' is a number \(flags are"):
        read_observations(path, fast=fast)


@pytest.mark.parametrize("fast", [True, False])
def test_flag_cells_with_labels_are_read_as_their_codes(tmp_path, fast):
    labelled = EUROSTAT.replace(",p\n", ",p: provisional\n").replace(
        "BE22,2008,2.5,\n", "BE22,2008,2.5,e: estimated\n"
    )
    obs = read_observations(written(tmp_path, labelled), fast=fast).frame
    assert obs["flag"].tolist() == ["", "p", "e", ""]
    oecd = OECD.read_text(encoding="utf-8")
    assert ",A,Normal value," in oecd
    with_labels = oecd.replace(",A,Normal value,", ",A: Normal value,Normal value,")
    with_labels = with_labels.replace(
        "2008,,5337000,,A: Normal value", "2008,,5337000,,E: Estimated value", 1
    )
    frame = read_observations(written(tmp_path, with_labels, "oecd.csv"), fast=fast).frame
    plain = read_observations(OECD, fast=fast).frame
    assert (frame["flag"] != "").sum() == 1 + (plain["flag"] != "").sum()
    assert "E" in frame["flag"].tolist()
    assert not frame["flag"].str.contains("N|O|R|M|L|V|U").any()


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("value", ["1e306", "1e300", "2e7"])
def test_a_value_beyond_any_real_cell_is_refused_not_overflowed(tmp_path, value, fast):
    path = written(tmp_path, EUROSTAT.replace("BE21,2008,20.0,p", f"BE21,2008,{value},p"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow warning on the way
        with pytest.raises(DataError, match=r"line 3: .* persons, more than 1e\+10"):
            read_observations(path, fast=fast)


def test_a_value_beyond_any_real_cell_is_refused_in_a_tsv_too(tmp_path):
    text = (
        "freq,unit,nace_r2,geo\\TIME_PERIOD\t2008 \n"
        "A,THS_PER,A,BE21\t1.5 \n"
        "A,THS_PER,F,BE21\t1e306 p\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match=r"line 3: .* persons, more than 1e\+10"):
            read_observations(written(tmp_path, text, "d.tsv"))


def test_an_oecd_missing_status_is_a_missing_value_whatever_the_cell_holds(tmp_path):
    oecd = OECD.read_text(encoding="utf-8")
    row = next(r for r in oecd.splitlines() if ",DE1," in r and ",2008," in r and ",_T," not in r)
    assert ",A,Normal value," in row
    missing = oecd.replace(row, row.replace(",A,Normal value,", ",M,Missing value,"))
    path = written(tmp_path, missing, "oecd.csv")
    frame = read_observations(path).frame
    assert (
        frame["employment"].isna().sum()
        == 1 + read_observations(OECD).frame["employment"].isna().sum()
    )
    with pytest.raises(DataError, match="missing"):
        load_initial_employment(path, None, 2008, DE, "DEU")
    imputed = load_initial_employment(path, None, 2008, DE, "DEU", missing="impute_from_aggregate")
    assert np.isfinite(imputed.employment).all()


def test_a_tsv_header_ending_in_a_tab_reads_like_one_without(tmp_path):
    text = "freq,unit,nace_r2,geo\\TIME_PERIOD\t2008 \t2009 \nA,THS_PER,A,BE21\t1.5 \t1.6 p\n"
    plain = read_observations(written(tmp_path, text, "a.tsv")).frame
    tabbed = text.replace(" \n", " \t\n")
    assert read_observations(written(tmp_path, tabbed, "b.tsv")).frame.equals(plain)


def test_a_compressed_file_other_than_a_tsv_download_says_so(tmp_path):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(EUROSTAT.encode()))
    with pytest.raises(DataError, match="a gzip-compressed file that is not a Eurostat TSV"):
        read_observations(path)
    download = example_path("example_eurostat_nama_10r_2x10e.tsv.gz").read_bytes()
    cut = tmp_path / "cut.tsv.gz"
    cut.write_bytes(download[:15])  # cut inside the gzip header
    with pytest.raises(DataError, match="the compressed file is truncated or corrupt"):
        read_observations(cut)
