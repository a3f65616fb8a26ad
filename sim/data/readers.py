"""Readers of regional employment by activity: Eurostat and OECD SDMX-CSV, and a long CSV.

Every reader returns the same long table (:class:`Observations`), one row per
observation, with the employment converted to persons. Problems are a
:class:`~sim.data.data_errors.DataError` naming the file and the line.

The layouts and their columns are described in :mod:`sim.data.layouts`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.data import nace
from sim.data.csvfile import CsvTable, check_file, code_part, keep_row, read_csv
from sim.data.data_errors import DataError, show
from sim.data.eurostat_tsv import is_eurostat_tsv, read_eurostat_tsv_frame
from sim.data.fast_csv import read_records
from sim.data.flags import OECD_MISSING, confidential_flag, split_flags
from sim.data.layouts import (
    LAYOUTS,
    REQUIRED,
    YEAR,
    check_persons,
    detect_layout,
    last_digit,
    number_cell,
    row_factor,
)

FRAME_COLUMNS = (
    "line", "region", "code", "nace", "year", "value", "employment", "flag", "unit", "resolution"
)  # fmt: skip


@dataclass(frozen=True)
class Observations:
    """The observations of one file, in a common long form.

    Attributes:
        frame: One row per observation: ``line`` (1-based line in the file),
            ``region``, ``code`` (activity as written), ``nace`` (canonical NACE code,
            ``""`` when the code is not a NACE code), ``year``, ``value`` (as in the
            file, NaN when missing), ``employment`` (persons, NaN when missing),
            ``flag`` (flag codes joined by ``,``), ``unit`` (as in the file) and
            ``resolution`` (persons in one unit of the value's last digit as written,
            ``0.1`` thousand = 100; NaN when missing): rounding is within half of it. The
            text columns of a Eurostat TSV file are categoricals (a large file's
            observations share a few codes).
        layout: ``"eurostat"``, ``"eurostat_tsv"``, ``"oecd"`` or ``"long"``.
        source: The file.
        years: Every year in the file (sorted), also those not kept in ``frame``.
        regions: Every region code in the file, in order of appearance.
    """

    frame: pd.DataFrame
    layout: str
    source: str
    years: list[int] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)


def _columns(table: CsvTable, layout: str) -> dict[str, int | None]:
    where: dict[str, int | None] = {}
    for role, name in LAYOUTS[layout].items():
        where[role] = None if name is None else table.index(name)
        if role in REQUIRED[layout] and where[role] is None:
            raise DataError(
                f"missing column {name!r} ({layout} layout; columns found: "
                f"{', '.join(show(c, 30) for c in table.columns[:30])})",
                table.path,
                1,
            )
    return where


def read_observations(
    path: str | os.PathLike[str],
    layout: str = "auto",
    filters: Mapping[str, str | Sequence[str]] | None = None,
    years: Collection[int] | None = None,
    regions: Collection[str] | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    fast: bool = True,
) -> Observations:
    """Read a file of employment by region, activity and year, streamed.

    Every row is checked; only rows of ``years`` are kept (and checked for
    duplicates), so memory holds the kept years' rows (and one block of the
    file), not the file. A clean CSV file is checked in blocks
    (:mod:`sim.data.fast_csv`); anything else is read row by row, which names
    the line of the first problem.

    Args:
        path: An SDMX-CSV export (Eurostat or OECD), a Eurostat TSV download
            (``.tsv`` or ``.tsv.gz``) or a long CSV.
        layout: ``"auto"`` (from the header), ``"eurostat"``, ``"eurostat_tsv"``,
            ``"oecd"`` or ``"long"``.
        filters: Keep only rows whose column holds one of the given codes, e.g.
            ``{"unit": "THS_PER"}`` for a file that also has hours worked.
        years: Keep only these years (``None``: all). A Eurostat TSV file's cells of
            other years are not read; other layouts are read and checked whole.
        regions: Keep only these regions (``None``: all); a Eurostat TSV file's rows
            of other regions are not read.
        max_bytes: Largest file accepted (``limits.data_bytes``), or None.
        max_rows: Most rows accepted (``limits.data_rows``), or None.
        fast: Whether a CSV file may be checked in blocks (False: row by row, the
            reference the block reader is tested against).

    Returns:
        The observations, employment converted to persons.

    Raises:
        DataError: The file cannot be read, its header is not recognised, a column
            is missing, or a row has a bad year, value, unit or is duplicated.
    """
    check_file(os.fspath(path), max_bytes)  # before anything reads it (/dev/zero, a FIFO)
    if layout == "eurostat_tsv" or (layout == "auto" and is_eurostat_tsv(path)):
        with np.errstate(over="ignore", invalid="ignore"):
            frame = read_eurostat_tsv_frame(path, filters, years, regions)
        check_persons(frame, os.fspath(path))
        if max_rows is not None and len(frame) > max_rows:
            raise DataError(f"more than limits.data_rows = {max_rows:,} rows kept", os.fspath(path))
        return Observations(
            frame=frame,
            layout="eurostat_tsv",
            source=os.fspath(path),
            years=sorted(set(frame["year"].tolist())),
            regions=list(dict.fromkeys(frame["region"].tolist())),
        )
    table = read_csv(path, max_bytes, max_rows)
    source = table.path
    if layout == "auto":
        found = detect_layout(table.columns)
        if found is None:
            raise DataError(
                "unrecognised header: columns found: "
                f"{', '.join(show(c, 30) for c in table.columns[:30])}; expected Eurostat "
                "SDMX-CSV (geo, nace_r2, TIME_PERIOD, OBS_VALUE), Eurostat TSV "
                "(unit,nace_r2,geo\\TIME_PERIOD), OECD SDMX-CSV (REF_AREA, ACTIVITY, "
                "TIME_PERIOD, OBS_VALUE) or long CSV (region, sector, year, employment)",
                source,
                1,
            )
        layout = found
    elif layout not in LAYOUTS:
        raise DataError(f"unknown layout {layout!r} (use auto, {', '.join(LAYOUTS)})", source)
    where = _columns(table, layout)
    keep = table.filters(filters)
    kept_years = None if years is None else set(years)
    read = None
    if fast:
        read = read_records(table, layout, where, keep, kept_years, max_rows, max_bytes)
    if read is None:
        read = _row_by_row(table, layout, where, keep, kept_years)
    else:
        table.close()
    records, digits, factors, seen_years, seen_regions = read
    frame = pd.DataFrame(records, columns=list(FRAME_COLUMNS))
    frame = frame.astype({"line": "int64", "year": "int64", "value": "float64"})
    factor = np.array(factors, dtype=float)
    if layout == "oecd":  # a value beside a missing-value status is no value
        missing = frame["flag"].map(lambda f: not OECD_MISSING.isdisjoint(f.split(",")))
        frame.loc[missing.to_numpy(dtype=bool), "value"] = np.nan
    with np.errstate(over="ignore", invalid="ignore"):
        frame["employment"] = np.round(frame["value"].to_numpy() * factor, 6)
        frame["resolution"] = np.array(digits, dtype=float) * factor
    check_persons(frame, source)
    if years is not None:
        frame = frame[frame["year"].isin(list(years))]
    if regions is not None:
        frame = frame[frame["region"].isin(list(regions))]
    return Observations(
        frame=frame.reset_index(drop=True),
        layout=layout,
        source=table.path,
        years=sorted(seen_years),
        regions=seen_regions,
    )


def _row_by_row(table: CsvTable, layout: str, where, keep, kept_years):
    """The records of the kept years, each row checked as it is read (errors name its line)."""
    source = table.path
    names = LAYOUTS[layout]
    records: dict[str, list] = {c: [] for c in FRAME_COLUMNS[:-1] if c != "employment"}
    digits: list[float] = []
    factors: list[float] = []
    first: dict[tuple[str, str, int], tuple[int, list[str]]] = {}
    canonical: dict[str, str] = {}
    seen_years: set[int] = set()
    seen_regions: dict[str, None] = {}
    for line, fields in table.rows:
        if not keep_row(fields, keep):
            continue
        region = code_part(fields[where["region"]])
        code = code_part(fields[where["code"]])
        year_text = code_part(fields[where["year"]])
        if not region:
            raise DataError(f"empty region code in column {names['region']}", source, line)
        if not code:
            raise DataError(f"empty activity code in column {names['code']}", source, line)
        if not YEAR.match(year_text):
            raise DataError(
                f"{names['year']} {show(year_text)} is not a year (annual data are read)",
                source,
                line,
            )
        year = int(year_text)
        value = number_cell(fields[where["value"]], str(names["value"]), source, line)
        factor = row_factor(fields, where, source, line)
        seen_years.add(year)
        seen_regions.setdefault(region)
        if kept_years is not None and year not in kept_years:
            continue
        if code not in canonical:
            try:
                canonical[code] = nace.normalise(code)
            except ValueError:
                canonical[code] = ""
        key = (region, canonical[code] or code, year)
        if key in first:
            _duplicate(table, where, key, first[key], line, fields)
        first[key] = (line, fields)
        try:
            flags = [] if where["flag"] is None else split_flags(fields[where["flag"]], layout)
        except ValueError as err:
            raise DataError(str(err), source, line) from None
        if where["conf"] is not None and code_part(fields[where["conf"]]).upper() not in ("", "F"):
            flags.append(confidential_flag(layout))
        records["line"].append(line)
        records["region"].append(region)
        records["code"].append(code)
        records["nace"].append(canonical[code])
        records["year"].append(year)
        records["value"].append(np.nan if value is None else value)
        digits.append(np.nan if value is None else last_digit(fields[where["value"]]))
        factors.append(factor)
        records["flag"].append(",".join(dict.fromkeys(flags)))
        records["unit"].append(
            "persons" if where["unit"] is None else code_part(fields[where["unit"]])
        )
    return records, digits, factors, seen_years, list(seen_regions)


def _duplicate(
    table: CsvTable,
    where: dict[str, int | None],
    key: tuple[str, str, int],
    earlier: tuple[int, list[str]],
    line: int,
    fields: list[str],
) -> None:
    roles = {where["value"], where["flag"], where["conf"]}
    differ = [
        table.columns[i]
        for i, (a, b) in enumerate(zip(earlier[1], fields, strict=True))
        if i not in roles and code_part(a) != code_part(b)
    ]
    hint = f"; the rows differ in {', '.join(differ)}: keep one with filters" if differ else ""
    raise DataError(
        f"duplicated observation for region {key[0]}, activity {key[1]}, year {key[2]} "
        f"(first on line {earlier[0]}){hint}",
        table.path,
        line,
    )


def read_eurostat(
    path: str | os.PathLike[str], filters: Mapping[str, str | Sequence[str]] | None = None
) -> Observations:
    """Read a Eurostat SDMX-CSV export (see :func:`read_observations`)."""
    return read_observations(path, "eurostat", filters)


def read_oecd(
    path: str | os.PathLike[str], filters: Mapping[str, str | Sequence[str]] | None = None
) -> Observations:
    """Read an OECD SDMX-CSV export (see :func:`read_observations`)."""
    return read_observations(path, "oecd", filters)


def read_long(
    path: str | os.PathLike[str], filters: Mapping[str, str | Sequence[str]] | None = None
) -> Observations:
    """Read a long CSV ``region, sector, year, employment`` (see :func:`read_observations`)."""
    return read_observations(path, "long", filters)
