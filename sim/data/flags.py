"""Observation flags of Eurostat (``OBS_FLAG``) and the OECD (``OBS_STATUS``), with meanings.

Eurostat writes one or more lower-case letters per cell (``p``, ``bp``); the OECD
writes one upper-case status code per cell, ``A`` (normal value) being no flag.
A ``CONF_STATUS`` column (newer exports of both) other than ``F`` (free) is read as
the confidential flag of the layout (``c`` or ``C``). The long layout's optional
``flag`` column uses the Eurostat letters; any other text there is kept as one flag.
"""

from __future__ import annotations

from sim.data.csvfile import code_part

EUROSTAT_FLAGS: dict[str, str] = {
    "b": "break in time series",
    "c": "confidential",
    "d": "definition differs",
    "e": "estimated",
    "f": "forecast",
    "n": "not significant",
    "p": "provisional",
    "r": "revised",
    "s": "Eurostat estimate",
    "u": "low reliability",
    "z": "not applicable",
}
"""Eurostat observation flags (``OBS_FLAG``)."""

OECD_STATUS: dict[str, str] = {
    "B": "time series break",
    "C": "confidential",
    "D": "definition differs",
    "E": "estimated value",
    "F": "forecast value",
    "G": "experimental value",
    "I": "imputed value",
    "K": "data included in another category",
    "L": "missing value; data exist but were not collected",
    "M": "missing value; data cannot exist",
    "N": "not significant",
    "O": "missing value",
    "P": "provisional value",
    "Q": "missing value; suppressed",
    "S": "strike or other special event",
    "U": "low reliability",
    "V": "unvalidated value",
}
"""OECD / SDMX observation status codes (``OBS_STATUS``); ``A`` (normal value) is no flag."""

OECD_MISSING = frozenset("LMOQ")
"""OECD status codes that mark a missing value whatever the cell holds (often 0): such a
cell is read as missing, like Eurostat's ``:``, and follows ``data.missing``."""

IMPUTED = "imputed"
"""The flag given to a missing cell filled by ``missing="impute_from_aggregate"``."""


def split_flags(text: str, layout: str) -> list[str]:
    """The flag codes in one flag cell.

    Args:
        text: The cell, e.g. ``"bp"``, ``"b p"`` or ``"E"``.
        layout: ``"eurostat"``, ``"oecd"`` or ``"long"``.

    Returns:
        One code per flag (Eurostat letters lower-case, OECD codes upper-case),
        without the OECD normal-value status ``A``. A cell ``code: label`` (SDMX-CSV
        with labels) is read as its code.

    Raises:
        ValueError: The cell holds a number, as a value with a decimal comma shifts
            its decimals into the flag column of a comma-separated file.
    """
    text = code_part(text)  # "p: provisional", "A: Normal value": the code
    if (
        layout == "long"
        and text.replace(".", "").isdigit()
        or (layout != "long" and any(c.isdigit() for c in text))
    ):
        raise ValueError(
            f"flag {text!r} is a number (flags are letters): is a value written with a "
            "decimal comma in a comma-separated file? Write it with a decimal point"
        )
    letters = [c for c in text if c.isalnum()]
    if layout == "long" and not all(c.lower() in EUROSTAT_FLAGS for c in letters):
        return [text] if text else []
    if layout == "oecd":
        return [c.upper() for c in letters if c.upper() != "A"]
    return [c.lower() for c in letters]


def meaning(flag: str, layout: str) -> str:
    """The meaning of one flag code in the given layout (``"unknown flag"`` if not listed)."""
    if flag == IMPUTED:
        return "missing value imputed from an aggregate"
    table = OECD_STATUS if layout == "oecd" else EUROSTAT_FLAGS
    if flag in table:
        return table[flag]
    return "flag as written in the file" if layout == "long" else "unknown flag"


def confidential_flag(layout: str) -> str:
    """The flag code that marks a confidential cell in the given layout."""
    return "C" if layout == "oecd" else "c"


def joined_flags(
    flags: list[str] | None,
    conf: list[str] | None,
    n: int,
    layout: str,
    cache: dict[tuple[str, str], str],
) -> list[str]:
    """The flag column of ``n`` rows: each row's flag codes joined by ``,``.

    Args:
        flags: The rows' flag cells (None: the file has no flag column).
        conf: The rows' ``CONF_STATUS`` cells (None: no such column); any status but
            ``F`` (free) adds the layout's confidential flag.
        n: Number of rows.
        layout: The file's layout.
        cache: Flags already worked out, by (flag cell, status cell); filled here.
    """
    out = []
    for f, c in zip(flags or [""] * n, conf or [""] * n, strict=True):
        joined = cache.get((f, c))
        if joined is None:
            codes = [] if flags is None else split_flags(f, layout)
            if code_part(c).upper() not in ("", "F"):
                codes.append(confidential_flag(layout))
            joined = cache[(f, c)] = ",".join(dict.fromkeys(codes))
        out.append(joined)
    return out
