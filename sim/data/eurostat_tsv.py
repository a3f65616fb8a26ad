r"""Eurostat's bulk TSV download: one key column of comma-joined codes, one column per year.

Two forms are read, plain or gzip-compressed (``.tsv.gz``, as downloaded):

* current: ``freq,unit,wstatus,nace_r2,geo\TIME_PERIOD<TAB>2000 <TAB>2001 ...``, years
  ascending, header cells with trailing spaces;
* older: ``unit,nace_r2,geo\time<TAB>2019 <TAB>2018 ...``, years descending.

A cell is ``value``, ``value flags`` (``12.3 p``, ``12.3 bp``), ``:`` (missing) or
``: c`` (missing, confidential). The file is read line by line and rows that the
filters drop are never parsed, so memory grows with the observations kept, not
with the file. Rows are checked as in the SDMX-CSV reader (same units, flags,
missing markers and one-line errors); a cell's column is named by its year.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from array import array
from collections.abc import Collection, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.data import nace
from sim.data.csvfile import is_gzip
from sim.data.data_errors import DataError, show
from sim.data.layouts import YEAR, last_digit, number_cell, unit_factor

_GZIP_MAGIC = b"\x1f\x8b"
_TIME_SUFFIXES = ("\\time_period", "\\time")
_ROLES = {"region": "geo", "code": "nace_r2", "unit": "unit"}


def _open(path: str):
    with open(path, "rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def _lines(path: str) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every line, decoded; errors name the line."""
    number = 0
    try:
        with _open(path) as handle:
            for number, raw in enumerate(handle, start=1):  # noqa: B007
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as err:
                    raise DataError(
                        f"cannot decode the file as UTF-8 text (byte {raw[err.start]:#04x})",
                        path,
                        number,
                    ) from None
                if "\x00" in text:
                    raise DataError(
                        "the file holds NUL characters: not a text TSV file", path, number
                    )
                yield number, text.rstrip("\r\n")
    except OSError as err:
        raise DataError(f"cannot read the file ({err.strerror or err})", path) from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise DataError(
            f"the compressed file is truncated or corrupt ({err})", path, number + 1
        ) from None


def is_eurostat_tsv(path: str | os.PathLike[str]) -> bool:
    """Whether a file starts with the key-column header of Eurostat's TSV download."""
    try:
        for _, text in _lines(os.fspath(path)):
            if text.strip():
                first = text.split("\t", 1)[0].strip().casefold()
                return first.endswith(_TIME_SUFFIXES)
    except DataError:
        if is_gzip(path):  # compressed, but unreadable: no other reader can read it either
            raise
        return False
    return False


def _header(text: str, path: str) -> tuple[list[str], list[int]]:
    cells = text.split("\t")
    while len(cells) > 1 and not cells[-1].strip():  # a tab at the end of the line
        cells.pop()
    key, _, time_name = cells[0].strip().rpartition("\\")
    dims = [d.strip() for d in key.split(",")]
    if "\\" + time_name.casefold() not in _TIME_SUFFIXES or not all(dims):
        raise DataError(
            f"unrecognised TSV header {show(cells[0])}: expected codes such as "
            "'freq,unit,nace_r2,geo\\TIME_PERIOD'",
            path,
            1,
        )
    folded = [d.casefold() for d in dims]
    for i, dim in enumerate(folded):
        if dim in folded[:i]:
            raise DataError(f"duplicated column {show(dims[i])} in the key", path, 1)
    for name in _ROLES.values():
        if name not in folded:
            raise DataError(
                f"missing column {name!r} (eurostat_tsv layout; key columns found: "
                f"{', '.join(dims)})",
                path,
                1,
            )
    years = []
    for cell in cells[1:]:
        period = cell.strip()
        if not YEAR.match(period):
            raise DataError(
                f"TIME_PERIOD {show(period)} is not a year (annual data are read)", path, 1
            )
        if int(period) in years:
            raise DataError(f"duplicated column {show(period)}", path, 1)
        years.append(int(period))
    if not years:
        raise DataError("the header has no year column", path, 1)
    return dims, years


def _cell(text: str, year: int, path: str, line: int) -> tuple[float | None, str]:
    value_text, _, flag_text = text.strip().partition(" ")
    flag_text = flag_text.strip()
    if flag_text and not (flag_text.isalpha() and flag_text.isascii()):
        raise DataError(f"cell {show(text)} in column {year} is not 'value flags'", path, line)
    value = number_cell(value_text, str(year), path, line)
    flags = ",".join(dict.fromkeys(c.lower() for c in flag_text))
    return value, flags


def _filters(
    dims: list[str], filters: Mapping[str, str | Sequence[str]] | None, path: str
) -> list[tuple[int, set[str]]]:
    folded = [d.casefold() for d in dims]
    out = []
    for column, allowed in (filters or {}).items():
        if column.casefold() not in folded:
            raise DataError(
                f"missing column {column!r} named in filters (key columns: {', '.join(dims)})",
                path,
                1,
            )
        codes = {allowed} if isinstance(allowed, str) else {str(a) for a in allowed}
        out.append((folded.index(column.casefold()), codes))
    return out


