"""The cells of one region in one year, and the rules that turn them into sector values.

Rules (docs/data.md):

* A mapping entry takes the value of its code in the file, minus the values of
  its excluded parts (``B-E except C``). Other codes of the file are never added.
* A missing cell (empty, ``:`` or no row at all) that an entry needs is an error
  (``missing="error"``), or is filled from the smallest aggregate of the same
  region whose other parts are all known (``missing="impute_from_aggregate"``):
  value = aggregate - sum of the largest known codes that exactly make up the
  rest of the aggregate. It is never read as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.data import flags as flagmod
from sim.data import nace
from sim.data.data_errors import DataError
from sim.data.mapping import MappingEntry

TOLERANCE = 1e-6
"""Relative shortfall below which a difference of published values is read as 0 (rounding)."""


@dataclass(frozen=True)
class Cell:
    """One observation of the file: a region's employment in one activity.

    Attributes:
        line: Line of the row in the file.
        code: The activity as written in the file.
        divisions: NACE divisions of the code (empty for a model-sector name).
        value: Persons, or ``None`` when the cell is missing.
        flags: Flag codes of the cell.
        unit: Unit as written in the file.
        resolution: Persons in one unit of the value's last digit as written
            (``12.3`` thousand: 100); the published value is within half of it.
    """

    line: int
    code: str
    divisions: frozenset[int]
    value: float | None
    flags: tuple[str, ...]
    unit: str
    resolution: float = 0.0


@dataclass
class RegionCells:
    """The cells of one region: NACE codes (canonical) and, in long files, sector names."""

    name: str
    codes: dict[str, Cell] = field(default_factory=dict)
    names: dict[str, Cell] = field(default_factory=dict)


class Evaluator:
    """Evaluate mapping entries on a region's cells, recording the flags and units used.

    Args:
        source: The data file (for messages).
        layout: The file's layout (for flag meanings).
        year: The year read (for messages).
        missing: ``"error"`` or ``"impute_from_aggregate"``.
        codes_in_file: Canonical codes found in any selected row (for the hint that
            the mapping is finer than the file).
    """

    def __init__(
        self, source: str, layout: str, year: int, missing: str, codes_in_file: list[str]
    ) -> None:
        self.source = source
        self.layout = layout
        self.year = year
        self.missing = missing
        self.codes_in_file = codes_in_file
        self.flag_rows: dict[tuple[str, int, str, str], str] = {}
        self.units: set[str] = set()
        self.spread = 0.0
        self.half_units: dict[tuple[str, str], float] = {}
        self.rounding: list[tuple[str, str, str, float, float]] = []

    def use(self, region: str, cell: Cell) -> None:
        """Record that a cell went into the result (its unit and flags are reported)."""
        self.units.add(cell.unit)
        self.spread += 0.5 * cell.resolution
        for flag in cell.flags:
            self.flag_rows[(region, cell.line, cell.code, flag)] = flagmod.meaning(
                flag, self.layout
            )

    def within_rounding(
        self, shortfall: float, half: float, whole: float, where: tuple[str, str, str]
    ) -> bool:
        """Whether a negative difference of published values is their rounding; reported.

        The rounding of each published value is at most half a unit of its last
        digit, so a difference of ``n`` values is off by at most the sum of their
        halves (``half``). A shortfall within it is recorded in ``rounding``.
        """
        if shortfall <= TOLERANCE * max(1.0, whole):
            return True
        if shortfall > half + TOLERANCE * max(1.0, whole):
            return False
        self.rounding.append((*where, shortfall, half))
        return True

    def entry(self, region: RegionCells, entry: MappingEntry) -> float:
        """Persons of one mapping entry in a region (code minus its excluded parts)."""
        start = self.spread
        base = self.value(region, entry.code, entry)
        value = base - sum(self.value(region, part, entry) for part in entry.excluded)
        half = self.spread - start
        key = (region.name, entry.sector)
        self.half_units[key] = self.half_units.get(key, 0.0) + half
        where = (region.name, entry.sector, entry.text)
        if value < 0 and not self.within_rounding(-value, half, base, where):
            cell = region.codes.get(entry.code)
            raise DataError(
                f"region {region.name}: {entry.text!r} (sector {entry.sector}) is negative: "
                f"{entry.code} has {-value:.10g} persons fewer than its excluded parts, more "
                f"than the rounding of the published values ({half:.10g})",
                self.source,
                None if cell is None else cell.line,
            )
        return max(value, 0.0)

    def value(self, region: RegionCells, code: str, entry: MappingEntry) -> float:
        """Persons of one canonical code in a region, by the missing-value rule."""
        cell = region.codes.get(code)
        if cell is not None and cell.value is not None:
            self.use(region.name, cell)
            return cell.value
        if self.missing == "impute_from_aggregate":
            imputed = self.impute(region, code, cell)
            if imputed is not None:
                return imputed
        raise self.missing_error(region, code, cell, entry.sector)

    def impute(self, region: RegionCells, code: str, cell: Cell | None) -> float | None:
        """Fill a missing code from the smallest aggregate whose other parts are known."""
        target = nace.divisions(code) if cell is None else cell.divisions
        known = [c for c in region.codes.values() if c.value is not None]
        for agg in sorted((c for c in known if c.divisions > target), key=_size):
            rest = agg.divisions - target
            inside = [c for c in known if c.divisions <= rest]
            parts = [c for c in inside if not any(c.divisions < o.divisions for o in inside)]
            if sum(len(c.divisions) for c in parts) != len(rest):
                continue
            if frozenset().union(*(c.divisions for c in parts)) != rest:
                continue
            whole = agg.value or 0.0
            value = whole - sum(c.value or 0.0 for c in parts)
            half = 0.5 * sum(c.resolution for c in (agg, *parts))
            where = (region.name, code, f"{agg.code} minus its known parts")
            if value < 0 and not self.within_rounding(-value, half, whole, where):
                raise DataError(
                    f"cannot impute region {region.name}, activity {code}: aggregate "
                    f"{agg.code} has fewer persons than its known parts",
                    self.source,
                    agg.line,
                )
            for used in (agg, *parts):
                self.use(region.name, used)
            line = agg.line if cell is None else cell.line
            if cell is not None:
                self.use(region.name, cell)
            self.flag_rows[(region.name, line, code if cell is None else cell.code, "imputed")] = (
                f"missing value imputed as {agg.code} minus {len(parts)} known parts "
                f"(lines {agg.line}, {', '.join(str(p.line) for p in parts)})"
            )
            return max(value, 0.0)
        return None

    def missing_error(
        self, region: RegionCells, code: str, cell: Cell | None, sector: str
    ) -> DataError:
        """The error for a missing cell that the rule cannot fill."""
        if self.missing == "error":
            how = "pass missing='impute_from_aggregate' to fill it from an aggregate of the file"
        else:
            how = "no aggregate of the file has all its other parts known to impute it"
        if cell is not None:
            note = ", ".join(f"{f}: {flagmod.meaning(f, self.layout)}" for f in cell.flags)
            note = f" (flag {note})" if note else ""
            return DataError(
                f"missing value for region {region.name}, activity {cell.code}{note} in "
                f"{self.year}, needed for sector {sector}; missing values are never read as 0: "
                f"{how}",
                self.source,
                cell.line,
            )
        if code not in self.codes_in_file:
            shown = ", ".join(self.codes_in_file[:40])
            return DataError(
                f"activity {code} of the mapping (sector {sector}) is not in the file for "
                f"{self.year} (codes present: {shown}); write the mapping at the file's level "
                "of detail (docs/data.md)",
                self.source,
            )
        return DataError(
            f"no row for region {region.name}, activity {code} in {self.year}, needed for "
            f"sector {sector}; missing values are never read as 0: {how}",
            self.source,
        )


def _size(cell: Cell) -> int:
    return len(cell.divisions)
