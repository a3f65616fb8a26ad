"""The budget ledger: every unit of money by year, region and instrument.

For each year y, region r and instrument i the ledger keeps

- ``new``: fresh money of the year,
- ``taxed``: the part of ``new`` raised that year by a tax on the region's
  firms (sim.policy.funding; the rest comes from outside the model),
- ``available = new + carried_over[y-1]``,
- ``committed``: money reserved for payments in y (commitments first),
- ``disbursed``: money actually paid in y (never above committed),
- ``repaid``: loan repayments received in y (carried into y + 1 like unspent money),
- ``carried_over = min(available - disbursed + repaid, cap * new)``,
- ``lapsed``: the rest, returned to the treasury.

So ``available + repaid = disbursed + carried_over + lapsed`` every year: every
unit is accounted for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The ledger's region for the EU top-up of shared pilots.
EU = "eu"
FIELDS = ("new", "taxed", "available", "committed", "disbursed", "repaid", "carried_over", "lapsed")


class Ledger:
    """Arrays (years, regions, instruments) for each ledger field.

    Args:
        years: The ledger's years, in order.
        regions: Region names (the cross-regional coordinator's EU top-up is
            booked under a region of its own when present).
        instruments: Instrument names.
    """

    def __init__(self, years: np.ndarray, regions: list[str], instruments: list[str]):
        self.years = np.asarray(years)
        self._first = int(self.years[0]) if len(self.years) else 0
        self.regions = list(regions)
        self.instruments = list(instruments)
        shape = (len(self.years), len(self.regions), len(self.instruments))
        for name in FIELDS:
            setattr(self, name, np.zeros(shape))

    @classmethod
    def combined(cls, ledgers: list[Ledger]) -> Ledger:
        """One ledger of several policies that govern different regions: their sum.

        Each policy books only its own regions (and the EU's top-up of its pilots),
        so the sum keeps every unit once. The ledgers must share years, regions and
        instruments.
        """
        first = ledgers[0]
        for other in ledgers[1:]:
            if (
                other.regions != first.regions
                or other.instruments != first.instruments
                or not np.array_equal(other.years, first.years)
            ):
                raise ValueError("ledgers of one run must share years, regions and instruments")
        out = cls(first.years, first.regions, first.instruments)
        for name in FIELDS:
            setattr(out, name, sum(getattr(led, name) for led in ledgers))
        return out

    def t(self, year: int) -> int:
        """Row index of ``year``."""
        return int(year) - self._first

    def open_year(self, year: int, new: np.ndarray) -> np.ndarray:
        """Book the year's fresh money (R, I); return what is available (R, I)."""
        t = self.t(year)
        self.new[t] = new
        self.available[t] = new
        if t > 0:
            self.available[t] += self.carried_over[t - 1]
        return self.available[t].copy()

    def close_year(self, year: int, cap: np.ndarray) -> None:
        """Carry the unspent money over within ``cap`` (R, I); the rest lapses."""
        t = self.t(year)
        left = self.available[t] - self.disbursed[t] + self.repaid[t]
        self.carried_over[t] = np.minimum(left, cap)
        self.lapsed[t] = left - self.carried_over[t]

    def frame(self) -> pd.DataFrame:
        """Tidy ledger: year, region, instrument and one column per field."""
        idx = pd.MultiIndex.from_product(
            [self.years, self.regions, self.instruments], names=["year", "region", "instrument"]
        )
        return pd.DataFrame(
            {name: getattr(self, name).ravel() for name in FIELDS}, index=idx
        ).reset_index()
