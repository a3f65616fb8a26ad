"""``params_file=PATH``: parameter values from a file, applied over the composed config.

The file is the ``best.yaml`` that ``s3sim-calibrate`` writes::

    parameters:
      dynamics.competition.selection: 1.31
      dynamics.competition.adjustment: 0.82

Each dotted key must name a value of the composed config (in ``dynamics``,
``economy``, ``scenario`` or a top-level run setting such as ``budget_scale``);
its value replaces the config's. The result is checked by the schema of the
groups the file touches, so an out-of-range value stops the run with one line
naming the file and the key. A key set both in the file and on the command
line is refused (which should win is not obvious). The run's ``config.yaml``
holds the values used and, under ``params_file``, the file they came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

import yaml

from sim.config.yaml_bounds import MAX_CONFIG_BYTES, check_yaml_text
from sim.errors import ConfigError

KEY = "params_file"
_GROUPS = ("dynamics", "economy", "scenario")
_TOP = ("seed", "budget_scale", "policy_scope", "years", "periods")


def read_parameters(path: str | Path) -> dict[str, Any]:
    """The ``parameters`` mapping of a file, dotted key -> value (one-line errors)."""
    where = f"{KEY}={path}"
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    check_yaml_text(data, where)
    try:
        spec = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not YAML ({str(exc).splitlines()[0]})") from None
    block = spec.get("parameters") if isinstance(spec, Mapping) else None
    if not isinstance(block, Mapping) or not block or set(spec) != {"parameters"}:
        raise ConfigError(f"{where}: must hold one mapping 'parameters:' of key: value")
    return {str(k): v for k, v in block.items()}


def _place(config: dict[str, Any], dotted: str, where: str) -> tuple[dict[str, Any], str]:
    top = dotted.split(".")[0]
    if top not in _GROUPS and top not in _TOP:
        raise ConfigError(
            f"{where}: parameters.{dotted}: not a parameter (the file may set keys of "
            f"{', '.join(_GROUPS)} and {', '.join(_TOP)})"
        )
    node = config
    *parents, leaf = dotted.split(".")
    for key in parents:
        if not isinstance(node.get(key), dict):
            raise ConfigError(f"{where}: parameters.{dotted}: not a key of the config")
        node = node[key]
    if leaf not in node or isinstance(node[leaf], dict):
        raise ConfigError(f"{where}: parameters.{dotted}: not a key of the config")
    return node, leaf


def apply_params_file(config: Mapping[str, Any], overridden: Iterable[str] = ()) -> dict[str, Any]:
    """The config with the values of its ``params_file`` (a new dict; unchanged without one).

    Args:
        config: The composed config, a plain dict.
        overridden: Keys set on the command line (refused in the file too).

    Raises:
        ConfigError: One line naming the file and, where there is one, the key.
    """
    path = config.get(KEY)
    if path is None:
        return dict(config)
    if not isinstance(path, str) or not path:
        raise ConfigError(f"{KEY} = {path!r}: must be the path of a parameters file")
    where = f"{KEY}={path}"
    values = read_parameters(path)
    out = deepcopy(dict(config))
    given = {key.lstrip("+~").partition("=")[0] for key in overridden}
    for dotted, value in values.items():
        if dotted in given:
            raise ConfigError(f"{where}: parameters.{dotted}: also set on the command line")
        node, leaf = _place(out, dotted, where)
        node[leaf] = value
    check_values(out, {key.split(".")[0] for key in values}, where)
    return out


def check_values(config: Mapping[str, Any], touched: set[str], where: str) -> None:
    """Parse the touched groups with their schema; errors name the file."""
    from sim.config.settings import run_settings
    from sim.model.economy import EconomySpec
    from sim.model.params import Dynamics
    from sim.policy.scenario import parse_scenario

    try:
        if "dynamics" in touched:
            Dynamics.from_config(config.get("dynamics"))
        if "economy" in touched:
            EconomySpec.from_config(config.get("economy"))
        if touched & {*_TOP, "scenario"}:
            settings = run_settings(config)
        if "scenario" in touched:
            parse_scenario(config.get("scenario"), settings.years.start, None)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {str(exc).splitlines()[0]}") from None
