"""Specialisation statistics: persistence of RSCA and gains of comparative advantage.

Pure functions on the specialisation panel of ``docs/outputs.md``
(``year, region, sector, rca, rsca, relatedness_density``) or on arrays pooled
from several runs. Re-exported by :mod:`sim.validation.stylised_facts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps


def lagged_pairs(panel: pd.DataFrame, column: str, lag: int) -> pd.DataFrame:
    """Pairs of a region-sector variable in year t and year t + lag.

    Args:
        panel: Specialisation panel with ``year, region, sector`` and ``column``.
        column: Variable to pair.
        lag: Years between the two observations.

    Returns:
        Frame with ``year`` (t), ``region``, ``sector``, ``x`` (value at t) and
        ``y`` (value at t + lag); rows with a missing value are dropped.
    """
    keys = ["year", "region", "sector"]
    now = panel[keys + [column]].rename(columns={column: "x"})
    later = panel[keys + [column]].rename(columns={column: "y"})
    later = later.assign(year=later["year"] - lag)
    pairs = now.merge(later, on=keys, how="inner")
    return pairs.dropna(subset=["x", "y"]).reset_index(drop=True)


def galton_regression(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """OLS slope of y on x and the Pearson correlation.

    ``slope = cov(x, y) / var(x)``, ``r = cov(x, y) / (sd(x) sd(y))``. For
    specialisation indices at t and t + lag, ``0 < slope < 1`` together with a
    high ``r`` is Galtonian regression: specialisation is persistent but
    reverts towards the mean (Dalum, Laursen & Villumsen 1998, on RSCA).

    Args:
        x: Values at t.
        y: Values at t + lag.

    Returns:
        ``(slope, r, n)``; NaN for fewer than 3 pairs or constant data.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan"), int(n)
    dx, dy = x - x.mean(), y - y.mean()
    sxy, sxx, syy = float(dx @ dy), float(dx @ dx), float(dy @ dy)
    return sxy / sxx, sxy / np.sqrt(sxx * syy), int(n)


def gain_sample(spec: pd.DataFrame, horizon: int = 5) -> pd.DataFrame:
    """Region-sector-years without comparative advantage and their fate.

    Keeps the rows with ``rca < 1`` in year t whose region-sector is reported
    in year t + horizon, and marks a gain when ``rca >= 1`` in t + horizon
    (Hidalgo et al. 2007; Boschma, Minondo & Navarro 2013 for regions).

    Args:
        spec: Specialisation panel.
        horizon: Years ahead.

    Returns:
        Frame with ``year, region, sector, density`` (relatedness density at t)
        and ``gain`` (bool).
    """
    keys = ["year", "region", "sector"]
    now = spec[keys + ["rca", "relatedness_density"]].rename(
        columns={"relatedness_density": "density"}
    )
    later = spec[keys + ["rca"]].rename(columns={"rca": "rca_later"})
    later = later.assign(year=later["year"] - horizon)
    both = now.merge(later, on=keys, how="inner").dropna(subset=["rca", "rca_later", "density"])
    both = both[both["rca"] < 1]
    out = both[keys + ["density"]].assign(gain=both["rca_later"].to_numpy() >= 1)
    return out.reset_index(drop=True)


def gain_by_quintile(
    density: np.ndarray, gain: np.ndarray, cluster: np.ndarray | None = None
) -> pd.DataFrame:
    """Probability of gaining comparative advantage by relatedness quintile.

    Quintiles are rank based: observations are ranked by density (ties broken
    by their order in the input, ``rank(method="first")``) and observation of
    rank r (1..n) goes to quintile ``ceil(5 r / n)``, so quintile sizes differ
    by at most one even when many densities are tied. Per quintile q,
    ``p_q = gains_q / n_q``. Its standard error is cluster-robust, because one
    region-sector enters the sample in many overlapping start years:
    ``se_q = sqrt(C/(C-1) * sum_c (gains_qc - p_q n_qc)^2) / n_q`` over the C
    clusters c in the quintile (with one observation per cluster this is the
    binomial ``sqrt(p_q (1 - p_q) / (n_q - 1))``).

    Args:
        density: Relatedness density at t; rows with NaN are dropped.
        gain: Whether rca >= 1 at t + horizon.
        cluster: Cluster label of each observation (e.g. the region-sector);
            None treats every observation as its own cluster.

    Returns:
        Frame with ``quintile`` (1..5), ``n``, ``gains``, ``p``, ``se``; empty
        when there are fewer than 5 observations.
    """
    d = np.asarray(density, dtype=float)
    ok = np.isfinite(d)
    labels = np.arange(d.size) if cluster is None else np.asarray(cluster)
    frame = pd.DataFrame(
        {"d": d[ok], "g": np.asarray(gain, dtype=float)[ok], "c": pd.factorize(labels[ok])[0]}
    )
    cols = ["quintile", "n", "gains", "p", "se"]
    if len(frame) < 5:
        return pd.DataFrame(columns=cols)
    rank = frame["d"].rank(method="first").to_numpy()
    frame["q"] = np.ceil(5 * rank / len(frame)).astype(int)
    per = frame.groupby(["q", "c"])["g"].agg(["size", "sum"]).reset_index()
    tot = per.groupby("q")[["size", "sum"]].sum()
    p = (tot["sum"] / tot["size"]).rename("p")
    per = per.join(p, on="q")
    per["sq"] = (per["sum"] - per["p"] * per["size"]) ** 2
    clus = per.groupby("q").agg(c=("c", "size"), sq=("sq", "sum"))
    factor = clus["c"] / (clus["c"] - 1).where(clus["c"] > 1)
    se = np.sqrt(factor * clus["sq"]) / tot["size"]
    return pd.DataFrame(
        {
            "quintile": np.arange(1, 6),
            "n": tot["size"].to_numpy().astype(int),
            "gains": tot["sum"].to_numpy().astype(int),
            "p": p.to_numpy(),
            "se": se.to_numpy(),
        }
    )


def gain_profile_test(p: np.ndarray, se: np.ndarray) -> tuple[bool, float, float]:
    """Whether gain probabilities rise with relatedness, and top/bottom ratio.

    The profile *rises* when (a) the Spearman correlation between quintile
    index and ``p_q`` is positive and (b) it is non-decreasing except for at
    most one dip ``p_q - p_{q+1} > 0`` that is no larger than the standard
    error of the difference, ``sqrt(se_q^2 + se_{q+1}^2)``. The ratio is
    ``p_5 / p_1``: ``inf`` when ``p_1 = 0 < p_5`` and NaN when both are 0.

    Args:
        p: Five quintile probabilities, bottom to top.
        se: Their standard errors.

    Returns:
        ``(rises, ratio, spearman)``.
    """
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    if p.size != 5 or not np.all(np.isfinite(p)):
        return False, float("nan"), float("nan")
    if np.ptp(p) == 0:
        rho = float("nan")
    else:
        rho = float(sps.spearmanr(np.arange(5), p).statistic)
    drops = p[:-1] - p[1:]
    tol = np.sqrt(se[:-1] ** 2 + se[1:] ** 2)
    dips = drops > 0
    small = bool(np.all(drops[dips] <= tol[dips]))
    rises = bool(rho > 0 and int(dips.sum()) <= 1 and small)
    if p[0] > 0:
        ratio = float(p[4] / p[0])
    else:
        ratio = float("inf") if p[4] > 0 else float("nan")
    return rises, ratio, rho
