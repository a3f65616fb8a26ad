"""Relatedness between sectors and the relatedness density of regions.

Diagonal convention: :func:`proximity` sets a sector's proximity to itself to 0
and :func:`relatedness_density` leaves the sector itself out of its own density
unless ``include_own=True``. The density of sector s in region r is then the
relatedness-weighted share of *other* sectors present in r, so a region's
current specialisation in s does not raise its own density. The ``ecomplexity``
package (Harvard Growth Lab) instead keeps phi_ss = 1 on the proximity diagonal
and sums over all sectors, so its density of a sector already present counts
the sector itself; ``include_own=True`` with a unit diagonal reproduces that.
"""

from __future__ import annotations

import numpy as np

from sim.metrics._checks import exact_ndim, finite, float_array, nonnegative


def cosine_relatedness(profiles: np.ndarray) -> np.ndarray:
    """Cosine similarity of sectors' capability profiles.

    ``phi_ij = (a_i . a_j) / (|a_i| |a_j|)`` for non-negative capability
    weights ``a_i``, so phi lies in [0, 1]; the diagonal is exactly 1 and the
    matrix exactly symmetric. This is the uncentred correlation used for
    technological proximity by Jaffe (1986. Technological opportunity and
    spillovers of R&D. American Economic Review 76(5), 984-1001).

    Args:
        profiles: Capability weights, shape (S, K), finite and non-negative.

    Returns:
        Relatedness matrix, shape (S, S).

    Raises:
        ValueError: Wrong shape, negative or non-finite weights, or a sector
            whose profile is all zeros (the message gives its row index).
    """
    a = float_array(profiles, "profiles")
    exact_ndim(a, "profiles", 2, "(S, K)")
    finite(a, "profiles")
    nonnegative(a, "profiles")
    norms = np.linalg.norm(a, axis=1)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(f"profiles: row {zero[0]} is all zeros, its cosine is undefined")
    unit = a / norms[:, None]
    phi = unit @ unit.T
    phi = np.clip((phi + phi.T) / 2.0, 0.0, 1.0)
    np.fill_diagonal(phi, 1.0)
    return phi


def proximity(presence: np.ndarray) -> np.ndarray:
    """Co-occurrence proximity of sectors (Hidalgo et al. 2007).

    ``phi_ij = min(P(i | j), P(j | i)) = C_ij / max(c_i, c_j)`` where ``C_ij`` is
    the number of observations in which both sectors are present and ``c_i``
    the number in which sector i is present (Hidalgo, C. A., Klinger, B.,
    Barabasi, A.-L. & Hausmann, R. 2007. The product space conditions the
    development of nations. Science 317(5837), 482-487). Taking the minimum of
    the two conditional probabilities makes phi symmetric.

    Conventions: a sector never present has proximity 0 to every sector, and
    the diagonal is set to 0 because a sector's proximity to itself does not
    count as relatedness (see the module docstring).

    Args:
        presence: Boolean or 0/1 array, shape (N, S): observations (e.g.
            region-years) by sectors, true where the sector is present (e.g.
            ``rca >= 1``).

    Returns:
        Proximity matrix, shape (S, S), symmetric, in [0, 1], zero diagonal.

    Raises:
        ValueError: Wrong shape or values other than 0/1.
    """
    x = float_array(presence, "presence")
    exact_ndim(x, "presence", 2, "(N, S)")
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError("presence: must be boolean or hold only 0 and 1")
    together = x.T @ x
    count = np.diag(together)
    larger = np.maximum.outer(count, count)
    phi = np.divide(together, larger, out=np.zeros_like(together), where=larger > 0)
    np.fill_diagonal(phi, 0.0)
    return phi


def relatedness_density(
    presence: np.ndarray, relatedness: np.ndarray, include_own: bool = False
) -> np.ndarray:
    """Relatedness density of each sector in each region.

    ``d_rs = sum_j phi_sj x_rj / sum_j phi_sj`` over ``j != s`` (over all j when
    ``include_own``), the relatedness-weighted share of sector s's related
    sectors that are present in region r (Hidalgo et al. 2007; Hausmann, R. &
    Klinger, B. 2007. The structure of the product space and the evolution of
    comparative advantage. CID Working Paper 146, Harvard University; Hidalgo,
    C. A. et al. 2018. The principle of relatedness. In Unifying Themes in
    Complex Systems IX, Springer, 451-457).

    Conventions: where the denominator is 0 (a sector related to nothing) the
    density is 0. By default the sector itself is excluded, so a region's
    presence in s does not raise its density in s; the ``ecomplexity`` package
    keeps a unit proximity diagonal and so includes it (see the module
    docstring).

    Args:
        presence: Presence of sectors in regions, shape (..., R, S), values in
            [0, 1] (boolean, 0/1 or fractional).
        relatedness: Sector relatedness, shape (S, S), finite and non-negative;
            row s holds the weights of sector s's neighbours.
        include_own: Whether sector s counts towards its own density.

    Returns:
        Density, shape (..., R, S), in [0, 1].

    Raises:
        ValueError: Wrong shapes or values out of range.
    """
    x = float_array(presence, "presence", min_ndim=2, layout="(..., R, S)")
    finite(x, "presence")
    if ((x < 0) | (x > 1)).any():
        raise ValueError("presence: values must lie in [0, 1]")
    w = float_array(relatedness, "relatedness")
    n_sectors = x.shape[-1]
    if w.shape != (n_sectors, n_sectors):
        raise ValueError(f"relatedness: expected shape ({n_sectors}, {n_sectors}), got {w.shape}")
    finite(w, "relatedness")
    nonnegative(w, "relatedness")
    if not include_own:
        w = w.copy()
        np.fill_diagonal(w, 0.0)
    total = w.sum(axis=1)
    weighted = x @ w.T  # (..., R, S): sum_j x_rj phi_sj
    density = np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)
    return np.clip(density, 0.0, 1.0)  # only trims rounding error


def without_markets(relatedness: np.ndarray, marketless: np.ndarray | bool) -> np.ndarray:
    """Relatedness with sectors that have no market cut off from the others.

    ``phi'_st = 0`` when ``s`` or ``t`` has no market, ``phi'_ss = 1``, else ``phi_st``.
    In a closed reference area (data with ``data.reference=all``) a sector with no
    jobs anywhere has no world demand (sim.model.world.WorldMarkets) and never gets one: nobody
    can enter it or diversify into it, and it is no capability a region lacks. Its
    relatedness to every other sector is 0 (its own stays 1), so it draws no
    entrants (ODD 7.5), no project targets (ODD 7.4) and no weight in relatedness
    density. ``marketless`` False (an open reference area) returns ``relatedness`` itself.
    """
    cut = np.asarray(marketless, dtype=bool)
    if not cut.any():
        return relatedness
    phi = relatedness.copy()
    phi[cut, :] = 0.0
    phi[:, cut] = 0.0
    phi[cut, cut] = 1.0
    return phi
