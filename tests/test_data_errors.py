"""Bad files: each gives one DataError, on one line, naming the file, the line and the problem."""

import pytest

from sim.data import DataError, load_initial_employment, read_observations

NAME = "bad_file.csv"
HEADER = "DATAFLOW,LAST UPDATE,freq,unit,nace_r2,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG"
MAPPING = {"sectors": {"farming": ["A"], "industry": ["B-E"], "services": ["F-U"]}}
# (code, geo, year, value): line 2 is the first row.
ROWS = [
    ("A", "R1", 2008, "1.0"),  # line 2
    ("B-E", "R1", 2008, "5.0"),  # line 3
    ("F-U", "R1", 2008, "9.0"),  # line 4
    ("A", "R2", 2008, "2.0"),  # line 5
    ("B-E", "R2", 2008, "4.0"),  # line 6
    ("F-U", "R2", 2008, "8.0"),  # line 7
    ("A", "EU", 2008, "10.0"),  # line 8
    ("B-E", "EU", 2008, "50.0"),  # line 9
    ("F-U", "EU", 2008, "90.0"),  # line 10
    ("A", "R3", 2009, "1.0"),  # line 11
]


def row(code, geo, year, value, flag="", unit="THS_PER"):
    return f"ESTAT:X(1.0),01/01/24 00:00:00,A,{unit},{code},{geo},{year},{value},{flag}"


def make(tmp_path, rows=ROWS, header=HEADER, extra=()):
    path = tmp_path / NAME
    path.write_text("\n".join([header, *(row(*r) for r in rows), *extra]) + "\n")
    return path


def replace(index, **changes):
    rows = [list(r) for r in ROWS]
    for key, value in changes.items():
        rows[index][("code", "geo", "year", "value").index(key)] = value
    return rows


def load(path, **kwargs):
    args = {"mapping": MAPPING, "year": 2008, "regions": ["R1", "R2"], "reference": "EU"}
    args.update(kwargs)
    return load_initial_employment(path, **args)


def check(error, line, phrase, name=NAME):
    message = str(error)
    assert name in message
    assert phrase in message, message
    if line is not None:
        assert f": line {line}: " in message
    else:
        assert ": line " not in message
    assert len(message.splitlines()) == 1


def test_good_file_loads(tmp_path):
    init = load(make(tmp_path))
    assert init.employment.tolist() == [[1000.0, 5000.0, 9000.0], [2000.0, 4000.0, 8000.0]]
    assert init.rest_of_world.tolist() == [7000.0, 41000.0, 73000.0]


CASES = {
    "missing column": (
        dict(header=HEADER.replace(",OBS_VALUE", ",VALUE")), {}, 1, "missing column 'OBS_VALUE'"
    ),
    "non-numeric value": (dict(rows=replace(2, value='"9,5"')), {}, 4, "non-numeric value '9,5'"),
    "non-finite value": (dict(rows=replace(2, value="inf")), {}, 4, "non-numeric value 'inf'"),
    "duplicated observation": (
        dict(extra=[row("B-E", "R2", 2008, "4.0")]), {}, 12,
        "duplicated observation for region R2, activity B-E, year 2008 (first on line 6)",
    ),
    "duplicate in other notation": (
        dict(extra=[row("BTE", "R2", 2008, "4.0")]), {}, 12, "duplicated observation",
    ),
    "unknown NACE code": (dict(rows=replace(1, code="C99")), {}, 3, "unknown NACE code 'C99'"),
    "empty selection": (
        {}, dict(regions=["R1", "R3"]), None, "empty selection: no rows for region R3 in 2008"
    ),
    "no regions": ({}, dict(regions=[]), None, "empty selection"),
    "year not in file": (
        {}, dict(year=2010), None, "year 2010 is not in the file; years present: 2008, 2009"
    ),
    "negative employment": (dict(rows=replace(3, value="-2.0")), {}, 5, "negative employment"),
    "region not in file": (
        {}, dict(regions=["R1", "R9"]), None, "region 'R9' is not in the file; regions present"
    ),
    "reference not in file": ({}, dict(reference="EU27"), None, "region 'EU27' is not in the file"),
    "missing value": (dict(rows=replace(4, value="")), {}, 6, "missing value for region R2"),
    "colon value": (dict(rows=replace(4, value=":")), {}, 6, "never read as 0"),
    "missing in reference": (dict(rows=replace(7, value=":")), {}, 9, "region EU, activity B-E"),
    "no row for a code": (dict(rows=[r for i, r in enumerate(ROWS) if i != 4]), {}, None,
                          "no row for region R2, activity B-E in 2008"),
    "code of mapping not in file": (
        {}, dict(mapping={"food": ["C10-C12"], "rest": ["A", "B-E except C10-C12", "F-U"]}),
        None, "activity C10-C12 of the mapping (sector food) is not in the file for 2008",
    ),
    "negative rest of world": (
        dict(rows=replace(6, value="2.5")), {}, None, "negative rest of world in sector farming"
    ),
    "year not a year": (dict(rows=replace(0, year="2008-Q1")), {}, 2, "is not a year"),
    "unit not persons": (
        dict(extra=[row("A", "R4", 2008, "1.0", unit="PC_TOT")]), {}, 12,
        "is not a count of persons",
    ),
    "ragged row": (dict(extra=["ESTAT:X(1.0),x,A,THS_PER,A,R5"]), {}, 12, "the row has 6 fields"),
    "bad missing rule": ({}, dict(missing="zero"), None, "missing='zero' is not one of"),
    "reference is a region": ({}, dict(reference="R1"), None, "is also a model region"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file(tmp_path, case):
    file_args, load_args, line, phrase = CASES[case]
    path = make(tmp_path, **file_args)
    with pytest.raises(DataError) as info:
        load(path, **load_args)
    check(info.value, line, phrase)


def test_impute_fails_when_two_parts_are_missing(tmp_path):
    rows = replace(1, value=":")
    rows.append(("TOTAL", "R1", 2008, "15.0"))
    rows[0] = ("A", "R1", 2008, ":")
    path = make(tmp_path, rows=rows)
    with pytest.raises(DataError) as info:
        load(path, missing="impute_from_aggregate")
    check(info.value, 2, "no aggregate of the file has all its other parts known")
    rows[0] = ("A", "R1", 2008, "1.0")
    init = load(make(tmp_path, rows=rows), missing="impute_from_aggregate")
    assert init.employment[0].tolist() == [1000.0, 5000.0, 9000.0]


def test_unreadable_files(tmp_path):
    with pytest.raises(DataError) as info:
        read_observations(tmp_path / NAME)
    check(info.value, None, "cannot read the file")
    with pytest.raises(DataError) as info:
        read_observations(tmp_path)
    check(info.value, None, "cannot read the file", name=tmp_path.name)
    path = tmp_path / NAME
    path.write_bytes(
        (HEADER + "\n" + row("A", "R1", 2008, "1.0") + "\nR\xe9gion\n").encode("latin-1")
    )
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 3, "cannot decode the file as UTF-8")
    path.write_bytes(b"")
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 1, "the file is empty")
    path.write_bytes(HEADER.encode() + b"\nA,\x00B\n")
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 2, "NUL characters")
    path.write_text(HEADER + "\n" + row("A", "R1", 2008, "1.0") + ',"' + "x" * 200_000 + '"\n')
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 2, "not readable as CSV")
    path.write_bytes("region,sector,year,employment\n".encode("utf-16"))
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 1, "cannot decode")


