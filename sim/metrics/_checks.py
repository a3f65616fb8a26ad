"""Input checks shared by the metric functions.

Every check raises :class:`ValueError` with a one-line message that names the
argument and the problem, e.g. ``employment: contains negative values (min -3)``.
"""

from __future__ import annotations

import numpy as np


def float_array(value: object, name: str, *, min_ndim: int = 0, layout: str = "") -> np.ndarray:
    """Return ``value`` as a float array with at least ``min_ndim`` axes."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a numeric array") from None
    if arr.ndim < min_ndim:
        raise ValueError(f"{name}: expected shape {layout}, got {arr.shape}")
    return arr


def exact_ndim(arr: np.ndarray, name: str, ndim: int, layout: str) -> None:
    """Require exactly ``ndim`` axes."""
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected shape {layout}, got {arr.shape}")


def finite(arr: np.ndarray, name: str) -> None:
    """Reject NaN and infinite entries."""
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinite values")


def nonnegative(arr: np.ndarray, name: str) -> None:
    """Reject negative entries (NaN entries pass this check)."""
    if (arr < 0).any():
        raise ValueError(f"{name}: contains negative values (min {np.nanmin(arr):g})")


def employment_matrix(value: object, name: str = "employment") -> np.ndarray:
    """Finite, non-negative float array of shape (..., R, S)."""
    arr = float_array(value, name, min_ndim=2, layout="(..., R, S)")
    finite(arr, name)
    nonnegative(arr, name)
    return arr


def integer(value: object, name: str, low: int | None = None) -> int:
    """Return ``value`` as an int, requiring an integer (not a bool), ``>= low`` if given."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name}: must be an integer, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{name}: must be >= {low}, got {value}")
    return int(value)


def threshold_value(value: object, name: str = "threshold") -> float:
    """A finite, strictly positive threshold."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number, got {value!r}") from None
    if not np.isfinite(out) or out <= 0:
        raise ValueError(f"{name}: must be finite and > 0, got {value!r}")
    return out


def shares(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares along the last axis and the totals (last axis kept).

    Rows whose total is 0 get shares of 0.
    """
    total = arr.sum(axis=-1, keepdims=True)
    out = np.divide(arr, total, out=np.zeros_like(arr), where=total > 0)
    return out, total


def entropy_bits(p: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits along the last axis, with 0 * log 0 = 0."""
    positive = p > 0
    logs = np.log2(np.where(positive, p, 1.0))
    return 0.0 - np.where(positive, p * logs, 0.0).sum(axis=-1)  # 0.0 - x avoids -0.0
