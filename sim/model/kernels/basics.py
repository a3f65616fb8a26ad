"""What every kernel uses (numpy's maximum and minimum, the splitmix hash), the keyed uniform."""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_UNIT = 2.0**-53
#: No values: a kernel's optional array argument, left out.
NONE = np.empty(0)


@njit(cache=True, error_model="numpy", inline="always")
def maximum(a, b):
    """``np.maximum`` of two floats: NaN wins; of two equal (0 and -0), the second."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a > b else b


@njit(cache=True, error_model="numpy", inline="always")
def minimum(a, b):
    """``np.minimum`` of two floats: NaN wins; of two equal (0 and -0), the second."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a < b else b


@njit(cache=True, error_model="numpy", inline="always")
def _mix(x):
    """The splitmix64 finaliser (sim.model.streams._mix) on one word."""
    x ^= x >> uint64(30)
    x *= _M1
    x ^= x >> uint64(27)
    x *= _M2
    x ^= x >> uint64(31)
    return x


@njit(cache=True, error_model="numpy")
def keyed_uniform(keys, counter, second, out):
    """``out[i] = ((mix(mix(keys[i] ^ counter) ^ second) >> 11) + 0.5) * 2**-53``."""
    for i in range(keys.shape[0]):
        x = _mix(_mix(keys[i] ^ counter) ^ second) >> uint64(11)
        out[i] = (np.float64(x) + 0.5) * _UNIT
    return out


@njit(cache=True, error_model="numpy")
def add_into(a, b):
    """``a_i += b_i``."""
    for i in range(a.shape[0]):
        a[i] += b[i]


@njit(cache=True, error_model="numpy")
def floor_over(values, floor, divisor, out):
    """``max(values_i, floor) / divisor``."""
    for i in range(values.shape[0]):
        out[i] = maximum(values[i], floor) / divisor
    return out


@njit(cache=True, error_model="numpy")
def compact(column, kept, first):
    """``column[first:len(kept)] = column[kept[first:]]`` in place (``kept`` ascending).

    ``kept[j] >= j``, so the loop reads every value before it writes over it: no copy.
    """
    for j in range(first, kept.shape[0]):
        column[j] = column[kept[j]]
