"""Initial employment from the example files: values, totals, rca, flags, levels, rules."""

import csv
from pathlib import Path

import numpy as np
import pytest

from sim.data import DataError, example_path, load_initial_employment, read_observations

EUROSTAT = example_path("example_eurostat_nama_10r_2x10e.csv")
OECD = example_path("example_oecd_regional.csv")
LONG = example_path("example_long.csv")
A10_MAPPING = example_path("nace_mapping_a10.yaml")
LABELS = Path(__file__).parent / "data" / "eurostat_sdmx2_labels.csv"
BE = ["BE21", "BE22", "BE23", "BE24"]
DE = ["DE1", "DE2", "DE3", "DE4"]

# The default mapping written out independently, in each file's own notation.
EUROSTAT_SECTORS = {
    "agriculture": ["A"], "food": ["C10-C12"], "textiles": ["C13-C15"], "wood_paper": ["C16-C18"],
    "chemicals": ["C19", "C20"], "pharmaceuticals": ["C21"], "plastics_minerals": ["C22_C23"],
    "basic_metals": ["C24_C25"], "electronics": ["C26", "C27"], "machinery": ["C28"],
    "automotive": ["C29_C30"], "other_manufacturing": ["C31-C33"],
    "energy_utilities": ["B", "D", "E"], "construction": ["F"], "trade_logistics": ["G", "H"],
    "ict_services": ["J"], "business_services": ["K", "L", "M", "N"], "health_care": ["Q"],
    "public_other_services": ["I", "O", "P", "R", "S", "T", "U"],
}  # fmt: skip
OECD_NOTATION = {"C10-C12": "C10T12", "C13-C15": "C13T15", "C16-C18": "C16T18",
                 "C22_C23": "C22_23", "C24_C25": "C24_25", "C29_C30": "C29_30",
                 "C31-C33": "C31T33"}  # fmt: skip
OECD_SECTORS = {s: [OECD_NOTATION.get(c, c) for c in cs] for s, cs in EUROSTAT_SECTORS.items()}


