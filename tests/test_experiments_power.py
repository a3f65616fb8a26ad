"""Power of paired comparisons (sim.experiments.power) and the verdict paragraph."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments import compare_runs
from sim.experiments.commands import compare_main as main
from sim.experiments.power import (
    minimal_detectable_effect,
    pairing_gain,
    parse_target_half_width,
    seeds_needed,
    seeds_to_detect,
)
from sim.experiments.verdict import CRN_HOLDS, verdict

N = 999


def test_the_minimal_detectable_effect_is_found_with_80_percent_power():
    # 20,000 simulated studies of 10 normal differences with mean = MDE: the paired t
    # test rejects in a share with binomial sd sqrt(0.8 * 0.2 / 20,000) = 0.0028;
    # we allow 4 sd. At half the MDE the power is far lower.
    n, sd = 10, 3.0
    mde = minimal_detectable_effect(sd, n)
    rng = np.random.default_rng(4)
    for effect, low, high in ((mde, 0.789, 0.811), (mde / 2, 0.0, 0.4)):
        d = rng.normal(effect, sd, size=(20_000, n))
        p = stats.ttest_1samp(d, 0.0, axis=1).pvalue
        assert low < (p < 0.05).mean() < high
    # about (t_.975 + t_.8) sd / sqrt(n) = (2.262 + 0.883) * 3 / sqrt(10) = 2.98
    assert mde == pytest.approx(2.98, rel=0.05)
    assert math.isnan(minimal_detectable_effect(sd, 1))


def test_seeds_needed_is_the_fewest_whose_interval_is_narrow_enough():
    sd, target = 4_000.0, 1_000.0
    n = int(seeds_needed(sd, target))

    def half(k: int) -> float:
        return stats.t.ppf(0.975, k - 1) * sd / math.sqrt(k)

    assert half(n) <= target < half(n - 1)
    assert seeds_needed(0.0, 1.0) == 2
    assert seeds_needed(1.0, 1e-6) == math.inf


def test_seeds_to_detect_reaches_the_effect():
    n = int(seeds_to_detect(3.0, 2.0))
    assert minimal_detectable_effect(3.0, n) <= 2.0 < minimal_detectable_effect(3.0, n - 1)


def test_pairing_gain_is_one_for_independent_runs_and_large_for_shared_noise():
    rng = np.random.default_rng(2)
    a, b, c = rng.normal(size=(3, 100_000))
    # independent: (1 + 1) / 2 = 1, sampling error about 0.5 %
    assert pairing_gain(a, b) == pytest.approx(1.0, rel=0.03)
    # shared noise plus a small own part: (2 (1 + 0.01)) / (2 * 0.01) = 101
    assert pairing_gain(a + 0.1 * b, a + 0.1 * c) == pytest.approx(101, rel=0.05)


@pytest.mark.parametrize("text", ["abc", "-1", "0", "0%", "1%%", "", "nan", "inf", "%"])
def test_bad_target_half_widths_are_refused_in_one_line(text, capsys):
    with pytest.raises(ValueError, match="--target-half-width"):
        parse_target_half_width(text)
    assert main(["/nonexistent", "--target-half-width", text]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "--target-half-width" in err and "percentage" in err


def test_target_half_width_in_units_and_in_percent():
    assert parse_target_half_width("5000").in_units(123.0) == 5000
    assert parse_target_half_width("1%").in_units(-400_000.0) == pytest.approx(4_000)


def runs(noise_shared: bool, effect: float, seeds: int = 10) -> pd.DataFrame:
    """no_policy and bottom_up with an employment_total that shares noise or not."""
    rng = np.random.default_rng(7)
    base = 500_000 + 50_000 * rng.normal(size=seeds)
    own = base if noise_shared else 500_000 + 50_000 * rng.normal(size=seeds)
    scen = own + effect + 100 * rng.normal(size=seeds)
    rows = [
        {"run_dir": f"{name}{s}", "scenario": name, "seed": s, "employment_total": v}
        for name, values in (("no_policy", base), ("bottom_up", scen))
        for s, v in enumerate(values)
    ]
    return pd.DataFrame(rows)


def test_the_verdict_names_what_is_settled_and_claims_pairing_only_when_it_holds():
    shared = compare_runs(
        runs(True, 2_000.0), indicators=["employment_total"], n_resamples=N, target_half_width="1%"
    )
    text = verdict(shared)
    mean = shared.table["mean_diff"].iloc[0]
    assert "1 of 1" in text and f"`bottom_up` +{mean:,.0f} [" in text
    assert "Common random numbers hold" in text
    assert shared.table["pairing_gain"].iloc[0] > CRN_HOLDS
    assert "A half-width of 1% for every indicator needs up to about 2 seeds" in text

    independent = compare_runs(runs(False, 2_000.0), indicators=["employment_total"], n_resamples=N)
    text = verdict(independent)
    assert "0 of 1" in text and "Not distinguishable from zero" in text
    assert "Common random numbers hold" not in text and "only" in text
    row = independent.table.iloc[0]
    need = seeds_to_detect(row["sd_diff"], row["mean_diff"])
    assert f"about {need:,.0f} seeds" in text


def test_the_verdict_gives_the_pairs_behind_each_claim_and_no_power_from_one_pair():
    frame = runs(True, 2_000.0)
    # bottom_up has 10 seeds, targeted only seed 0: uneven pairs
    one = frame[(frame["scenario"] == "bottom_up") & (frame["seed"] == 0)].assign(
        scenario="targeted", run_dir="t0"
    )
    result = compare_runs(
        pd.concat([frame, one], ignore_index=True), indicators=["employment_total"], n_resamples=N
    )
    text = verdict(result)
    assert text.startswith("With 1 to 10 (by scenario and indicator) seeds paired with")
    assert "(10 pairs)" in text and "`targeted` " in text
    assert "(1 pair): too few pairs for an interval" in text
    assert "million" not in text
    # every pair the same difference: no variance to pair away, nothing infinite said
    same = frame.copy()
    base = same["scenario"] == "no_policy"
    same.loc[~base, "employment_total"] = same.loc[base, "employment_total"].to_numpy() + 0.0
    text = verdict(compare_runs(same, indicators=["employment_total"], n_resamples=N))
    assert "every pair gave the same difference" in text
    assert "inf" not in text and "million" not in text
