"""Tests of sim.metrics against hand-computed examples, edge cases and invariants."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.metrics import (
    cosine_relatedness,
    count_specialisations,
    entropy,
    herfindahl,
    krugman_index,
    period_labels,
    period_means,
    period_windows,
    proximity,
    rca,
    rca_frame,
    related_unrelated_variety,
    relatedness_density,
    rsca,
    specialisation_changes,
    whole_periods,
)

# Worked example used throughout: two regions x three sectors.
#   region A: [10, 20, 10], total 40 -> shares [0.25, 0.5, 0.25]
#   region B: [ 0, 30, 30], total 60 -> shares [0, 0.5, 0.5]
#   rest of world: [30, 50, 20]
#   reference (A + B + rest): [40, 100, 60], total 200 -> shares [0.2, 0.5, 0.3]
# RCA = regional share / reference share:
#   A: [0.25/0.2, 0.5/0.5, 0.25/0.3] = [1.25, 1, 5/6]
#   B: [0/0.2,    0.5/0.5, 0.5/0.3 ] = [0,    1, 5/3]
EMPLOYMENT = np.array([[10.0, 20.0, 10.0], [0.0, 30.0, 30.0]])
REFERENCE = np.array([40.0, 100.0, 60.0])
RCA_BY_HAND = np.array([[1.25, 1.0, 5 / 6], [0.0, 1.0, 5 / 3]])

RNG = np.random.default_rng(20240601)

# Proximity example: four observations x four sectors (sector 3 never present).
#   counts c = [3, 2, 1, 0]; co-occurrences C01 = 2 (rows 0, 2), C02 = 1, C12 = 1 (row 2)
#   phi01 = 2 / max(3, 2) = 2/3, phi02 = 1 / max(3, 1) = 1/3, phi12 = 1 / max(2, 1) = 1/2
PRESENCE_OBS = np.array(
    [[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]],
    dtype=bool,
)
PHI_BY_HAND = np.array(
    [
        [0.0, 2 / 3, 1 / 3, 0.0],
        [2 / 3, 0.0, 1 / 2, 0.0],
        [1 / 3, 1 / 2, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ]
)
PHI3 = PHI_BY_HAND[:3, :3]


def employment_arrays(shape=(3, 4)):
    return arrays(np.float64, shape, elements=st.integers(0, 50).map(float))


# ----------------------------------------------------------------------------- rca


def test_rca_matches_hand_computation():
    np.testing.assert_allclose(rca(EMPLOYMENT, REFERENCE), RCA_BY_HAND)


def test_rca_zero_region_and_zero_reference_sector_give_zero():
    # Region 0 has no employment; reference sector 2 is empty.
    # Region 1: shares [0.5, 0.5, 0]; reference [60, 40, 0] -> shares [0.6, 0.4, 0]
    #   rca = [0.5/0.6, 0.5/0.4, 0 (convention)] = [5/6, 1.25, 0]
    employment = np.array([[0.0, 0.0, 0.0], [5.0, 5.0, 0.0]])
    reference = np.array([60.0, 40.0, 0.0])
    out = rca(employment, reference)
    np.testing.assert_allclose(out, [[0.0, 0.0, 0.0], [5 / 6, 1.25, 0.0]])
    assert np.isfinite(out).all()


def test_rca_over_the_sectors_with_statistics_leaves_the_others_out_of_the_totals():
    # region 1: [5, 5, 10]; reference [60, 40, 300]. Over the first two sectors only:
    # shares [0.5, 0.5] against [0.6, 0.4]; the third sector (no statistics) is 0
    employment = np.array([[1.0, 3.0, 4.0], [5.0, 5.0, 10.0]])
    reference = np.array([60.0, 40.0, 300.0])
    known = np.array([True, True, False])
    out = rca(employment, reference, known)
    np.testing.assert_allclose(out[1], [5 / 6, 1.25, 0.0])
    np.testing.assert_allclose(out, rca(employment * known, reference * known))
    assert not np.allclose(out[:, :2], rca(employment, reference)[:, :2])
    # every sector known: the plain index, bit for bit
    everything = np.ones(3, dtype=bool)
    np.testing.assert_array_equal(
        rca(employment, reference, everything), rca(employment, reference)
    )


def test_rca_leading_year_axis_equals_loop_over_years():
    employment = RNG.integers(0, 40, size=(5, 3, 4)).astype(float)
    reference = employment.sum(axis=1) + RNG.integers(1, 40, size=(5, 4))
    stacked = rca(employment, reference)
    assert stacked.shape == (5, 3, 4)
    for year in range(5):
        np.testing.assert_allclose(stacked[year], rca(employment[year], reference[year]))


def test_rca_broadcasts_one_reference_over_years():
    employment = np.stack([EMPLOYMENT, 2 * EMPLOYMENT])
    out = rca(employment, REFERENCE)
    np.testing.assert_allclose(out, np.stack([RCA_BY_HAND, RCA_BY_HAND]))


@pytest.mark.parametrize(
    ("employment", "reference", "match"),
    [
        (np.array([1.0, 2.0, 3.0]), REFERENCE, r"employment: expected shape"),
        (EMPLOYMENT, np.array([1.0, 2.0]), r"reference: has 2 sectors"),
        (-EMPLOYMENT, REFERENCE, r"employment: contains negative"),
        (EMPLOYMENT, -REFERENCE, r"reference: contains negative"),
        (np.where(EMPLOYMENT == 0, np.nan, EMPLOYMENT), REFERENCE, r"employment: contains NaN"),
        (np.zeros((2, 2, 3)), np.ones((3, 3)), r"reference: leading axes"),
        (EMPLOYMENT, np.float64(3.0), r"reference: expected shape"),
    ],
)
def test_rca_rejects_bad_input(employment, reference, match):
    with pytest.raises(ValueError, match=match):
        rca(employment, reference)


# ----------------------------------------------------------------------------- rsca


def test_rsca_matches_hand_computation():
    # (1.25-1)/(2.25) = 1/9; (5/6-1)/(11/6) = -1/11; (0-1)/1 = -1; (5/3-1)/(8/3) = 1/4
    expected = np.array([[1 / 9, 0.0, -1 / 11], [-1.0, 0.0, 0.25]])
    np.testing.assert_allclose(rsca(RCA_BY_HAND), expected, atol=1e-15)


def test_rsca_passes_nan_through():
    out = rsca(np.array([np.nan, 3.0]))
    assert np.isnan(out[0])
    assert out[1] == pytest.approx(0.5)


@given(employment_arrays(), arrays(np.float64, 4, elements=st.integers(1, 50).map(float)))
def test_rsca_lies_in_minus_one_to_one(employment, rest):
    values = rsca(rca(employment, employment.sum(axis=0) + rest))
    assert (values >= -1).all()
    assert (values < 1).all()


@pytest.mark.parametrize(
    ("values", "match"),
    [(np.array([-0.5]), "rca_values: contains negative"), (np.array([np.inf]), "infinite")],
)
def test_rsca_rejects_bad_input(values, match):
    with pytest.raises(ValueError, match=match):
        rsca(values)


# ----------------------------------------------------------------------------- periods


def test_period_labels_consecutive_windows_and_partial_last():
    years = np.array([1998, 1999, 2001, 2002, 2005, 2030])
    # (2030 - 1998) // 4 = 8 -> window starts at 1998 + 32 = 2030 and ends with the data
    expected = ["1998-2001", "1998-2001", "1998-2001", "2002-2005", "2002-2005", "2030-2030"]
    assert period_labels(years, 1998).tolist() == expected
    assert whole_periods(years, 1998).tolist() == [True] * 5 + [False]
    # an explicit end beyond the data: 2030 is in 2030-2031, still partial
    assert period_labels(years, 1998, end=2031)[-1] == "2030-2031"
    assert whole_periods(np.array([2030]), 1998, end=2033).tolist() == [True]


def test_period_windows_end_before_data_is_rejected():
    with pytest.raises(ValueError, match=r"years: 2030 is after end 2029"):
        period_windows(np.array([1998, 2030]), 1998, 4, end=2029)


def test_period_labels_other_lengths_and_float_years():
    assert period_labels(np.array([2000, 2001, 2002]), 2000, length=1).tolist() == [
        "2000-2000",
        "2001-2001",
        "2002-2002",
    ]
    # 2004 - 2000 = 4 -> 4 // 3 = 1 -> window 2003-2005, cut at the data's end 2004
    assert period_labels(np.array([2000.0, 2004.0]), 2000, length=3).tolist() == [
        "2000-2002",
        "2003-2004",
    ]
    assert period_labels(np.array([2000.0, 2004.0]), 2000, length=3, end=2005)[-1] == "2003-2005"


@pytest.mark.parametrize(
    ("years", "start", "length", "match"),
    [
        (np.array([1997, 1998]), 1998, 4, r"years: 1997 is before start 1998"),
        (np.array([1998]), 1998, 0, r"length: must be >= 1"),
        (np.array([1998.5]), 1998, 4, r"years: must hold integer"),
        (np.array([1998]), 1998, True, r"length: must be an integer"),
        (np.array([1998]), 1998.0, 4, r"start: must be an integer"),
    ],
)
def test_period_labels_rejects_bad_input(years, start, length, match):
    with pytest.raises(ValueError, match=match):
        period_labels(years, start, length)


def _period_frame():
    return pd.DataFrame(
        {
            "year": [1998, 1999, 2000, 2001, 2002, 2003, 1998, 2002, 2003],
            "region": ["A"] * 6 + ["B"] * 3,
            "sector": ["s"] * 9,
            "x": [1.0, 2.0, 3.0, 6.0, 10.0, 20.0, 4.0, np.nan, 8.0],
            "y": [0.0] * 9,
        }
    )


def test_period_means_by_hand():
    # A: 1998-2001 mean(1, 2, 3, 6) = 3; 2002-2005 mean(10, 20) = 15
    # B: 1998-2001 mean(4) = 4;          2002-2005 mean(NaN, 8) = 8 (NaN skipped)
    # the data end in 2003, so the second period is the partial 2002-2003
    frame = _period_frame().sample(frac=1.0, random_state=3)  # order must not matter
    out = period_means(frame, ["x"], start=1998, by=("region",))
    assert list(out.columns) == ["period", "region", "x", "whole"]
    assert out["period"].tolist() == ["1998-2001", "1998-2001", "2002-2003", "2002-2003"]
    assert out["region"].tolist() == ["A", "B", "A", "B"]
    assert out["whole"].tolist() == [True, True, False, False]
    np.testing.assert_allclose(out["x"], [3.0, 4.0, 15.0, 8.0])


def test_period_means_default_by_and_no_by():
    out = period_means(_period_frame(), ["x", "y"], start=1998)
    assert list(out.columns) == ["period", "region", "sector", "x", "y", "whole"]
    assert len(out) == 4
    # No by: 1998-2001 mean(1, 2, 3, 6, 4) = 3.2; 2002-2005 mean(10, 20, 8) = 38/3
    pooled = period_means(_period_frame(), ["x"], start=1998, by=())
    assert list(pooled.columns) == ["period", "x", "whole"]
    np.testing.assert_allclose(pooled["x"], [3.2, 38 / 3])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"columns": ["z"]}, r"frame: missing columns \['z'\]"),
        ({"columns": ["sector"], "by": ("region",)}, r"columns: 'sector' is not numeric"),
        ({"columns": ["x"], "by": "region"}, r"by/columns: must be sequences"),
        ({"columns": ["x", "x"]}, r"columns: .* must be distinct"),
        ({"columns": ["region"]}, r"columns: .* must be distinct"),
        ({"columns": ["x"], "length": 0}, r"length: must be >= 1"),
        ({"columns": ["x"], "start": 2000}, r"years: 1998 is before start 2000"),
    ],
)
def test_period_means_rejects_bad_input(kwargs, match):
    kwargs = {"start": 1998, **kwargs}
    with pytest.raises(ValueError, match=match):
        period_means(_period_frame(), **kwargs)


def test_period_means_rejects_period_column():
    frame = _period_frame().assign(period=1.0)
    with pytest.raises(ValueError, match="no 'period'"):
        period_means(frame, ["period"], start=1998)


# ----------------------------------------------------------------------------- rca_frame


def _long_employment():
    # 2020: the worked example; region B's first sector is missing (0).
    # 2021: A [20, 20, 20] (s1 split over two rows), B [10, 10, 20], rest [10, 70, 60]
    #   reference [40, 100, 100], total 240 -> shares [1/6, 5/12, 5/12]
    #   A shares 1/3 each   -> rca [2, 0.8, 0.8]
    #   B [0.25, 0.25, 0.5] -> rca [1.5, 0.6, 1.2]
    rows = [
        (2020, "A", "s1", 10),
        (2020, "A", "s2", 20),
        (2020, "A", "s3", 10),
        (2020, "B", "s2", 30),
        (2020, "B", "s3", 30),
        (2020, "rest_of_world", "s1", 30),
        (2020, "rest_of_world", "s2", 50),
        (2020, "rest_of_world", "s3", 20),
        (2021, "A", "s1", 12),
        (2021, "A", "s1", 8),
        (2021, "A", "s2", 20),
        (2021, "A", "s3", 20),
        (2021, "B", "s1", 10),
        (2021, "B", "s2", 10),
        (2021, "B", "s3", 20),
        (2021, "rest_of_world", "s1", 10),
        (2021, "rest_of_world", "s2", 70),
        (2021, "rest_of_world", "s3", 60),
    ]
    frame = pd.DataFrame(rows, columns=["year", "region", "sector", "employment"])
    return frame.sample(frac=1.0, random_state=7)


def test_rca_frame_by_hand_with_missing_cell_and_duplicates():
    out = rca_frame(_long_employment())
    assert list(out.columns) == ["year", "region", "sector", "rca", "rsca"]
    assert len(out) == 12
    assert "rest_of_world" not in set(out["region"])
    assert out["year"].tolist() == [2020] * 6 + [2021] * 6
    assert out["region"].tolist() == ["A"] * 3 + ["B"] * 3 + ["A"] * 3 + ["B"] * 3
    assert out["sector"].tolist() == ["s1", "s2", "s3"] * 4
    expected = [1.25, 1.0, 5 / 6, 0.0, 1.0, 5 / 3, 2.0, 0.8, 0.8, 1.5, 0.6, 1.2]
    np.testing.assert_allclose(out["rca"], expected)
    np.testing.assert_allclose(out["rsca"], (np.array(expected) - 1) / (np.array(expected) + 1))


def test_rca_frame_region_missing_in_a_year_gets_zero():
    frame = pd.DataFrame(
        {
            "year": [1, 1, 2, 2, 2],
            "region": ["A", "row", "A", "C", "row"],
            "sector": ["x", "y", "x", "x", "y"],
            "employment": [5.0, 5.0, 5.0, 5.0, 10.0],
        }
    )
    out = rca_frame(frame, rest_of_world="row")
    # year 1: reference [5, 5] -> shares [0.5, 0.5]; A = [1, 0] -> rca [2, 0]; C absent -> 0
    # year 2: reference [10, 10] -> shares [0.5, 0.5]; A, C = [1, 0] -> rca [2, 0]
    assert out["region"].tolist() == ["A", "A", "C", "C"] * 2
    np.testing.assert_allclose(out["rca"], [2, 0, 0, 0, 2, 0, 2, 0])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda f: f.drop(columns="sector"), r"employment: missing columns \['sector'\]"),
        (lambda f: f[f["region"] != "rest_of_world"], r"rest_of_world: no rows"),
        (lambda f: f.assign(employment=-f["employment"]), r"must be finite and non-negative"),
        (lambda f: f.assign(employment=np.nan), r"must be finite and non-negative"),
        (lambda f: f.assign(sector=None), r"column 'sector' has missing values"),
    ],
)
def test_rca_frame_rejects_bad_input(change, match):
    with pytest.raises(ValueError, match=match):
        rca_frame(change(_long_employment()))


# ----------------------------------------------------------------------------- krugman


def test_krugman_by_hand():
    # A: |0.25-0.2| + |0.5-0.5| + |0.25-0.3| = 0.1; B: 0.2 + 0 + 0.2 = 0.4
    np.testing.assert_allclose(krugman_index(EMPLOYMENT, REFERENCE), [0.1, 0.4])


def test_krugman_bounds_and_zero_region():
    employment = np.array([[4.0, 10.0, 6.0], [0.0, 0.0, 7.0], [0.0, 0.0, 0.0]])
    reference = np.array([40.0, 100.0, 0.0])
    # Region 0 has the reference's shares [0.2, 0.5, 0.3] of REFERENCE -> 0.
    np.testing.assert_allclose(krugman_index(employment[:1], REFERENCE), [0.0], atol=1e-15)
    # Region 1 only in sector 2, which the reference [0.4, 0.6, 0] lacks:
    #   |0 - 0.4| + |0 - 0.6| + |1 - 0| = 2 (the maximum); region 2 is empty -> NaN.
    out = krugman_index(employment, reference)
    assert out[1] == pytest.approx(2.0)
    assert np.isnan(out[2])
    assert np.isnan(krugman_index(EMPLOYMENT, np.zeros(3))).all()


def test_krugman_rejects_bad_input():
    with pytest.raises(ValueError, match="reference: has 2 sectors"):
        krugman_index(EMPLOYMENT, np.ones(2))
    with pytest.raises(ValueError, match="employment: contains negative"):
        krugman_index(-EMPLOYMENT, REFERENCE)


# ----------------------------------------------------------------------------- diversity


def test_herfindahl_by_hand_and_bounds():
    # A: 0.25^2 + 0.5^2 + 0.25^2 = 0.375; B: 0.5^2 + 0.5^2 = 0.5
    np.testing.assert_allclose(herfindahl(EMPLOYMENT), [0.375, 0.5])
    uniform_and_single = np.array([[3.0] * 5, [0, 0, 9.0, 0, 0], [0.0] * 5])
    out = herfindahl(uniform_and_single)
    np.testing.assert_allclose(out[:2], [1 / 5, 1.0])
    assert np.isnan(out[2])


def test_entropy_by_hand_and_bounds():
    # A: -(0.25 log2 0.25 * 2 + 0.5 log2 0.5) = 0.5 + 0.5 + 0.5 = 1.5; B: 1
    np.testing.assert_allclose(entropy(EMPLOYMENT), [1.5, 1.0])
    out = entropy(np.array([[2.0] * 8, [0, 4.0, 0, 0, 0, 0, 0, 0], [0.0] * 8]))
    np.testing.assert_allclose(out[:2], [3.0, 0.0])  # log2(8) = 3; one sector -> 0
    assert np.isnan(out[2])


def test_variety_by_hand():
    # Four equal sectors, groups {0, 1} and {2, 3}: P = [1/2, 1/2] -> UV = 1;
    # within each group two equal shares -> H_g = 1, RV = 1/2 + 1/2 = 1.
    related, unrelated = related_unrelated_variety(np.ones((1, 4)), np.array([0, 0, 1, 1]))
    np.testing.assert_allclose(related, [1.0])
    np.testing.assert_allclose(unrelated, [1.0])
    # Worked example, groups [0, 0, 1]:
    #   A: P = [0.75, 0.25] -> UV = -(0.75 log2 0.75 + 0.25 log2 0.25) = 2 - 0.75 log2 3
    #      RV = 0.75 * H(1/3, 2/3) = 0.75 (log2 3 - 2/3) = 0.75 log2 3 - 0.5
    #   B: P = [0.5, 0.5] -> UV = 1; RV = 0.5 * H(0, 1) + 0.5 * 0 = 0
    related, unrelated = related_unrelated_variety(EMPLOYMENT, np.array([0, 0, 1]))
    np.testing.assert_allclose(related, [0.75 * math.log2(3) - 0.5, 0.0], atol=1e-15)
    np.testing.assert_allclose(unrelated, [2 - 0.75 * math.log2(3), 1.0])


def test_variety_group_ids_need_not_be_contiguous_and_zero_row_is_nan():
    employment = np.vstack([EMPLOYMENT, np.zeros(3)])
    a = related_unrelated_variety(employment, np.array([0, 0, 1]))
    b = related_unrelated_variety(employment, np.array([42, 42, -7]))
    np.testing.assert_allclose(a, b)
    assert np.isnan(a[0][2]) and np.isnan(a[1][2])


@settings(max_examples=60)
@given(employment_arrays((3, 6)), arrays(np.int64, 6, elements=st.integers(0, 2)))
def test_variety_decomposes_entropy(employment, groups):
    related, unrelated = related_unrelated_variety(employment, groups)
    np.testing.assert_allclose(related + unrelated, entropy(employment), atol=1e-12)
    assert np.all(related[~np.isnan(related)] >= -1e-12)


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        (np.array([0, 1]), r"groups: expected shape \(3,\)"),
        (np.array([0.0, 0.0, 1.0]), r"groups: must hold integer group ids"),
    ],
)
def test_variety_rejects_bad_groups(groups, match):
    with pytest.raises(ValueError, match=match):
        related_unrelated_variety(EMPLOYMENT, groups)


# ----------------------------------------------------------------------------- leading axes


@pytest.mark.parametrize(
    "func",
    [
        herfindahl,
        entropy,
        count_specialisations,
        lambda e: related_unrelated_variety(e, np.array([0, 1, 1, 2]))[0],
        lambda e: krugman_index(e, e.sum(axis=-2) + 1.0),
        lambda e: relatedness_density(e > 10, cosine_relatedness(np.eye(4) + 0.5)),
    ],
)
def test_leading_axis_equals_loop(func):
    employment = RNG.integers(0, 20, size=(3, 5, 4)).astype(float)
    employment[1, 2] = 0.0  # one empty region
    stacked = func(employment)
    for year in range(3):
        np.testing.assert_allclose(stacked[year], func(employment[year]))


@pytest.mark.parametrize("func", [herfindahl, entropy, count_specialisations])
def test_region_functions_reject_one_dimensional_input(func):
    with pytest.raises(ValueError, match=r"expected shape \(\.\.\., R, S\)"):
        func(np.ones(3))


# ----------------------------------------------------------------------------- relatedness


def test_cosine_relatedness_by_hand():
    # a0 = (1, 0), a1 = (1, 1), a2 = (0, 2):
    #   cos01 = 1 / sqrt(2); cos02 = 0; cos12 = 2 / (sqrt(2) * 2) = 1 / sqrt(2)
    out = cosine_relatedness(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]]))
    h = 1 / math.sqrt(2)
    np.testing.assert_allclose(out, [[1, h, 0], [h, 1, h], [0, h, 1]], atol=1e-15)
    assert (out == out.T).all()


@pytest.mark.parametrize(
    ("profiles", "match"),
    [
        (np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]), r"profiles: row 1 is all zeros"),
        (np.array([[1.0, -1.0]]), r"profiles: contains negative"),
        (np.ones(3), r"profiles: expected shape \(S, K\)"),
    ],
)
def test_cosine_relatedness_rejects_bad_input(profiles, match):
    with pytest.raises(ValueError, match=match):
        cosine_relatedness(profiles)


def test_proximity_by_hand():
    out = proximity(PRESENCE_OBS)
    np.testing.assert_allclose(out, PHI_BY_HAND)
    # 0/1 integers give the same result as booleans
    np.testing.assert_allclose(proximity(PRESENCE_OBS.astype(int)), PHI_BY_HAND)


@given(arrays(np.bool_, (6, 5)))
def test_proximity_is_symmetric_with_zero_diagonal(presence):
    out = proximity(presence)
    assert (out == out.T).all()
    assert (np.diag(out) == 0).all()
    assert ((out >= 0) & (out <= 1)).all()


@pytest.mark.parametrize(
    ("presence", "match"),
    [
        (np.array([[0, 2]]), r"presence: must be boolean or hold only 0 and 1"),
        (np.array([1, 0]), r"presence: expected shape \(N, S\)"),
    ],
)
def test_proximity_rejects_bad_input(presence, match):
    with pytest.raises(ValueError, match=match):
        proximity(presence)


def test_relatedness_density_by_hand():
    # x = [1, 0, 1], phi = PHI3 (zero diagonal):
    #   d0 = (2/3 * 0 + 1/3 * 1) / (2/3 + 1/3) = 1/3
    #   d1 = (2/3 * 1 + 1/2 * 1) / (2/3 + 1/2) = 1
    #   d2 = (1/3 * 1 + 1/2 * 0) / (1/3 + 1/2) = 2/5
    x = np.array([[True, False, True]])
    np.testing.assert_allclose(relatedness_density(x, PHI3), [[1 / 3, 1.0, 2 / 5]])
    # Fractional x = [0.5, 0, 1]:
    #   d0 = (1/3) / 1 = 1/3; d1 = (2/3 * 0.5 + 1/2) / (7/6) = 5/7; d2 = (1/3 * 0.5) / (5/6) = 1/5
    frac = np.array([[0.5, 0.0, 1.0]])
    np.testing.assert_allclose(relatedness_density(frac, PHI3), [[1 / 3, 5 / 7, 1 / 5]])


def test_relatedness_density_include_own_with_unit_diagonal():
    # Same x, unit diagonal counted (ecomplexity-style):
    #   d0 = (1 + 0 + 1/3) / 2 = 2/3; d1 = (2/3 + 0 + 1/2) / (13/6) = 7/13
    #   d2 = (1/3 + 0 + 1) / (11/6) = 8/11
    phi = PHI3 + np.eye(3)
    x = np.array([[1.0, 0.0, 1.0]])
    np.testing.assert_allclose(
        relatedness_density(x, phi, include_own=True), [[2 / 3, 7 / 13, 8 / 11]]
    )
    # Without include_own the diagonal is ignored, whatever it holds.
    np.testing.assert_allclose(relatedness_density(x, phi), [[1 / 3, 1.0, 2 / 5]])


def test_relatedness_density_zero_denominator_gives_zero():
    # Sector 2 is related to nothing: d2 = 0 even though all sectors are present.
    phi = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(relatedness_density(np.ones((1, 3)), phi), [[1.0, 1.0, 0.0]])


@given(
    arrays(np.float64, (4, 5), elements=st.floats(0, 1)),
    arrays(np.float64, (5, 5), elements=st.floats(0, 10)),
    st.booleans(),
)
def test_relatedness_density_lies_in_unit_interval(presence, relatedness, include_own):
    out = relatedness_density(presence, relatedness, include_own=include_own)
    assert ((out >= 0) & (out <= 1)).all()


@pytest.mark.parametrize(
    ("presence", "relatedness", "match"),
    [
        (np.array([[0.0, 1.5, 0.0]]), PHI3, r"presence: values must lie in \[0, 1\]"),
        (np.array([[0.0, 1.0, 0.0]]), PHI_BY_HAND, r"relatedness: expected shape \(3, 3\)"),
        (np.array([[0.0, 1.0, 0.0]]), -PHI3, r"relatedness: contains negative"),
        (np.array([0.0, 1.0, 0.0]), PHI3, r"presence: expected shape"),
    ],
)
def test_relatedness_density_rejects_bad_input(presence, relatedness, match):
    with pytest.raises(ValueError, match=match):
        relatedness_density(presence, relatedness)


# ----------------------------------------------------------------------------- changes


# Three periods, one region, six sectors (threshold 1):
#   s0 [0.5,  1.2, 1.3] gained (hold 1 and 2)
#   s1 [0.5,  0.8, 1.3] gained with hold 1 only
#   s2 [1.5,  0.7, 0.9] lost (hold 1 and 2)
#   s3 [1.5,  1.1, 0.9] lost with hold 1 only
#   s4 [1.0,  1.0, 1.0] neither (at threshold counts as specialised)
#   s5 [0.99, 1.0, 1.0] gained (hold 1 and 2)
CHANGES = np.array(
    [
        [0.5, 0.5, 1.5, 1.5, 1.0, 0.99],
        [1.2, 0.8, 0.7, 1.1, 1.0, 1.0],
        [1.3, 1.3, 0.9, 0.9, 1.0, 1.0],
    ]
)[:, None, :]


def test_specialisation_changes_hold_two():
    gained, lost = specialisation_changes(CHANGES, hold=2)
    assert gained.shape == (1, 6) and gained.dtype == bool
    assert gained[0].tolist() == [True, False, False, False, False, True]
    assert lost[0].tolist() == [False, False, True, False, False, False]


def test_specialisation_changes_hold_one_and_threshold():
    gained, lost = specialisation_changes(CHANGES, hold=1)
    assert gained[0].tolist() == [True, True, False, False, False, True]
    assert lost[0].tolist() == [False, False, True, True, False, False]
    # Threshold 1.25, hold 1: s0, s1 end at 1.3 -> gained; s2, s3 start at 1.5 and end at 0.9
    # -> lost; s5 ends at 1.0 < 1.25 -> no longer gained; s4 stays below -> neither.
    gained, lost = specialisation_changes(CHANGES, threshold=1.25, hold=1)
    assert gained[0].tolist() == [True, True, False, False, False, False]
    assert lost[0].tolist() == [False, False, True, True, False, False]


@pytest.mark.parametrize(
    ("values", "kwargs", "match"),
    [
        (CHANGES, {"hold": 0}, r"hold: must be >= 1"),
        (CHANGES, {"hold": 3}, r"hold: must be <= P - 1 = 2"),
        (CHANGES, {"hold": 1.0}, r"hold: must be an integer"),
        (CHANGES[:, 0, :], {}, r"rca_by_period: expected shape \(P, R, S\)"),
        (-CHANGES, {}, r"rca_by_period: contains negative"),
        (CHANGES, {"threshold": 0.0}, r"threshold: must be finite and > 0"),
    ],
)
def test_specialisation_changes_rejects_bad_input(values, kwargs, match):
    with pytest.raises(ValueError, match=match):
        specialisation_changes(values, **kwargs)


def test_count_specialisations_by_hand():
    # A: [1.25, 1, 5/6] -> 2 at >= 1; B: [0, 1, 5/3] -> 2; at >= 1.5: A 0, B 1
    assert count_specialisations(RCA_BY_HAND).tolist() == [2, 2]
    assert count_specialisations(RCA_BY_HAND, threshold=1.5).tolist() == [0, 1]
    assert count_specialisations(np.array([[np.nan, 2.0]])).tolist() == [1]


def test_count_specialisations_rejects_bad_input():
    with pytest.raises(ValueError, match="rca_values: contains negative"):
        count_specialisations(-RCA_BY_HAND)
    with pytest.raises(ValueError, match="threshold: must be finite"):
        count_specialisations(RCA_BY_HAND, threshold=np.inf)
