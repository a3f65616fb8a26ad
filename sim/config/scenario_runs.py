"""Runs of several scenarios that share their years before policy, simulated once.

A policy is first consulted at the end of the last burn-in year
(:attr:`sim.model.model.ClusterModel.first_policy_year`). Before it, two runs whose configs
differ only in what the policy reads (the scenario, the policy's scope and budget scale,
and what is written) are the same run: the same economy, dynamics, seed and years, the
same draws. :func:`build_models` simulates those years once per group of such configs and
gives each scenario a copy of the result with its own policy set up on it, which then
runs exactly as a model built with that policy from the start (tests/test_scenario_runs.py
compares them bit for bit). A study point that runs the baseline, the policy and its
reference saves two of its three burn-ins.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.config.assemble import assemble
from sim.model.model import ClusterModel, PolicyHooks
from sim.model.observe import Recorder

#: Top-level keys that only the policy (or the outputs) read: configs that differ in
#: nothing else share their years before policy.
POLICY_KEYS = frozenset({"scenario", "output", "policy_scope", "policy_others", "budget_scale"})


def shared_part(config: Mapping[str, Any]) -> str:
    """What decides a run's years before policy: the config without :data:`POLICY_KEYS`."""
    rest = {k: v for k, v in config.items() if k not in POLICY_KEYS}
    return json.dumps(rest, sort_keys=True, default=repr)


def build_models(configs: Mapping[str, Mapping[str, Any]]) -> dict[str, ClusterModel]:
    """A ready-to-run model of each composed config, by name.

    Configs with the same :func:`shared_part` share one simulation of the years before
    the first policy year; each model is then at that year, with its own policy set up.
    A config alone in its group is built as :func:`sim.config.assemble.build_model` does.
    """
    parts = {name: assemble(config) for name, config in configs.items()}
    groups: dict[str, list[str]] = {}
    for name, config in configs.items():
        groups.setdefault(shared_part(config), []).append(name)
    models: dict[str, ClusterModel] = {}
    for names in groups.values():
        if len(names) == 1:
            models[names[0]] = parts[names[0]].model()
            continue
        prefix = parts[names[0]].model(with_policy=False)
        prefix.run_until(prefix.first_policy_year)
        for name in names:
            p = parts[name]
            models[name] = fork(prefix, p.policy(), p.settings.output.firm_panel)
    return {name: models[name] for name in configs}


def fork(model: ClusterModel, policy: PolicyHooks | None, firm_panel: bool) -> ClusterModel:
    """A copy of a policy-free ``model`` at its current year, with ``policy`` set up on it.

    The copy continues exactly as a model built with ``policy`` would have: no policy is
    consulted before :attr:`ClusterModel.first_policy_year`, and the recorder (empty
    before the first reported year) is a new one, with or without the firm panel.

    Raises:
        ValueError: If ``model`` has a policy, or has simulated a year in which a policy
            would have acted.
    """
    if model.policy is not None:
        raise ValueError("fork: the model already has a policy")
    if model.year > max(model.first_policy_year, model.built_year):
        raise ValueError(
            f"fork: the model is at {model.year}, after the policy's first year "
            f"{model.first_policy_year}"
        )
    shared = {id(model.economy): model.economy, id(model.dynamics): model.dynamics}
    copied = copy.deepcopy(model, shared)
    copied.recorder = Recorder(model.economy, np.arange(model.start, model.end + 1), firm_panel)
    copied.policy = policy
    if policy is not None:
        policy.setup(copied)
    return copied
