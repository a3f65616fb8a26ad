"""The NACE-to-sector mapping file: default sectors, levels, and the no-overlap rule."""

import pytest

from sim.data import DataError, default_mapping_path, example_path, load_mapping
from sim.data.nace import ALL_DIVISIONS

DEFAULT_SECTORS = [
    "agriculture", "food", "textiles", "wood_paper", "chemicals", "pharmaceuticals",
    "plastics_minerals", "basic_metals", "electronics", "machinery", "automotive",
    "other_manufacturing", "energy_utilities", "construction", "trade_logistics", "ict_services",
    "business_services", "health_care", "public_other_services", "bio_based_chemicals",
    "advanced_materials", "clean_energy_smart_grids", "clean_vehicles", "advanced_manufacturing",
    "digital_health", "circular_economy",
]  # fmt: skip
EMERGING = DEFAULT_SECTORS[-7:]


def write(tmp_path, text, name="mapping.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_default_mapping_has_the_26_sectors_in_order():
    mapping = load_mapping(None)
    assert list(mapping.sectors) == DEFAULT_SECTORS
    assert mapping.source == str(default_mapping_path())
    for sector in EMERGING:
        assert mapping.codes(sector) == []
    assert mapping.codes("chemicals") == ["C19", "C20"]
    # The default mapping covers the whole economy, each division once.
    assert sum(len(e.divisions) for e in mapping.entries) == len(ALL_DIVISIONS)
    assert mapping.covered == ALL_DIVISIONS


def test_a10_example_mapping_covers_the_economy_once():
    mapping = load_mapping(example_path("nace_mapping_a10.yaml"))
    assert list(mapping.sectors) == DEFAULT_SECTORS
    assert mapping.covered == ALL_DIVISIONS
    assert sum(len(e.divisions) for e in mapping.entries) == len(ALL_DIVISIONS)
    (energy,) = [e for e in mapping.entries if e.sector == "energy_utilities"]
    assert (energy.code, energy.excluded) == ("B-E", ("C",))


def test_oecd_notation_in_the_mapping_is_normalised(tmp_path):
    path = write(tmp_path, "sectors:\n  food: [C10T12]\n  services: [MTN, _T except BTE_MTN]\n")
    mapping = load_mapping(path)
    assert [e.code for e in mapping.entries] == ["C10-C12", "M_N", "TOTAL"]
    assert mapping.entries[2].excluded == ("B-E_M_N",)


def test_codes_are_read_as_written_without_yaml_type_guessing(tmp_path):
    mapping = load_mapping(write(tmp_path, "sectors:\n  farms: [01, 02]\n  admin: [N]\n"))
    assert [e.code for e in mapping.entries] == ["A01", "A02", "N"]


def test_mapping_from_a_dict():
    mapping = load_mapping({"sectors": {"a": ["A"], "b": "F", "c": None}})
    assert list(mapping.sectors) == ["a", "b", "c"]
    assert mapping.codes("b") == ["F"]


@pytest.mark.parametrize(
    ("text", "line", "phrase"),
    [
        ("sectors:\n  manufacturing: [C]\n  food: [C10-C12]\n", 3, "share NACE divisions 10-12"),
        ("sectors:\n  a: [B-E]\n  b: [C]\n", 3, "count jobs twice"),
        ("sectors:\n  a: [A, A]\n", 2, "share NACE divisions"),
        ("sectors:\n  a: [C10T12]\n  b: [C10-C12]\n", 3, "share NACE divisions"),
        ("sectors:\n  a: [X99]\n", 2, "is not a NACE Rev. 2 code"),
        ("sectors:\n  a: [B-E except J]\n", 2, "is not a part of"),
        ("sectors:\n  a: [A]\n  a: [B]\n", 3, "listed twice"),
        ("sector:\n  a: [A]\n", 1, "unknown key"),
        ("sectors: [A, B]\n", 1, "must map sector names"),
        ("sectors:\n  a: {x: 1}\n", 2, "give a list of NACE codes"),
        ("sectors:\n  a: [A\n  b: [B]\n", None, "not readable as YAML"),
    ],
)
def test_bad_mappings(tmp_path, text, line, phrase):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_mapping(path)
    message = str(info.value)
    assert "mapping.yaml" in message
    assert phrase in message
    if line is not None:
        assert f"line {line}:" in message
    assert len(message.splitlines()) == 1


def test_unreadable_mapping(tmp_path):
    with pytest.raises(DataError, match="cannot read the mapping file"):
        load_mapping(tmp_path / "absent.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("sectors:\n  caf\xe9: [A]\n".encode("latin-1"))
    with pytest.raises(DataError, match="cannot decode"):
        load_mapping(path)
