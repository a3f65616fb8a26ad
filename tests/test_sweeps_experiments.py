"""Experiment configs compose and sweep; the demo (``make demo``) runs to its report."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from sim.config.paths import config_dir
from sim.experiments.sensitivity.study import read_study
from tests.test_sweeps_support import (
    ECONOMY,
    JOBLIB,
    ROOT,
    complete_dirs,
    run_command,
    run_dirs,
    runs_by_key,
    summary,
    sweep,
)

EXPERIMENTS = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))
_ABSENT = object()


def compose_experiment(name: str, overrides: list[str] | None = None):
    """The composed config of ``+experiment=NAME``, Hydra's own config included."""
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return compose(
            config_name="config",
            overrides=[f"+experiment={name}", *(overrides or [])],
            return_hydra_config=True,
        )


def sweep_values(params) -> dict[str, list[str]]:
    """The values of each sweeper parameter (``range(0,3)`` expanded)."""
    parser = OverridesParser.create()
    parsed = parser.parse_overrides([f"{k}={v}" for k, v in params.items()])
    return {o.key_or_group: list(o.sweep_string_iterator()) for o in parsed}


def test_experiments_found():
    assert {"budget_levels", "picking_rules", "standard_comparison"} <= set(EXPERIMENTS)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_composes(name):
    cfg = compose_experiment(name)
    params = OmegaConf.select(cfg, "hydra.sweeper.params")
    assert params, f"{name}: no hydra.sweeper.params"
    values = sweep_values(params)
    assert values and all(len(v) >= 1 for v in values.values())
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        base = compose(config_name="config")
    # every key the experiment sets, or sweeps, exists in the base config (no typos)
    own = OmegaConf.load(ROOT / "experiments" / f"{name}.yaml")
    own.pop("hydra", None)
    own.pop("defaults", None)
    keys = _leaf_keys(OmegaConf.to_container(own)) + list(values)
    for key in keys:
        if key.startswith("sensitivity."):  # a study's own section, checked by read_study
            continue
        assert OmegaConf.select(base, key, default=_ABSENT) is not _ABSENT, f"{name}: {key}"
    if "sensitivity" in cfg:
        read_study({"sensitivity": OmegaConf.to_container(cfg.sensitivity, resolve=True)})
    for seed in values.get("seed", []):
        assert int(seed) >= 0
    # every value of every other parameter composes, e.g. each scenario of the sweep
    for key, options in values.items():
        if key == "seed":
            continue
        if key == "sensitivity.batch":  # the jobs of a study: the first and the last
            options = [options[0], options[-1]]
        for value in options:
            run_cfg = compose_experiment(name, [f"{key}={value}"])
            if key == "scenario":
                assert run_cfg.scenario.name == value


def _leaf_keys(tree: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, value in tree.items():
        path = f"{prefix}{key}"
        keys += _leaf_keys(value, path + ".") if isinstance(value, dict) and value else [path]
    return keys


@pytest.mark.slow
def test_experiment_sweep(tmp_path):
    expected = sweep_values(compose_experiment("picking_rules").hydra.sweeper.params)
    assert len(expected["scenario"]) == 5 and len(expected["seed"]) > 1
    sweep_dir = tmp_path / "sweep"
    done = sweep(
        sweep_dir,
        "+experiment=picking_rules",
        "seed=0",  # the command line wins over the experiment's seeds
        *ECONOMY,  # output.plots is the experiment's
        *JOBLIB,
        "hydra.launcher.n_jobs=2",
    )
    dirs = run_dirs(sweep_dir)
    assert len(dirs) == 5 and complete_dirs(sweep_dir) == dirs, done.describe()
    found = runs_by_key(sweep_dir)
    assert sorted(found) == sorted((scenario, 0) for scenario in expected["scenario"])
    for run_dir in dirs:
        assert not (run_dir / "plots").exists()  # the experiment turns plots off
        # the command line's economy.n_firms=2000 reached the run (drawn: close to it)
        assert yaml.safe_load((run_dir / "config.yaml").read_text())["economy"]["n_firms"] == 2000
        assert abs(summary(run_dir)["n_firms_start"] - 2000) < 100


@pytest.mark.slow
def test_demo(tmp_path):
    out = tmp_path / "demo"
    args = [sys.executable, "-m", "sim.demo", "--out", str(out), "--seeds", "2"]
    done = run_command([*args, "--firms", "2000"], tmp_path)
    printed = re.findall(r"^demo: report: (.+)$", done.output, re.M)
    assert printed, done.describe()
    report = Path(printed[-1].strip())
    sweep_dir = out.resolve() / "sweep"
    assert report == sweep_dir / "report.html" and report.is_file()
    assert (sweep_dir / "report.md").is_file()
    assert (sweep_dir / "comparison.md").is_file()
    comparison = pd.read_csv(sweep_dir / "comparison.csv")
    scenarios = sweep_values(compose_experiment("standard_comparison").hydra.sweeper.params)
    policies = set(scenarios["scenario"]) - {"no_policy"}
    assert set(comparison["scenario"]) == policies
    assert (comparison["n_pairs"][comparison["indicator"] == "employment_total"] == 2).all()
    assert len(complete_dirs(sweep_dir)) == 2 * len(scenarios["scenario"])
