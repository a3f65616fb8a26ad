"""Rows grouped by government: the segments of an allocation made for all regions at once.

A policy's governments allocate instrument by instrument, every region at once
(sim.policy.allocation). The applications of all of them sit in one table, each
government's rows contiguous and in region order; ``bounds`` (G + 1,) marks them:
government ``g`` has rows ``bounds[g]:bounds[g + 1]``. Whatever is computed per
government must come out exactly as if the government were alone, so sums over a
segment are taken the way numpy sums the segment's own slice.
"""

from __future__ import annotations

import numpy as np


def single(n: int) -> np.ndarray:
    """The bounds of ``n`` rows that all belong to one segment."""
    return np.array([0, n], dtype=np.intp)


def segment_ids(bounds: np.ndarray) -> np.ndarray:
    """(n,) the segment of every row."""
    return np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))


def bounds_of(mask: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The bounds of the rows where ``mask`` is true (each segment keeps its rows' order)."""
    kept = np.zeros(len(mask) + 1, dtype=np.intp)
    np.cumsum(mask, out=kept[1:])
    return kept[bounds]


def sums(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """(G,) the sum of each segment, bit for bit ``values[a:b].sum()``.

    numpy sums a slice pairwise; ``np.add.reduceat`` adds a segment's values one after
    the other, which differs in the last bits and would change what a government can
    still afford. A loop over the few segments keeps the slices' sums.
    """
    edges = bounds.tolist()
    return np.array(
        [values[a:b].sum() for a, b in zip(edges, edges[1:], strict=False)], dtype=float
    )
