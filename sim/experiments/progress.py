"""Progress bars for loops over runs: shown on a terminal, silent in logs and pipes."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def _stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def progress(
    iterable: Iterable[T], total: int | None = None, desc: str | None = None
) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm progress bar written to stderr.

    The bar is disabled when stderr is not a terminal (batch jobs, CI logs, pipes), so
    log files hold no carriage-return noise.

    Args:
        iterable: The items to loop over.
        total: Number of items, when ``iterable`` has no length.
        desc: Short label shown before the bar.

    Returns:
        An iterator over the same items.
    """
    return iter(
        tqdm(
            iterable,
            total=total,
            desc=desc,
            file=sys.stderr,
            leave=False,
            disable=not _stderr_is_terminal(),
        )
    )
