"""Config files are data: checks applied while Hydra composes, before it instantiates anything.

Hydra instantiates callbacks, the sweeper and the launcher from the composed
config, and configures logging from it, before ``s3sim`` sees a value. So the
rules are enforced inside composition itself, by :func:`install`:

- every config file Hydra reads (:func:`check_file`) is bounded in size and in
  YAML alias expansion, and a scenario (or any other group's) file may neither
  use ``@package`` nor set ``hydra``; an experiment may set only
  ``hydra.sweeper.params`` and ``hydra.launcher``;
- every composed config (:func:`check_composed`) names in ``_target_`` only the
  allowed classes (:data:`ALLOWED_TARGETS`), uses plain names in paths, and a
  sweep stays within its size limit.

A violation is a :class:`~sim.errors.ConfigError` with a one-line message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from sim.config.yaml_bounds import check_yaml_text
from sim.errors import ConfigError

#: Every class a config may name as ``_target_``: the project's own and Hydra's own
#: sweepers, launchers and callbacks.
ALLOWED_TARGETS = frozenset(
    {
        *(
            f"sim.policy.instruments.{name}"
            for name in (
                "RDGrant",
                "Demonstrator",
                "IndustrialisationSupport",
                "MarketisationSupport",
                "ClusterManagement",
                "PilotCoInvestment",
            )
        ),
        "sim.experiments.callbacks.SweepProgress",
        "hydra._internal.core_plugins.basic_sweeper.BasicSweeper",
        "hydra._internal.core_plugins.basic_launcher.BasicLauncher",
        "hydra.experimental.callbacks.LogJobReturnCallback",
        "hydra.experimental.callbacks.PickleJobInfoCallback",
        "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher",
        "hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher",
        "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher",
        "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher",
        "hydra_plugins.hydra_ray_launcher.ray_aws_launcher.RayAWSLauncher",
    }
)

#: Names that become parts of paths (scenario names): letters, digits, ``_`` and ``-``.
PATH_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

#: Groups whose files the user chooses and may share: scenarios and the model's groups.
EXPERIMENT_GROUP = "experiment"
#: What an experiment file may set under ``hydra``.
EXPERIMENT_HYDRA_KEYS = {"sweeper": {"params"}, "launcher": None}
#: Groups an experiment's defaults list may choose options of.
EXPERIMENT_DEFAULT_GROUPS = ("scenario", "economy", "dynamics", "sensitivity", "hydra/launcher")


def check_path_name(value: Any, key: str) -> None:
    """A name used in a file or folder name: letters, digits, ``_``, ``-`` (1-64)."""
    if not isinstance(value, str) or not PATH_NAME.match(value):
        raise ConfigError(
            f"{key} = {value!r}: must be 1-64 letters, digits, '_' or '-' (it names folders)"
        )


def targets(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every ``_target_`` in a nested mapping/list: (dotted key of its owner, value)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            if key == "_target_":
                yield where or "<root>", value
            else:
                yield from targets(value, path)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from targets(value, f"{where}[{i}]")


INSTRUMENTS = "sim.policy.instruments"


def check_targets(
    config: Mapping[str, Any], source: str = "config", scenario_source: str | None = None
) -> None:
    """Refuse any ``_target_`` outside :data:`ALLOWED_TARGETS` (interpolations included).

    Args:
        config: A config, or a part of one, as plain containers.
        source: Where it came from, for the message.
        scenario_source: The scenario's file: a scenario's instrument is named with it.
    """
    for owner, target in targets(config):
        if isinstance(target, str) and target in ALLOWED_TARGETS:
            continue
        if scenario_source and owner.startswith("scenario."):
            names = sorted(
                t.rpartition(".")[2] for t in ALLOWED_TARGETS if t.startswith(INSTRUMENTS)
            )
            raise ConfigError(
                f"{scenario_source}: {owner}._target_ = {target!r}: must name a class in "
                f"{INSTRUMENTS} ({', '.join(names)})"
            )
        raise ConfigError(
            f"{source}: {owner}._target_ = {target!r}: not an allowed class "
            "(the project's instruments and callbacks, Hydra's sweepers, launchers and "
            "callbacks; README 'Bad input')"
        )


def _group_of(config_path: str) -> str:
    return config_path.rpartition("/")[0]


def _default_path(entry: Any, group: str) -> str:
    """The absolute config path a defaults-list entry points at (group or config)."""
    raw = getattr(entry, "group", None) or getattr(entry, "path", None) or ""
    raw = str(raw)
    if raw.startswith("/"):
        return raw[1:]
    return f"{group}/{raw}" if group else raw


def check_defaults(defaults: list[Any], config_path: str, group: str) -> None:
    """A data file's defaults list stays in its own group (experiments: the model's groups)."""
    where = f"{config_path}.yaml: defaults"
    for entry in defaults or []:
        if getattr(entry, "path", None) == "_self_":
            continue
        target = _default_path(entry, group)
        if ".." in target.split("/"):
            raise ConfigError(f"{where}: {target!r}: '..' is not allowed")
        if group == EXPERIMENT_GROUP:
            allowed = (*EXPERIMENT_DEFAULT_GROUPS, EXPERIMENT_GROUP)
        else:
            allowed = (group,)
            if getattr(entry, "override", False):
                raise ConfigError(f"{where}: 'override' of {target!r}: only experiments may")
        if not any(target == g or target.startswith(f"{g}/") for g in allowed):
            raise ConfigError(
                f"{where}: {target!r}: a {group} file may only build on the groups "
                f"{', '.join(allowed)}"
            )
        if getattr(entry, "package", None):
            raise ConfigError(f"{where}: {target!r}@{entry.package}: '@package' is not allowed")


def check_hydra_keys(config: Mapping[str, Any], config_path: str, group: str) -> None:
    """Only experiments may set ``hydra``, and only its sweeper's params and the launcher."""
    hydra = config.get("hydra") if isinstance(config, Mapping) else None
    if hydra is None:
        return
    where = f"{config_path}.yaml: hydra"
    if group != EXPERIMENT_GROUP:
        raise ConfigError(f"{where}: a {group} file may not set hydra.* (it is data)")
    if not isinstance(hydra, Mapping):
        raise ConfigError(f"{where}: must be a mapping")
    for key, value in hydra.items():
        if key not in EXPERIMENT_HYDRA_KEYS:
            raise ConfigError(
                f"{where}.{key}: experiments may set only hydra.sweeper.params and hydra.launcher"
            )
        inner = EXPERIMENT_HYDRA_KEYS[key]
        if inner is not None and (
            not isinstance(value, Mapping) or not set(map(str, value)) <= inner
        ):
            raise ConfigError(
                f"{where}.{key}: experiments may set only hydra.sweeper.params and hydra.launcher"
            )


