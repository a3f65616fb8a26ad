"""Tidy-frame helpers: multi-year periods and RCA panels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics._checks import float_array, integer
from sim.metrics.structure import rca, rsca


def period_windows(
    years: np.ndarray, start: int, length: int = 4, end: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """First and last year of the period of each year: windows of ``length`` from ``start``.

    Year y falls in the window beginning at ``start + length * floor((y - start) / length)``.
    A window ends ``length - 1`` years later or at ``end``, whichever comes first, so the
    periods end where the run ends: with start 1998, length 4 and end 2030, the year 2030
    is the partial period 2030-2030 (one year of four).

    Args:
        years: Integer-valued years, any shape.
        start: First year of the first window.
        length: Years per window, >= 1.
        end: Last year of the data; by default the latest of ``years``.

    Returns:
        The first and the last year of each year's window, same shape as ``years``.

    Raises:
        ValueError: Non-integer years, a year before ``start`` or after ``end``, or
            ``length < 1``.
    """
    start = integer(start, "start")
    length = integer(length, "length", low=1)
    y = float_array(years, "years")
    if not (np.isfinite(y).all() and (y == np.round(y)).all()):
        raise ValueError("years: must hold integer years")
    y = y.astype(np.int64)
    if (y < start).any():
        raise ValueError(f"years: {y.min()} is before start {start}")
    end = int(y.max(initial=start)) if end is None else integer(end, "end")
    if (y > end).any():
        raise ValueError(f"years: {y.max()} is after end {end}")
    first = start + (y - start) // length * length
    return first, np.minimum(first + length - 1, end)


def period_labels(
    years: np.ndarray, start: int, length: int = 4, end: int | None = None
) -> np.ndarray:
    """Label years ``"<first>-<last>"`` by their period (see :func:`period_windows`).

    E.g. ``"1998-2001"``; a partial last period is labelled by the years it holds
    (``"2030-2030"``). Labels of four-digit years sort chronologically as strings.

    Args:
        years: Integer-valued years, any shape.
        start: First year of the first window.
        length: Years per window, >= 1.
        end: Last year of the data; by default the latest of ``years``.

    Returns:
        String labels, same shape as ``years``.

    Raises:
        ValueError: As :func:`period_windows`.
    """
    first, last = period_windows(years, start, length, end)
    return np.char.add(np.char.add(first.astype(str), "-"), last.astype(str))


def whole_periods(
    years: np.ndarray, start: int, length: int = 4, end: int | None = None
) -> np.ndarray:
    """Whether each year's period is whole (holds ``length`` years, see :func:`period_windows`).

    Indicators that compare periods use whole periods only; a partial last period
    is written and plotted (marked as partial) but enters no indicator.

    Returns:
        Booleans, same shape as ``years``.
    """
    first, last = period_windows(years, start, length, end)
    return last - first + 1 == integer(length, "length", low=1)


def period_means(
    frame: pd.DataFrame,
    columns: list[str],
    start: int,
    length: int = 4,
    by: tuple[str, ...] = ("region", "sector"),
) -> pd.DataFrame:
    """Means of ``columns`` per period (see :func:`period_labels`) and ``by`` keys.

    Missing values in ``columns`` are skipped by the mean; rows with missing
    ``by`` keys form their own group rather than being dropped. Periods end with
    the frame's last year; the column ``whole`` says whether a period holds all
    its ``length`` years (False for a partial last period).

    Args:
        frame: Tidy frame with a ``year`` column, the ``by`` columns and ``columns``.
        columns: Numeric columns to average.
        start: First year of the first period.
        length: Years per period, >= 1.
        by: Grouping columns besides the period.

    Returns:
        Frame with columns ``period, *by, *columns, whole``, sorted by period then ``by``.

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
    if {"period", "whole"} & set(names) or len(set(names)) < len(names):
        raise ValueError(
            f"columns: {columns} must be distinct from year and by {by}, no 'period' or 'whole'"
        )
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise ValueError(f"columns: {column!r} is not numeric ({frame[column].dtype})")
    work = frame[[*by, *columns]].copy()
    years = frame["year"].to_numpy()
    work.insert(0, "period", period_labels(years, start, length))
    grouped = work.groupby(["period", *by], sort=True, dropna=False)[columns].mean().reset_index()
    whole = dict(zip(work["period"], whole_periods(years, start, length), strict=True))
    grouped["whole"] = grouped["period"].map(whole).astype(bool)
    return grouped


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
