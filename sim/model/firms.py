"""The firm population as a structure of numpy arrays.

Each firm is one position in a set of columns; the living firms occupy the
first ``n`` positions. Entry appends (the capacity doubles when full), exit
compacts the columns with one boolean mask. A firm keeps its ``firm_id`` (the
order of arrival, for the outputs) and its ``key`` (what its random numbers are a
function of, see sim.model.streams) for life; neither is ever reused. No Python
object per firm, no loop over firms.
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels

#: Column name -> dtype. ``productivity`` is log relative productivity
#: (0 = the sector's reference technology); money is in million EUR.
COLUMNS: dict[str, type] = {
    "firm_id": np.int64,
    "key": np.uint64,  # persistent random-number key: same firm, same draws in every scenario
    "region": np.int32,
    "sector": np.int32,
    "employment": np.float64,
    "share": np.float64,  # share of world demand of the firm's sector
    "productivity": np.float64,
    "knowledge": np.float64,
    "cash": np.float64,
    "value_added": np.float64,
    "age": np.int32,
    "loss_years": np.int16,
    "cluster": np.int32,  # -1 when the firm is in no cluster
    # the innovation project: at most one per firm; stage -1 means none
    "project_target": np.int32,
    "project_stage": np.int8,
    "project_years": np.int8,
    "project_stall": np.int8,
    "project_start": np.int16,  # year the project started
    # the funding seam: money a funder has reserved for this year's stage payment
    "grant": np.float64,
    "grant_funder": np.int16,  # instrument index of that funder, -1 for none
    # repayable loans: the amount owed, and whether repayment is due (project succeeded)
    "loan_owed": np.float64,
    "loan_due": np.bool_,
}
NO_PROJECT = -1
NO_CLUSTER = -1


class Firms:
    """Columns of firm attributes; attribute access gives views of the living firms.

    Args:
        capacity: Initial number of slots (grows by doubling).
    """

    def __init__(self, capacity: int = 1024):
        self._data = {name: np.zeros(max(capacity, 1), dtype=dt) for name, dt in COLUMNS.items()}
        self.n = 0
        self.next_id = 0
        self._refresh()

    # attribute views of the first n rows, one per column
    firm_id: np.ndarray
    key: np.ndarray
    region: np.ndarray
    sector: np.ndarray
    employment: np.ndarray
    share: np.ndarray
    productivity: np.ndarray
    knowledge: np.ndarray
    cash: np.ndarray
    value_added: np.ndarray
    age: np.ndarray
    loss_years: np.ndarray
    cluster: np.ndarray
    project_target: np.ndarray
    project_stage: np.ndarray
    project_years: np.ndarray
    project_stall: np.ndarray
    project_start: np.ndarray
    grant: np.ndarray
    grant_funder: np.ndarray
    loan_owed: np.ndarray
    loan_due: np.ndarray

    def _refresh(self) -> None:
        for name, arr in self._data.items():
            setattr(self, name, arr[: self.n])
        # index columns derived from region and sector, kept until the population changes
        self._derived: dict[object, np.ndarray] = {}

    def __deepcopy__(self, memo: dict) -> Firms:
        # the attribute views must point into the copy's own columns
        twin = Firms.__new__(Firms)
        memo[id(self)] = twin
        twin._data = {name: arr.copy() for name, arr in self._data.items()}
        twin.n, twin.next_id = self.n, self.next_id
        twin._refresh()
        return twin

    @property
    def capacity(self) -> int:
        """Number of allocated slots."""
        return len(self._data["firm_id"])

    def add(self, **columns: np.ndarray) -> slice:
        """Append firms; columns not given start at their neutral value.

        Args:
            **columns: Arrays of equal length, one per column to set. ``key`` is
                required (see sim.model.streams); ``firm_id`` must not be given:
                new ids are assigned in order.

        Returns:
            The slice of the new firms' positions.
        """
        if "firm_id" in columns:
            raise ValueError("firm ids are assigned by Firms.add, not given")
        if "key" not in columns:
            raise ValueError("Firms.add needs the new firms' random-number keys (key=...)")
        k = len(next(iter(columns.values()))) if columns else 0
        if not any(len(values) for values in columns.values()):
            return slice(self.n, self.n)  # nobody enters (most years' spin-offs)
        if self.n + k > self.capacity:
            new_cap = max(self.capacity * 2, self.n + k)
            for name, arr in self._data.items():
                grown = np.zeros(new_cap, dtype=arr.dtype)
                grown[: self.n] = arr[: self.n]
                self._data[name] = grown
        new = slice(self.n, self.n + k)
        for name, arr in self._data.items():
            if name in columns:
                arr[new] = columns[name]
            elif name in ("cluster", "project_target", "project_stage", "grant_funder"):
                arr[new] = -1
            else:
                arr[new] = 0
        self._data["firm_id"][new] = np.arange(self.next_id, self.next_id + k)
        self.next_id += k
        self.n += k
        self._refresh()
        return new

    def keep(self, mask: np.ndarray) -> None:
        """Keep the firms where ``mask`` is true (the others exit), preserving order."""
        kept = np.flatnonzero(mask)
        k = len(kept)
        # the firms before the first leaver stay where they are; only the rest moves
        first = int(np.argmin(mask)) if k < self.n else k
        for arr in self._data.values():
            kernels.compact(arr, kept, first)
        self.n = k
        self._refresh()

    def cell(self, n_sectors: int) -> np.ndarray:
        """Flat region-sector index of each firm: ``region * n_sectors + sector`` (read-only).

        Computed once between two changes of the population (a firm's region and
        sector never change), as ``intp`` so that lookups and sums need no cast.
        """
        if n_sectors not in self._derived:
            self._derived[n_sectors] = self.region_index() * n_sectors + self.sector
        return self._read_only(n_sectors)

    def sector_index(self) -> np.ndarray:
        """The ``sector`` column as ``intp`` (read-only), kept like :meth:`cell`."""
        if "sector" not in self._derived:
            self._derived["sector"] = self.sector.astype(np.intp)
        return self._read_only("sector")

    def region_index(self) -> np.ndarray:
        """The ``region`` column as ``intp`` (read-only), kept like :meth:`cell`."""
        if "region" not in self._derived:
            self._derived["region"] = self.region.astype(np.intp)
        return self._read_only("region")

    def _read_only(self, name: object) -> np.ndarray:
        index = self._derived[name]
        index.flags.writeable = False
        return index

    def by_cell(self, values: np.ndarray | None, n_regions: int, n_sectors: int) -> np.ndarray:
        """Sum ``values`` (or count firms if None) per region and sector, shape (R, S)."""
        sums = np.bincount(self.cell(n_sectors), weights=values, minlength=n_regions * n_sectors)
        return sums.reshape(n_regions, n_sectors)
