"""Stylised-fact statistics: pure functions on arrays and tidy frames.

Firm-panel statistics live here; the specialisation statistics are defined in
:mod:`sim.validation.specialisation` and re-exported.

Every function works on one run's output (or on arrays already pooled over
runs) and has no side effects. Frames follow ``docs/outputs.md``: the firm
panel has ``year, firm_id, region, sector, employment, age`` and the
specialisation panel ``year, region, sector, rca, rsca, relatedness_density``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from sim.validation.specialisation import (
    gain_by_quintile,
    gain_profile_test,
    gain_sample,
    galton_regression,
    lagged_pairs,
)

__all__ = [
    "MAX_GROWTH_SAMPLE",
    "entry_exit",
    "gain_by_quintile",
    "gain_profile_test",
    "gain_sample",
    "galton_regression",
    "growth_rates",
    "hill_alpha",
    "hill_by_year",
    "lagged_pairs",
    "subbotin_shape",
    "volatility_size_slope",
]

#: Default cap on the number of growth rates given to the Subbotin fit.
MAX_GROWTH_SAMPLE = 200_000


def hill_alpha(x: np.ndarray, tail_fraction: float = 0.05, min_k: int = 10) -> tuple[float, int]:
    """Hill estimator of the Pareto tail exponent of a positive sample.

    With ``x_(1) >= x_(2) >= ...`` the sample sorted in descending order and
    ``k = floor(tail_fraction * n)`` the number of tail observations,
    ``alpha = k / sum_{i=1..k} ln(x_(i) / x_(k+1))`` (Hill 1975; applied to
    firm sizes by Axtell 2001, who finds alpha ~ 1.06 for US firms).

    Args:
        x: Sample; non-positive and non-finite values are dropped.
        tail_fraction: Share of the largest observations used as the tail.
        min_k: Smallest usable tail; below it the estimate is NaN.

    Returns:
        ``(alpha, k)``; alpha is NaN when ``k < min_k`` or the tail is flat.
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    k = int(np.floor(tail_fraction * x.size))
    if k < min_k or k >= x.size:
        return float("nan"), k
    top = -np.sort(-x)[: k + 1]
    denom = float(np.sum(np.log(top[:k] / top[k])))
    if denom <= 0:
        return float("nan"), k
    return k / denom, k


def hill_by_year(firms: pd.DataFrame, tail_fraction: float = 0.05, min_k: int = 10) -> pd.DataFrame:
    """Hill estimate of the employment tail for every reported year.

    Args:
        firms: Firm panel with ``year`` and ``employment``.
        tail_fraction: Passed to :func:`hill_alpha`.
        min_k: Passed to :func:`hill_alpha`.

    Returns:
        Frame with ``year, alpha, k`` (alpha NaN where the year is too small).
    """
    rows = [
        (int(year), *hill_alpha(grp.to_numpy(), tail_fraction, min_k))
        for year, grp in firms.groupby("year")["employment"]
    ]
    return pd.DataFrame(rows, columns=["year", "alpha", "k"])


def _present_in(firms: pd.DataFrame, shift: int) -> np.ndarray:
    """Whether each row's firm also appears in year ``year + shift``."""
    keys = pd.MultiIndex.from_arrays([firms["year"].to_numpy(), firms["firm_id"].to_numpy()])
    shifted = pd.MultiIndex.from_arrays(
        [firms["year"].to_numpy() + shift, firms["firm_id"].to_numpy()]
    )
    return np.asarray(shifted.isin(keys))


def growth_rates(firms: pd.DataFrame) -> pd.DataFrame:
    """Annual log employment growth of firms alive in both t-1 and t.

    ``g_it = ln(e_it / e_i,t-1)``; ``growth_dm`` subtracts the year's mean
    growth so that aggregate shocks do not widen the distribution. Firms with
    non-positive employment in either year are dropped (log undefined).

    Args:
        firms: Firm panel with ``year, firm_id, employment``.

    Returns:
        Frame with ``year, firm_id, size`` (employment at t-1), ``growth`` and
        ``growth_dm``.
    """
    cur = firms[["year", "firm_id", "employment"]]
    prev = cur.assign(year=cur["year"] + 1).rename(columns={"employment": "size"})
    both = cur.merge(prev, on=["year", "firm_id"], how="inner")
    both = both[(both["employment"] > 0) & (both["size"] > 0)]
    growth = np.log(both["employment"].to_numpy() / both["size"].to_numpy())
    out = both[["year", "firm_id", "size"]].assign(growth=growth)
    out["growth_dm"] = out["growth"] - out.groupby("year")["growth"].transform("mean")
    return out.reset_index(drop=True)


