"""The policy layer: governments, instruments, selection rules, clusters and pilots."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.economy import Economy
from sim.errors import ConfigError


def build_policy(scenario: Mapping[str, Any] | None, economy: Economy, settings) -> Any:
    """The policy layer of a scenario, or None for the no-policy counterfactual."""
    if scenario is None:
        return None
    if not isinstance(scenario, Mapping) or "name" not in scenario:
        raise ConfigError("scenario: must be a mapping with a 'name'")
    if set(scenario) - {"name"}:
        raise ConfigError(f"scenario.{sorted(set(scenario) - {'name'})[0]}: unknown key")
    return None
