"""Specialisation and diversity of regional employment.

All functions take employment arrays of shape ``(..., R, S)``: regions by
sectors, optionally with leading axes such as years or seeds, which are carried
through unchanged. Employment must be finite and non-negative.

Zero conventions, chosen so that indices stay well defined without warnings:

* :func:`rca` is 0 where the region has no employment at all or the reference
  area has none in the sector (no revealed advantage).
* The share-based indices (:func:`krugman_index`, :func:`herfindahl`,
  :func:`entropy`, :func:`related_unrelated_variety`) are NaN for a region with
  zero total employment: it has no sector shares, and NaN keeps an empty region
  out of pandas means instead of posing as perfectly diversified or concentrated.
"""

from __future__ import annotations

import numpy as np

from sim.metrics._checks import (
    employment_matrix,
    entropy_bits,
    exact_ndim,
    finite,
    float_array,
    integer,
    nonnegative,
    shares,
    threshold_value,
)


def _reference(reference: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Check ``reference`` against employment ``e``; return it and the leading shape."""
    ref = float_array(reference, "reference", min_ndim=1, layout="(..., S)")
    finite(ref, "reference")
    nonnegative(ref, "reference")
    if ref.shape[-1] != e.shape[-1]:
        raise ValueError(f"reference: has {ref.shape[-1]} sectors but employment has {e.shape[-1]}")
    try:
        lead = np.broadcast_shapes(e.shape[:-2], ref.shape[:-1])
    except ValueError:
        raise ValueError(
            f"reference: leading axes {ref.shape[:-1]} do not broadcast with "
            f"employment's {e.shape[:-2]}"
        ) from None
    return ref, lead


def rca(
    employment: np.ndarray, reference: np.ndarray, known: np.ndarray | None = None
) -> np.ndarray:
    """Revealed comparative advantage (Balassa index, location quotient).

    ``RCA_rs = (e_rs / e_r.) / (E_s / E)`` where ``e_rs`` is the region's
    employment in sector s, ``e_r.`` its total, ``E_s`` the reference area's
    employment in sector s and ``E`` the reference total (Balassa, B. 1965.
    Trade liberalisation and "revealed" comparative advantage. The Manchester
    School 33(2), 99-123). ``RCA >= 1`` marks a specialisation.

    Convention: the result is 0 where the region's total is 0 or the reference
    area's employment in the sector is 0.

    Args:
        employment: Employment, shape (..., R, S).
        reference: Employment of the reference area by sector, shape (..., S),
            whose leading axes broadcast against those of ``employment``. The
            caller passes the sum over all regions plus the rest of the world.
        known: (S,) the sectors with statistics, or None for all: the totals
            ``e_r.`` and ``E`` are then sums over these sectors only, as in the data
            the values are compared with (a sector without statistics is 0 there);
            the other sectors' values are 0.

    Returns:
        RCA values, shape (..., R, S) (leading axes broadcast).

    Raises:
        ValueError: Wrong shapes, negative or non-finite values.
    """
    e = employment_matrix(employment)
    ref, lead = _reference(reference, e)
    if known is not None and not np.all(known):
        e, ref = e * known, ref * known
    regional, _ = shares(e)
    reference_share = shares(ref)[0][..., None, :]
    out = np.zeros((*lead, *e.shape[-2:]))
    return np.divide(regional, reference_share, out=out, where=reference_share > 0)


def rsca(rca_values: np.ndarray) -> np.ndarray:
    """Revealed symmetric comparative advantage, ``(RCA - 1) / (RCA + 1)``.

    Maps RCA from [0, inf) onto [-1, 1), with 0 at RCA = 1, so that
    de-specialisation and specialisation weigh alike (Dalum, B., Laursen, K. &
    Villumsen, G. 1998. Structural change in OECD export specialisation
    patterns: de-specialisation and 'stickiness'. International Review of
    Applied Economics 12(3), 423-443; Laursen, K. 2015. Revealed comparative
    advantage and the alternatives as measures of international
    specialization. Eurasian Business Review 5(1), 99-115).

    Args:
        rca_values: RCA values of any shape; NaN passes through.

    Returns:
        RSCA values, same shape.

    Raises:
        ValueError: Negative or infinite values.
    """
    x = float_array(rca_values, "rca_values")
    nonnegative(x, "rca_values")
    if np.isinf(x).any():
        raise ValueError("rca_values: contains infinite values")
    return (x - 1.0) / (x + 1.0)


def krugman_index(employment: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Krugman specialisation index: ``K_r = sum_s |e_rs / e_r. - E_s / E|``.

    Distance between the region's sector structure and the reference area's,
    from 0 (identical structure) to 2 (no sector in common) (Krugman, P. 1991.
    Geography and Trade. MIT Press). NaN where the region or the reference
    area has zero total employment.

    Args:
        employment: Employment, shape (..., R, S).
        reference: Employment of the reference area by sector, shape (..., S);
            leading axes broadcast as in :func:`rca`.

    Returns:
        Index per region, shape (..., R).

    Raises:
        ValueError: Wrong shapes, negative or non-finite values.
    """
    e = employment_matrix(employment)
    ref, _ = _reference(reference, e)
    regional, total = shares(e)
    reference_share, reference_total = shares(ref)
    index = np.abs(regional - reference_share[..., None, :]).sum(axis=-1)
    empty = (total[..., 0] <= 0) | (reference_total <= 0)
    return np.where(empty, np.nan, index)


def herfindahl(employment: np.ndarray) -> np.ndarray:
    """Herfindahl-Hirschman concentration of employment over sectors.

    ``H_r = sum_s (e_rs / e_r.)^2``: 1/S for equal shares, 1 for a single sector
    (Hirschman, A. O. 1964. The paternity of an index. American Economic Review
    54(5), 761). NaN where the region has zero total employment.

    Args:
        employment: Employment, shape (..., R, S).

    Returns:
        Index per region, shape (..., R).

    Raises:
        ValueError: Wrong shape, negative or non-finite values.
    """
    e = employment_matrix(employment)
    p, total = shares(e)
    return np.where(total[..., 0] > 0, (p**2).sum(axis=-1), np.nan)


def entropy(employment: np.ndarray) -> np.ndarray:
    """Shannon entropy of the sector shares in bits.

    ``H_r = -sum_s p_rs log2 p_rs`` with ``p_rs = e_rs / e_r.`` and 0 log 0 = 0;
    ranges from 0 (one sector) to log2(S) (equal shares). NaN where the region
    has zero total employment.

    Args:
        employment: Employment, shape (..., R, S).

    Returns:
        Entropy per region in bits, shape (..., R).

    Raises:
        ValueError: Wrong shape, negative or non-finite values.
    """
    e = employment_matrix(employment)
    p, total = shares(e)
    return np.where(total[..., 0] > 0, entropy_bits(p), np.nan)


def related_unrelated_variety(
    employment: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Related and unrelated variety (Frenken, Van Oort & Verburg 2007).

    With sector shares ``p_s`` and broad-group shares ``P_g = sum_{s in g} p_s``:
    unrelated variety ``UV = -sum_g P_g log2 P_g`` and related variety
    ``RV = sum_g P_g H_g`` where ``H_g = -sum_{s in g} (p_s / P_g) log2(p_s / P_g)``
    (Frenken, K., Van Oort, F. & Verburg, T. 2007. Related variety, unrelated
    variety and regional economic growth. Regional Studies 41(5), 685-697).
    Entropy decomposes as ``entropy = RV + UV``. Both are NaN where the region
    has zero total employment.

    Args:
        employment: Employment, shape (..., R, S).
        groups: Integer broad-group id per sector, shape (S,); ids need not be
            contiguous.

    Returns:
        ``(related, unrelated)``, each shape (..., R), in bits.

    Raises:
        ValueError: Wrong shapes, non-integer groups, negative or non-finite
            employment.
    """
    e = employment_matrix(employment)
    g = np.asarray(groups)
    if g.shape != (e.shape[-1],):
        raise ValueError(f"groups: expected shape ({e.shape[-1]},), got {g.shape}")
    if not np.issubdtype(g.dtype, np.integer):
        raise ValueError(f"groups: must hold integer group ids, got dtype {g.dtype}")
    _, codes = np.unique(g, return_inverse=True)
    membership = np.eye(int(codes.max()) + 1 if codes.size else 0)[codes]  # (S, G)
    p, total = shares(e)
    group_share = p @ membership  # (..., R, G)
    unrelated = entropy_bits(group_share)
    own_group = group_share[..., codes]  # P_g of each sector's group
    positive = p > 0
    within = np.where(positive, p / np.where(positive, own_group, 1.0), 1.0)
    related = 0.0 - np.where(positive, p * np.log2(within), 0.0).sum(axis=-1)
    empty = total[..., 0] <= 0
    return np.where(empty, np.nan, related), np.where(empty, np.nan, unrelated)


def count_specialisations(rca_values: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """Number of sectors with ``rca >= threshold`` per region.

    Args:
        rca_values: RCA values, shape (..., R, S); NaN counts as not specialised.
        threshold: Specialisation threshold, finite and > 0.

    Returns:
        Integer counts, shape (..., R).

    Raises:
        ValueError: Wrong shape, negative values or a bad threshold.
    """
    x = float_array(rca_values, "rca_values", min_ndim=2, layout="(..., R, S)")
    nonnegative(x, "rca_values")
    return (x >= threshold_value(threshold)).sum(axis=-1)


def specialisation_changes(
    rca_by_period: np.ndarray, threshold: float = 1.0, hold: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Specialisations gained and lost between the first and the last periods.

    A region-sector is *gained* when its RCA is below ``threshold`` in the first
    period and at or above it in each of the last ``hold`` periods; *lost* when
    it is at or above the threshold in the first period and below it in each of
    the last ``hold`` periods. Requiring the change to hold for several periods
    filters out cells that hover around the threshold. A NaN in any of the
    periods compared makes the cell neither gained nor lost.

    Args:
        rca_by_period: RCA (e.g. period means), shape (P, R, S), periods first.
        threshold: Specialisation threshold, finite and > 0.
        hold: Number of final periods that must all show the new state,
            1 <= hold <= P - 1.

    Returns:
        ``(gained, lost)``, boolean arrays of shape (R, S).

    Raises:
        ValueError: Wrong shape, negative values, a bad threshold or hold.
    """
    x = float_array(rca_by_period, "rca_by_period")
    exact_ndim(x, "rca_by_period", 3, "(P, R, S)")
    nonnegative(x, "rca_by_period")
    cut = threshold_value(threshold)
    n_periods = x.shape[0]
    hold = integer(hold, "hold", low=1)
    if hold > n_periods - 1:
        raise ValueError(f"hold: must be <= P - 1 = {n_periods - 1}, got {hold}")
    first, last = x[0], x[-hold:]
    gained = (first < cut) & (last >= cut).all(axis=0)
    lost = (first >= cut) & (last < cut).all(axis=0)
    return gained, lost
