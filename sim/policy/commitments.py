"""Multi-year awards: the yearly installments a government still owes to projects."""

from __future__ import annotations

import numpy as np


class Commitments:
    """Installments still owed, per instrument: one row per award (firm id, amount, left).

    Each instrument's awards are kept apart, in the order they were made, so that a
    yearly call reads only its own.
    """

    def __init__(self):
        # instrument index -> (firm ids, installments, installments left after next year)
        self._owed: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    @property
    def firm_id(self) -> np.ndarray:
        """Firm ids of every award still owed something, instrument by instrument."""
        ids = [owed[0] for owed in self._owed.values()]
        return np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)

    def add(self, firm_id, instrument: int, installment, left) -> None:
        """Record awards with ``left`` installments after the coming year."""
        keep = left > 0
        if not keep.any():
            return
        installment = np.asarray(installment, dtype=float)
        new = (firm_id[keep], installment[keep], left[keep].astype(np.int16))
        if instrument in self._owed:
            new = tuple(
                np.concatenate([old, more])
                for old, more in zip(self._owed[instrument], new, strict=True)
            )
        self._owed[instrument] = new

    def take(self, instrument: int) -> tuple[np.ndarray, np.ndarray]:
        """Remove and return (firm ids, installments) due next year for ``instrument``."""
        if instrument not in self._owed:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids, amounts, left = self._owed[instrument]
        left = left - 1
        more = left > 0
        self._owed[instrument] = (ids[more], amounts[more], left[more])
        return ids, amounts

    def due_later(self, instrument: int) -> float:
        """Installments of the instrument of index ``instrument`` owed after the coming year."""
        if instrument not in self._owed:
            return 0.0
        return float(self._owed[instrument][1].sum())