def test_unrecognised_header(tmp_path):
    path = tmp_path / NAME
    path.write_text("country,industry,when,jobs\nBE,C,2008,1\n")
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 1, "unrecognised header: columns found: 'country', 'industry'")


def test_long_file_missing_column(tmp_path):
    path = tmp_path / NAME
    path.write_text("region,sector,year\nR1,A,2008\n")
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 1, "missing column 'employment'")


def test_line_numbers_count_quoted_line_breaks(tmp_path):
    path = tmp_path / NAME
    text = 'region,sector,year,employment,note\nR1,A,2008,1,"two\nlines"\nR1,F,2008,x,\n'
    path.write_text(text)
    with pytest.raises(DataError) as info:
        read_observations(path)
    check(info.value, 4, "non-numeric value 'x'")


def test_message_with_control_characters_stays_on_one_line(tmp_path):
    path = tmp_path / NAME
    path.write_text('region,sector,year,employment\nR1,"A\u2028B\rC",2008,1\n')
    with pytest.raises(DataError) as info:
        load_initial_employment(path, {"a": ["A"]}, 2008, ["R1"])
    check(info.value, 2, "unknown NACE code")


def test_shortfall_within_rounding_is_accepted_and_reported(tmp_path):
    # EU farming 2.9 thousand < R1 1.0 + R2 2.0: 100 persons short; three values of
    # one decimal are each within 50 persons, so up to 150 is rounding.
    init = load(make(tmp_path, rows=replace(6, value="2.9")))
    assert init.rest_of_world[0] == 0.0
    report = init.rounding.to_dict("records")
    assert report == [
        {"region": "EU", "sector": "farming", "difference": "rest_of_world",
         "shortfall": pytest.approx(100.0), "tolerance": pytest.approx(150.0)}
    ]  # fmt: skip


def test_shortfall_beyond_rounding_is_an_error(tmp_path):
    # 2.8 is 200 persons short, more than the 150 the rounding allows.
    with pytest.raises(DataError) as info:
        load(make(tmp_path, rows=replace(6, value="2.8")))
    check(info.value, None, "by more than the rounding of the published values (150)")


def test_rounding_follows_the_digits_written(tmp_path):
    # Whole thousands ("3", "1", "2"): each within 500 persons, so a shortfall of
    # 1000 (EU 2 < 1 + 2) is within the 1500 allowed; with tenths it is not.
    rows = [list(r) for r in ROWS]
    rows[0][3], rows[3][3], rows[6][3] = "1", "2", "2"
    init = load(make(tmp_path, rows=rows))
    assert init.rounding["tolerance"].tolist() == [pytest.approx(1500.0)]
    rows[0][3], rows[3][3], rows[6][3] = "1.0", "2.0", "2.0"
    with pytest.raises(DataError, match="negative rest of world in sector farming"):
        load(make(tmp_path, rows=rows))


def test_no_report_when_the_rest_is_positive(tmp_path):
    assert load(make(tmp_path)).rounding.empty
