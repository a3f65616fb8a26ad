"""Tidy-frame helpers: multi-year periods and RCA panels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics._checks import float_array, integer
from sim.metrics.structure import rca, rsca


def period_labels(years: np.ndarray, start: int, length: int = 4) -> np.ndarray:
    """Label years by consecutive windows of ``length`` years from ``start``.

    Year y falls in the window beginning at
    ``start + length * floor((y - start) / length)`` and is labelled
    ``"<first>-<last>"``, e.g. ``"1998-2001"``. The last window keeps its
    nominal end even when the data stop early: 2030 alone with start 1998 is
    ``"2030-2033"``. Labels of four-digit years sort chronologically as strings.

    Args:
        years: Integer-valued years, any shape.
        start: First year of the first window.
        length: Years per window, >= 1.

    Returns:
        String labels, same shape as ``years``.

    Raises:
        ValueError: Non-integer years, a year before ``start`` or ``length < 1``.
    """
    start = integer(start, "start")
    length = integer(length, "length", low=1)
    y = float_array(years, "years")
    if not (np.isfinite(y).all() and (y == np.round(y)).all()):
        raise ValueError("years: must hold integer years")
    y = y.astype(np.int64)
    if (y < start).any():
        raise ValueError(f"years: {y.min()} is before start {start}")
    first = start + (y - start) // length * length
    last = first + length - 1
    return np.char.add(np.char.add(first.astype(str), "-"), last.astype(str))


def period_means(
    frame: pd.DataFrame,
    columns: list[str],
    start: int,
    length: int = 4,
    by: tuple[str, ...] = ("region", "sector"),
) -> pd.DataFrame:
    """Means of ``columns`` per period (see :func:`period_labels`) and ``by`` keys.

    Missing values in ``columns`` are skipped by the mean; rows with missing
    ``by`` keys form their own group rather than being dropped.

    Args:
        frame: Tidy frame with a ``year`` column, the ``by`` columns and ``columns``.
        columns: Numeric columns to average.
        start: First year of the first period.
        length: Years per period, >= 1.
        by: Grouping columns besides the period.

    Returns:
        Frame with columns ``period, *by, *columns``, sorted by period then ``by``.

    Raises:
        ValueError: Missing, overlapping or non-numeric columns, or bad periods.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame: must be a pandas DataFrame, got {type(frame).__name__}")
    if isinstance(by, str) or isinstance(columns, str):
        raise ValueError("by/columns: must be sequences of column names, not a string")
    by, columns = list(by), list(columns)
    keys = ["year", *by]
    missing = [c for c in [*keys, *columns] if c not in frame.columns]
    if missing:
        raise ValueError(f"frame: missing columns {missing}")
    names = [*keys, *columns]
    if "period" in names or len(set(names)) < len(names):
        raise ValueError(f"columns: {columns} must be distinct from year and by {by}, no 'period'")
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise ValueError(f"columns: {column!r} is not numeric ({frame[column].dtype})")
    work = frame[[*by, *columns]].copy()
    work.insert(0, "period", period_labels(frame["year"].to_numpy(), start, length))
    grouped = work.groupby(["period", *by], sort=True, dropna=False)[columns].mean()
    return grouped.reset_index()


def rca_frame(employment: pd.DataFrame, rest_of_world: str = "rest_of_world") -> pd.DataFrame:
    """RCA and RSCA per year, region and sector from a long employment frame.

    The reference area of a year is the sum over all of that year's rows,
    including the rest of the world; see :func:`rca` and :func:`rsca` for the
    formulas and zero conventions. Cells absent from the frame count as zero
    employment, rows repeating a ``year, region, sector`` key are summed, and
    the output covers the full grid of the years, regions and sectors that
    occur anywhere in the frame.

    Args:
        employment: Columns ``year, region, sector, employment``; the rest of
            the world is one of the regions.
        rest_of_world: Label of the rest-of-world region.

    Returns:
        Frame ``year, region, sector, rca, rsca`` for every region except the
        rest of the world, sorted by year, region and sector.

    Raises:
        ValueError: Missing columns or keys, negative or non-finite employment,
            or no rows for ``rest_of_world``.
    """
    required = ["year", "region", "sector", "employment"]
    if not isinstance(employment, pd.DataFrame):
        raise ValueError(f"employment: must be a pandas DataFrame, got {type(employment).__name__}")
    missing = [c for c in required if c not in employment.columns]
    if missing:
        raise ValueError(f"employment: missing columns {missing}")
    if not (employment["region"] == rest_of_world).any():
        raise ValueError(f"rest_of_world: no rows with region {rest_of_world!r}")
    codes, labels = [], []
    for key in required[:3]:
        code, uniques = pd.factorize(employment[key], sort=True)
        if (code < 0).any():
            raise ValueError(f"employment: column {key!r} has missing values")
        codes.append(code)
        labels.append(uniques)
    values = float_array(employment["employment"].to_numpy(), "employment")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("employment: column 'employment' must be finite and non-negative")
    cube = np.zeros(tuple(len(u) for u in labels))
    np.add.at(cube, tuple(codes), values)
    keep = np.flatnonzero(labels[1] != rest_of_world)
    result = rca(cube[:, keep, :], cube.sum(axis=1))
    grid = np.indices(result.shape).reshape(3, -1)
    return pd.DataFrame(
        {
            "year": labels[0].take(grid[0]),
            "region": labels[1].take(keep[grid[1]]),
            "sector": labels[2].take(grid[2]),
            "rca": result.ravel(),
            "rsca": rsca(result).ravel(),
        }
    )
