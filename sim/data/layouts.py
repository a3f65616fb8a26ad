"""The layouts read: their columns, the units understood and the missing-value markers.

Column names are matched case-insensitively; other columns, such as the label
columns of exports "with labels", are ignored:

* ``eurostat``: ``geo``, ``nace_r2``, ``TIME_PERIOD``, ``OBS_VALUE``, ``unit``;
  optional ``OBS_FLAG`` and ``CONF_STATUS``.
* ``oecd``: ``REF_AREA``, ``ACTIVITY``, ``TIME_PERIOD``, ``OBS_VALUE``,
  ``UNIT_MEASURE``; optional ``OBS_STATUS``, ``CONF_STATUS`` and ``UNIT_MULT``.
* ``long``: ``region``, ``sector``, ``year``, ``employment`` (persons); optional
  ``unit`` and ``flag``. ``sector`` holds model sector names or NACE codes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.data.csvfile import code_part
from sim.data.data_errors import DataError, show

LAYOUTS: dict[str, dict[str, str | None]] = {
    "eurostat": {
        "region": "geo",
        "code": "nace_r2",
        "year": "TIME_PERIOD",
        "value": "OBS_VALUE",
        "unit": "unit",
        "flag": "OBS_FLAG",
        "conf": "CONF_STATUS",
        "mult": None,
    },
    "oecd": {
        "region": "REF_AREA",
        "code": "ACTIVITY",
        "year": "TIME_PERIOD",
        "value": "OBS_VALUE",
        "unit": "UNIT_MEASURE",
        "flag": "OBS_STATUS",
        "conf": "CONF_STATUS",
        "mult": "UNIT_MULT",
    },
    "eurostat_tsv": {
        "region": "geo",
        "code": "nace_r2",
        "year": "TIME_PERIOD",
        "value": "OBS_VALUE",
        "unit": "unit",
        "flag": None,
        "conf": None,
        "mult": None,
    },
    "long": {
        "region": "region",
        "code": "sector",
        "year": "year",
        "value": "employment",
        "unit": "unit",
        "flag": "flag",
        "conf": None,
        "mult": None,
    },
}
"""Column of each role in each layout (``None``: the layout has no such column)."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "eurostat": ("region", "code", "year", "value", "unit"),
    "oecd": ("region", "code", "year", "value", "unit"),
    "eurostat_tsv": ("region", "code", "unit"),
    "long": ("region", "code", "year", "value"),
}

UNITS: dict[str, float] = {
    "THS_PER": 1000.0,
    "THS": 1000.0,
    "THS_JOB": 1000.0,
    "THS_PS": 1000.0,
    "THOUSANDS": 1000.0,
    "PER": 1.0,
    "PERS": 1.0,
    "PS": 1.0,
    "NR": 1.0,
    "JOB": 1.0,
    "JOBS": 1.0,
    "PERSONS": 1.0,
}
"""Units read, with the factor to persons (jobs); matched case-insensitively."""


def unit_factor(unit: str, source: str, line: int) -> float:
    """Persons per unit of the file's ``unit`` code (:data:`UNITS`), or a one-line DataError."""
    factor = UNITS.get(unit.upper())
    if factor is None:
        raise DataError(
            f"unit {show(unit)} is not a count of persons or jobs (units read: "
            f"{', '.join(UNITS)}); keep one unit with filters",
            source,
            line,
        )
    return factor


MISSING_MARKERS = frozenset({"", ":", "..", "nan", "na", "n/a"})
"""Values read as a missing cell (case-insensitive): never as zero."""

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
YEAR = re.compile(r"^\d{4}$")


def last_digit(text: str) -> float:
    """The unit of the last digit of a number as written (``"12.3"``: 0.1, ``"1.2e3"``: 100)."""
    mantissa, _, exponent = text.strip().lower().partition("e")
    dot = mantissa.find(".")
    decimals = len(mantissa) - dot - 1 if dot >= 0 else 0
    return 10.0 ** (int(exponent or 0) - decimals)


def number_cell(text: str, column: str, path: str, line: int) -> float | None:
    """The employment in a cell, ``None`` when it is a missing marker.

    Raises:
        DataError: The cell is neither a missing marker nor a finite number >= 0.
    """
    cell = text.strip()
    if cell.casefold() in MISSING_MARKERS:
        return None
    if not NUMBER.match(cell) or not math.isfinite(float(cell)):
        raise DataError(f"non-numeric value {show(cell)} in column {column}", path, line)
    value = float(cell)
    if value < 0:
        raise DataError(f"negative employment {cell} in column {column}", path, line)
    return value


def detect_layout(columns: Sequence[str]) -> str | None:
    """The layout a header belongs to, or ``None`` when it is none of them.

    Args:
        columns: Column identifiers of the header.

    Returns:
        ``"eurostat"`` (a ``nace_r2`` or ``geo`` column), ``"oecd"`` (``REF_AREA`` or
        ``ACTIVITY``), ``"long"`` (``region`` or ``sector``) or ``None``.
    """
    names = {c.casefold() for c in columns}
    if "nace_r2" in names or ("geo" in names and "ref_area" not in names):
        return "eurostat"
    if "ref_area" in names or "activity" in names:
        return "oecd"
    if "region" in names or "sector" in names:
        return "long"
    return None


def row_factor(fields: list[str], where: dict[str, int | None], path: str, line: int) -> float:
    """Persons per unit of a row's value: its unit times its unit multiplier (``UNIT_MULT``)."""
    if where["unit"] is None:
        return 1.0
    factor = unit_factor(code_part(fields[where["unit"]]), path, line)
    if where["mult"] is not None:
        mult = code_part(fields[where["mult"]])
        if mult:
            if not mult.isdigit() or int(mult) > 12:
                raise DataError(f"UNIT_MULT {show(mult)} is not a power of ten 0-12", path, line)
            factor *= 10.0 ** int(mult)
    return factor


MAX_PERSONS = 1e10
"""More persons than any cell of regional employment can hold: the world's employment is
about 3.5 x 10^9 (ILO). A value above it, once its unit is applied, is a unit or a typo."""


def check_persons(frame: pd.DataFrame, source: str) -> None:
    """Refuse a cell whose employment, in persons, is not finite or beyond :data:`MAX_PERSONS`.

    Raises:
        DataError: Naming the first such cell's line.
    """
    employment = frame["employment"].to_numpy(dtype=float)
    bad = ~np.isnan(employment) & ~(np.abs(employment) <= MAX_PERSONS)
    if bad.any():
        row = frame.iloc[int(np.argmax(bad))]
        raise DataError(
            f"{row['value']:g} {row['unit']} is {row['employment']:.3g} persons, more than "
            f"{MAX_PERSONS:.0e} (the world's employment is about 3.5e9): a wrong unit or a typo",
            source,
            int(row["line"]),
        )
