import json
import os
import shutil
import time

import numpy as np
import pandas as pd
import pytest

from sim.experiments import SweepError, collect, find_run_dirs, load_runs, progress
from sim.experiments.collect import PANEL_SCHEMA
from sim.experiments.commands import collect_main as main
from tests.fake_sweep import (
    REGIONS,
    SECTORS,
    YEARS,
    make_small_sweep,
    make_sweep,
    write_run,
)

ROWS_PER_RUN = len(YEARS) * len(REGIONS) * len(SECTORS)


@pytest.fixture
def small(tmp_path):
    return make_small_sweep(tmp_path / "sweep")


def test_runs_table(small):
    result = collect(small)
    runs = pd.read_parquet(small / "runs.parquet")
    assert list(runs["run_dir"]) == ["0", "1"]
    assert list(runs["scenario"]) == ["no_policy", "targeted"]
    assert list(runs["seed"]) == [0, 0]
    assert list(runs["override.economy.n_firms"]) == ["200", "200"]
    assert "override.scenario" not in runs.columns and "override.seed" not in runs.columns
    assert list(runs["focal_region"]) == ["flanders", "flanders"]
    assert runs["synthetic"].tolist() == [True, True]
    for job in ("0", "1"):
        summary = json.loads((small / job / "summary.json").read_text())
        row = runs[runs["run_dir"] == job].iloc[0]
        for name, value in summary["indicators"].items():
            if value is None:
                assert np.isnan(row[name])
            else:
                assert row[name] == pytest.approx(value)
    assert runs["budget_spent"].tolist() == [0.0, 100.0]
    pd.testing.assert_frame_equal(runs, result.runs)


def test_panel_partitions(small):
    collect(small)
    panel = small / "panel"
    parts = sorted(p.relative_to(panel).as_posix() for p in panel.rglob("*.parquet"))
    assert parts == ["scenario=no_policy/part-0.parquet", "scenario=targeted/part-1.parquet"]
    for part in panel.rglob("*.parquet"):
        frame = pd.read_parquet(part)
        assert list(frame.columns) == PANEL_SCHEMA.names
        assert len(frame) == ROWS_PER_RUN
    data = pd.read_parquet(panel)
    assert data.groupby("scenario", observed=True).size().to_dict() == {
        "no_policy": ROWS_PER_RUN,
        "targeted": ROWS_PER_RUN,
    }
    assert set(data["run_id"]) == {"0", "1"}
    world = data[data["region"] == "rest_of_world"]
    assert len(world) and world["rca"].isna().all() and world["rsca"].isna().all()
    model = data[data["region"] != "rest_of_world"]
    assert model[["rca", "rsca", "relatedness_density"]].notna().all().all()
    # The join matched the right rows: rca equals the run's specialisation file.
    spec = pd.read_parquet(small / "1" / "specialisation.parquet")
    joined = data[data["run_id"] == "1"].merge(spec, on=["year", "region", "sector"])
    assert len(joined) == len(spec)
    np.testing.assert_allclose(joined["rca_x"], joined["rca_y"])


