"""The block reader of clean CSV files reads what the row-by-row reader reads, value for value.

sim.data.fast_csv checks a file in blocks and gives up on anything it cannot vouch
for; the row-by-row reader then reads the file. So on any input (the example files,
files with blank lines, quoting, labels, flags, units and multipliers, and the
mutated examples of the fuzz test) both must accept the same files with the same
observations, or refuse them with the same one-line error.
"""

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given

from sim.data import DataError, example_path, read_observations
from tests.test_data_fuzz import EXAMPLES, FUZZ, mutated

CSV_EXAMPLES = [name for name in sorted(EXAMPLES) if name.endswith(".csv")]


def outcome(path: Path, fast: bool, **kwargs):
    try:
        obs = read_observations(path, fast=fast, **kwargs)
    except DataError as err:
        return str(err)
    return obs


def assert_same(path: Path, **kwargs) -> None:
    fast, slow = outcome(path, True, **kwargs), outcome(path, False, **kwargs)
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
        return
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)
    assert (fast.layout, fast.source, fast.years, fast.regions) == (
        slow.layout,
        slow.source,
        slow.years,
        slow.regions,
    )


@pytest.mark.parametrize("name", CSV_EXAMPLES)
@pytest.mark.parametrize("years", [None, [2009]])
def test_the_example_files_read_alike(name, years):
    assert_same(example_path(name), years=years)


HAND_MADE = (  # made by hand for this test: every feature of a clean file, and near-misses
    "STRUCTURE,geo: Region,nace_r2,TIME_PERIOD,OBS_VALUE,OBS_FLAG,unit,UNIT_MULT,CONF_STATUS\n"
    'x,"BE21: Antwerpen",C10-C12,2008,"12.5",p,THS_PER,,F\n'
    "\n"
    "   \n"
    "x,BE21,C20,2008,1.25e1,bp,THS_PER,0,C\n"
    "x,BE21,C26,2008,:,,THS_PER,,\n"
    "x,BE22,C10-C12,2008,-0,,PS,3,\n"
    "x,BE22,C20,2009, 7 ,e,PS,,\n"
    "x,BE22,C26,2009,.5,,THS_PER,,\n"
)
VARIANTS = [
    ("clean", lambda t: t),
    ("crlf", lambda t: t.replace("\n", "\r\n")),
    ("lone carriage return", lambda t: t.replace("\n", "\r", 3)),
    ("short row", lambda t: t + "x,BE23,C20,2008\n"),
    ("long row", lambda t: t + "x,BE23,C20,2008,1,,PS,,,extra\n"),
    ("trailing empty fields", lambda t: t + "x,BE23,C20,2008,1,,PS,,,,\n"),
    ("quoted newline", lambda t: t + 'x,"BE\n23",C20,2008,1,,PS,,\n'),
    ("negative", lambda t: t.replace("-0", "-3")),
    ("unicode digits", lambda t: t.replace(",2009,", ",\u0662\u0660\u0660\u0669,")),
    ("infinite", lambda t: t.replace("1.25e1", "1e400")),
    ("unknown unit", lambda t: t.replace(",PS,3,", ",HOURS,,")),
    ("big multiplier", lambda t: t.replace(",PS,3,", ",PS,13,")),
    ("duplicate", lambda t: t + "x,BE22,C20,2009,7,,PS,,\n"),
    ("empty region", lambda t: t.replace('"BE21: Antwerpen"', '""')),
    ("not a year", lambda t: t.replace(",2009,", ",2009-Q1,")),
    ("NUL", lambda t: t.replace("C26,2008", "C2\x006,2008")),
]


@pytest.mark.parametrize(("kind", "change"), VARIANTS, ids=[v[0] for v in VARIANTS])
@pytest.mark.parametrize("years", [None, [2008]])
def test_hand_made_variants_read_alike(tmp_path, kind, change, years):
    path = tmp_path / "hand.csv"
    path.write_bytes(change(HAND_MADE).encode("utf-8"))
    assert_same(path, years=years)
    assert_same(path, years=years, filters={"unit": "PS"})


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_clean_file_never_reaches_the_row_by_row_reader(tmp_path, monkeypatch, newline):
    # blocks of 3 lines: records, blank lines and the kept years spill over blocks
    import sim.data.fast_csv as fast_csv
    import sim.data.readers as readers

    def refuse(*args):
        raise AssertionError("a clean file was read row by row")

    monkeypatch.setattr(fast_csv, "BLOCK", 3)
    monkeypatch.setattr(readers, "_row_by_row", refuse)
    path = tmp_path / "hand.csv"
    path.write_bytes(HAND_MADE.replace("\n", newline).encode("utf-8"))
    obs = read_observations(path, fast=True)
    assert len(obs.frame) == 6
    assert obs.frame["line"].tolist() == [2, 5, 6, 7, 8, 9]
    assert obs.years == [2008, 2009] and obs.regions == ["BE21", "BE22"]
    assert len(read_observations(path, fast=True, years=[2009]).frame) == 2


@FUZZ
@given(mutated())
def test_mutated_examples_read_alike(case):
    name, data = case
    if not name.endswith(".csv"):
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.csv"
        path.write_bytes(data)
        assert_same(path)
        assert_same(path, years=[2009], regions=EXAMPLES[name][0])
