"""The one exception type of :mod:`sim.data`: a problem with an input file, on one line."""

from __future__ import annotations

import os

_MAX_SHOWN = 60


def one_line(text: str) -> str:
    """Return ``text`` with every line break and other control character escaped.

    Args:
        text: Any text, possibly taken from a malformed file.

    Returns:
        The same text on a single line (``str.splitlines`` gives one element).
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def show(value: object, limit: int = _MAX_SHOWN) -> str:
    """Quote a value read from a file for an error message, shortened to ``limit`` characters.

    Args:
        value: The offending value (usually a cell of the file).
        limit: Longest text shown before it is cut with an ellipsis.

    Returns:
        A quoted, single-line rendering of ``value``.
    """
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(one_line(text))


class DataError(ValueError):
    """A data or mapping file cannot be used as it stands.

    The message is a single line: ``<file>: line <n>: <problem>``. The line is the
    1-based line number in the file (the header is line 1) of the row where the
    problem is; it is left out when the problem belongs to no single row (a year
    that is not in the file, a region that has no rows, a negative rest of the world).

    Attributes:
        path: The file the problem is in (``None`` when there is no file).
        line: The 1-based line number, or ``None``.
        problem: The problem, without the file and line prefix.
    """

    def __init__(
        self, problem: str, path: str | os.PathLike[str] | None = None, line: int | None = None
    ) -> None:
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.problem = one_line(problem)
        parts = []
        if self.path is not None:
            parts.append(one_line(self.path))
        if line is not None:
            parts.append(f"line {line}")
        parts.append(self.problem)
        super().__init__(": ".join(parts))
