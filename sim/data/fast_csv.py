"""A clean statistics CSV read in blocks: the same checks as row by row, vectorised.

:func:`sim.data.readers.read_observations` checks every record of a file in
Python and names the line of the first problem. Most files have none; for them
the same checks made on blocks of records (the same ``csv`` tokenizer, then
column-wise string operations) give the same observations several times faster.
Whatever this path cannot vouch for (a cell the reader would refuse, a record
spanning lines, a row with too few or too many fields, a duplicate, bytes that
are not UTF-8, a lone carriage return) makes it give up, and the row-by-row
reader reads the file instead, to accept it or to name the line of the problem.
So a file is accepted, and read into the same values, by both or by neither
(tests/test_data_fast.py checks this on mutated example files).
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Collection, Sequence

import numpy as np
import pandas as pd

from sim.data import nace
from sim.data.csvfile import CsvTable, code_part
from sim.data.flags import joined_flags
from sim.data.layouts import MISSING_MARKERS, UNITS, last_digit

#: Records per block: a few tens of megabytes of strings at most.
BLOCK = 100_000
#: The readers' NUMBER and YEAR, ASCII digits only: a cell in other digits (which
#: ``\d`` and ``int`` accept) is left to the row-by-row reader.
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
#: A character that a plain number (as float() reads it) never holds; the separator aside.
_OTHER = re.compile(r"[^0-9.eE+\-\n]")
_YEAR = re.compile(r"[0-9]{4}")


class _GiveUp(Exception):
    """The block holds something only the row-by-row reader may judge."""


def read_records(
    table: CsvTable,
    layout: str,
    where: dict[str, int | None],
    keep: list[tuple[int, set[str]]],
    kept_years: Collection[int] | None,
    max_rows: int | None,
    max_bytes: int | None,
) -> tuple[dict[str, list], list[float], list[float], set[int], list[str]] | None:
    """The records of the kept years, as the row-by-row reader collects them, or None.

    Returns:
        ``(records, digits, factors, seen_years, seen_regions)``: the columns of the
        kept rows, the unit of each value's last digit, each row's factor to persons,
        every year and every region (in order of appearance) of the rows the filters
        keep; None when the row-by-row reader must read the file.
    """
    try:
        return _read(table, layout, where, keep, kept_years, max_rows, max_bytes)
    except (_GiveUp, UnicodeDecodeError, csv.Error, ValueError, OverflowError):
        return None


def _blocks(table: CsvTable):
    """(columns, lines) of each block of the file's records after the header.

    Each block is parsed by pandas' C reader; lines with quotes are also parsed by the
    ``csv`` module (the row-by-row reader's tokenizer) and must agree. Every line
    must hold the header's number of fields or be blank.
    """
    n, sep = len(table.columns), table.delimiter.encode()
    with open(table.path, "rb") as handle:
        lines = iter(handle)
        for _ in itertools.islice(lines, table.header_end):
            pass
        first = table.header_end + 1
        while True:
            block = list(itertools.islice(lines, BLOCK))
            if not block:
                return
            yield _parse(block, first, n, sep, table.delimiter)
            first += len(block)


def _parse(block: list[bytes], first: int, n: int, sep: bytes, delimiter: str):
    raw = b"".join(block)
    if b"\x00" in raw or raw.count(b"\r") != raw.count(b"\r\n"):
        raise _GiveUp
    raw.decode("utf-8")  # bytes that are not UTF-8: the row-by-row reader names the line
    quoted = [i for i, line in enumerate(block) if b'"' in line] if b'"' in raw else []
    if quoted:
        records = {
            i: next(csv.reader([block[i].decode()], delimiter=delimiter), []) for i in quoted
        }
    blank = []
    counts = [line.count(sep) for line in block]
    for i in (i for i, c in enumerate(counts) if c != n - 1):
        if quoted and i in records:
            continue
        if block[i].strip():
            raise _GiveUp
        blank.append(i)
    for i in quoted:
        if not any(f.strip() for f in records[i]):
            blank.append(i)
        elif len(records[i]) != n or block[i].count(b'"') % 2:
            raise _GiveUp
    frame = pd.read_csv(
        io.BytesIO(raw),
        sep=delimiter,
        header=None,
        names=range(n),
        dtype=str,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        encoding="utf-8",
    )
    if len(frame) != len(block) or frame.shape[1] != n:
        raise _GiveUp
    columns = [frame[j].to_numpy(dtype=object) for j in range(n)]
    if quoted:  # both tokenizers read the quoted lines alike
        rows = [i for i in quoted if len(records[i]) == n]
        for j, column in enumerate(columns):
            if column[rows].tolist() != [records[i][j] for i in rows]:
                raise _GiveUp
    keep = np.ones(len(block), dtype=bool)
    keep[blank] = False
    return [c[keep] for c in columns], np.arange(first, first + len(block))[keep]


def _by_unique(column: Sequence[str], fn: Callable[[str], object]) -> np.ndarray:
    """``fn`` of every cell, computed once per distinct cell (codes repeat: few distinct)."""
    codes, uniques = pd.factorize(np.asarray(column, dtype=object))
    return np.array([fn(u) for u in uniques] + [None], dtype=object)[codes]


def _drop_blank(columns: list[np.ndarray], lines: np.ndarray, region: int):
    """Drop the records whose every field is blank (a blank record has a blank region)."""
    if not len(lines):
        return columns, lines
    suspect = np.flatnonzero(_by_unique(columns[region], lambda c: not c.strip()).astype(bool))
    blank = [i for i in suspect if not any(c[i].strip() for c in columns)]
    if blank:
        keep = np.ones(len(lines), dtype=bool)
        keep[blank] = False
        columns = [c[keep] for c in columns]
        lines = lines[keep]
    return columns, lines


def _values(cells: np.ndarray) -> np.ndarray:
    """The numbers of a value column (NaN where missing), or give up on a bad one."""
    if len(cells) and "" not in cells and not _OTHER.search("\n".join(cells)):
        numbers = np.array(cells, dtype=float)  # plain numbers only: as float() reads them
    else:
        numbers = np.array([_number(c) for c in cells], dtype=float)
    written = ~np.isnan(numbers)
    if not np.isfinite(numbers[written]).all() or (numbers[written] < 0).any():
        raise _GiveUp
    return numbers


def _number(cell: str) -> float:
    text = cell.strip()
    if text.casefold() in MISSING_MARKERS:
        return np.nan
    if not _NUMBER.fullmatch(text):
        raise _GiveUp
    return float(text)


def _unit(cell: str) -> float:
    return UNITS.get(code_part(cell).upper(), np.nan)


def _power(cell: str) -> float:
    code = code_part(cell)
    if not code:
        return 1.0
    if not code.isascii() or not code.isdigit() or int(code) > 12:
        return np.nan
    return 10.0 ** int(code)


def _factors(columns: list[np.ndarray], where: dict[str, int | None]) -> np.ndarray:
    """Each row's persons per unit of its value (unit and unit multiplier)."""
    if where["unit"] is None:
        return np.ones(len(columns[0]))
    factor = _by_unique(columns[where["unit"]], _unit).astype(float)
    if where["mult"] is not None:
        factor = factor * _by_unique(columns[where["mult"]], _power).astype(float)
    if np.isnan(factor).any():
        raise _GiveUp
    return factor


def _year(cell: str) -> int:
    text = code_part(cell)
    if not _YEAR.fullmatch(text):
        raise _GiveUp
    return int(text)


def _named(cell: str) -> str:
    code = code_part(cell)
    if not code:
        raise _GiveUp
    return code


def _read(table, layout, where, keep, kept_years, max_rows, max_bytes):
    records: dict[str, list] = {
        k: [] for k in ("line", "region", "code", "nace", "year", "value", "flag", "unit")
    }
    digits: list[float] = []
    factors: list[float] = []
    seen_years: set[int] = set()
    seen_regions: dict[str, None] = {}
    canonical: dict[str, str] = {}
    flag_cache: dict[tuple[str, str], str] = {}
    count = 0
    for columns, lines in _blocks(table):
        columns, lines = _drop_blank(columns, lines, where["region"])
        count += len(lines)
        if max_rows is not None and count > max_rows:
            raise _GiveUp
        if not len(lines):
            continue
        kept = np.ones(len(lines), dtype=bool)
        for i, allowed in keep:
            kept &= _by_unique(columns[i], lambda c, a=allowed: code_part(c) in a).astype(bool)
        columns = [c[kept] for c in columns]
        lines = lines[kept]
        if not len(lines):
            continue
        region = _by_unique(columns[where["region"]], _named)
        code = _by_unique(columns[where["code"]], _named)
        year = _by_unique(columns[where["year"]], _year).astype(int)
        values = _values(columns[where["value"]])
        factor = _factors(columns, where)
        seen_years.update(np.unique(year).tolist())
        seen_regions.update(dict.fromkeys(region.tolist()))
        rows = np.ones(len(year), dtype=bool)
        if kept_years is not None:
            rows = np.isin(year, list(kept_years))
        if not rows.any():
            continue
        codes = code[rows].tolist()
        for c in set(codes) - set(canonical):
            try:
                canonical[c] = nace.normalise(c)
            except ValueError:
                canonical[c] = ""
        records["line"] += lines[rows].tolist()
        records["region"] += region[rows].tolist()
        records["code"] += codes
        records["nace"] += [canonical[c] for c in codes]
        records["year"] += year[rows].tolist()
        records["value"] += values[rows].tolist()
        written = columns[where["value"]][rows].tolist()
        digits += [
            np.nan if np.isnan(v) else last_digit(w)
            for v, w in zip(values[rows].tolist(), written, strict=True)
        ]
        factors += factor[rows].tolist()
        flag = None if where["flag"] is None else columns[where["flag"]][rows].tolist()
        conf = None if where["conf"] is None else columns[where["conf"]][rows].tolist()
        try:
            records["flag"] += joined_flags(flag, conf, int(rows.sum()), layout, flag_cache)
        except ValueError:
            raise _GiveUp from None  # the row-by-row reader names the line
        records["unit"] += (
            ["persons"] * int(rows.sum())
            if where["unit"] is None
            else _by_unique(columns[where["unit"]][rows], code_part).tolist()
        )
    keys = pd.DataFrame(
        {
            "region": records["region"],
            "code": [c or raw for c, raw in zip(records["nace"], records["code"], strict=True)],
            "year": records["year"],
        }
    )
    if keys.duplicated().any():
        raise _GiveUp
    if max_bytes is not None and os.stat(table.path).st_size > max_bytes:
        raise _GiveUp  # the file grew while read
    return records, digits, factors, seen_years, list(seen_regions)
