"""Low-level reading of a CSV file: bytes to decoded records with their line numbers.

Every problem is a :class:`~sim.data.data_errors.DataError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

from sim.data.data_errors import DataError, show

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class CsvTable:
    """The records of a CSV file.

    Attributes:
        path: The file, as given.
        columns: Column identifiers from the header, stripped; a header cell written
            ``id: label`` (SDMX-CSV with labels) gives ``id``.
        rows: ``(line, fields)`` for every non-blank record after the header, where
            ``line`` is the 1-based line on which the record starts (the header is
            line 1 when the file starts with it) and ``fields`` has one entry per column.
    """

    path: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]

    def index(self, name: str) -> int | None:
        """Position of a column, or ``None``.

        The exact name wins; otherwise the name is matched case-insensitively,
        preferring a code-like spelling (all upper or all lower case) to a label
        (OECD exports have both ``MEASURE`` and its label column ``Measure``).
        """
        if name in self.columns:
            return self.columns.index(name)
        matches = [i for i, c in enumerate(self.columns) if c.casefold() == name.casefold()]
        coded = [i for i in matches if self.columns[i] in (name.upper(), name.lower())]
        return (coded or matches or [None])[0]


def code_part(cell: str) -> str:
    """The code in a cell that SDMX-CSV may write as ``code: label``; stripped."""
    code, sep, _ = cell.partition(":")
    return (code if sep and code.strip() else cell).strip()


def _decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(
            f"cannot decode the file as UTF-8 text (byte {data[err.start]:#04x}); "
            "save it as UTF-8 CSV",
            path,
            line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise DataError(
            "the file holds NUL characters: not a text CSV file (UTF-16 or binary?)",
            path,
            text.count("\n", 0, nul) + 1,
        )
    return text


def _delimiter(text: str) -> str:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv(path: str | os.PathLike[str]) -> CsvTable:
    """Read a UTF-8 CSV file (comma, semicolon or tab separated) into records.

    Args:
        path: The file.

    Returns:
        The header's column identifiers and the records with their line numbers.

    Raises:
        DataError: The file cannot be read or decoded, is empty, is not well-formed
            CSV, has a duplicated column, or a row with more or fewer fields than the header.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise DataError(f"cannot read the file ({err.strerror or err})", name) from None
    text = _decode(data, name)
    if not text.strip():
        raise DataError("the file is empty (no header line)", name, 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for record in reader:
            line = previous + 1
            previous = reader.line_num
            if not any(field.strip() for field in record):
                continue
            if columns is None:
                columns = _header(record, name, line)
                continue
            if len(record) > len(columns) and not any(f.strip() for f in record[len(columns) :]):
                record = record[: len(columns)]
            if len(record) != len(columns):
                raise DataError(
                    f"the row has {len(record)} fields but the header has {len(columns)}",
                    name,
                    line,
                )
            rows.append((line, record))
    except csv.Error as err:
        raise DataError(f"not readable as CSV ({err})", name, previous + 1) from None
    if columns is None:
        raise DataError("the file is empty (no header line)", name, 1)
    return CsvTable(path=name, columns=columns, rows=rows)


def _header(record: list[str], path: str, line: int) -> list[str]:
    columns = [code_part(cell) for cell in record]
    seen: dict[str, int] = {}
    for i, column in enumerate(columns):
        key = column
        if key and key in seen:
            raise DataError(
                f"duplicated column {show(column)} (columns {seen[key] + 1} and {i + 1})",
                path,
                line,
            )
        seen[key] = i
    return columns
