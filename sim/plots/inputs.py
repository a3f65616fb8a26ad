"""The tidy frames the plotting functions read: checks and ordering.

Each check raises one readable error naming the plotting function, the problem
and what the frame holds instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable

import pandas as pd


def require(frame: pd.DataFrame, columns: Iterable[str], func: str) -> None:
    """Check that ``frame`` is a non-empty DataFrame holding ``columns``.

    Args:
        frame: The input frame.
        columns: Required column names.
        func: Name of the calling function, used in error messages.

    Raises:
        TypeError: If ``frame`` is not a DataFrame.
        ValueError: If required columns are missing or the frame is empty.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{func}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        present = [str(c) for c in frame.columns]
        raise ValueError(f"{func}: missing required columns {missing}; columns present: {present}")
    if frame.empty:
        raise ValueError(f"{func}: the input frame is empty")


def select_region(frame: pd.DataFrame, region: str, func: str) -> pd.DataFrame:
    """Return the rows of ``region``, raising a readable error when there are none.

    Args:
        frame: Frame with a ``region`` column.
        region: Region to keep.
        func: Name of the calling function, used in error messages.

    Returns:
        The rows of ``region``.

    Raises:
        ValueError: If the region has no rows.
    """
    rows = frame[frame["region"] == region]
    if rows.empty:
        known = sorted(map(str, frame["region"].dropna().unique()))
        raise ValueError(f"{func}: no rows for region {region!r}; regions present: {known}")
    return rows


def single_scenario(frame: pd.DataFrame, func: str) -> pd.DataFrame:
    """Check that a frame with a ``scenario`` column holds exactly one scenario.

    Args:
        frame: The input frame; without a ``scenario`` column it is returned as is.
        func: Name of the calling function, used in error messages.

    Returns:
        ``frame`` unchanged.

    Raises:
        ValueError: If the frame holds several scenarios.
    """
    if "scenario" in frame.columns:
        scenarios = list(pd.unique(frame["scenario"]))
        if len(scenarios) != 1:
            raise ValueError(
                f"{func}: expected exactly one scenario, got {len(scenarios)}: "
                f"{[str(s) for s in scenarios]}; filter the frame first"
            )
    return frame


def in_order(values: Iterable[Hashable]) -> list[Hashable]:
    """Return the distinct non-missing values in order of first appearance."""
    return [v for v in pd.unique(pd.Series(list(values), dtype=object)) if not pd.isna(v)]


def period_sort_key(period: object) -> tuple[float, str]:
    """Sort key for period labels such as ``"1998-2001"``: by first year, then by text."""
    text = str(period)
    match = re.search(r"-?\d+", text)
    return (float(match.group()) if match else math.inf, text)


def sorted_periods(periods: Iterable[object]) -> list[object]:
    """Return the distinct periods in chronological order."""
    return sorted(in_order(periods), key=period_sort_key)


def partial_periods(frame: pd.DataFrame) -> set[object]:
    """Periods marked partial (``whole`` False) in a frame of period means; none without it."""
    if "whole" not in frame.columns:
        return set()
    whole = frame.groupby("period", sort=False)["whole"].min()
    return {p for p, w in whole.items() if not bool(w >= 1)}
