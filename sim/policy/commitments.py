"""Multi-year awards: the yearly installments a government still owes to projects."""

from __future__ import annotations

import numpy as np


class Commitments:
    """Installments still owed, one row per award (firm id, instrument index, amount, left)."""

    def __init__(self):
        self.firm_id = np.zeros(0, dtype=np.int64)
        self.instrument = np.zeros(0, dtype=np.int16)
        self.installment = np.zeros(0)
        self.left = np.zeros(0, dtype=np.int16)

    def add(self, firm_id, instrument: int, installment, left) -> None:
        """Record awards with ``left`` installments after the coming year."""
        keep = left > 0
        self.firm_id = np.concatenate([self.firm_id, firm_id[keep]])
        self.instrument = np.concatenate(
            [self.instrument, np.full(keep.sum(), instrument, dtype=np.int16)]
        )
        self.installment = np.concatenate([self.installment, installment[keep]])
        self.left = np.concatenate([self.left, left[keep].astype(np.int16)])

    def take(self, instrument: int) -> tuple[np.ndarray, np.ndarray]:
        """Remove and return (firm ids, installments) due next year for ``instrument``."""
        mine = self.instrument == instrument
        ids, amounts = self.firm_id[mine], self.installment[mine]
        self.left[mine] -= 1
        done = mine & (self.left <= 0)
        self.firm_id = self.firm_id[~done]
        self.instrument = self.instrument[~done]
        self.installment = self.installment[~done]
        self.left = self.left[~done]
        return ids, amounts

    def due_later(self, instrument: int) -> float:
        """Installments of the instrument of index ``instrument`` owed after the coming year."""
        return float(self.installment[self.instrument == instrument].sum())