def rca(employment, reference):
    """Revealed comparative advantage; the project's own function when it exists."""
    try:
        from sim.metrics import rca as project_rca
    except ImportError:
        project_rca = None
    if project_rca is not None:
        return np.asarray(project_rca(employment, reference), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (employment / employment.sum(axis=1, keepdims=True)) / (reference / reference.sum())


def raw(path, region, code, year, value, factor):
    """{(region, code, year): persons} straight from the CSV, without the package's reader."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {(r[region], r[code], int(r[year])): float(r[value]) * factor for r in rows if r[value]}


def from_file(values, sectors_by_code, regions, year, sectors):
    return np.array(
        [
            [sum(values[(r, c, year)] for c in sectors_by_code.get(s, [])) for s in sectors]
            for r in regions
        ]
    )


def check_rca(init, file_employment, file_reference):
    mine = rca(init.employment, init.reference_employment)
    theirs = rca(file_employment, file_reference)
    listed = file_reference > 0
    np.testing.assert_allclose(mine[:, listed], theirs[:, listed], rtol=1e-12)


def test_eurostat_hand_summed_cells():
    init = load_initial_employment(EUROSTAT, None, 2008, BE, "EU27_2020")
    cell = dict(zip(init.sectors, init.employment[0], strict=True))  # BE21, thousands x 1000
    assert cell["chemicals"] == pytest.approx((3.4 + 22.8) * 1000)
    assert cell["energy_utilities"] == pytest.approx((0.4 + 3.6 + 5.1) * 1000)
    assert cell["trade_logistics"] == pytest.approx((112.6 + 61.2) * 1000)
    assert cell["business_services"] == pytest.approx((19.8 + 5.3 + 38.4 + 52.7) * 1000)
    assert cell["health_care"] == pytest.approx((42.3 + 37.6) * 1000)  # Q, not Q + Q86 + Q87_Q88
    assert cell["public_other_services"] == pytest.approx(
        (22.4 + 38.9 + 52.1 + 9.8 + 13.4 + 6.2 + 0.1) * 1000
    )
    assert cell["clean_vehicles"] == 0.0
    # Totals preserved: each region's sum is the TOTAL row of the file, not more.
    assert init.employment.sum(axis=1) == pytest.approx([700300, 323800, 568600, 487400])
    assert (init.year, init.unit, init.layout, init.source) == (
        2008, "THS_PER", "eurostat", str(EUROSTAT),
    )  # fmt: skip
    assert init.regions == BE and len(init.sectors) == 26
    assert init.employment.shape == (4, 26) and init.rest_of_world.shape == (26,)


@pytest.mark.parametrize("year", [2008, 2009])
def test_eurostat_equals_the_file_and_rca(year):
    init = load_initial_employment(EUROSTAT, None, year, BE, "EU27_2020")
    values = raw(EUROSTAT, "geo", "nace_r2", "TIME_PERIOD", "OBS_VALUE", 1000.0)
    file_emp = from_file(values, EUROSTAT_SECTORS, BE, year, init.sectors)
    file_ref = from_file(values, EUROSTAT_SECTORS, ["EU27_2020"], year, init.sectors)[0]
    np.testing.assert_allclose(init.employment, file_emp)
    np.testing.assert_allclose(init.rest_of_world, file_ref - file_emp.sum(axis=0))
    for i, region in enumerate(BE):
        assert init.employment[i].sum() == pytest.approx(values[(region, "TOTAL", year)])
    assert init.reference_employment.sum() == pytest.approx(values[("EU27_2020", "TOTAL", year)])
    check_rca(init, file_emp, file_ref)


@pytest.mark.parametrize("year", [2008, 2009])
def test_oecd_equals_the_file_and_rca(year):
    missing = "error" if year == 2008 else "impute_from_aggregate"
    init = load_initial_employment(OECD, None, year, DE, "DEU", missing=missing)
    values = raw(OECD, "REF_AREA", "ACTIVITY", "TIME_PERIOD", "OBS_VALUE", 1.0)
    if year == 2009:  # the confidential DE4 C19 is C minus the other manufacturing codes
        siblings = [c for s in OECD_SECTORS.values() for c in s if c[0] == "C" and c != "C19"]
        values[("DE4", "C19", 2009)] = values[("DE4", "C", 2009)] - sum(
            values[("DE4", c, 2009)] for c in siblings
        )
    file_emp = from_file(values, OECD_SECTORS, DE, year, init.sectors)
    file_ref = from_file(values, OECD_SECTORS, ["DEU"], year, init.sectors)[0]
    np.testing.assert_allclose(init.employment, file_emp)
    np.testing.assert_allclose(init.reference_employment, file_ref)
    for i, region in enumerate(DE):
        assert init.employment[i].sum() == pytest.approx(values[(region, "_T", year)])
    check_rca(init, file_emp, file_ref)
    assert init.unit == "PS"


def test_oecd_hand_summed_cells():
    init = load_initial_employment(OECD, None, 2008, DE, "DEU")
    cell = dict(zip(init.sectors, init.employment[0], strict=True))  # DE1, persons
    assert cell["chemicals"] == 4000 + 69000
    assert cell["electronics"] == 76000 + 101000
    assert cell["energy_utilities"] == 4000 + 34000 + 29000
    assert init.skipped == ["_T", "BTE", "C"]


def test_long_equals_the_file_and_rca():
    init = load_initial_employment(LONG, None, 2008, BE, "BE2")
    values = raw(LONG, "region", "sector", "year", "employment", 1.0)
    names = {s: [s] for s in EUROSTAT_SECTORS}
    file_emp = from_file(values, names, BE, 2008, init.sectors)
    file_ref = from_file(values, names, ["BE2"], 2008, init.sectors)[0]
    np.testing.assert_allclose(init.employment, file_emp)
    np.testing.assert_allclose(init.rest_of_world, file_ref - file_emp.sum(axis=0))
    check_rca(init, file_emp, file_ref)
    assert init.unit == "persons" and init.layout == "long"
    assert init.employment[0, init.sectors.index("chemicals")] == 26200
    # The long example is the Eurostat example mapped to sectors.
    eurostat = load_initial_employment(EUROSTAT, None, 2008, BE)
    np.testing.assert_allclose(init.employment, eurostat.employment)


def test_reference_all_gives_no_rest_of_world():
    init = load_initial_employment(EUROSTAT, None, 2008, ["BE23", "BE21"])
    assert init.regions == ["BE23", "BE21"]
    assert init.reference == "all" and not init.rest_of_world.any()
    np.testing.assert_allclose(init.reference_employment, init.employment.sum(axis=0))


def test_flags_are_reported():
    init = load_initial_employment(EUROSTAT, None, 2008, BE, "EU27_2020")
    got = {tuple(r) for r in init.flags[["region", "code", "flag", "meaning"]].to_numpy()}
    assert got == {
        ("BE21", "C21", "b", "break in time series"),
        ("BE22", "C26", "e", "estimated"),
        ("EU27_2020", "T", "e", "estimated"),
    }
    assert list(init.flags.columns)[:4] == ["region", "code", "flag", "meaning"]
    later = load_initial_employment(EUROSTAT, None, 2009, BE, "EU27_2020").flags
    c21 = later[(later.region == "EU27_2020") & (later.code == "C21")]
    assert sorted(c21.flag) == ["b", "p"]
    assert (later[later.code == "TOTAL"]).empty  # skipped codes are not used, so not listed
    oecd = load_initial_employment(OECD, None, 2008, DE, "DEU").flags
    assert set(zip(oecd.region, oecd.code, oecd.flag, strict=True)) == {
        ("DE3", "C21", "E"),
        ("DEU", "T", "E"),
    }


def test_overlapping_levels_are_not_double_counted():
    init = load_initial_employment(EUROSTAT, None, 2008, BE, "EU27_2020")
    assert set(init.skipped) == {"TOTAL", "B-E", "C", "G-I", "M_N", "O-Q", "Q86", "Q87_Q88", "R-U"}
    assert init.unmapped == []
    # With an A*10 mapping the same file gives manufacturing as C and the rest of B-E apart.
    a10 = load_initial_employment(EUROSTAT, A10_MAPPING, 2008, BE, "EU27_2020")
    values = raw(EUROSTAT, "geo", "nace_r2", "TIME_PERIOD", "OBS_VALUE", 1000.0)
    for i, region in enumerate(BE):
        row = dict(zip(a10.sectors, a10.employment[i], strict=True))
        c, b_to_e = values[(region, "C", 2008)], values[(region, "B-E", 2008)]
        assert row["other_manufacturing"] == pytest.approx(c)
        assert row["energy_utilities"] == pytest.approx(b_to_e - c)
        assert row["food"] == 0.0
        assert a10.employment[i].sum() == pytest.approx(values[(region, "TOTAL", 2008)])
    np.testing.assert_allclose(a10.employment.sum(axis=1), init.employment.sum(axis=1))


def test_confidential_cell_error_then_imputed():
    with pytest.raises(DataError) as info:
        load_initial_employment(EUROSTAT, None, 2007, BE, "EU27_2020")
    message = str(info.value)
    assert "line 131" in message and "BE24" in message and "C19" in message
    assert "confidential" in message and "impute_from_aggregate" in message
    init = load_initial_employment(
        EUROSTAT, None, 2007, BE, "EU27_2020", missing="impute_from_aggregate"
    )
    values = raw(EUROSTAT, "geo", "nace_r2", "TIME_PERIOD", "OBS_VALUE", 1000.0)
    parts = [c for c in EUROSTAT_SECTORS["chemicals"] if c != "C19"]
    siblings = [c for s in EUROSTAT_SECTORS.values() for c in s if c.startswith("C") and c != "C19"]
    c19 = values[("BE24", "C", 2007)] - sum(values[("BE24", c, 2007)] for c in siblings)
    assert c19 == pytest.approx(100.0)
    chemicals = init.employment[3, init.sectors.index("chemicals")]
    assert chemicals == pytest.approx(c19 + sum(values[("BE24", c, 2007)] for c in parts))
    assert init.employment[3].sum() == pytest.approx(values[("BE24", "TOTAL", 2007)])
    flagged = init.flags[init.flags.region == "BE24"]
    assert set(flagged.flag) == {"c", "imputed"}


def test_newer_eurostat_export_with_labels_and_conf_status():
    obs = read_observations(LABELS)
    assert obs.layout == "eurostat" and len(obs.frame) == 36
    with pytest.raises(DataError, match="confidential"):
        load_initial_employment(LABELS, A10_MAPPING, 2020, ["BE21", "BE22"], "BE2")
    init = load_initial_employment(
        LABELS, A10_MAPPING, 2020, ["BE21", "BE22"], "BE2", missing="impute_from_aggregate"
    )
    be22 = dict(zip(init.sectors, init.employment[1], strict=True))
    # L is TOTAL minus A, B-E, F, G-I, J, K, M_N, O-Q, R-U (C is inside B-E, so not subtracted).
    total_minus_known = 330.0 - (8 + 60 + 28 + 80 + 4 + 6 + 33 + 88 + 13)
    assert be22["business_services"] == pytest.approx((6 + total_minus_known + 33) * 1000)
    assert be22["energy_utilities"] == pytest.approx((60 - 54) * 1000)
    assert init.employment.sum(axis=1) == pytest.approx([685000, 330000])
    assert set(init.flags.flag) == {"u", "c", "imputed"}


def test_unknown_codes_error_or_listed(tmp_path):
    text = EUROSTAT.read_text().rstrip("\n").split("\n")
    text.append("ESTAT:NAMA_10R_2X10E(1.0),15/03/24 11:00:00,A,THS_PER,C24A,BE21,2008,1.0,")
    path = tmp_path / "extra_code.csv"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(DataError, match=r"line 632: unknown NACE code 'C24A'"):
        load_initial_employment(path, None, 2008, BE, "EU27_2020")
    init = load_initial_employment(path, None, 2008, BE, "EU27_2020", unknown_codes="ignore")
    assert init.unmapped == ["C24A"]
    plain = load_initial_employment(EUROSTAT, None, 2008, BE, "EU27_2020")
    np.testing.assert_array_equal(init.employment, plain.employment)
    # A code the mapping leaves out entirely is mapped to nothing: reported, not added.
    partial = {"sectors": {"farming": ["A"], "industry": ["B-E"]}}
    with pytest.raises(DataError, match="'F': it is mapped to no sector"):
        load_initial_employment(EUROSTAT, partial, 2008, BE)
    init = load_initial_employment(EUROSTAT, partial, 2008, BE, unknown_codes="ignore")
    assert "F" in init.unmapped and "TOTAL" in init.skipped and "C10-C12" in init.skipped


def test_units_are_converted_to_persons(tmp_path):
    path = tmp_path / "thousands.csv"
    path.write_text("region,sector,year,employment,unit\nR1,A,2008,1.5,THS_PER\nR1,F,2008,20,PER\n")
    init = load_initial_employment(path, {"a": ["A"], "f": ["F"]}, 2008, ["R1"])
    assert init.employment.tolist() == [[1500.0, 20.0]]
    assert init.unit == "PER, THS_PER"
    # UNIT_MULT 1 (tens): the example's values read as ten times as many persons (3,
    # thousands, would make its aggregate rows 4 x 10^10 persons, refused as no real cell)
    oecd = OECD.read_text().replace(",0,Units", ",1,Tens")
    path = tmp_path / "oecd_tens.csv"
    path.write_text(oecd)
    scaled = load_initial_employment(path, None, 2008, DE, "DEU")
    plain = load_initial_employment(OECD, None, 2008, DE, "DEU")
    np.testing.assert_allclose(scaled.employment, plain.employment * 10)
    with pytest.raises(DataError, match=r"is 4.03e\+10 persons, more than 1e\+10"):
        path.write_text(OECD.read_text().replace(",0,Units", ",3,Thousands"))
        load_initial_employment(path, None, 2008, DE, "DEU")


def test_filters_keep_one_unit(tmp_path):
    lines = EUROSTAT.read_text().rstrip("\n").split("\n")
    hours = [line.replace("THS_PER", "THS_HW") for line in lines[1:]]
    path = tmp_path / "two_units.csv"
    path.write_text("\n".join([*lines, *hours]) + "\n")
    with pytest.raises(DataError, match="'THS_HW' is not a count of persons"):
        load_initial_employment(path, None, 2008, BE, "EU27_2020")
    init = load_initial_employment(path, None, 2008, BE, "EU27_2020", filters={"unit": "THS_PER"})
    plain = load_initial_employment(EUROSTAT, None, 2008, BE, "EU27_2020")
    np.testing.assert_array_equal(init.employment, plain.employment)


def test_long_file_with_nace_codes_and_a_clash(tmp_path):
    path = tmp_path / "long_codes.csv"
    path.write_text("region,sector,year,employment\nR1,C10T12,2008,10\nR1,C21,2008,5\n")
    init = load_initial_employment(path, {"food": ["C10-C12"], "pharma": ["C21"]}, 2008, ["R1"])
    assert init.employment.tolist() == [[10.0, 5.0]]
    path.write_text("region,sector,year,employment\nR1,C10-C12,2008,10\nR1,food,2008,10\n")
    with pytest.raises(DataError, match=r"line 3: duplicated observation: sector food"):
        load_initial_employment(path, {"food": ["C10-C12"]}, 2008, ["R1"])


def test_frame_and_read_only_arrays():
    init = load_initial_employment(EUROSTAT, None, 2008, BE, "EU27_2020")
    frame = init.to_frame()
    assert len(frame) == 5 * 26
    assert frame.employment.sum() == pytest.approx(init.reference_employment.sum())
    with pytest.raises(ValueError):
        init.employment[0, 0] = 1.0
