"""Random scenario files from a grammar of keys, values, anchors and ``_target_``s.

Whatever a file holds, no target outside the allow-list is ever called (the
spy below would record it), Hydra instantiates only allowed callbacks, and
every refusal is a one-line error. Seeds are fixed: a failure reproduces.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from hydra.utils import instantiate
from omegaconf import open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.cli import build_model
from sim.config import hydra_hooks
from sim.config.paths import config_dir
from sim.config.safety import ALLOWED_TARGETS
from sim.config.settings import to_container

CALLS: list[tuple] = []


def spy(*args, **kwargs):
    """A callable outside the allow-list: a file must never reach it."""
    CALLS.append((args, kwargs))
    return 0.5


SPY = f"{__name__}.spy"
TARGETS = [
    *sorted(t for t in ALLOWED_TARGETS if t.startswith("sim.policy")),
    SPY,
    "os.system",
    "builtins.eval",
    "pathlib.Path.write_text",
    "subprocess.Popen",
    "${oc.env:FUZZ_TARGET," + SPY + "}",
    "sim.experiments.callbacks.SweepProgress",
]
KEYS = ["instruments", "selection", "budget", "timeline", "hydra", "callbacks", "rd_grant", "x"]
SCALARS = [0, 1, 0.2, -1, 1e308, float("nan"), float("inf"), "text", "", None, True, "2015"]
HEADERS = ["", "", "# @package _global_\n", "# @package hydra\n", "# @package scenario\n"]
DEFAULTS = [
    "policy_base",
    "/scenario/policy_base@scenario",
    "/hydra/callbacks@x: none",
    "override /hydra/launcher: basic",
    "/experiment/standard_comparison",
]
TINY = ["economy.n_firms=200", "years.start=2000", "years.end=2001", "years.burn_in=1"]


def value(rng: random.Random, depth: int, shared: list) -> object:
    """A random YAML value; reusing an earlier node makes PyYAML write an anchor and alias."""
    roll = rng.random()
    if shared and roll < 0.15:
        return rng.choice(shared)
    if depth > 3 or roll < 0.45:
        return rng.choice(SCALARS)
    if roll < 0.6:
        node: object = [value(rng, depth + 1, shared) for _ in range(rng.randint(0, 4))]
    else:
        node = {rng.choice(KEYS): value(rng, depth + 1, shared) for _ in range(rng.randint(0, 4))}
        if rng.random() < 0.5:
            node["_target_"] = rng.choice(TARGETS)
            if rng.random() < 0.3:
                node["_args_"] = [value(rng, depth + 1, shared)]
        if rng.random() < 0.3:
            node["share"] = rng.choice([0.2, 1.0, 0.5])
    shared.append(node)
    return node


def valid_body(rng: random.Random, name: str) -> dict:
    """A scenario that runs: allowed instruments whose shares add up to 1, a timeline."""
    rd = {"_target_": "sim.policy.instruments.RDGrant", "share": 0.5}
    body = {
        "name": name,
        "instruments": {
            "rd_grant": rd,
            "demonstrator": {"share": 0.0},
            "industrialisation": {"share": 0.35},
            "pilot": {"_target_": "sim.policy.instruments.PilotCoInvestment", "share": 0.0},
        },
        "selection": {"rule": rng.choice(["bottom_up", "targeted", "vanguard"])},
        "timeline": {2001: {"instruments": {"rd_grant": {"share": 0.45}, "pilot": rd}}},
    }
    body["timeline"][2001]["instruments"]["pilot"] = {"share": 0.05}
    return body


def mutate(rng: random.Random, node: dict, shared: list) -> None:
    """Put a random key and value somewhere in ``node`` (anchors and targets included)."""
    while isinstance(node, dict) and node and rng.random() < 0.6:
        child = node[rng.choice(list(node))]
        if not isinstance(child, dict):
            break
        node = child
    if rng.random() < 0.5:
        node["_target_"] = rng.choice(TARGETS)
    else:
        node[rng.choice(KEYS)] = value(rng, 1, shared)


def scenario_file(rng: random.Random, name: str) -> str:
    """The text of one random scenario file: a valid one with a few mutations, or noise."""
    shared: list = []
    if rng.random() < 0.6:
        body = valid_body(rng, name)
        for _ in range(rng.choice([0, 0, 1, 2])):
            mutate(rng, body, shared)
        head, defaults = ("", ["policy_base", "_self_"]) if rng.random() < 0.7 else ("", [])
    else:
        body = {rng.choice(KEYS): value(rng, 0, shared) for _ in range(rng.randint(1, 4))}
        if rng.random() < 0.7:
            body["name"] = rng.choice([name, "a/../b", 3, name])
        defaults = ["policy_base", *rng.sample(DEFAULTS, rng.randint(0, 2)), "_self_"]
        head = rng.choice(HEADERS)
    if not defaults:
        defaults = ["policy_base", "_self_"]
    text = yaml.safe_dump({"defaults": defaults}, sort_keys=False)
    return head + text + yaml.dump(body, sort_keys=False, allow_unicode=True)


def compose_file(folder: Path, name: str):
    """Compose a run of the scenario ``name`` kept in ``folder`` (hydra node included)."""
    overrides = [*TINY, f"scenario={name}", f"hydra.searchpath=[file://{folder}]"]
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return compose(config_name="config", overrides=overrides, return_hydra_config=True)


def test_the_grammar_gives_runnable_and_refused_files(tmp_path):
    rng = random.Random(0)
    texts = [scenario_file(rng, f"g{i}") for i in range(60)]
    assert sum("@package" in t for t in texts) > 0
    assert sum("&id" in t for t in texts) > 0  # anchors and aliases
    assert sum(SPY in t for t in texts) > 0


@pytest.mark.parametrize("seed", range(8))
def test_random_scenario_files_never_run_a_foreign_target(tmp_path, seed):
    rng = random.Random(seed)
    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    outcomes = {"refused": 0, "ran": 0}
    for i in range(12):
        name = f"fz{seed}_{i}"
        (folder / "scenario" / f"{name}.yaml").write_text(scenario_file(rng, name))
        CALLS.clear()
        try:
            cfg = compose_file(folder, name)
            for callback in (cfg.hydra.get("callbacks") or {}).values():
                instantiate(callback)  # as Hydra does before any run
            with open_dict(cfg):
                cfg.pop("hydra")
            build_model(to_container(cfg)).run()
            outcomes["ran"] += 1
        except ValueError as exc:  # ConfigError, DataError: the project's own messages
            assert "\n" not in str(exc).strip(), str(exc)
            outcomes["refused"] += 1
        except (HydraException, OmegaConfBaseException) as exc:
            # the command prints these through hydra_hooks.one_line
            assert "\n" not in hydra_hooks.one_line(exc)
            outcomes["refused"] += 1
        assert not CALLS, f"{name} reached a target outside the allow-list"
    assert outcomes["refused"] > 0 and outcomes["ran"] > 0, outcomes
