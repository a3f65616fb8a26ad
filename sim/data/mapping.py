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
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.config.yaml_bounds import MAX_CONFIG_BYTES, check_yaml_text
from sim.data import nace
from sim.data.data_errors import DataError, show
from sim.data.own_sectors import with_own_sectors
from sim.errors import ConfigError

_TOP_KEYS = {
    "sectors",
    "name",
    "description",
    "classification",
    "notes",
    "own_sectors",
    "relatedness",
}
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


_Item = tuple[str, int | None, list[tuple[str, int | None]]]
"""A sector as read: name, line, and its codes with their lines."""


def _build(items: list[_Item], source: str) -> SectorMapping:
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


def _scalar(node: yaml.Node, what: str, source: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise DataError(f"{what} must be a single value", source, node.start_mark.line + 1)
    return str(node.value)


def _codes(node: yaml.Node, sector: str, source: str) -> list[tuple[str, int | None]]:
    if isinstance(node, yaml.ScalarNode):
        empty = node.tag.endswith(":null") or node.value.strip() in ("", "~")
        return [] if empty else [(node.value, node.start_mark.line + 1)]
    if not isinstance(node, yaml.SequenceNode):
        raise DataError(
            f"sector {sector}: give a list of NACE codes", source, node.start_mark.line + 1
        )
    return [
        (_scalar(item, f"sector {sector}: each code", source), item.start_mark.line + 1)
        for item in node.value
    ]


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
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise DataError(
                "cannot read the file: not a regular file (a device, folder or pipe)", path
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        check_yaml_text(data, path)
        text = data.decode("utf-8-sig")
    except OSError as err:
        raise DataError(f"cannot read the mapping file ({err.strerror or err})", path) from None
    except UnicodeDecodeError:
        raise DataError("cannot decode the mapping file as UTF-8 text", path) from None
    except ConfigError as err:  # too large, or aliases that expand too far
        raise DataError(str(err).partition(": ")[2], path) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or "malformed"
        line = None if mark is None else mark.line + 1
        raise DataError(f"not readable as YAML ({problem})", path, line) from None
    if not isinstance(root, yaml.MappingNode):
        raise DataError("the mapping file must hold a 'sectors:' block", path, 1)
    sectors_node = None
    own_keys: dict[str, tuple[int | None, str]] = {}
    for key, value in root.value:
        name = _scalar(key, "a top-level key", path)
        if name not in _TOP_KEYS:
            raise DataError(
                f"unknown key {show(name)} (keys read: {', '.join(sorted(_TOP_KEYS))})",
                path,
                key.start_mark.line + 1,
            )
        if name == "sectors":
            sectors_node = value
        elif name in ("own_sectors", "relatedness"):
            own_keys[name] = (key.start_mark.line + 1, _scalar(value, name, path).strip())
    if not isinstance(sectors_node, yaml.MappingNode):
        raise DataError("'sectors:' must map sector names to lists of NACE codes", path, 1)
    items: list[_Item] = []
    seen: dict[str, int] = {}
    for key, value in sectors_node.value:
        line = key.start_mark.line + 1
        sector = _scalar(key, "a sector name", path).strip()
        if sector in seen:
            raise DataError(
                f"sector {sector} is listed twice (also line {seen[sector]})", path, line
            )
        seen[sector] = line
        items.append((sector, line, _codes(value, sector, path)))
    if not items:
        raise DataError("'sectors:' lists no sector", path, sectors_node.start_mark.line + 1)
    return with_own_sectors(_build(items, path), own_keys, seen)
