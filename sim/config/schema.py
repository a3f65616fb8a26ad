"""Parse plain mappings (composed Hydra configs) into typed, validated dataclasses.

Validation happens here, at the edge: every field is converted to its
declared type and checked against the range in its metadata, unknown keys are
rejected, and every error is a :class:`~sim.errors.ConfigError` whose one-line
message names the dotted key, the value and the problem.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sim.errors import ConfigError

T = TypeVar("T")


def bounded(
    default: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
    """A dataclass field with a default and an allowed range.

    Args:
        default: The default value (lists are copied per instance).
        low: Smallest allowed value (each element for lists), or None.
        high: Largest allowed value, or None.
        low_open: Whether ``low`` itself is excluded.
        high_open: Whether ``high`` itself is excluded.
    """
    meta = {"range": (low, high, low_open, high_open)}
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def one_of(value: Any, choices: Sequence[str], key: str, hint: str = "") -> None:
    """Stop with one line naming ``key`` unless ``value`` is one of ``choices``.

    Raises:
        ConfigError: ``key = value: must be one of a, b, c`` (and `` (hint)`` if given).
    """
    if value not in choices:
        tail = f" ({hint})" if hint else ""
        raise ConfigError(f"{key} = {value!r}: must be one of {', '.join(choices)}{tail}")


def _describe_range(low, high, low_open, high_open) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return "must be " + " and ".join(parts)


def _check_range(value: float, rng: tuple, key: str) -> None:
    low, high, low_open, high_open = rng
    bad = not math.isfinite(value)
    if low is not None:
        bad |= value < low or (low_open and value == low)
    if high is not None:
        bad |= value > high or (high_open and value == high)
    if bad:
        raise ConfigError(f"{key} = {value!r}: {_describe_range(*rng)}")


def convert(value: Any, kind: Any, key: str) -> Any:
    """Convert ``value`` to the annotated type ``kind`` or raise ConfigError."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        kind = next(o for o in options if o is not type(None))
        origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        return parse(kind, value, key)
    if origin in (list, tuple, Sequence):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ConfigError(f"{key} = {value!r}: must be a list")
        (inner,) = typing.get_args(kind)[:1] or (Any,)
        return [convert(v, inner, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key} = {value!r}: must be a mapping")
        _, inner = typing.get_args(kind)
        return {str(k): convert(v, inner, f"{key}.{k}") for k, v in value.items()}
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} = {value!r}: must be true or false")
        return value
    if kind is int:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value != int(value)
        ):
            raise ConfigError(f"{key} = {value!r}: must be an integer")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key} = {value!r}: must be a number")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} = {value!r}: must be a string")
        return value
    return value


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a settings class (resolved once per class)."""
    return typing.get_type_hints(cls)


def parse(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass ``cls`` from a mapping, validating every field.

    Args:
        cls: A dataclass whose fields carry type annotations and, optionally,
            range metadata from :func:`bounded`.
        data: The mapping to read (a plain dict or an OmegaConf DictConfig
            converted to a container).
        where: The dotted key of ``data`` in the whole config, for messages.

    Returns:
        The validated instance.

    Raises:
        ConfigError: On an unknown key, a missing required key, a value of the
            wrong type or out of its range.
    """
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} = {data!r}: must be a mapping")
    hints = _type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(map(str, data)) - set(fields))
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]}: unknown key (expected one of: {', '.join(sorted(fields))})"
        )
    values = {}
    for name, f in fields.items():
        key = f"{where}.{name}" if where else name
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{key}: missing required key")
            continue
        value = convert(data[name], hints[name], key)
        rng = f.metadata.get("range")
        if rng is not None:
            for i, v in enumerate(value if isinstance(value, list) else [value]):
                _check_range(v, rng, f"{key}[{i}]" if isinstance(value, list) else key)
        values[name] = value
    return cls(**values)
