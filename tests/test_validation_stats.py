"""Known-answer tests of the stylised-fact statistics in sim.validation.facts."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.validation import stylised_facts as facts
from sim.validation.targets import TARGETS, Target


def pareto(rng: np.random.Generator, alpha: float, n: int) -> np.ndarray:
    """Exact Pareto sample with x_min = 1 by inversion."""
    return (1.0 - rng.random(n)) ** (-1.0 / alpha)


# --- Hill ---------------------------------------------------------------------------------------


def test_hill_recovers_pareto_exponent():
    rng = np.random.default_rng(11)
    alpha_hat, k = facts.hill_alpha(pareto(rng, 1.06, 200_000), tail_fraction=0.05)
    assert k == 10_000
    # The Hill estimator on an exact Pareto tail is asymptotically normal with
    # SE = alpha / sqrt(k) = 1.06 / 100 = 0.0106; 4 SE = 0.042.
    assert alpha_hat == pytest.approx(1.06, abs=4 * 1.06 / math.sqrt(k))
    assert TARGETS["firm_size_tail_hill"].contains(alpha_hat)


def test_hill_hand_computed_and_degenerate():
    # x = 8, 4, 2, 1 with k = 2: alpha = 2 / (ln(8/2) + ln(4/2)) = 2 / ln 8.
    alpha_hat, k = facts.hill_alpha(np.array([1.0, 2.0, 4.0, 8.0]), tail_fraction=0.5, min_k=2)
    assert k == 2
    assert alpha_hat == pytest.approx(2 / math.log(8))
    assert math.isnan(facts.hill_alpha(np.ones(100), 0.5)[0])  # flat tail
    assert math.isnan(facts.hill_alpha(np.arange(1.0, 101.0), 0.05)[0])  # k = 5 < 10


def test_hill_by_year_one_row_per_year():
    rng = np.random.default_rng(3)
    firms = pd.DataFrame(
        {"year": np.repeat([2000, 2001], 1000), "employment": pareto(rng, 1.5, 2000)}
    )
    out = facts.hill_by_year(firms)
    assert out["year"].tolist() == [2000, 2001]
    assert out["k"].tolist() == [50, 50]
    assert out["alpha"].notna().all()


# --- growth -------------------------------------------------------------------------------------


def test_growth_rates_pairs_consecutive_years_and_demeans():
    firms = pd.DataFrame(
        {
            "year": [2000, 2000, 2001, 2001, 2003],
            "firm_id": [1, 2, 1, 2, 1],
            "employment": [10.0, 4.0, 20.0, 2.0, 5.0],
        }
    )
    g = facts.growth_rates(firms).sort_values("firm_id")
    assert g["year"].tolist() == [2001, 2001]  # 2003 has no 2002 to pair with
    assert g["size"].tolist() == [10.0, 4.0]
    assert g["growth"].to_numpy() == pytest.approx([math.log(2), math.log(0.5)])
    assert g["growth_dm"].to_numpy() == pytest.approx([math.log(2), -math.log(2)])


# Monte Carlo (200 replicates, n = 20,000) SD of the gennorm shape estimate:
# 0.014 at beta = 1 and 0.030 at beta = 2. Tolerances are 4 of these SDs.
N_FIT = 20_000


def test_subbotin_shape_of_laplace_is_one():
    x = np.random.default_rng(5).laplace(size=N_FIT)
    beta, n = facts.subbotin_shape(x)
    assert n == N_FIT
    assert beta == pytest.approx(1.0, abs=4 * 0.014)
    assert TARGETS["growth_subbotin_shape"].contains(beta)


def test_subbotin_shape_of_normal_is_two_and_fails_target():
    x = np.random.default_rng(6).normal(size=N_FIT)
    beta, _ = facts.subbotin_shape(x)
    assert beta == pytest.approx(2.0, abs=4 * 0.030)
    assert not TARGETS["growth_subbotin_shape"].contains(beta)


def test_subbotin_subsamples_deterministically():
    x = np.random.default_rng(7).laplace(size=5_000)
    first = facts.subbotin_shape(x, max_n=1_000)
    assert first[1] == 1_000
    assert facts.subbotin_shape(x, max_n=1_000) == first
    assert math.isnan(facts.subbotin_shape(np.zeros(50))[0])


def test_volatility_size_slope_recovers_exponent():
    rng = np.random.default_rng(8)
    size = np.exp(rng.uniform(0.0, math.log(1e4), 100_000))
    growth = rng.normal(0.0, 0.3 * size**-0.2)
    b, bins = facts.volatility_size_slope(size, growth, n_bins=12, min_per_bin=50)
    assert bins == 12
    # Each bin holds ~8,300 firms, so ln sd has SE ~ 1/sqrt(2 n) ~ 0.008 and the
    # slope over a 9.2-wide ln-size range has SE ~ 0.001; the tolerance 0.01 also
    # covers the small bias of using ln(mean size) instead of mean ln(size).
    assert b == pytest.approx(0.2, abs=0.01)
    assert TARGETS["growth_volatility_size_slope"].contains(b)


def test_volatility_size_slope_drops_small_bins():
    rng = np.random.default_rng(9)
    size = np.concatenate([np.exp(rng.uniform(0, 3, 3_000)), [1e4]])  # one lone giant
    growth = rng.normal(0.0, size**-0.2)
    _, bins = facts.volatility_size_slope(size, growth, n_bins=12, min_per_bin=50)
    assert bins < 12
    assert math.isnan(facts.volatility_size_slope(np.ones(10), np.ones(10))[0])


# --- entry, exit, survival ----------------------------------------------------------------------


def hand_panel() -> pd.DataFrame:
    """Four years; counted by hand below."""
    rows = [
        (2000, 1, 5), (2000, 2, 3), (2000, 3, 0), (2000, 4, 2),
        (2001, 1, 6), (2001, 2, 4), (2001, 5, 0), (2001, 6, 0),
        (2002, 1, 7), (2002, 5, 1), (2002, 7, 0), (2002, 8, 3),
        (2003, 1, 8), (2003, 5, 2), (2003, 7, 1), (2003, 8, 4),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["year", "firm_id", "age"])
    return frame.assign(region="r", sector="s", employment=1.0)


def test_entry_exit_counts_by_hand():
    out = facts.entry_exit(hand_panel()).set_index("year")
    # 2001: firms 3 and 4 gone, 5 and 6 enter; 4 active in 2000.
    # 2002: firms 2 and 6 gone, 7 enters (8 is new but age 3: not an entrant).
    # 2003: nobody enters or exits. Survival: of 2001's entrants (5, 6) only 5
    # is alive in 2002; 2002's entrant 7 is alive in 2003; 2003 has no t+1.
    assert out.index.tolist() == [2001, 2002, 2003]
    assert out["active_prev"].tolist() == [4, 4, 4]
    assert out["entrants"].tolist() == [2, 1, 0]
    assert out["exits"].tolist() == [2, 2, 0]
    assert out["entry_rate"].tolist() == [0.5, 0.25, 0.0]
    assert out["exit_rate"].tolist() == [0.5, 0.5, 0.0]
    assert out["survivors"].iloc[:2].tolist() == [1.0, 1.0]
    assert math.isnan(out["survivors"].iloc[2])


def test_entry_exit_skips_years_without_predecessor():
    panel = hand_panel()
    panel = panel[panel["year"] != 2001]
    out = facts.entry_exit(panel)
    assert out["year"].tolist() == [2003]  # 2002 has no 2001, 2000 has no 1999
    assert math.isnan(out["survivors"].iloc[0])


# --- Galton regression --------------------------------------------------------------------------


def test_galton_regression_on_ar1_pairs():
    rng = np.random.default_rng(10)
    n, rho = 20_000, 0.5
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    panel = pd.DataFrame(
        {
            "year": np.repeat([2000, 2008], n),
            "region": "r",
            "sector": np.tile(np.arange(n).astype(str), 2),
            "rsca": np.concatenate([x, y]),
        }
    )
    pairs = facts.lagged_pairs(panel, "rsca", 8)
    slope, r, m = facts.galton_regression(pairs["x"].to_numpy(), pairs["y"].to_numpy())
    assert m == n
    # SE(slope) = sqrt(1 - rho^2) / sqrt(n) = 0.0061 and SE(r) ~ (1 - rho^2) /
    # sqrt(n) = 0.0053 for independent pairs; tolerance 4 SE.
    assert slope == pytest.approx(rho, abs=4 * 0.0061)
    assert r == pytest.approx(rho, abs=4 * 0.0053)
    assert TARGETS["rca_galton_slope"].contains(slope)
    assert not TARGETS["rca_galton_correlation"].contains(r)


def test_lagged_pairs_uses_exact_lag_and_drops_missing():
    panel = pd.DataFrame(
        {
            "year": [2000, 2001, 2008, 2009, 2000, 2008],
            "region": ["a", "a", "a", "a", "b", "b"],
            "sector": "s",
            "rsca": [0.1, 0.2, 0.3, np.nan, 0.5, 0.6],
        }
    )
    pairs = facts.lagged_pairs(panel, "rsca", 8)
    assert sorted(zip(pairs["region"], pairs["x"], pairs["y"], strict=True)) == [
        ("a", 0.1, 0.3),
        ("b", 0.5, 0.6),
    ]
    assert math.isnan(facts.galton_regression(np.ones(5), np.arange(5.0))[0])


# --- relatedness and gains ----------------------------------------------------------------------


def gain_panel(probabilities: list[float], per_quintile: int = 100) -> pd.DataFrame:
    """Region-sectors with rca < 1 in 2000 whose 2005 gain share is set per quintile."""
    n = 5 * per_quintile
    density = np.arange(n) / n
    quintile = np.arange(n) // per_quintile
    within = np.arange(n) % per_quintile
    gain = within < np.round(np.asarray(probabilities)[quintile] * per_quintile)
    sectors = [f"s{i}" for i in range(n)]
    start = pd.DataFrame({"year": 2000, "sector": sectors, "rca": 0.5, "density": density})
    end = pd.DataFrame({"year": 2005, "sector": sectors, "rca": np.where(gain, 1.5, 0.5)})
    extra = pd.DataFrame(  # excluded: already specialised at t, or no t + 5
        {"year": [2000, 2001], "sector": ["x", "y"], "rca": [2.0, 0.1], "density": 0.9}
    )
    panel = pd.concat([start, end.assign(density=0.0), extra], ignore_index=True)
    return panel.assign(region="r", rsca=0.0).rename(columns={"density": "relatedness_density"})


def test_gain_by_quintile_recovers_constructed_probabilities():
    sample = facts.gain_sample(gain_panel([0.0, 0.1, 0.2, 0.3, 0.4]), horizon=5)
    assert len(sample) == 500
    table = facts.gain_by_quintile(sample["density"], sample["gain"])
    assert table["n"].tolist() == [100] * 5
    assert table["gains"].tolist() == [0, 10, 20, 30, 40]
    assert table["p"].to_numpy() == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    # One observation per cluster: the binomial SE sqrt(p (1 - p) / (n - 1)).
    assert table["se"].to_numpy() == pytest.approx(np.sqrt(table["p"] * (1 - table["p"]) / 99))
    rises, ratio, rho = facts.gain_profile_test(table["p"], table["se"])
    assert rises and ratio == math.inf and rho == pytest.approx(1.0)
    assert TARGETS["relatedness_gain_ratio"].contains(ratio)


def test_gain_quintiles_are_rank_based_under_ties():
    table = facts.gain_by_quintile(np.zeros(503), np.ones(503, dtype=bool))
    assert table["n"].tolist() == [100, 101, 100, 101, 101]  # ceil(5 r / 503), r = 1..503
    assert table["p"].tolist() == [1.0] * 5


def test_gain_se_is_clustered():
    gain = np.tile([True, False, False, False], 50)
    single = facts.gain_by_quintile(np.arange(200.0), gain)
    density, doubled_gain = np.repeat(np.arange(200.0), 2), np.repeat(gain, 2)
    clustered = facts.gain_by_quintile(density, doubled_gain, np.repeat(np.arange(200), 2))
    naive = facts.gain_by_quintile(density, doubled_gain)
    # Duplicating every observation adds no information: the clustered SE is
    # unchanged, while the naive one shrinks by about 1/sqrt(2).
    assert clustered["p"].to_numpy() == pytest.approx(single["p"].to_numpy())
    assert clustered["se"].to_numpy() == pytest.approx(single["se"].to_numpy())
    assert naive["se"].to_numpy() / single["se"].to_numpy() == pytest.approx(
        np.full(5, 1 / math.sqrt(2)), rel=0.01
    )


@pytest.mark.parametrize(
    ("p", "se", "rises"),
    [
        ([0.05, 0.1, 0.15, 0.2, 0.3], [0.01] * 5, True),
        ([0.05, 0.1, 0.09, 0.2, 0.3], [0.01] * 5, True),  # dip 0.01 <= sqrt(2) * 0.01
        ([0.05, 0.1, 0.07, 0.2, 0.3], [0.01] * 5, False),  # dip 0.03 > 0.014
        ([0.05, 0.04, 0.1, 0.09, 0.3], [0.01] * 5, False),  # two dips
        ([0.3, 0.2, 0.15, 0.1, 0.05], [0.01] * 5, False),  # falling
        ([0.0] * 5, [0.0] * 5, False),  # flat: Spearman undefined
    ],
)
def test_gain_profile_rule(p, se, rises):
    assert facts.gain_profile_test(np.array(p), np.array(se))[0] is rises


def test_gain_ratio_edge_cases():
    assert facts.gain_profile_test(np.array([0.1, 0.1, 0.2, 0.2, 0.25]), np.zeros(5))[1] == 2.5
    assert facts.gain_profile_test(np.array([0, 0, 0, 0, 0.1]), np.zeros(5))[1] == math.inf
    assert math.isnan(facts.gain_profile_test(np.zeros(5), np.zeros(5))[1])


# --- targets ------------------------------------------------------------------------------------


def test_target_bounds_and_text():
    closed, open_ = Target(0.8, 1.3), Target(0.0, 1.0, open_low=True, open_high=True)
    assert closed.contains(0.8) and closed.contains(1.3) and not closed.contains(1.31)
    assert not open_.contains(0.0) and not open_.contains(1.0) and open_.contains(0.5)
    assert not closed.contains(float("nan"))
    assert Target(2.0, None).contains(math.inf)
    assert (closed.text(), open_.text()) == ("[0.8, 1.3]", "(0, 1)")
    assert TARGETS["rca_galton_correlation"].text() == "> 0.6"
    assert not TARGETS["rca_galton_correlation"].contains(0.6)
