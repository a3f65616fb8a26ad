"""Relatedness of the data's own sectors: co-location in the data, or a matrix from a CSV file.

Co-location (Hidalgo, Klinger, Barabasi & Hausmann 2007, The product space
conditions the development of nations, Science 317, 482-487): a region is
present in a sector when its RCA there is at least 1 (against the reference area
of the data); the proximity of two sectors is the smaller of the two conditional
probabilities of presence, ``phi_ij = min(P(i | j), P(j | i))``, over the regions
read (:func:`sim.metrics.proximity`). The model's convention puts 1 on the
diagonal (docs/ODD.md, 7.6).

The CSV matrix: a header row naming the sectors (its first cell is free, e.g.
``sector``), then one row per sector, its name first, then its relatedness to
each sector of the header; values in [0, 1], symmetric within
:data:`SYMMETRY_TOLERANCE`, in any sector order. The diagonal is read and
replaced by 1.
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat

import numpy as np

from sim.data.data_errors import DataError, show
from sim.metrics import proximity, rca

SYMMETRY_TOLERANCE = 1e-6
"""Largest accepted difference between ``phi_ij`` and ``phi_ji`` in a supplied matrix."""
MAX_MATRIX_BYTES = 10_000_000
"""Largest relatedness file read (a 1,000-sector matrix is about 8 MB)."""
MIN_REGIONS = 2
"""Fewest regions from which co-location proximity is computed."""


def colocation_relatedness(
    employment: np.ndarray, rest_of_world: np.ndarray, source: str
) -> np.ndarray:
    """Proximity of sectors from their co-location across regions, unit diagonal.

    Args:
        employment: (R, S) persons by region and sector.
        rest_of_world: (S,) persons in the rest of the reference area.
        source: The data file (for messages).

    Returns:
        (S, S) relatedness in [0, 1], symmetric, diagonal 1.

    Raises:
        DataError: Fewer than :data:`MIN_REGIONS` regions.
    """
    if employment.shape[0] < MIN_REGIONS:
        raise DataError(
            f"co-location relatedness needs at least {MIN_REGIONS} regions, "
            f"{employment.shape[0]} read: give a matrix (relatedness: file.csv in the mapping)",
            source,
        )
    present = rca(employment, employment.sum(axis=0) + rest_of_world) >= 1.0
    phi = proximity(present)
    np.fill_diagonal(phi, 1.0)
    return phi


def read_relatedness(path: str, sectors: list[str]) -> np.ndarray:
    """Read a sector x sector relatedness matrix (see module doc) in the order of ``sectors``.

    Raises:
        DataError: One line naming the file, the row and the problem: the file cannot
            be read, the matrix is not square, names an unknown sector or misses one,
            holds a non-numeric, missing (NaN), negative or above-1 value, or is
            asymmetric beyond :data:`SYMMETRY_TOLERANCE`.
    """
    rows = _rows(path)
    if not rows:
        raise DataError("the relatedness matrix is empty", path, 1)
    header = [c.strip() for c in rows[0][1:]]
    index = _names(header, sectors, path, 1, "column")
    n = len(sectors)
    phi = np.full((n, n), np.nan)
    lines = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        name = row[0].strip()
        if name not in sectors:
            raise DataError(
                f"unknown sector {show(name)} (sectors: {', '.join(sectors)})", path, number
            )
        if name in lines:
            raise DataError(f"sector {name} has two rows (also line {lines[name]})", path, number)
        lines[name] = number
        if len(row) - 1 != len(header):
            raise DataError(
                f"not square: row {name} has {len(row) - 1} values, the header names "
                f"{len(header)} sectors",
                path,
                number,
            )
        i = sectors.index(name)
        for column, text in zip(header, row[1:], strict=True):
            phi[i, index[column]] = _value(text, name, column, path, number)
    absent = [s for s in sectors if s not in lines]
    if absent:
        raise DataError(
            f"not square: no row for sector {absent[0]} (the header names {len(header)} sectors, "
            f"{len(lines)} rows)",
            path,
        )
    gap = np.abs(phi - phi.T)
    if (gap > SYMMETRY_TOLERANCE).any():
        i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
        raise DataError(
            f"asymmetric: {sectors[i]},{sectors[j]} = {phi[i, j]:.10g} but "
            f"{sectors[j]},{sectors[i]} = {phi[j, i]:.10g} (tolerance {SYMMETRY_TOLERANCE:g})",
            path,
            lines[sectors[i]],
        )
    phi = (phi + phi.T) / 2.0
    np.fill_diagonal(phi, 1.0)
    return phi


def _rows(path: str) -> list[list[str]]:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise DataError("cannot read the relatedness matrix: not a regular file", path)
        with open(path, "rb") as handle:
            data = handle.read(MAX_MATRIX_BYTES + 1)
    except OSError as err:
        raise DataError(
            f"cannot read the relatedness matrix ({err.strerror or err})", path
        ) from None
    if len(data) > MAX_MATRIX_BYTES:
        raise DataError(f"the relatedness matrix is larger than {MAX_MATRIX_BYTES} bytes", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("cannot decode the relatedness matrix as UTF-8 text", path) from None
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as err:
        raise DataError(f"not readable as CSV ({err})", path) from None


def _names(header: list[str], sectors: list[str], path: str, line: int, what: str) -> dict:
    index: dict[str, int] = {}
    for name in header:
        if name not in sectors:
            raise DataError(
                f"unknown sector {show(name)} in the header (sectors: {', '.join(sectors)})",
                path,
                line,
            )
        if name in index:
            raise DataError(f"sector {name} names two {what}s of the header", path, line)
        index[name] = sectors.index(name)
    absent = [s for s in sectors if s not in index]
    if absent:
        raise DataError(f"not square: the header has no column for sector {absent[0]}", path, line)
    return index


def _value(text: str, row: str, column: str, path: str, line: int) -> float:
    if not text.strip():
        raise DataError(f"missing value (empty) for {row},{column}", path, line)
    try:
        value = float(text)
    except ValueError:
        raise DataError(
            f"non-numeric value {show(text.strip())} for {row},{column}", path, line
        ) from None
    if math.isnan(value):
        raise DataError(f"missing value (NaN) for {row},{column}", path, line)
    if value < 0:
        raise DataError(f"negative relatedness {value:g} for {row},{column}", path, line)
    if value > 1:
        raise DataError(f"relatedness {value:g} above 1 for {row},{column}", path, line)
    return value
