"""The mapping from NACE codes to model sectors, read from a YAML file users can edit.

Format (see ``sim/data/examples/nace_mapping.yaml`` and docs/data.md)::

    sectors:                       # model sectors, in the model's order
      agriculture: [A]
      food: [C10-C12]              # Eurostat or OECD notation: C10T12 is the same code
      chemicals: [C19, C20]        # a sector may take several codes, at any level
      energy_utilities: [B-E except C]   # a code minus some of its parts
      clean_vehicles: []           # a sector without statistics starts at 0

With ``own_sectors: true`` the listed sectors replace the model's default sectors
(e.g. the ten A*10 groups); every sector then needs codes, and ``relatedness:``
may name a CSV matrix of their relatedness (a path relative to the mapping file;
see sim.data.own_sectors and docs/data.md).

Rules checked when the mapping is read: every entry is a NACE Rev. 2 code
(optionally ``CODE except PART, PART``, each part inside the code); and no two
entries, in the same or in different sectors, share a NACE division, so a code
and one of its parts (``C`` and ``C10-C12``) can never both be mapped and no job
is counted twice. The file is read without YAML type guessing, so ``N`` stays the
section N rather than becoming ``false``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sim.data import nace
from sim.data.data_errors import DataError, show
from sim.data.mapping_file import SectorItem, read_mapping_file

_EXCEPT = re.compile(r"\s+except\s+", re.IGNORECASE)


def examples_dir() -> Path:
    """The folder of the example files shipped with the package."""
    return Path(__file__).parent / "examples"


def default_mapping_path() -> Path:
    """The mapping of NACE codes to the 26 default model sectors."""
    return examples_dir() / "nace_mapping.yaml"


@dataclass(frozen=True)
class MappingEntry:
    """One NACE code given to a sector.

    Attributes:
        sector: The model sector.
        text: The entry as written, e.g. ``"B-E except C"``.
        code: The code, in canonical (Eurostat) notation, e.g. ``"B-E"``.
        excluded: Parts taken out of ``code`` (canonical), e.g. ``("C",)``.
        divisions: The NACE divisions the entry covers (``code`` minus ``excluded``).
        line: Line of the entry in the mapping file (``None`` if not from a file).
    """

    sector: str
    text: str
    code: str
    excluded: tuple[str, ...]
    divisions: frozenset[int]
    line: int | None = None


@dataclass(frozen=True)
class SectorMapping:
    """Model sectors and the NACE codes that make them up.

    Attributes:
        sectors: Model sectors in the mapping's order (sectors without codes included).
        entries: Every code given to a sector, in file order.
        source: The mapping file (or ``"<dict>"``).
        own_sectors: Whether ``sectors`` replace the model's default sectors
            (``own_sectors: true``); each of them then has codes.
        relatedness: A CSV matrix of the own sectors' relatedness (resolved path),
            or ``None``: relatedness then comes from co-location in the data.
    """

    sectors: tuple[str, ...]
    entries: tuple[MappingEntry, ...]
    source: str
    own_sectors: bool = False
    relatedness: str | None = None

    def codes(self, sector: str) -> list[str]:
        """The entries of one sector, as written."""
        return [e.text for e in self.entries if e.sector == sector]

    @property
    def covered(self) -> frozenset[int]:
        """Every NACE division some sector takes."""
        return frozenset().union(*(e.divisions for e in self.entries))

    @property
    def needed_codes(self) -> list[str]:
        """Canonical codes whose values the entries need (codes and their excluded parts)."""
        out = [c for e in self.entries for c in (e.code, *e.excluded)]
        return list(dict.fromkeys(out))

    @classmethod
    def from_dict(
        cls, sectors: Mapping[str, Sequence[str] | str | None], source: str = "<dict>"
    ) -> SectorMapping:
        """Build a mapping from ``{sector: [codes]}`` (the ``sectors`` part of the file).

        Raises:
            DataError: A code is not a NACE code, or two entries share a division.
        """
        items = [(str(s), None, _listed(codes)) for s, codes in sectors.items()]
        return _build(items, source)


def _listed(codes: Sequence[str] | str | None) -> list[tuple[str, int | None]]:
    if codes is None:
        return []
    if isinstance(codes, str):
        return [(codes, None)]
    return [(str(c), None) for c in codes]


def _entry(sector: str, text: str, line: int | None, source: str) -> MappingEntry:
    base_text, *rest = _EXCEPT.split(text.strip(), maxsplit=1)
    parts = [p for p in re.split(r"[,\s]+", rest[0]) if p] if rest else []
    try:
        base = nace.divisions(base_text)
        excluded = [nace.divisions(p) for p in parts]
    except ValueError as err:
        raise DataError(f"sector {sector}: {err}", source, line) from None
    covered = set(base)
    for part, divs in zip(parts, excluded, strict=True):
        if not divs < base:
            raise DataError(
                f"sector {sector}: {part!r} is not a part of {base_text!r}", source, line
            )
        if not divs <= covered:
            raise DataError(
                f"sector {sector}: {part!r} is excluded twice in {text!r}", source, line
            )
        covered -= divs
    return MappingEntry(
        sector=sector,
        text=text.strip(),
        code=nace.render(base),
        excluded=tuple(nace.render(d) for d in excluded),
        divisions=frozenset(covered),
        line=line,
    )


def _build(items: list[SectorItem], source: str) -> SectorMapping:
    entries: list[MappingEntry] = []
    for sector, line, codes in items:
        if not sector.strip():
            raise DataError("a sector has an empty name", source, line)
        for text, code_line in codes:
            entry = _entry(sector, text, code_line, source)
            for other in entries:
                shared = entry.divisions & other.divisions
                if shared:
                    where = f" (line {other.line})" if other.line is not None else ""
                    raise DataError(
                        f"{entry.text!r} (sector {sector}) and {other.text!r} (sector "
                        f"{other.sector}{where}) share NACE divisions {nace.describe(shared)}: "
                        "a code and one of its parts would count jobs twice",
                        source,
                        code_line,
                    )
            entries.append(entry)
    return SectorMapping(
        sectors=tuple(s for s, _, _ in items), entries=tuple(entries), source=source
    )


def with_own_sectors(
    smap: SectorMapping,
    keys: Mapping[str, tuple[int | None, str]],
    lines: Mapping[str, int] | None = None,
) -> SectorMapping:
    """The mapping with its ``own_sectors`` and ``relatedness`` keys, checked.

    Args:
        smap: The mapping as read.
        keys: ``own_sectors`` and ``relatedness`` as written, each with its line
            (``None`` when not from a file); a relative matrix path is taken from the
            mapping file's folder.
        lines: Line of each sector in the mapping file (for messages).

    Raises:
        DataError: ``own_sectors`` is not true or false, a matrix is given without
            own sectors, or an own sector has no codes.
    """
    line, text = keys.get("own_sectors", (None, "false"))
    if text.lower() not in ("true", "false"):
        raise DataError(f"own_sectors = {show(text)}: must be true or false", smap.source, line)
    own = text.lower() == "true"
    matrix = None
    if "relatedness" in keys:
        line, name = keys["relatedness"]
        folder = os.path.dirname(os.path.abspath(smap.source)) if line is not None else ""
        matrix = os.path.join(folder, name)
        if not own:
            raise DataError(
                "relatedness: a matrix is read only with own_sectors: true (the default "
                "sectors take their relatedness from economy.sectors.*.profile)",
                smap.source,
                line,
            )
    if own:
        coded = {e.sector for e in smap.entries}
        for sector in smap.sectors:
            if sector not in coded:
                raise DataError(
                    f"sector {sector} has no NACE code: with own_sectors: true every sector "
                    "is defined by its codes",
                    smap.source,
                    (lines or {}).get(sector),
                )
    return replace(smap, own_sectors=own, relatedness=matrix)


def load_mapping(
    source: str | os.PathLike[str] | SectorMapping | Mapping[str, object] | None = None,
) -> SectorMapping:
    """Read a NACE-to-sector mapping.

    Args:
        source: A YAML file, an already built mapping (returned as is), a dict
            ``{"sectors": {...}}`` or ``{sector: [codes]}``, or ``None`` for the
            default mapping of the 26 model sectors.

    Returns:
        The mapping.

    Raises:
        DataError: The file cannot be read or parsed, or breaks a rule (see module doc).
    """
    if isinstance(source, SectorMapping):
        return source
    if isinstance(source, Mapping):
        sectors = source.get("sectors", source)
        if not isinstance(sectors, Mapping):
            raise DataError("'sectors' must map sector names to lists of codes", "<dict>")
        smap = SectorMapping.from_dict(sectors)  # type: ignore[arg-type]
        keys = {k: (None, str(source[k])) for k in ("own_sectors", "relatedness") if k in source}
        return with_own_sectors(smap, keys) if "sectors" in source else smap
    path = os.fspath(default_mapping_path() if source is None else source)
    items, own_keys, lines = read_mapping_file(path)
    return with_own_sectors(_build(items, path), own_keys, lines)
