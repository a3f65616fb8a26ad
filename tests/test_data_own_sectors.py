"""An economy with the data's own sectors: mapping keys, relatedness, attributes, errors."""

import numpy as np
import pytest

from sim.cli import build_model
from sim.data import DataError, example_path, load_initial_employment, load_mapping
from sim.data.own_sectors import own_economy_spec
from sim.data.relatedness_matrix import (
    MAX_MATRIX_BYTES,
    colocation_relatedness,
    read_relatedness,
)
from sim.errors import ConfigError
from sim.model.economy import EconomySpec
from tests.conftest import compose_config

EUROSTAT = str(example_path("example_eurostat_nama_10r_2x10e.csv"))
OWN = str(example_path("nace_mapping_a10_own.yaml"))
REGIONS = ["BE21", "BE22", "BE23", "BE24"]
A10 = [
    "agriculture",
    "industry",
    "construction",
    "trade_transport_hospitality",
    "information_communication",
    "finance_insurance",
    "real_estate",
    "professional_support",
    "public_health_education",
    "arts_other_services",
]
FROM_DATA = [
    "economy=from_data",
    f"data.path={EUROSTAT}",
    f"data.mapping={OWN}",
    "data.year=2008",
    f"data.regions=[{','.join(REGIONS)}]",
    "years.start=2009",
    "years.burn_in=0",
    "years.end=2012",
    "economy.n_firms=3000",
    "output.plots=false",
]


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_example_mapping_defines_the_ten_a10_groups():
    smap = load_mapping(OWN)
    assert smap.own_sectors and smap.relatedness is None
    assert list(smap.sectors) == A10


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("own_sectors: true\nsectors:\n  a: [A]\n  b: []\n", "sector b has no NACE code", 4),
        ("own_sectors: maybe\nsectors:\n  a: [A]\n", "own_sectors = 'maybe'", 1),
        ("relatedness: m.csv\nsectors:\n  a: [A]\n", "only with own_sectors: true", 1),
    ],
)
def test_own_sector_keys_are_checked(tmp_path, body, message, line):
    path = write(tmp_path / "map.yaml", body)
    with pytest.raises(DataError, match=message) as info:
        load_mapping(path)
    assert f"map.yaml: line {line}:" in str(info.value)
    assert "\n" not in str(info.value)


def test_relatedness_path_is_relative_to_the_mapping(tmp_path):
    path = write(
        tmp_path / "map.yaml", "own_sectors: true\nrelatedness: r.csv\nsectors:\n  a: [A]\n"
    )
    assert load_mapping(path).relatedness == str(tmp_path / "r.csv")


GOOD = "sector,b,a,c\nc,0.3,0.2,1\na,0.5,1,0.2\nb,1,0.5,0.3\n"


def test_a_supplied_matrix_is_read_in_the_mapping_order(tmp_path):
    phi = read_relatedness(write(tmp_path / "r.csv", GOOD), ["a", "b", "c"])
    expected = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.3], [0.2, 0.3, 1.0]])
    np.testing.assert_array_equal(phi, expected)


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ("sector,a,b,c\na,1,0.5\nb,0.5,1,0.3\nc,0.2,0.3,1\n", "not square: row a has 2 values", 2),
        ("sector,a,b,c\na,1,0.5,0.2\nb,0.5,1,0.3\n", "not square: no row for sector c", None),
        ("sector,a,b\na,1,0.5\nb,0.5,1\n", "not square: the header has no column for sector c", 1),
        ("sector,a,b,x\n", "unknown sector 'x' in the header", 1),
        (GOOD.replace("c,0.3", "z,0.3"), "unknown sector 'z'", 2),
        (GOOD.replace("a,0.5,1", "a,-0.5,1"), "negative relatedness -0.5 for a,b", 3),
        (GOOD.replace("a,0.5,1", "a,nan,1"), r"missing value \(NaN\) for a,b", 3),
        (GOOD.replace("a,0.5,1", "a,,1"), r"missing value \(empty\) for a,b", 3),
        (GOOD.replace("a,0.5,1", "a,high,1"), "non-numeric value 'high' for a,b", 3),
        (GOOD.replace("a,0.5,1", "a,1.5,1"), "relatedness 1.5 above 1 for a,b", 3),
        (GOOD.replace("a,0.5,1", "a,0.51,1"), "asymmetric: a,b = 0.51 but b,a = 0.5", 3),
        (GOOD + "a,0.5,1,0.2\n", "sector a has two rows", 5),
        ("", "the relatedness matrix is empty", 1),
    ],
)
def test_a_bad_matrix_gets_one_line_naming_file_row_and_problem(tmp_path, text, problem, line):
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(DataError, match=problem) as info:
        read_relatedness(path, ["a", "b", "c"])
    message = str(info.value)
    assert message.startswith(f"{path}: line {line}:" if line else f"{path}:")
    assert "\n" not in message


