"""The initial state of the model from a statistics file: employment by region and sector.

See docs/data.md for the rules (missing values, aggregation levels, units, flags).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.data import nace
from sim.data.data_errors import DataError, show
from sim.data.mapping import SectorMapping, load_mapping
from sim.data.readers import read_observations
from sim.data.sector_rules import Cell, Evaluator, RegionCells
from sim.data.selection import check_choice, explain_absent, region_list

MISSING_RULES = ("error", "impute_from_aggregate")
"""Values of ``missing``: raise on a missing cell, or fill it from an aggregate of the file."""
UNKNOWN_RULES = ("error", "ignore")
"""Values of ``unknown_codes``: raise on a code mapped to no sector, or list it in ``unmapped``."""
FLAG_COLUMNS = ["region", "code", "flag", "meaning", "line"]
ROUNDING_COLUMNS = ["region", "sector", "difference", "shortfall", "tolerance"]


@dataclass(frozen=True)
class InitialEmployment:
    """Employment by model region and sector in one year, read from a file.

    Attributes:
        regions: The model regions, in the requested order.
        sectors: The model sectors, in the mapping's order.
        employment: Persons (jobs), shape (regions, sectors); read-only.
        rest_of_world: Persons by sector in the reference area outside the model
            regions, shape (sectors,); zeros when the reference is ``"all"``.
        year: The year read.
        source: The data file.
        flags: One row per flag of every cell used: ``region``, ``code`` (as in the
            file), ``flag``, ``meaning`` and ``line``; imputed cells have flag ``imputed``.
        unmapped: Codes of the file (as written) mapped to no sector, or not NACE codes
            at all; filled only with ``unknown_codes="ignore"`` (else they are an error).
        unit: The unit(s) of the cells used, as written in the file (``"persons"`` for
            a long file without a unit column); ``employment`` is always in persons.
        reference: The reference area: ``"all"`` or the code of an aggregate row.
        skipped: Codes of the file (as written) that overlap the mapping but are not
            one of its codes (aggregates such as ``TOTAL`` or ``C``, or finer parts):
            never added, so no job is counted twice.
        layout: The file's layout (``"eurostat"``, ``"eurostat_tsv"``, ``"oecd"`` or
            ``"long"``).
        rounding: Differences of published values that came out negative by no more
            than their rounding and were set to 0: ``region`` (or the reference area),
            ``sector``, ``difference`` (``rest_of_world``, an entry such as
            ``B-E except C``, or an imputation), ``shortfall`` and ``tolerance``
            (persons; half a unit of the last digit of each value involved, summed).
        without_statistics: Sectors the file gives no value for: no code in the
            mapping and, in a long file, no row by name. They start at 0 and are
            marked "no statistics" in the run's outputs, not read as no jobs.
    """

    regions: list[str]
    sectors: list[str]
    employment: np.ndarray
    rest_of_world: np.ndarray
    year: int
    source: str
    flags: pd.DataFrame
    unmapped: list[str]
    unit: str
    reference: str = "all"
    skipped: list[str] = field(default_factory=list)
    layout: str = ""
    rounding: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ROUNDING_COLUMNS))
    without_statistics: list[str] = field(default_factory=list)

    @property
    def reference_employment(self) -> np.ndarray:
        """Persons by sector in the whole reference area (model regions plus the rest)."""
        return self.employment.sum(axis=0) + self.rest_of_world

    def to_frame(self) -> pd.DataFrame:
        """Long table ``region, sector, employment``; the rest is region ``rest_of_world``."""
        regions = [*self.regions, "rest_of_world"]
        values = np.vstack([self.employment, self.rest_of_world])
        return pd.DataFrame(
            {
                "region": np.repeat(regions, len(self.sectors)),
                "sector": np.tile(self.sectors, len(regions)),
                "employment": values.ravel(),
            }
        )


def load_initial_employment(
    path: str | os.PathLike[str],
    mapping: str | os.PathLike[str] | SectorMapping | Mapping[str, object] | None,
    year: int,
    regions: Iterable[str],
    reference: str = "all",
    layout: str = "auto",
    unknown_codes: str = "error",
    missing: str = "error",
    filters: Mapping[str, str | Sequence[str]] | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> InitialEmployment:
    """Read the employment of the model regions by model sector in one year.

    Args:
        path: Eurostat or OECD SDMX-CSV export, or long CSV (docs/data.md).
        mapping: NACE-to-sector mapping: YAML file, :class:`SectorMapping`, dict, or
            ``None`` for the default mapping of the 26 model sectors.
        year: The year to read.
        regions: Region codes of the model regions, in model order.
        reference: ``"all"`` (the reference area is the model regions) or the code of
            an aggregate row of the same file (``EU27_2020``, ``OECD``, a country).
        layout: ``"auto"``, ``"eurostat"``, ``"oecd"`` or ``"long"``.
        unknown_codes: ``"error"`` or ``"ignore"`` (see ``InitialEmployment.unmapped``).
        missing: ``"error"`` or ``"impute_from_aggregate"`` (docs/data.md).
        filters: Keep only rows whose column holds the given code(s), e.g.
            ``{"unit": "THS_PER"}``.
        max_bytes: Largest file accepted (``limits.data_bytes``), or None.
        max_rows: Most rows accepted (``limits.data_rows``), or None.

    Returns:
        The initial employment.

    Raises:
        DataError: The file, the mapping or the selection cannot be used; the message
            names the file, the line where it applies and the problem.
    """
    source = os.fspath(path)
    check_choice(missing, MISSING_RULES, "missing", source)
    check_choice(unknown_codes, UNKNOWN_RULES, "unknown_codes", source)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DataError(f"year {show(year)} is not a year", source) from None
    reference = str(reference).strip()
    wanted = region_list(regions, reference, source)
    smap = load_mapping(mapping)
    areas = wanted if reference == "all" else [*wanted, reference]
    obs = read_observations(
        path,
        layout=layout,
        filters=filters,
        years=[year],
        regions=areas,
        max_bytes=max_bytes,
        max_rows=max_rows,
    )
    frame = obs.frame
    present = set(frame["region"].tolist())
    if any(region not in present for region in areas):
        explain_absent(
            read_observations(
                path, layout=layout, filters=filters, max_bytes=max_bytes, max_rows=max_rows
            ),
            year,
            areas,
            filters,
        )
    rows = frame

    cells = {region: RegionCells(region) for region in areas}
    names = set(smap.sectors) if obs.layout == "long" else set()
    covered, needed = smap.covered, set(smap.needed_codes)
    unknown: dict[str, tuple[int, str]] = {}
    skipped: dict[str, str] = {}
    for rec in rows.itertuples(index=False):
        value = None if math.isnan(rec.employment) else float(rec.employment)
        flags = tuple(rec.flag.split(",")) if rec.flag else ()
        divs = nace.divisions(rec.nace) if rec.nace and rec.code not in names else frozenset()
        cell = Cell(int(rec.line), str(rec.code), divs, value, flags, str(rec.unit), rec.resolution)
        if rec.code in names:
            cells[rec.region].names[rec.code] = cell
        elif not rec.nace:
            what = "a NACE Rev. 2 code or a model sector" if names else "a NACE Rev. 2 code"
            unknown.setdefault(rec.code, (cell.line, f"is not {what}"))
        elif not divs & covered:
            unknown.setdefault(rec.code, (cell.line, "is mapped to no sector"))
        else:
            if rec.nace not in needed:
                skipped.setdefault(rec.nace, rec.code)
            cells[rec.region].codes[rec.nace] = cell
    if unknown and unknown_codes == "error":
        code, (line, reason) = min(unknown.items(), key=lambda item: item[1][0])
        raise DataError(
            f"unknown NACE code {show(code)}: it {reason}; add it to the mapping or pass "
            "unknown_codes='ignore'",
            source,
            line,
        )

    in_file = list(dict.fromkeys(c for region in cells.values() for c in region.codes))
    evaluator = Evaluator(source, obs.layout, year, missing, in_file)
    vectors = {region: _sector_vector(cells[region], smap, evaluator) for region in areas}
    employment = np.array([vectors[r] for r in wanted], dtype=float)
    rest = np.zeros(len(smap.sectors))
    if reference != "all":
        rest = _rest_of_world(vectors, wanted, reference, smap, evaluator)
    employment.setflags(write=False)
    rest.setflags(write=False)
    flag_frame = pd.DataFrame(
        [
            (r, code, flag, meaning, line)
            for (r, line, code, flag), meaning in evaluator.flag_rows.items()
        ],
        columns=FLAG_COLUMNS,
    )
    order = {r: i for i, r in enumerate(areas)}
    flag_frame = flag_frame.sort_values(
        ["region", "line"], key=lambda s: s.map(order) if s.name == "region" else s
    ).reset_index(drop=True)
    return InitialEmployment(
        regions=wanted,
        sectors=list(smap.sectors),
        employment=employment,
        rest_of_world=rest,
        year=year,
        source=source,
        flags=flag_frame,
        unmapped=list(unknown) if unknown_codes == "ignore" else [],
        unit=", ".join(sorted(evaluator.units)) or ("persons" if obs.layout == "long" else ""),
        reference=reference,
        skipped=list(skipped.values()),
        layout=obs.layout,
        rounding=pd.DataFrame(evaluator.rounding, columns=ROUNDING_COLUMNS),
        without_statistics=_without_statistics(smap, cells.values()),
    )


def _without_statistics(smap: SectorMapping, cells: Iterable[RegionCells]) -> list[str]:
    """Sectors with no code in the mapping and no row by name in the file."""
    given = {e.sector for e in smap.entries}.union(*(region.names for region in cells))
    return [s for s in smap.sectors if s not in given]


def _sector_vector(region: RegionCells, smap: SectorMapping, ev: Evaluator) -> np.ndarray:
    index = {s: i for i, s in enumerate(smap.sectors)}
    out = np.zeros(len(smap.sectors))
    for sector, cell in region.names.items():
        clash = [e for e in smap.entries if e.sector == sector and e.code in region.codes]
        if clash:
            raise DataError(
                f"duplicated observation: sector {sector} of region {region.name} is given both "
                f"by name and by NACE code {region.codes[clash[0].code].code} (line "
                f"{region.codes[clash[0].code].line})",
                ev.source,
                cell.line,
            )
        if cell.value is None:
            raise DataError(
                f"missing value for region {region.name}, sector {sector} in {ev.year}; "
                "missing values are never read as 0 and a sector given by name cannot be imputed",
                ev.source,
                cell.line,
            )
        ev.use(region.name, cell)
        key = (region.name, sector)
        ev.half_units[key] = ev.half_units.get(key, 0.0) + 0.5 * cell.resolution
        out[index[sector]] += cell.value
    for entry in smap.entries:
        if entry.sector not in region.names:
            out[index[entry.sector]] += ev.entry(region, entry)
    return out


def _rest_of_world(
    vectors: dict[str, np.ndarray], wanted: list[str], code: str, smap: SectorMapping, ev: Evaluator
) -> np.ndarray:
    """The reference area minus the model regions; a shortfall within rounding is 0."""
    reference = vectors[code]
    inside = sum(vectors[r] for r in wanted)
    rest = reference - inside
    for s, sector in enumerate(smap.sectors):
        half = sum(ev.half_units.get((area, sector), 0.0) for area in [*wanted, code])
        where = (code, sector, "rest_of_world")
        if rest[s] < 0 and not ev.within_rounding(-rest[s], half, reference[s], where):
            raise DataError(
                f"negative rest of world in sector {sector}: the reference area {code} has "
                f"{reference[s]:.10g} persons, fewer than the model regions together "
                f"({inside[s]:.10g}) by more than the rounding of the published values "
                f"({half:.10g})",
                ev.source,
            )
    return np.maximum(rest, 0.0)
