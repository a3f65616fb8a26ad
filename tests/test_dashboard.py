"""The dashboard's logic without a browser: levers, the live run, the sweep view, the charts."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sim.cli import build_model
from sim.dashboard import playback, run_charts, sweep_charts, sweep_data
from sim.dashboard.levers import Levers, check, default_shares, scenario_defaults
from sim.dashboard.live import LiveRun
from sim.dashboard.sweep_data import open_sweep, verdict
from sim.experiments.sweep import SweepError
from tests.conftest import SMALL, compose_config
from tests.fake_sweep import FOCAL, POLICY_EFFECT, YEARS, make_sweep

PNG = b"\x89PNG"


def small(scenario: str = "targeted", **changes) -> Levers:
    spec = scenario_defaults(scenario)
    levers = Levers(scenario=scenario, seed=3, n_firms=3000, shares=default_shares(spec))
    return replace(levers, **changes)


def test_levers_are_the_command_line_overrides():
    levers = small(budget_scale=2.0, rule="vanguard", picking="random", spearheads=3)
    overrides = levers.overrides()
    assert overrides[:3] == ["scenario=targeted", "seed=3", "budget_scale=2.0"]
    assert "scenario.instruments.rd_grant.share=0.2" in overrides
    assert "scenario.selection.rule=vanguard" in overrides
    assert "scenario.selection.picking=random" in overrides
    assert "scenario.selection.spearheads=3" in overrides
    baseline = levers.baseline().overrides()
    assert "scenario=no_policy" in baseline and not any("instruments" in o for o in baseline)
    assert "seed=3" in baseline and "economy.n_firms=3000" in baseline


def test_bad_levers_are_named_by_field():
    shares = {"rd_grant": 0.5, "demonstrator": 0.3, "industrialisation": 0.35}
    problems = check(small(shares=shares, seed=-1, budget_scale=-1.0, n_firms=0))
    assert problems["shares"] == "instrument shares add up to 1.15: they must add up to 1"
    assert set(problems) == {"shares", "seed", "budget_scale", "n_firms"}
    assert check(small()) == {}
    assert "between 0 and 1" in check(small(shares={"rd_grant": 1.5, "pilot": -0.5}))["shares"]


def run_beside_the_command(levers: Levers, overrides: list[str], years: int = 14):
    """The live run of ``levers`` and the command's model, both stepped ``years``; same jobs."""
    run = LiveRun.build(levers)
    reference = build_model(compose_config([*SMALL[:1], "scenario=targeted", "seed=3", *overrides]))
    assert run.step(years) == years
    for _ in range(years):
        reference.step()
    assert np.array_equal(run.model.recorder.employment, reference.recorder.employment)
    return run, reference


def test_the_live_run_is_the_model_the_command_builds():
    years = 14
    run, reference = run_beside_the_command(small(), [], years)
    assert run.baseline.policy.ledger.disbursed.sum() == 0  # no_policy moves no money
    assert run.model.policy.ledger.disbursed.sum() > 0
    assert run.reported == years - reference.burn_in


def test_the_scope_lever_lets_the_focal_region_act_alone_as_the_command_does():
    levers = small(policy_scope="focal")
    assert "policy_scope=focal" in levers.overrides()
    run, _ = run_beside_the_command(levers, ["policy_scope=focal"])
    spent = run.model.policy.ledger.disbursed.sum(axis=(0, 2))
    focal = run.model.economy.focal
    assert spent[focal] > 0 and (np.delete(spent, focal) == 0).all()


def test_the_live_run_reports_a_bad_config_as_one_error():
    with pytest.raises(ValueError, match="share"):
        LiveRun.build(small(shares={"rd_grant": 0.9}))


def test_charts_appear_once_years_are_reported():
    run = LiveRun.build(small())
    before = run_charts.render(run_charts.gather(run))
    assert before["specialisation"].startswith("No reported year yet")
    run.step(run.model.start - run.year + 6)
    after = run_charts.render(run_charts.gather(run))
    assert after["year"] == run.model.start + 5
    for name in ("specialisation", "employment", "budget", "roadmaps"):
        assert after[name][:4] == PNG, name
    one = run_charts.render(run_charts.gather(run), ["budget"])  # one chart, as while running
    assert set(one) == {"year", "budget"} and one["budget"][:4] == PNG
    periods = run.periods()
    assert set(periods["period"]) == {"1998-2001", "2002-2003"}  # the running period, so far
    assert len(periods) == 2 * len(run.model.economy.sectors)


def test_no_policy_is_its_own_baseline():
    run = LiveRun.build(small("no_policy", shares={}))
    run.step(run.model.start - run.year + 1)
    charts = run_charts.render(run_charts.gather(run))
    assert run.baseline is None
    assert charts["spearheads"] == "No spearhead value chains picked (yet) in this scenario."
    assert charts["specialisation"][:4] == PNG