def subbotin_shape(
    growth: np.ndarray, max_n: int = MAX_GROWTH_SAMPLE, seed: int = 0
) -> tuple[float, int]:
    """Shape of an exponential-power (Subbotin) fit to growth rates.

    Maximum-likelihood fit of ``scipy.stats.gennorm``, density
    ``beta / (2 s Gamma(1/beta)) exp(-|x - m|^beta / s^beta)``; ``beta = 1`` is
    the Laplace and ``beta = 2`` the normal law. Firm growth rates are close to
    Laplace (Stanley et al. 1996; Bottazzi & Secchi 2003). Samples larger than
    ``max_n`` are subsampled without replacement with a fixed-seed generator.

    Args:
        growth: Demeaned growth rates; non-finite values are dropped.
        max_n: Largest sample given to the fit.
        seed: Seed of the subsampling generator.

    Returns:
        ``(beta, n_used)``; beta is NaN for fewer than 10 observations.
    """
    x = np.asarray(growth, dtype=float)
    x = x[np.isfinite(x)]
    if x.size > max_n:
        x = np.random.default_rng(seed).choice(x, size=max_n, replace=False)
    if x.size < 10 or np.ptp(x) == 0:
        return float("nan"), int(x.size)
    beta, _loc, _scale = sps.gennorm.fit(x)
    return float(beta), int(x.size)


def volatility_size_slope(
    size: np.ndarray, growth: np.ndarray, n_bins: int = 12, min_per_bin: int = 50
) -> tuple[float, int]:
    """Minus the slope of log growth volatility on log firm size.

    Sizes are cut into ``n_bins`` log-spaced bins between the smallest and the
    largest size; bins with fewer than ``min_per_bin`` firms are dropped. OLS
    of ``ln sd(g | bin)`` on ``ln mean(size | bin)`` gives slope ``-b``; the
    function returns ``b``, which is about 0.15-0.2 for US firms (Stanley et
    al. 1996: ``sd(g) ~ size^-b``).

    Args:
        size: Employment at t-1.
        growth: Growth rates from t-1 to t (same length).
        n_bins: Number of log-spaced bins.
        min_per_bin: Smallest bin kept.

    Returns:
        ``(b, bins_used)``; b is NaN with fewer than 3 usable bins.
    """
    s = np.asarray(size, dtype=float)
    g = np.asarray(growth, dtype=float)
    ok = np.isfinite(s) & np.isfinite(g) & (s > 0)
    s, g = s[ok], g[ok]
    if s.size == 0 or s.min() == s.max():
        return float("nan"), 0
    edges = np.geomspace(s.min(), s.max(), n_bins + 1)
    idx = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, n_bins - 1)
    frame = pd.DataFrame({"bin": idx, "s": s, "g": g}).groupby("bin")
    agg = pd.DataFrame({"n": frame["g"].size(), "sd": frame["g"].std(), "s": frame["s"].mean()})
    agg = agg[(agg["n"] >= min_per_bin) & (agg["sd"] > 0)]
    if len(agg) < 3:
        return float("nan"), len(agg)
    slope = np.polyfit(np.log(agg["s"]), np.log(agg["sd"]), 1)[0]
    return float(-slope), len(agg)


def entry_exit(firms: pd.DataFrame) -> pd.DataFrame:
    """Entrants, exits and 1-year survival of entrants, per year.

    For a year t whose predecessor t-1 is reported: an entrant is a firm present
    in t with age 0 and absent in t-1; an exit is a firm present in t-1 and
    absent in t. ``entry_rate = entrants(t) / active(t-1)`` and
    ``exit_rate = exits(t) / active(t-1)`` (the OECD business-demography
    definitions, with the previous year's stock as denominator). ``survivors``
    counts the entrants of t still present in t+1 (NaN when t+1 is not
    reported). The first reported year has no row.

    Args:
        firms: Firm panel with ``year, firm_id, age``.

    Returns:
        Frame with ``year, active_prev, entrants, exits, entry_rate, exit_rate,
        survivors``.
    """
    year = firms["year"].to_numpy()
    in_prev = _present_in(firms, -1)
    in_next = _present_in(firms, +1)
    entrant = (firms["age"].to_numpy() == 0) & ~in_prev
    flags = pd.DataFrame(
        {"active": 1, "entrant": entrant, "exit": ~in_next, "survivor": entrant & in_next}
    )
    by_year = flags.groupby(year).sum()
    reported = set(by_year.index.tolist())
    rows = []
    for t in sorted(reported):
        if t - 1 not in reported:
            continue
        n_prev = int(by_year.at[t - 1, "active"])
        n_in = int(by_year.at[t, "entrant"])
        n_out = int(by_year.at[t - 1, "exit"])
        surv = float(by_year.at[t, "survivor"]) if t + 1 in reported else np.nan
        rows.append((int(t), n_prev, n_in, n_out, n_in / n_prev, n_out / n_prev, surv))
    cols = ["year", "active_prev", "entrants", "exits", "entry_rate", "exit_rate", "survivors"]
    return pd.DataFrame(rows, columns=cols)
