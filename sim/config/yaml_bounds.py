"""Bounds on a YAML config file before it is parsed: its size and its alias expansion.

A YAML alias repeats its anchor's node: ten levels of ten aliases ("billion
laughs") expand a few hundred bytes into 10^10 nodes. The expansion is counted
from the parser's events, which hold each anchor once, before anything is built.
"""

from __future__ import annotations

import functools

import yaml

from sim.errors import ConfigError

#: Largest config file read (bytes); a scenario file is a few kilobytes.
MAX_CONFIG_BYTES = 1_000_000
#: Most nodes a config file may expand to, aliases counted at their expanded size.
MAX_CONFIG_NODES = 100_000

_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def expanded_nodes(text: str, limit: int = MAX_CONFIG_NODES) -> int:
    """Nodes of the YAML document with every alias expanded, counted up to just past ``limit``.

    Raises:
        yaml.YAMLError: The text is not YAML (left to the config loader to report).
    """
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, _OPEN):
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor, 1)
        elif isinstance(event, _CLOSE):
            anchor, size = stack.pop()
            if anchor:
                sizes[anchor] = size
        else:
            continue
        stack[-1][1] += size
        if stack[-1][1] > limit:
            return stack[-1][1]
    return stack[0][1]


def check_yaml_text(data: bytes, where: str) -> None:
    """Refuse a config file too large or whose aliases expand too far (one-line ConfigError)."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{where}: larger than {MAX_CONFIG_BYTES:,} bytes (the limit of a config file; "
            "a scenario is a few kilobytes)"
        )
    nodes = _counted(data.decode("utf-8", errors="replace"))
    if nodes is None:
        return  # not YAML: the config loader reports it with its line
    if nodes > MAX_CONFIG_NODES:
        raise ConfigError(
            f"{where}: YAML aliases expand to more than {MAX_CONFIG_NODES:,} values "
            "(the limit of a config file); write the values out or use fewer nested aliases"
        )


@functools.lru_cache(maxsize=256)
def _counted(text: str) -> int | None:
    """``expanded_nodes`` of a text, or None if it is not YAML.

    Each text is counted once per process: a sweep composes the same files dozens of times.
    """
    try:
        return expanded_nodes(text)
    except yaml.YAMLError:
        return None