def test_a_sweep_opens_from_its_files(tmp_path):
    sweep = make_sweep(tmp_path / "sweep", ("no_policy", "targeted"), (0, 1, 2))
    view = open_sweep(sweep)
    assert (sweep / "runs.parquet").is_file() and (sweep / "comparison.csv").is_file()
    assert view.scenarios == ["targeted"] and view.focal == FOCAL
    again = open_sweep(sweep)  # collected and compared: read, not recomputed
    assert again.notes == []
    assert again.comparison["mean_diff"].tolist() == pytest.approx(
        view.comparison["mean_diff"].tolist(), nan_ok=True
    )
    [line] = verdict(view.comparison, "employment_total")
    assert line.startswith(
        f"targeted: employment_total is higher than no_policy by {POLICY_EFFECT:.3g}"
    )


def test_paired_differences_are_scenario_minus_baseline_per_seed(tmp_path):
    view = open_sweep(make_sweep(tmp_path / "sweep", ("no_policy", "targeted"), (0, 1)))
    sectors, how = view.value_chains("targeted")
    assert sectors == ["batteries", "hydrogen"] and how.startswith("emerging")
    diffs = view.paired_differences("targeted", sectors, "employment")
    assert len(diffs) == 2 * len(YEARS) * 2
    batteries = diffs[diffs["sector"] == "batteries"].sort_values(["seed", "year"])
    steps = np.arange(len(YEARS)) / (len(YEARS) - 1)
    assert batteries["difference"].to_numpy() == pytest.approx(np.tile(POLICY_EFFECT * steps, 2))
    assert diffs.loc[diffs["sector"] == "hydrogen", "difference"].abs().max() == 0


def test_sweep_figures_are_drawn(tmp_path):
    view = open_sweep(make_sweep(tmp_path / "sweep", ("no_policy", "targeted", "bottom_up")))
    assert run_charts.png(sweep_charts.forest(view))[:4] == PNG
    assert run_charts.png(sweep_charts.paired_trajectories(view, "bottom_up"))[:4] == PNG
    assert run_charts.png(sweep_charts.heatmap(view, "targeted"))[:4] == PNG
    cells = sweep_charts.table(view, "employment_total")
    assert cells["scenario"].tolist() == ["targeted", "bottom_up"]


def test_a_folder_that_is_no_sweep_is_one_error(tmp_path):
    with pytest.raises(SweepError, match="no such directory"):
        open_sweep(tmp_path / "missing")
    sweep = make_sweep(tmp_path / "sweep", ("targeted",), (0,))
    with pytest.raises(SweepError, match="no run of the baseline 'no_policy'"):
        open_sweep(sweep)


def test_playing_stops_when_told_and_reports_its_speed():
    run = LiveRun.build(small())
    first = run.year
    asked, rates, drawings = [], [], []
    shown = playback.play(
        run, lambda: len(asked) < 3 and not asked.append(1), drawings.append, rates.append
    )
    assert run.year == first + 3  # asked before every year: three yes, then no
    assert rates and rates[-1] > 0
    assert shown == len(drawings) == 0  # burn-in years: nothing to draw


def test_an_unchanged_sweep_is_not_read_again_and_a_changed_one_is(tmp_path, monkeypatch):
    sweep = make_sweep(tmp_path / "sweep", ("no_policy", "targeted"), (0, 1, 2))
    first = open_sweep(sweep)
    reads = []
    real = sweep_data.load_runs
    monkeypatch.setattr(sweep_data, "load_runs", lambda *a: reads.append(a) or real(*a))
    again = open_sweep(sweep)
    assert reads == [] and again.key == first.key and again.notes == []

    path = sweep / "comparison.csv"  # s3sim-compare run again, with other figures
    table = pd.read_csv(path)
    table["mean_diff"] += 1.0
    table.to_csv(path, index=False)
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))
    changed = open_sweep(sweep)
    assert len(reads) == 1 and changed.key != first.key
    assert changed.comparison["mean_diff"].tolist() == pytest.approx(
        (first.comparison["mean_diff"] + 1.0).tolist(), nan_ok=True
    )

    (sweep / str(first.runs["run_dir"].iloc[-1]) / "_COMPLETE").unlink()  # a run incomplete
    fewer = open_sweep(sweep)
    assert len(reads) == 2 and len(fewer.runs) == len(first.runs) - 1


def test_a_figure_is_drawn_once_per_sweep_contents(tmp_path, monkeypatch):
    sweep = make_sweep(tmp_path / "sweep", ("no_policy", "targeted"), (0, 1))
    drawings = []
    real = sweep_charts.FIGURES["heatmap"]
    monkeypatch.setitem(
        sweep_charts.FIGURES, "heatmap", lambda v, s: drawings.append(s) or real(v, s)
    )
    image = sweep_charts.drawn(open_sweep(sweep), "heatmap", "targeted")
    assert image[:4] == PNG
    assert sweep_charts.drawn(open_sweep(sweep), "heatmap", "targeted") == image
    assert drawings == ["targeted"]
    sweep_charts.drawn(open_sweep(sweep), "heatmap", "no_policy")  # other choices: drawn
    assert drawings == ["targeted", "no_policy"]

    (sweep / "comparison.csv").unlink()  # compared again when opened: a new sweep stamp
    sweep_charts.drawn(open_sweep(sweep), "heatmap", "targeted")
    assert drawings == ["targeted", "no_policy", "targeted"]
