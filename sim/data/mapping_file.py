"""Reading a mapping file: bounded in size, without YAML type guessing, every line kept.

The file is composed into YAML nodes (never constructed), so ``N`` stays the NACE
section N rather than becoming ``false``, and each sector and code keeps its line
for messages. What the entries mean is checked by :mod:`sim.data.mapping`.
"""

from __future__ import annotations

import os
import stat

import yaml

from sim.config.yaml_bounds import MAX_CONFIG_BYTES, check_yaml_text
from sim.data.data_errors import DataError, show
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

SectorItem = tuple[str, int | None, list[tuple[str, int | None]]]
"""A sector as read: name, line, and its codes with their lines."""


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


def read_mapping_file(
    path: str,
) -> tuple[list[SectorItem], dict[str, tuple[int | None, str]], dict[str, int]]:
    """The sectors of a mapping file, its ``own_sectors``/``relatedness`` keys, and lines.

    Returns:
        The sectors in file order (name, line, codes with their lines), the own-sector
        keys (line, value as written) and the line of each sector.

    Raises:
        DataError: The file cannot be read or parsed, has an unknown top-level key, or
            lists a sector twice or no sector.
    """
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
    items: list[SectorItem] = []
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
    return items, own_keys, seen