def read_eurostat_tsv_frame(
    path: str | os.PathLike[str],
    filters: Mapping[str, str | Sequence[str]] | None = None,
    years: Collection[int] | None = None,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """The observations of a Eurostat TSV file as the long frame of the other readers.

    Args:
        path: ``.tsv`` or ``.tsv.gz`` file as downloaded.
        filters: Keep only rows whose key holds the given code(s) in a dimension,
            e.g. ``{"unit": "THS_PER", "wstatus": "EMP"}``.
        years: Read only these years' cells (``None``: all); other cells are not parsed.
        regions: Read only these regions' rows (``None``: all); other rows are not parsed.

    Returns:
        Columns ``line, region, code, nace, year, value, employment, flag, unit``
        (see :class:`sim.data.readers.Observations`), one row per row and year, in
        the order of the file's lines and ascending years.

    Raises:
        DataError: The file cannot be read or decompressed, its header is not a TSV
            key header, a row is malformed, or two rows give the same region,
            activity and year (a dimension needs a filter).
    """
    source = os.fspath(path)
    lines = (item for item in _lines(source) if item[1].strip())
    first = next(lines, None)
    if first is None:
        raise DataError("the file is empty (no header line)", source, 1)
    dims, periods = _header(first[1], source)
    folded = [d.casefold() for d in dims]
    at = {role: folded.index(name) for role, name in _ROLES.items()}
    keep = _filters(dims, filters, source)
    width = len(periods)
    chosen = sorted((year, i) for i, year in enumerate(periods) if years is None or year in years)
    rows: dict[str, list] = {"line": [], "region": [], "code": [], "nace": [], "unit": []}
    factors: list[float] = []
    values = array("d")
    digits = array("d")
    flags: list[str] = []
    seen: dict[tuple[str, str], tuple[int, list[str]]] = {}
    canonical: dict[str, str] = {}
    for line, text in lines:
        key_text, _, rest = text.partition("\t")
        key = [k.strip() for k in key_text.split(",")]
        if len(key) != len(dims):
            raise DataError(
                f"the key {show(key_text)} has {len(key)} codes but the header names "
                f"{len(dims)} ({','.join(dims)})",
                source,
                line,
            )
        if not all(key[i] in allowed for i, allowed in keep):
            continue
        if regions is not None and key[at["region"]] not in regions:
            continue
        cells = rest.split("\t") if rest else []
        while len(cells) > width and not cells[-1].strip():
            cells.pop()
        if len(cells) != width:
            raise DataError(
                f"the row has {len(cells)} year cells but the header has {width}", source, line
            )
        region, code, unit = key[at["region"]], key[at["code"]], key[at["unit"]]
        if not region or not code:
            raise DataError("empty region or activity code in the key", source, line)
        factor = unit_factor(unit, source, line)
        if code not in canonical:
            try:
                canonical[code] = nace.normalise(code)
            except ValueError:
                canonical[code] = ""
        ident = (region, canonical[code] or code)
        if ident in seen:
            _duplicate(dims, ident, seen[ident], line, key, periods[0], source)
        seen[ident] = (line, key)
        # Fast path: a plain number is read by float(); ASCII without "_" makes float()
        # accept exactly the numbers number_cell accepts (it also takes nan and inf,
        # which fail the range test and go to the full check with everything else).
        plain = rest.isascii() and "_" not in rest
        for year, i in chosen:
            cell = cells[i]
            try:
                number = float(cell) if plain else math.nan
            except ValueError:
                number = math.nan
            if 0.0 <= number < math.inf:
                values.append(number)
                digits.append(last_digit(cell))
                flags.append("")
                continue
            value, flag = _cell(cell, year, source, line)
            values.append(math.nan if value is None else value)
            digits.append(math.nan if value is None else last_digit(cell.split()[0]))
            flags.append(flag)
        for name, item in zip(rows, (line, region, code, canonical[code], unit), strict=True):
            rows[name].append(item)
        factors.append(factor)
    count = len(rows["line"])
    value = np.frombuffer(values, dtype=float) if values else np.zeros(0)
    each = len(chosen)
    factor = np.repeat(np.array(factors, dtype=float), each)
    frame = pd.DataFrame(
        {
            "line": np.repeat(np.array(rows["line"], dtype=np.int64), each),
            "region": _repeated(rows["region"], each),
            "code": _repeated(rows["code"], each),
            "nace": _repeated(rows["nace"], each),
            "year": np.tile(np.array([y for y, _ in chosen], dtype=np.int64), count),
            "value": value,
            "employment": np.round(value * factor, 6),
            "flag": _repeated(flags, 1),
            "unit": _repeated(rows["unit"], each),
            "resolution": (np.frombuffer(digits, dtype=float) if digits else np.zeros(0)) * factor,
        }
    )
    return frame


def _repeated(items: list[str], each: int) -> pd.Categorical:
    """Each item ``each`` times, as a categorical: a few bytes per observation."""
    codes, categories = pd.factorize(pd.Series(items, dtype=object), sort=True)
    return pd.Categorical.from_codes(np.repeat(codes, each), categories=categories)


def _duplicate(
    dims: list[str],
    ident: tuple[str, str],
    earlier: tuple[int, list[str]],
    line: int,
    key: list[str],
    year: int,
    path: str,
) -> None:
    differ = [f"{d} ({a}, {b})" for d, a, b in zip(dims, earlier[1], key, strict=True) if a != b]
    hint = f"; the rows differ in {', '.join(differ)}: keep one with filters" if differ else ""
    raise DataError(
        f"duplicated observation for region {ident[0]}, activity {ident[1]}, year {year} "
        f"(first on line {earlier[0]}){hint}",
        path,
        line,
    )
