"""Low-level reading of a CSV file: decoded records with their line numbers, streamed.

The file is read line by line as its records are iterated, so memory does not
grow with the file; its size and number of rows are bounded (``limits``).

Every problem is a :class:`~sim.data.data_errors.DataError` naming the file and line.
"""

from __future__ import annotations

import csv
import itertools
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from sim.data.data_errors import DataError, show

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class CsvTable:
    """The records of a CSV file, read as they are iterated (the file is not held in memory).

    Attributes:
        path: The file, as given.
        columns: Column identifiers from the header, stripped; a header cell written
            ``id: label`` (SDMX-CSV with labels) gives ``id``.
        rows: ``(line, fields)`` for every non-blank record after the header, where
            ``line`` is the 1-based line on which the record starts (the header is
            line 1 when the file starts with it) and ``fields`` has one entry per column.
            Iterate it once.
        delimiter: The field separator found in the header.
        header_end: The line on which the header ends (the records start after it).
        handle: The open file the records are read from (closed when they are read).
    """

    path: str
    columns: list[str]
    rows: Iterable[tuple[int, list[str]]]
    delimiter: str = ","
    header_end: int = 1
    handle: BinaryIO | None = None

    def filters(self, filters: Mapping[str, str | Sequence[str]] | None) -> list[tuple[int, set]]:
        """``(column position, codes kept)`` of each filter, e.g. ``{"unit": "THS_PER"}``."""
        out = []
        for column, allowed in (filters or {}).items():
            i = self.index(column)
            if i is None:
                raise DataError(f"missing column {column!r} named in filters", self.path, 1)
            out.append((i, {allowed} if isinstance(allowed, str) else {str(a) for a in allowed}))
        return out

    def close(self) -> None:
        """Close the file without reading the records (they were read another way)."""
        if self.handle is not None:
            self.handle.close()

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


def keep_row(fields: list[str], filters: list[tuple[int, set[str]]]) -> bool:
    """Whether a record passes the filters of :meth:`CsvTable.filters`."""
    return all(code_part(fields[i]) in allowed for i, allowed in filters)


def _delimiter(first: str) -> str:
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def check_file(name: str, max_bytes: int | None) -> None:
    """Refuse a path that is not a regular file or is larger than ``max_bytes``."""
    try:
        info = os.stat(name)
    except OSError as err:
        raise DataError(f"cannot read the file ({err.strerror or err})", name) from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError("cannot read the file: not a regular file (a device, folder or pipe)", name)
    if max_bytes is not None and info.st_size > max_bytes:
        raise DataError(
            f"{info.st_size:,} bytes exceed limits.data_bytes = {max_bytes:,} "
            "(raise it with limits.data_bytes=N, or filter the export)",
            name,
        )


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """Whether a file starts with gzip's magic bytes."""
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == GZIP_MAGIC
    except OSError:
        return False


GZIP_MAGIC = b"\x1f\x8b"


def _lines(handle: BinaryIO, name: str, max_bytes: int | None) -> Iterator[str]:
    """The file's lines, decoded; NUL characters, bad UTF-8 and growth past the limit refused."""
    number, size = 0, 0
    for raw in handle:
        number += 1
        size += len(raw)
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            if number == 1 and raw.startswith(GZIP_MAGIC):
                raise DataError(
                    "a gzip-compressed file that is not a Eurostat TSV download (only those "
                    "are read compressed): decompress it first (gunzip)",
                    name,
                ) from None
            raise DataError(
                f"cannot decode the file as UTF-8 text (byte {raw[err.start]:#04x}); "
                "save it as UTF-8 CSV",
                name,
                number,
            ) from None
        if "\x00" in line:
            raise DataError(
                "the file holds NUL characters: not a text CSV file (UTF-16 or binary?)",
                name,
                number,
            )
        if max_bytes is not None and size > max_bytes:
            raise DataError(f"grew past limits.data_bytes = {max_bytes:,} while read", name, number)
        yield line


def read_csv(
    path: str | os.PathLike[str], max_bytes: int | None = None, max_rows: int | None = None
) -> CsvTable:
    """Open a UTF-8 CSV file (comma, semicolon or tab separated); records are read as iterated.

    Args:
        path: The file (a regular file).
        max_bytes: Largest file size accepted (``limits.data_bytes``), or None.
        max_rows: Most records accepted (``limits.data_rows``), or None.

    Returns:
        The header's column identifiers and an iterator over the records with their lines.

    Raises:
        DataError: The file cannot be read or decoded, is not a regular file, is too large,
            is empty, is not well-formed CSV, has a duplicated column, or a row with more or
            fewer fields than the header (raised while the rows are iterated).
    """
    name = os.fspath(path)
    check_file(name, max_bytes)
    handle = open(name, "rb")  # noqa: SIM115 (closed when the records are read)
    lines = _lines(handle, name, max_bytes)
    head: list[str] = []
    try:
        for line in lines:
            head.append(line)
            if line.strip("\r\n"):
                break
    except DataError:  # not text: closed before the message leaves
        handle.close()
        raise
    if not "".join(head).strip():
        handle.close()
        raise DataError("the file is empty (no header line)", name, 1)
    delimiter = _delimiter(head[-1])
    reader = csv.reader(itertools.chain(head, lines), delimiter=delimiter)
    columns: list[str] | None = None
    previous = 0
    try:
        for record in reader:
            line = previous + 1
            previous = reader.line_num
            if any(field.strip() for field in record):
                columns = _header(record, name, line)
                break
    except csv.Error as err:
        handle.close()
        raise DataError(f"not readable as CSV ({err})", name, previous + 1) from None
    except DataError:
        handle.close()
        raise
    if columns is None:
        handle.close()
        raise DataError("the file is empty (no header line)", name, 1)
    rows = _records(handle, reader, columns, name, previous, max_rows)
    return CsvTable(name, columns, rows, delimiter, previous, handle)


def _records(handle, reader, columns: list[str], name: str, previous: int, max_rows: int | None):
    count = 0
    with handle:
        try:
            for record in reader:
                line = previous + 1
                previous = reader.line_num
                if not any(field.strip() for field in record):
                    continue
                if len(record) > len(columns) and not any(
                    f.strip() for f in record[len(columns) :]
                ):
                    record = record[: len(columns)]
                if len(record) != len(columns):
                    raise DataError(
                        f"the row has {len(record)} fields but the header has {len(columns)}",
                        name,
                        line,
                    )
                count += 1
                if max_rows is not None and count > max_rows:
                    raise DataError(
                        f"more than limits.data_rows = {max_rows:,} rows (raise it with "
                        "limits.data_rows=N, or filter the export)",
                        name,
                        line,
                    )
                yield line, record
        except csv.Error as err:
            raise DataError(f"not readable as CSV ({err})", name, previous + 1) from None


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