def test_a_missing_folder_or_oversized_matrix_file_is_one_line(tmp_path):
    with pytest.raises(DataError, match="cannot read the relatedness matrix"):
        read_relatedness(str(tmp_path / "absent.csv"), ["a"])
    with pytest.raises(DataError, match="not a regular file"):
        read_relatedness(str(tmp_path), ["a"])
    big = tmp_path / "big.csv"
    big.write_bytes(b"0" * (MAX_MATRIX_BYTES + 1))
    with pytest.raises(DataError, match=f"larger than {MAX_MATRIX_BYTES} bytes"):
        read_relatedness(str(big), ["a"])


def test_colocation_is_hidalgo_proximity_with_a_unit_diagonal():
    # three regions, three sectors; reference = the regions (no rest of world)
    employment = np.array([[8.0, 1.0, 1.0], [1.0, 8.0, 8.0], [5.0, 5.0, 1.0]])
    phi = colocation_relatedness(employment, np.zeros(3), "f.csv")
    present = (employment / employment.sum(1, keepdims=True)) / (
        employment.sum(0) / employment.sum()
    ) >= 1
    assert present.tolist() == [[True, False, False], [False, True, True], [True, True, False]]
    # a in regions 1, 3; b in 2, 3; c in 2: phi_ab = 1/2, phi_bc = min(1/1, 1/2), phi_ac = 0
    expected = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]])
    np.testing.assert_array_equal(phi, expected)


def test_colocation_needs_two_regions():
    with pytest.raises(DataError, match="needs at least 2 regions.*give a matrix"):
        colocation_relatedness(np.ones((1, 3)), np.zeros(3), "f.csv")


def test_own_sector_attributes_are_world_share_weighted_means_of_the_defaults():
    spec = EconomySpec.from_config(compose_config(["economy=from_data"])["economy"])
    smap = load_mapping({"own_sectors": True, "sectors": {"land": ["A"], "goods": ["C10-C15"]}})
    own = own_economy_spec(spec, smap)
    assert list(own.sectors) == ["land", "goods"]
    assert own.sectors["land"] == type(own.sectors["land"])(**{
        **spec.sectors["agriculture"].__dict__,
        "world_share": own.sectors["land"].world_share,
    })  # fmt: skip
    food, textiles = spec.sectors["food"], spec.sectors["textiles"]
    w = np.array([food.world_share, textiles.world_share])
    for key in ("demand_growth", "productivity_growth", "rd_intensity", "va_per_job"):
        values = np.array([getattr(food, key), getattr(textiles, key)])
        assert getattr(own.sectors["goods"], key) == pytest.approx(w @ values / w.sum())
    total = spec.sectors["agriculture"].world_share + w.sum()
    assert own.sectors["goods"].world_share == pytest.approx(w.sum() / total)
    assert own.sectors["goods"].group == "mature_manufacturing"


def test_a_run_with_own_sectors_has_them_and_their_colocation_relatedness():
    model = build_model(compose_config(FROM_DATA))
    e = model.economy
    assert e.sectors == A10 and e.statistics.all()
    init = load_initial_employment(EUROSTAT, OWN, year=2008, regions=REGIONS)
    np.testing.assert_array_equal(e.employment, init.employment)
    np.testing.assert_array_equal(
        e.relatedness, colocation_relatedness(init.employment, init.rest_of_world, EUROSTAT)
    )
    assert not e.emerging.any()


def test_own_sectors_with_a_supplied_matrix(tmp_path):
    rows = [",".join(["sector", *A10])]
    for i, name in enumerate(A10):
        rows.append(",".join([name, *("1" if i == j else "0.25" for j in range(len(A10)))]))
    write(tmp_path / "a10.csv", "\n".join(rows) + "\n")
    text = open(OWN, encoding="utf-8").read()
    text = text.replace("\nown_sectors: true\n", "\nown_sectors: true\nrelatedness: a10.csv\n")
    mapping = write(tmp_path / "map.yaml", text)
    model = build_model(compose_config([*FROM_DATA, f"data.mapping={mapping}"]))
    off = ~np.eye(len(A10), dtype=bool)
    assert (model.economy.relatedness[off] == 0.25).all()


