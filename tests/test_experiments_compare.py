import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments import compare, compare_runs, write_comparison
from sim.experiments.commands import compare_main as main
from sim.experiments.paired_stats import mean_interval, ratio_interval
from tests.fake_sweep import make_sweep

N = 999  # bootstrap resamples: enough for the checks, fast


def runs_frame(baseline_values, scenario_values, seeds=None, **extra) -> pd.DataFrame:
    """A runs table with one indicator, ``x``, for no_policy and targeted."""
    seeds = list(range(len(baseline_values))) if seeds is None else list(seeds)
    rows = [
        {"run_dir": f"b{s}", "scenario": "no_policy", "seed": s, "x": v}
        for s, v in zip(seeds, baseline_values, strict=True)
    ]
    rows += [
        {"run_dir": f"s{s}", "scenario": "targeted", "seed": s, "x": v}
        for s, v in zip(seeds, scenario_values, strict=True)
    ]
    frame = pd.DataFrame(rows)
    for key, value in extra.items():
        frame[key] = value
    return frame


def shuffled(frame: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def one_row(table: pd.DataFrame, indicator: str = "x", **where) -> pd.Series:
    mask = table["indicator"] == indicator
    for key, value in where.items():
        mask &= table[key] == value
    assert mask.sum() == 1, table
    return table[mask].iloc[0]


def test_constant_shift_gives_degenerate_interval_and_exact_p():
    base = np.array([3.0, 170.0, 12.0, 99.0, 4.0, 250.0, 61.0, 8.0, 130.0, 47.0])
    runs = shuffled(runs_frame(base, base + 5.0))
    row = one_row(compare(runs, indicators=["x"], n_resamples=N))
    assert row["n_pairs"] == 10
    assert row["mean_diff"] == pytest.approx(5.0)
    assert row["ci_low"] == pytest.approx(5.0)
    assert row["ci_high"] == pytest.approx(5.0)
    assert row["ci_half_width"] == pytest.approx(0.0)
    assert row["ci_method"] == "t"
    assert row["p_wilcoxon"] == pytest.approx(0.001953125)
    assert row["baseline_mean"] == pytest.approx(base.mean())
    assert row["scenario_mean"] == pytest.approx(base.mean() + 5.0)


def test_differences_one_to_ten():
    base = np.arange(10.0) * 7.0
    diffs = np.arange(1.0, 11.0)
    runs = shuffled(runs_frame(base, base + diffs), seed=3)
    row = one_row(compare(runs, indicators=["x"], n_resamples=N))
    assert row["mean_diff"] == pytest.approx(5.5)
    assert row["ci_method"] == "t"
    half = stats.t.ppf(0.975, 9) * diffs.std(ddof=1) / np.sqrt(10)  # Student, 9 df
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((5.5 - half, 5.5 + half))
    assert row["ci_half_width"] == pytest.approx((row["ci_high"] - row["ci_low"]) / 2)
    assert row["p_wilcoxon"] == pytest.approx(0.001953125)


def test_pairing_is_by_seed_not_by_row_order():
    base = np.arange(8.0) * 1000.0
    runs = runs_frame(base, base - 2.0)
    ordered = one_row(compare(runs, indicators=["x"], n_resamples=N))
    mixed = one_row(compare(shuffled(runs, seed=7), indicators=["x"], n_resamples=N))
    assert ordered["mean_diff"] == pytest.approx(-2.0)
    assert mixed["mean_diff"] == pytest.approx(-2.0)
    assert mixed["ci_low"] == pytest.approx(ordered["ci_low"])


def test_unpaired_seed_is_reported():
    runs = runs_frame(np.arange(5.0), np.arange(5.0) + 1.0)
    lonely = {"run_dir": "s9", "scenario": "targeted", "seed": 9, "x": 100.0}
    runs = pd.concat([runs, pd.DataFrame([lonely])], ignore_index=True)
    result = compare_runs(runs, indicators=["x"], n_resamples=N)
    row = one_row(result.table)
    assert row["n_pairs"] == 5
    assert row["n_unpaired"] == 1
    assert row["mean_diff"] == pytest.approx(1.0)
    unpaired = result.unpaired
    assert list(unpaired[["scenario", "seed", "run_dir"]].itertuples(index=False, name=None)) == [
        ("targeted", 9, "s9")
    ]
    assert "no no_policy run" in unpaired["problem"].iloc[0]
    assert any("not paired" in note for note in result.notes)
    table = compare(runs, indicators=["x"], n_resamples=N)
    assert table.attrs["unpaired"][0]["seed"] == 9


def test_pairs_within_each_budget_level():
    seeds = list(range(6))
    frames = []
    for level, shift in (("50", 1.0), ("100", 2.0)):
        base = np.array(seeds, dtype=float) * 10.0 + float(level)
        frame = runs_frame(base, base + shift, **{"override.policy.budget": level})
        frame["run_dir"] = frame["run_dir"] + "_" + level
        frames.append(frame)
    runs = shuffled(pd.concat(frames, ignore_index=True))
    runs["override.economy.n_firms"] = "200"  # constant: not a group column
    table = compare(runs, indicators=["x"], n_resamples=N)
    assert "override.policy.budget" in table.columns
    assert "override.economy.n_firms" not in table.columns
    assert one_row(table, **{"override.policy.budget": "50"})["mean_diff"] == pytest.approx(1.0)
    assert one_row(table, **{"override.policy.budget": "100"})["mean_diff"] == pytest.approx(2.0)
    assert (table["n_pairs"] == 6).all()


def test_budget_level_unset_in_baseline_pairs_every_level_with_it():
    base = np.arange(4.0) * 3.0
    runs = runs_frame(base, base + 1.0)
    more = runs[runs["scenario"] == "targeted"].assign(
        x=base + 4.0, run_dir=lambda f: f.run_dir + "b"
    )
    runs["override.budget_scale"] = np.where(runs["scenario"] == "targeted", "0.5", None)
    more["override.budget_scale"] = "2.0"
    table = compare(pd.concat([runs, more], ignore_index=True), indicators=["x"], n_resamples=N)
    assert one_row(table, **{"override.budget_scale": "0.5"})["mean_diff"] == pytest.approx(1.0)
    assert one_row(table, **{"override.budget_scale": "2.0"})["mean_diff"] == pytest.approx(4.0)
    assert (table["n_unpaired"] == 0).all()


def test_a_scenario_run_of_another_world_has_no_baseline_run():
    """Only the policy's levers may be set on one side alone: a scenario swept with another
    calendar is not paired with baseline runs of the default one."""
    base = np.arange(4.0) * 3.0
    runs = runs_frame(base, base + 1.0)
    runs["override.years.burn_in"] = np.where(runs["scenario"] == "targeted", "2", None)
    result = compare_runs(runs, indicators=["x"], n_resamples=N)
    assert (result.table["n_pairs"] == 0).all()
    problems = set(result.unpaired.loc[result.unpaired["scenario"] == "targeted", "problem"])
    assert problems == {"no no_policy run with this seed and years.burn_in=2"}


def test_an_override_that_changes_no_outcome_does_not_split_the_pairs():
    base = np.arange(4.0) * 3.0
    runs = runs_frame(base, base + 1.0)
    runs["override.output.plots"] = np.where(runs["scenario"] == "no_policy", "false", None)
    table = compare(runs, indicators=["x"], n_resamples=N)
    assert one_row(table)["n_pairs"] == 4 and one_row(table)["mean_diff"] == pytest.approx(1.0)
    assert "override.output.plots" not in table.columns


def cost_runs(job_diffs, budget_base=10.0, budget_extra=100.0) -> pd.DataFrame:
    n = len(job_diffs)
    base_jobs = np.arange(n) * 50.0 + 1000.0
    runs = runs_frame(base_jobs, base_jobs + np.asarray(job_diffs, dtype=float))
    runs = runs.rename(columns={"x": "employment_total"})
    runs["budget_spent"] = np.where(
        runs["scenario"] == "targeted", budget_base + budget_extra, budget_base
    )
    return runs


def test_cost_per_job_ratio_estimator():
    # Extra budget 100 per seed, extra jobs 4 or 6: 100 / mean(5) = 20 per job.
    runs = cost_runs([4, 6, 4, 6, 4, 6, 4, 6, 4, 6])
    row = one_row(compare(runs, indicators=["cost_per_job"], n_resamples=N), "cost_per_job")
    assert row["n_pairs"] == 10
    assert row["mean_diff"] == pytest.approx(20.0)
    assert 100.0 / 6.0 - 1e-9 <= row["ci_low"] <= 20.0 <= row["ci_high"] <= 25.0 + 1e-9
    assert math.isnan(row["p_wilcoxon"])
    assert "ratio estimator" in row["note"]


def test_cost_per_job_is_nan_when_jobs_are_not_clearly_created():
    # Mean job difference 0.375 > 0, but its interval includes 0.
    runs = cost_runs([-3, 4, -2, 3, -4, 5, 1, -1])
    row = one_row(compare(runs, indicators=["cost_per_job"], n_resamples=N), "cost_per_job")
    assert math.isnan(row["mean_diff"])
    assert "mean job difference 0.375" in row["note"]
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert "not estimated" in row["note"]
    losses = cost_runs([-5, -6, -4, -5, -6])
    row = one_row(compare(losses, indicators=["cost_per_job"], n_resamples=N), "cost_per_job")
    assert math.isnan(row["mean_diff"]) and "not above 0" in row["note"]


def test_nan_drops_the_pair_for_that_indicator_only():
    base = np.arange(10.0)
    runs = runs_frame(base, base + 2.0)
    runs["y"] = runs["x"]
    runs.loc[(runs["scenario"] == "targeted") & (runs["seed"] == 4), "x"] = np.nan
    table = compare(runs, indicators=["x", "y"], n_resamples=N)
    assert one_row(table, "x")["n_pairs"] == 9
    assert "1 pairs dropped" in one_row(table, "x")["note"]
    assert one_row(table, "y")["n_pairs"] == 10
    assert one_row(table, "x")["mean_diff"] == pytest.approx(2.0)


def test_all_nan_and_too_few_nonzero_differences():
    runs = runs_frame([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    runs["z"] = np.nan
    table = compare(runs, indicators=["x", "z"], n_resamples=N)
    x = one_row(table, "x")
    assert x["mean_diff"] == pytest.approx(1.0 / 3.0)
    assert math.isnan(x["p_wilcoxon"])  # one non-zero difference
    z = one_row(table, "z")
    assert z["n_pairs"] == 0 and math.isnan(z["mean_diff"]) and math.isnan(z["ci_low"])


def test_missing_indicator_is_skipped_with_a_note():
    runs = runs_frame(np.arange(4.0), np.arange(4.0) + 1.0)
    table = compare(runs, n_resamples=N)  # default indicators: none is present
    assert table.empty
    assert any("employment_total" in note for note in table.attrs["notes"])
    table = compare(runs, indicators=["x", "nope"], n_resamples=N)
    assert list(table["indicator"]) == ["x"]
    assert any("nope" in note for note in table.attrs["notes"])


def test_missing_baseline_raises():
    runs = runs_frame([1.0, 2.0], [2.0, 3.0])
    with pytest.raises(ValueError, match="baseline"):
        compare(runs, baseline="status_quo", indicators=["x"])


def test_same_seed_same_interval():
    rng = np.random.default_rng(5)
    base = rng.normal(size=12)
    runs = runs_frame(base, base + rng.normal(1.0, 1.0, size=12))
    a = one_row(compare(runs, indicators=["x"], n_resamples=N, seed=3))
    b = one_row(compare(shuffled(runs), indicators=["x"], n_resamples=N, seed=3))
    assert (a["ci_low"], a["ci_high"]) == (b["ci_low"], b["ci_high"])


def test_written_files_and_command_line(tmp_path, capsys):
    runs = runs_frame(np.arange(6.0), np.arange(6.0) + 5.0)
    result = compare_runs(runs, indicators=["x"], n_resamples=N)
    csv_path, md_path = write_comparison(result, tmp_path / "out")
    assert pd.read_csv(csv_path)["mean_diff"].iloc[0] == pytest.approx(5.0)
    text = md_path.read_text()
    assert "| targeted | x | 6 | 5.00 |" in text
    assert "more seeds are needed" in text and "paired" in text

    sweep = make_sweep(tmp_path / "sweep", seeds=range(3))
    assert main([str(sweep), "--n-resamples", "999"]) == 0
    assert (sweep / "comparison.csv").is_file() and (sweep / "comparison.md").is_file()
    assert "compared 1 scenarios" in capsys.readouterr().out
    assert main([str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing" in err[0]
    assert main([str(sweep), "--baseline", "nothing"]) == 2
    assert "nothing" in capsys.readouterr().err


@pytest.mark.parametrize("n", [2, 3, 5])
def test_the_interval_of_a_mean_covers_it_as_often_as_it_says_with_few_pairs(n):
    """95 % intervals of the mean of n normal differences, 4,000 times: the share that
    covers the true mean is 0.95 within 3 binomial standard errors (0.0103). A bootstrap
    interval covered it about 71 % of the time with 3 pairs."""
    rng = np.random.default_rng(12)
    reps = 4000
    covered = 0
    for diff in rng.normal(2.0, 5.0, size=(reps, n)):
        interval = mean_interval(diff, confidence=0.95)
        covered += interval.low <= 2.0 <= interval.high
    assert abs(covered / reps - 0.95) < 3 * np.sqrt(0.95 * 0.05 / reps)


def test_a_ratio_gets_no_bootstrap_interval_below_ten_pairs():
    rng = np.random.default_rng(0)
    jobs = rng.normal(10.0, 1.0, size=12)
    budget = 3.0 * jobs + rng.normal(0.0, 1.0, size=12)
    few = ratio_interval(budget[:9], jobs[:9], n_resamples=N, confidence=0.95, rng=rng)
    assert np.isnan(few.low) and few.method == ""
    enough = ratio_interval(budget, jobs, n_resamples=N, confidence=0.95, rng=rng)
    assert enough.low < budget.mean() / jobs.mean() < enough.high