def test_incomplete_run_is_skipped_and_reported(small, capsys):
    result = collect(small)
    assert result.incomplete == [small / "2"]
    assert "2" not in set(result.runs["run_dir"])
    assert main([str(small)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "collected 2 runs" in out[0] and "1 incomplete skipped (2)" in out[0]


def test_bad_input_exits_2_with_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main([str(missing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(missing) in err[0] and "no such directory" in err[0]
    partial = tmp_path / "partial"
    write_run(partial / "0", "no_policy", 0, complete=False)
    assert main([str(partial)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no complete runs" in err[0] and "1 incomplete" in err[0]
    with pytest.raises(SweepError):
        collect(missing)


def test_nested_runs_and_out_dir(tmp_path):
    root = tmp_path / "sweep"
    write_run(root / "a" / "1" / "run", "no_policy", 1, overrides={"economy.n_firms": 100})
    write_run(root / "b" / "10", "no_policy", 2)
    write_run(root / "b" / "2", "no_policy", 3)
    complete, incomplete = find_run_dirs(root)
    assert complete == [root / "a/1/run", root / "b/2", root / "b/10"]
    assert incomplete == []
    out = tmp_path / "out"
    result = collect(root, out)
    assert list(result.runs["run_dir"]) == ["a/1/run", "b/2", "b/10"]
    # Overrides missing from some runs are null, not an error.
    values = result.runs["override.economy.n_firms"]
    assert values.iloc[0] == "100" and values.iloc[1:].isna().all()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), result.runs)
    assert (out / "runs.parquet").is_file() and not (root / "runs.parquet").exists()
    assert {p.name for p in (out / "panel" / "scenario=no_policy").iterdir()} == {
        "part-a_1_run.parquet",
        "part-b_2.parquet",
        "part-b_10.parquet",
    }


def test_recollect_replaces_stale_parts(tmp_path):
    root = make_sweep(tmp_path / "sweep", seeds=(0, 1))
    collect(root)
    assert len(list((root / "panel").rglob("*.parquet"))) == 4
    shutil.rmtree(root / "3")
    result = collect(root)
    assert len(result.runs) == 3
    assert len(list((root / "panel").rglob("*.parquet"))) == 3
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no temporary leftovers


def test_load_runs_reuses_a_fresh_table_and_recollects_a_stale_one(tmp_path):
    root = make_sweep(tmp_path / "sweep", seeds=(0,))
    runs, where, collected = load_runs(root)
    assert collected is not None and where == root and len(runs) == 2
    runs, where, collected = load_runs(root)
    assert collected is None and len(runs) == 2
    write_run(root / "7", "targeted", 5, policy_files=True)
    later = time.time() + 5
    os.utime(root / "7" / "_COMPLETE", (later, later))
    runs, _, collected = load_runs(root)
    assert collected is not None and len(runs) == 3


def test_a_table_collected_from_another_sweep_or_before_an_edit_is_collected_again(tmp_path):
    one = make_sweep(tmp_path / "one", seeds=(0, 1))
    other = make_sweep(tmp_path / "other", seeds=(0, 1))
    summary = other / "1" / "summary.json"
    edited = json.loads(summary.read_text(encoding="utf-8"))
    edited["indicators"]["employment_total"] = 12_345.0
    summary.write_text(json.dumps(edited), encoding="utf-8")
    shared = tmp_path / "shared"
    runs, where, collected = load_runs(one, shared)
    assert collected is not None and where == shared
    # the same run names, another sweep: its own runs, not the first one's
    runs, _, collected = load_runs(other, shared)
    assert collected is not None
    assert runs.loc[runs["run_dir"] == "1", "employment_total"].item() == 12_345.0
    assert load_runs(other, shared)[2] is None  # unchanged since: read back
    # a hand edit after collecting, even with the old modification time kept
    stamp = summary.stat()
    edited["indicators"]["employment_total"] = 54_321.0
    summary.write_text(json.dumps(edited) + " ", encoding="utf-8")
    os.utime(summary, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    runs, _, collected = load_runs(other, shared)
    assert collected is not None
    assert runs.loc[runs["run_dir"] == "1", "employment_total"].item() == 54_321.0


def test_run_without_ledger_or_overrides_is_fine(tmp_path):
    root = tmp_path / "sweep"
    write_run(root / "0", "targeted", 0, policy_files=True)
    write_run(root / "1", "no_policy", 0)
    shutil.rmtree(root / "1" / ".hydra")
    result = collect(root)
    assert list(result.runs["scenario"]) == ["targeted", "no_policy"]
    assert not [c for c in result.runs.columns if c.startswith("override.")]
    assert result.notes == [] and result.skipped == []


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("seed", 1.9, "no integer seed (got 1.9)"),
        ("seed", True, "no integer seed (got True)"),
        ("indicators.employment_total", -5.0, "employment_total = -5.0: a count, never below 0"),
        ("indicators.budget_spent", -1, "budget_spent = -1: a count, never below 0"),
    ],
)
def test_a_run_with_an_impossible_seed_or_count_is_skipped(tmp_path, key, value, reason):
    root = make_sweep(tmp_path / "sweep", seeds=(0,))
    path = root / "1" / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    if key.startswith("indicators."):
        summary["indicators"][key.split(".")[1]] = value
    else:
        summary[key] = value
    path.write_text(json.dumps(summary), encoding="utf-8")
    result = collect(root)
    assert list(result.runs["run_dir"]) == ["0"]
    assert [(p, r.endswith(reason)) for p, r in result.skipped] == [(root / "1", True)]


def test_a_falling_employment_is_no_negative_count(tmp_path):
    root = make_sweep(tmp_path / "sweep", seeds=(0,))
    path = root / "1" / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary["indicators"]["employment_growth"] = -0.2
    path.write_text(json.dumps(summary), encoding="utf-8")
    assert collect(root).skipped == []


def test_unreadable_complete_run_is_skipped(tmp_path):
    root = make_sweep(tmp_path / "sweep", seeds=(0,))
    (root / "1" / "summary.json").write_text("{not json", encoding="utf-8")
    result = collect(root)
    assert list(result.runs["run_dir"]) == ["0"]
    assert [p for p, _ in result.skipped] == [root / "1"]
    assert "1 unreadable skipped" in result.summary_line()


def test_progress_is_silent_off_a_terminal(capsys):
    assert list(progress(range(3), desc="runs")) == [0, 1, 2]
    assert capsys.readouterr().err == ""