def test_a_scenario_naming_a_default_sector_is_refused_with_the_allowed_list():
    config = compose_config([*FROM_DATA, "scenario=targeted_topdown"])
    config["scenario"]["selection"]["top_down"] = {"BE21": ["automotive"]}
    with pytest.raises(ConfigError, match="unknown sector 'automotive'") as info:
        build_model(config)
    assert f"(sectors of this economy: {', '.join(A10)})" in str(info.value)


@pytest.mark.parametrize("own", [True, False])
def test_the_run_s_config_yaml_says_which_sectors_the_run_used(tmp_path, own):
    import json

    import yaml

    from sim.config.settings import run_settings
    from sim.outputs.results import write_results

    overrides = FROM_DATA if own else [o for o in FROM_DATA if not o.startswith("data.mapping")]
    config = compose_config([*overrides, "years.end=2009"])
    model = build_model(config)
    model.run()
    write_results(model, tmp_path, config, run_settings(config), "no_policy", 0.0)
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["sectors"] == model.economy.sectors
    assert yaml.safe_load(text) == config  # the comment changes nothing a re-run reads
    if own:
        assert text.startswith(f"# The run's sectors are the data mapping's own: {', '.join(A10)}.")
    else:
        assert not text.startswith("#")


def more_regions(tmp_path, weights):
    """The Eurostat example with extra regions X0, X1, ...: mixes a BE21 + b BE23 of its rows.

    A linear mix of two regions keeps every aggregate row the sum of its parts.
    """
    import csv

    with open(EUROSTAT, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    geo, value = header.index("geo"), header.index("OBS_VALUE")
    key = {(r[geo], r[header.index("nace_r2")], r[header.index("TIME_PERIOD")]): r for r in body}
    extra = []
    for k, (a, b) in enumerate(weights):
        for (region, code, year), row in key.items():
            if region != "BE21":
                continue
            other = key[("BE23", code, year)]
            mixed = a * float(row[value]) + b * float(other[value])
            extra.append([*row[:geo], f"X{k}", *row[geo + 1 : value], f"{mixed:.1f}", ""])
    path = tmp_path / "more_regions.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body, *extra])
    return str(path)


def test_colocation_regions_relate_the_own_sectors_over_more_regions(tmp_path):
    weights = [(1.0, 0.2), (0.2, 1.0), (0.6, 0.6), (1.5, 0.1), (0.1, 1.5), (0.9, 0.3)]
    path = more_regions(tmp_path, weights)
    others = [f"X{k}" for k in range(len(weights))]
    overrides = [*FROM_DATA, f"data.path={path}", "data.reference=EU27_2020"]
    wide = build_model(
        compose_config([*overrides, f"data.colocation_regions=[{','.join(REGIONS + others)}]"])
    )
    narrow = build_model(compose_config(overrides))
    init = load_initial_employment(path, OWN, year=2008, regions=REGIONS + others,
                                   reference="EU27_2020")  # fmt: skip
    np.testing.assert_array_equal(
        wide.economy.relatedness,
        colocation_relatedness(init.employment, init.rest_of_world, path),
    )
    assert not np.array_equal(wide.economy.relatedness, narrow.economy.relatedness)
    # the model regions and their jobs are data.regions' alone
    assert wide.economy.regions == REGIONS
    np.testing.assert_array_equal(wide.economy.employment, narrow.economy.employment)


def test_colocation_regions_need_the_data_s_own_sectors_and_regions_of_the_file(tmp_path):
    default = [o for o in FROM_DATA if not o.startswith("data.mapping")]
    with pytest.raises(ConfigError, match="data.colocation_regions: used only") as info:
        build_model(compose_config([*default, "data.colocation_regions=[BE21,BE22]"]))
    assert "\n" not in str(info.value)
    with pytest.raises(DataError, match="XX99") as info:
        build_model(compose_config([*FROM_DATA, "data.colocation_regions=[BE21,XX99]"]))
    assert "\n" not in str(info.value)
