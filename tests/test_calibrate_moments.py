"""Calibration moments: stylised facts beside the data moments, with weights, on a tiny economy."""

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.errors import ConfigError
from sim.validation import calibrate as msm
from sim.validation.calibrate_command import main as calibrate
from sim.validation.calibrate_moments import DEFAULT, FACTS, Moment, parse_moments


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A tiny economy's state in 2000 and its history 2001-2006, written by the model."""
    from sim.validation.history import held_out_history

    folder = tmp_path_factory.mktemp("history")
    return folder, held_out_history(folder, n_firms=400, to=2006)


def test_facts_are_those_of_s3sim_validate_on_the_same_runs(history, tmp_path):
    from sim.cli import run
    from sim.validation.backtest_command import compose_config
    from sim.validation.table import validate_runs

    _, data = history
    config = compose_config(data, None, 2006)
    params = {"dynamics.competition.selection": 0.9}
    fitted = msm.simulated_moments(config, params, [0, 1], FACTS)
    folders = []
    for seed in (0, 1):
        on_disk = compose_config([*data, "dynamics.competition.selection=0.9", f"seed={seed}"],
                                 None, 2006)  # fmt: skip
        on_disk["output"]["firm_panel"] = True  # compose_config turns it off
        folders.append(run(on_disk, tmp_path / f"seed{seed}"))
    table = validate_runs(folders).set_index("name")["value"]
    computable = 0
    for name in FACTS:
        value, expected = float(fitted[name][0]), float(table[name])
        assert value == pytest.approx(expected, nan_ok=True), name
        computable += math.isfinite(value)
    assert computable >= 6  # the Galton lag (8 years) is longer than the window


def test_weights_and_targets_enter_the_objective_by_hand():
    targets = {g: np.array([1.0, 2.0]) for g in msm.GROUPS}
    spread = msm.scales(targets)
    fitted = {g: v + 0.5 for g, v in targets.items()} | {"entry_rate": np.array([0.2])}
    data_part = (0.5 / spread["region_growth"]) ** 2
    alone = {"region_growth": Moment(1.0)}
    assert msm.objective(fitted, targets, spread, alone) == pytest.approx(data_part)
    inside = alone | {"entry_rate": Moment(3.0, 0.05, 0.25)}
    assert msm.objective(fitted, targets, spread, inside) == pytest.approx(data_part / 4)
    # the validation range [0.05, 0.15]: 0.2 misses it by 0.05, half its width
    outside = alone | parse_moments({"moments": {"entry_rate": 3.0}}, "r")
    assert msm.objective(fitted, targets, spread, outside) == pytest.approx(
        (data_part + 3 * 0.5**2) / 4
    )
    nan = {"entry_rate": np.array([np.nan])}
    assert msm.objective(nan, targets, spread, {"entry_rate": Moment(1.0, 0.05, 0.15)}) == 1.0


def test_the_moments_block():
    assert parse_moments({"parameters": {}}, "r") == DEFAULT
    chosen = parse_moments(
        {"moments": {"rca_change": 2, "firm_size_tail_hill": 0.5, "sector_growth": 0,
                     "entry_rate": {"weight": 1, "target": 0.09},
                     "exit_rate": {"target": [0.04, 0.08]}}}, "r"
    )  # fmt: skip
    assert chosen == {
        "rca_change": Moment(2.0),
        "firm_size_tail_hill": Moment(0.5, 0.8, 1.3),
        "entry_rate": Moment(1.0, 0.09, 0.09),
        "exit_rate": Moment(1.0, 0.04, 0.08),
    }


@pytest.mark.parametrize(
    ("block", "words"),
    [({"nonsense": 1}, "unknown moment"), ({"entry_rate": -1}, "weight"),
     ({"entry_rate": "x"}, "weight"), ({"rca_change": {"target": 1}}, "file's value"),
     ({"entry_rate": {"target": [2, 1]}}, "target"), ({"entry_rate": {"wieght": 1}}, "wieght"),
     ({"entry_rate": 0}, "at least one"), ([1], "mapping")],
)  # fmt: skip
def test_bad_moments_blocks(block, words):
    with pytest.raises(ConfigError, match=words):
        parse_moments({"moments": block}, "ranges.yaml")


def test_command_fits_facts_beside_the_data_and_tabulates_them(history, tmp_path):
    _, data = history
    ranges = tmp_path / "ranges.yaml"
    ranges.write_text(yaml.safe_dump({
        "parameters": {"dynamics.competition.selection": [0.3, 2.0]},
        "moments": {"region_growth": 1.0, "entry_rate": {"weight": 2.0, "target": 0.5},
                    "firm_size_tail_hill": 1.0},
    }))  # fmt: skip
    out = tmp_path / "fit"
    args = [str(ranges), *data, "--to", "2006", "--seeds", "2", "--trials", "2", "--out", str(out)]
    assert calibrate(args) == 0
    table = pd.read_csv(out / "moments.csv")
    assert set(table["moment"]) == {*msm.GROUPS, "entry_rate", "firm_size_tail_hill"}
    rows = table.set_index("moment")
    entry = rows.loc["entry_rate"]
    assert (entry["target"], entry["weight"]) == (0.5, 2.0)
    assert entry["error"] == pytest.approx(entry["fitted"] - 0.5)
    hill = rows.loc["firm_size_tail_hill"]
    assert (hill["low"], hill["high"]) == (0.8, 1.3) and math.isnan(hill["target"])
    assert rows.loc["rca_change", "weight"] == 0.0  # listed, not fitted
    # the best trial's objective, recomputed from the table
    region = table[table["moment"] == "region_growth"]
    spread = region["target"].std(ddof=0)
    parts = [np.mean((region["error"] / spread) ** 2), 2 * (entry["error"] / 0.5) ** 2,
             (hill["error"] / 0.5) ** 2]  # fmt: skip
    best = pd.read_csv(out / "trace.csv")["value"].min()
    assert best == pytest.approx(sum(parts) / 4)