def check_file(
    config_path: str,
    header: Mapping[str, Any],
    config: Mapping[str, Any],
    defaults: list[Any],
    trusted: bool,
) -> None:
    """The rules for one config file Hydra loaded.

    Args:
        config_path: Hydra's path of the file, e.g. ``scenario/targeted``.
        header: The file's header (``package`` from ``# @package``).
        config: The file's content as a plain container (unresolved).
        defaults: The parsed defaults list.
        trusted: The primary config, or Hydra's own groups from an installed package.
    """
    if trusted:
        check_targets(config, f"{config_path}.yaml")
        return
    group = _group_of(config_path)
    if group == "" or group.split("/")[0] == "hydra":
        raise ConfigError(
            f"{config_path}.yaml: the primary config and Hydra's groups come only from the "
            "project and installed packages"
        )
    package = (header or {}).get("package")
    if package and not (group == EXPERIMENT_GROUP and package == "_global_"):
        raise ConfigError(
            f"{config_path}.yaml: '@package {package}' is not allowed in a {group} file "
            "(its keys stay under its group)"
        )
    check_hydra_keys(config, config_path, group)
    check_defaults(defaults, config_path, group)
    check_targets(config, f"{config_path}.yaml")


__all__ = [
    "ALLOWED_TARGETS",
    "check_file",
    "check_path_name",
    "check_targets",
    "check_yaml_text",
    "targets",
]
