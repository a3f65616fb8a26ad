"""NACE Rev. 2 activity codes in Eurostat and OECD (ISIC) notation.

A code is understood as the set of NACE divisions (two-digit codes, 01 to 99) it
covers. Two codes are the same activity when they cover the same divisions,
whatever the notation, so ``C10-C12`` (Eurostat) and ``C10T12`` (OECD) are one
code, as are ``M_N`` and ``MTN``, ``B-E`` and ``BTE``, ``TOTAL`` and ``_T``.
One code is part of another when its divisions are a subset of the other's.

Notation read (case-insensitive, surrounding blanks ignored):

* a section letter: ``C``;
* a range of sections: ``B-E`` (Eurostat) or ``BTE`` (OECD);
* a division: ``C10`` (the letter may be left out: ``10``);
* a range of divisions: ``C10-C12`` (Eurostat) or ``C10T12`` (OECD);
* a union of any of these, joined by ``_``: ``M_N``, ``C22_C23``, ``C22_23``;
* the total economy: ``TOTAL`` or ``_T``.

Finer levels (NACE groups such as ``C10.1``) are not read: the division is the
finest level. Codes are written back in Eurostat notation by :func:`render`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SECTIONS: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3),
    "B": (5, 6, 7, 8, 9),
    "C": tuple(range(10, 34)),
    "D": (35,),
    "E": (36, 37, 38, 39),
    "F": (41, 42, 43),
    "G": (45, 46, 47),
    "H": (49, 50, 51, 52, 53),
    "I": (55, 56),
    "J": tuple(range(58, 64)),
    "K": (64, 65, 66),
    "L": (68,),
    "M": tuple(range(69, 76)),
    "N": (77, 78, 79, 80, 81, 82),
    "O": (84,),
    "P": (85,),
    "Q": (86, 87, 88),
    "R": (90, 91, 92, 93),
    "S": (94, 95, 96),
    "T": (97, 98),
    "U": (99,),
}
"""The 21 sections of NACE Rev. 2 and the divisions each holds."""

LETTERS = "".join(SECTIONS)
SECTION_OF: dict[int, str] = {d: s for s, divs in SECTIONS.items() for d in divs}
"""The section of each division."""
ALL_DIVISIONS: frozenset[int] = frozenset(SECTION_OF)
"""Every division: the total economy."""

A10: tuple[str, ...] = ("A", "B-E", "C", "F", "G-I", "J", "K", "L", "M_N", "O-Q", "R-U")
"""The A*10 aggregation (``C`` is published beside ``B-E``, of which it is a part)."""
A21: tuple[str, ...] = tuple(SECTIONS)
"""The A*21 aggregation: the sections."""
A38: tuple[str, ...] = (
    "A", "B", "C10-C12", "C13-C15", "C16-C18", "C19", "C20", "C21", "C22_C23", "C24_C25",
    "C26", "C27", "C28", "C29_C30", "C31-C33", "D", "E", "F", "G", "H", "I", "J58-J60", "J61",
    "J62_J63", "K", "L", "M69-M71", "M72", "M73-M75", "N", "O", "P", "Q86", "Q87_Q88", "R",
    "S", "T", "U",
)  # fmt: skip
"""The A*38 aggregation."""

_TOTALS = {"TOTAL", "_T"}
_SECTION_RANGE = re.compile(r"^([A-U])(?:-|T)([A-U])$")
_DIVISIONS = re.compile(r"^([A-U])?(\d{2})(?:(?:-|T)([A-U])?(\d{2}))?$")


def _division(letter: str | None, digits: str, code: str) -> int:
    number = int(digits)
    section = SECTION_OF.get(number)
    if section is None:
        raise ValueError(f"{code!r}: {digits} is not a NACE Rev. 2 division")
    if letter is not None and letter != section:
        raise ValueError(f"{code!r}: division {digits} belongs to section {section}, not {letter}")
    return number


def _part(part: str, code: str) -> frozenset[int]:
    if part in SECTIONS:
        return frozenset(SECTIONS[part])
    match = _SECTION_RANGE.match(part)
    if match:
        first, last = LETTERS.index(match[1]), LETTERS.index(match[2])
        if first >= last:
            raise ValueError(f"{code!r}: empty or reversed range of sections {part!r}")
        return frozenset(d for s in LETTERS[first : last + 1] for d in SECTIONS[s])
    match = _DIVISIONS.match(part)
    if match:
        start = _division(match[1], match[2], code)
        if match[4] is None:
            return frozenset({start})
        # OECD leaves out the end's letter, also where the range crosses sections (D35T39)
        end = _division(match[3], match[4], code)
        if start >= end:
            raise ValueError(f"{code!r}: empty or reversed range of divisions {part!r}")
        return frozenset(d for d in ALL_DIVISIONS if start <= d <= end)
    raise ValueError(f"{code!r} is not a NACE Rev. 2 code")


def divisions(code: str) -> frozenset[int]:
    """The NACE divisions a code covers.

    Args:
        code: A NACE Rev. 2 code in Eurostat or OECD notation (see the module doc).

    Returns:
        The set of two-digit division numbers.

    Raises:
        ValueError: ``code`` is not a NACE Rev. 2 code.
    """
    text = code.strip().upper()
    if text in _TOTALS:
        return ALL_DIVISIONS
    if not text or len(text) > 40:
        raise ValueError(f"{code!r} is not a NACE Rev. 2 code")
    covered: set[int] = set()
    letter: str | None = None
    for part in text.split("_"):
        if not part:
            raise ValueError(f"{code!r} is not a NACE Rev. 2 code")
        if part[0].isdigit():
            # A division without its letter: OECD writes the second half of a union so (C22_23).
            first = SECTION_OF.get(int(part[:2])) if part[:2].isdigit() else None
            if first is None:
                raise ValueError(f"{code!r} is not a NACE Rev. 2 code")
            part = (letter or first) + part
        covered |= _part(part, code)
        letter = part[0]
    return frozenset(covered)


def _runs(items: list[int]) -> list[list[int]]:
    """Split sorted positions into runs of consecutive positions."""
    runs: list[list[int]] = []
    for i in items:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]}_{names[1]}"
    return f"{names[0]}-{names[-1]}"


def render(covered: Iterable[int]) -> str:
    """Write a set of divisions as a code in Eurostat notation.

    Whole sections are written as letters, two adjacent items joined by ``_``
    and three or more by ``-`` (``M_N``, ``B-E``, ``C22_C23``, ``C10-C12``).

    Args:
        covered: NACE division numbers.

    Returns:
        The code, e.g. ``"C10-C12"``; ``"TOTAL"`` for every division.

    Raises:
        ValueError: The set is empty or holds a number that is not a division.
    """
    divs = frozenset(covered)
    if not divs or not divs <= ALL_DIVISIONS:
        raise ValueError(f"not a set of NACE divisions: {sorted(divs)}")
    if divs == ALL_DIVISIONS:
        return "TOTAL"
    pieces: list[tuple[int, str]] = []
    whole = [i for i, s in enumerate(LETTERS) if divs >= set(SECTIONS[s])]
    for run in _runs(whole):
        pieces.append((SECTIONS[LETTERS[run[0]]][0], _join([LETTERS[i] for i in run])))
    for i, letter in enumerate(LETTERS):
        if i in whole:
            continue
        own = SECTIONS[letter]
        for run in _runs([k for k, d in enumerate(own) if d in divs]):
            pieces.append((own[run[0]], _join([f"{letter}{own[k]:02d}" for k in run])))
    return "_".join(text for _, text in sorted(pieces))


def normalise(code: str) -> str:
    """The canonical (Eurostat) spelling of a NACE code written in either notation.

    Args:
        code: A NACE Rev. 2 code, e.g. ``"C10T12"`` or ``"_T"``.

    Returns:
        The code in Eurostat notation, e.g. ``"C10-C12"`` or ``"TOTAL"``.

    Raises:
        ValueError: ``code`` is not a NACE Rev. 2 code.
    """
    return render(divisions(code))


def describe(covered: Iterable[int]) -> str:
    """Short list of divisions for messages, e.g. ``"10-12, 19"``."""
    runs = _runs(sorted(covered))
    return ", ".join(f"{r[0]:02d}" if len(r) == 1 else f"{r[0]:02d}-{r[-1]:02d}" for r in runs)
