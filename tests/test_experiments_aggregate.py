import pandas as pd
import pytest
import yaml

from sim.experiments import collect
from sim.experiments.aggregate import (
    mean_over_runs,
    panel_rows,
    sector_groups,
    spearhead_sectors,
)
from tests.fake_sweep import SECTOR_GROUPS, make_sweep


def test_mean_over_runs_counts_missing_keys_as_zero_for_flows(tmp_path):
    a, b, c = (tmp_path / name for name in "abc")
    for folder in (a, b, c):
        folder.mkdir()
    pd.DataFrame({"year": [1, 1], "instrument": ["g", "l"], "disbursed": [4.0, 2.0]}).to_parquet(
        a / "ledger.parquet"
    )
    pd.DataFrame({"year": [1], "instrument": ["g"], "disbursed": [8.0]}).to_parquet(
        b / "ledger.parquet"
    )
    keys, values = ["year", "instrument"], ["disbursed"]
    flows, n = mean_over_runs([a, b, c], "ledger.parquet", keys, values, missing_as_zero=True)
    assert n == 2  # c has no ledger
    assert flows.set_index("instrument")["disbursed"].to_dict() == {"g": 6.0, "l": 1.0}
    levels, _ = mean_over_runs([a, b], "ledger.parquet", keys, values)
    assert levels.set_index("instrument")["disbursed"].to_dict() == {"g": 6.0, "l": 2.0}
    assert mean_over_runs([c], "ledger.parquet", keys, values) == (None, 0)


def test_panel_rows_reads_one_region_and_scenario(tmp_path):
    root = make_sweep(tmp_path / "sweep", seeds=(0, 1))
    collect(root)
    rows = panel_rows(root / "panel", "wallonia", ["scenario", "seed", "rca"], "targeted")
    assert list(rows.columns) == ["scenario", "seed", "rca"]
    assert set(rows["scenario"]) == {"targeted"} and set(rows["seed"]) == {0, 1}
    everything = pd.read_parquet(root / "panel")
    expected = everything[
        (everything["region"] == "wallonia") & (everything["scenario"] == "targeted")
    ]
    assert len(rows) == len(expected)


def test_sector_groups_from_config_then_column(tmp_path):
    config = {"economy": {"sectors": {name: {"group": g} for name, g in SECTOR_GROUPS.items()}}}
    assert sector_groups(config, None) == SECTOR_GROUPS
    listed = {"economy": {"sectors": [{"name": "a", "group": "x"}, {"name": "b"}]}}
    assert sector_groups(listed, None) == {"a": "x"}
    path = tmp_path / "employment.parquet"
    pd.DataFrame({"sector": ["a", "b", "a"], "sector_group": ["x", "y", "x"]}).to_parquet(path)
    assert sector_groups({}, path) == {"a": "x", "b": "y"}
    pd.DataFrame({"sector": ["a"]}).to_parquet(path)
    assert sector_groups({}, path) == {}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"policy": {"spearhead_sectors": ["hydrogen", "nope", "batteries"]}},
            ["hydrogen", "batteries"],
        ),
        (
            {
                "policy": {"spearheads": ["green"]},
                "value_chains": {"green": {"sectors": ["hydrogen"]}},
            },
            ["hydrogen"],
        ),
        ({"policy": {"budget": 3}}, []),
    ],
)
def test_spearhead_sectors(tmp_path, config, expected):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert spearhead_sectors([path], SECTOR_GROUPS) == expected
