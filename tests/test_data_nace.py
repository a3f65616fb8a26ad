"""NACE codes: both notations, aggregation levels, canonical spelling."""

import pytest

from sim.data import nace


@pytest.mark.parametrize(
    ("eurostat", "oecd"),
    [
        ("TOTAL", "_T"),
        ("B-E", "BTE"),
        ("G-I", "GTI"),
        ("M_N", "MTN"),
        ("O-Q", "OTQ"),
        ("R-U", "RTU"),
        ("C10-C12", "C10T12"),
        ("C13-C15", "C13T15"),
        ("C22_C23", "C22_23"),
        ("C29_C30", "C29_30"),
        ("C31-C33", "C31T33"),
        ("J62_J63", "J62_63"),
        ("A", "A01T03"),
        ("D_E", "D35T39"),  # a range of divisions across sections, the end's letter left out
    ],
)
def test_both_notations_are_one_code(eurostat, oecd):
    assert nace.divisions(eurostat) == nace.divisions(oecd)
    assert nace.normalise(oecd) == eurostat
    assert nace.normalise(eurostat) == eurostat


def test_divisions_of_some_codes():
    assert nace.divisions("C10-C12") == {10, 11, 12}
    assert nace.divisions("M_N") == set(range(69, 76)) | set(range(77, 83))
    assert nace.divisions("B-E") == nace.divisions("B") | nace.divisions("C") | {35, 36, 37, 38, 39}
    assert nace.divisions(" c20 ") == {20}
    assert nace.divisions("T") == {97, 98}  # the section T, not a range separator


@pytest.mark.parametrize("level", [nace.A21, nace.A38])
def test_a21_and_a38_partition_the_economy(level):
    sets = [nace.divisions(code) for code in level]
    assert sum(len(s) for s in sets) == len(nace.ALL_DIVISIONS)
    assert frozenset().union(*sets) == nace.ALL_DIVISIONS
    assert [nace.normalise(code) for code in level] == list(level)


def test_a10_covers_the_economy_with_c_inside_b_to_e():
    sets = {code: nace.divisions(code) for code in nace.A10}
    assert sets["C"] < sets["B-E"]
    without_c = [s for code, s in sets.items() if code != "C"]
    assert sum(len(s) for s in without_c) == len(nace.ALL_DIVISIONS)


def test_render_uses_eurostat_conventions():
    assert nace.render({10, 11, 12}) == "C10-C12"
    assert nace.render({22, 23}) == "C22_C23"
    assert nace.render(nace.divisions("B") | nace.divisions("D") | nace.divisions("E")) == "B_D_E"
    assert nace.render(nace.ALL_DIVISIONS) == "TOTAL"
    with pytest.raises(ValueError):
        nace.render(set())


@pytest.mark.parametrize(
    "code",
    ["", "Z", "C24A", "C10.1", "B10", "C12-C10", "E-B", "C_", "__", "04", "C34", "X-Y", "C10-D39"],
)
def test_codes_that_are_not_nace(code):
    with pytest.raises(ValueError):
        nace.divisions(code)
