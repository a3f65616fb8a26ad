"""The policy layer: governments, instruments, selection rules, clusters and pilots."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.model.economy import Economy
from sim.policy.layer import PolicyLayer
from sim.policy.spec import ScenarioSpec, parse_scenario


def build_policy(
    scenario: Mapping[str, Any] | None, economy: Economy, settings, source: str | None = None
) -> PolicyLayer:
    """The policy layer of a scenario (``no_policy`` gives a layer that moves no money).

    Sector names in the scenario (top-down spearhead lists) are checked against
    the economy here, so a bad scenario fails before the run starts. ``source``
    is the scenario's file as messages name it.
    """
    spec = parse_scenario(scenario, settings.years.start, source)
    for phase in spec.phases:
        for region, sectors in phase.selection.top_down.items():
            where = f"{spec.source}: scenario.selection.top_down"
            economy.region_index(region, f"{where}.{region}")
            for sector in sectors:
                economy.sector_index(sector, f"{where}.{region}")
    acting = np.ones(economy.n_regions, dtype=bool)
    if settings.policy_scope == "focal":  # the others run policy_others (no_policy)
        acting[:] = False
        acting[economy.focal] = True
    return PolicyLayer(
        spec, settings.years.start, settings.years.end, settings.budget_scale, acting
    )


__all__ = ["PolicyLayer", "ScenarioSpec", "build_policy", "parse_scenario"]
