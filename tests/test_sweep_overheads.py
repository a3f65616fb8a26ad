"""What a sweep's serial part is made of stays small: imports, parsing, composition checks.

The speed itself is measured by experiments/sweep_benchmark.py; these tests check that
the savings keep their meaning: a config file parsed once still gives fresh, equal configs
and sees its changes; the main process of a sweep does not import the model; of a study's
jobs Hydra checks two, of any other sweep every job; the workers started early are the
ones the joblib launcher then uses.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from omegaconf import OmegaConf

from sim.config import hydra_hooks, parse_once
from sim.experiments import warm_start


def load(path):
    with open(path, encoding="utf-8") as stream:
        return OmegaConf.load(stream)


@pytest.fixture
def parses(monkeypatch):
    """Count PyYAML parses (the memo of parse_once is installed by sim.config.hydra_hooks)."""
    calls = []
    original = yaml.load

    def counting(stream, Loader):  # noqa: N803 (PyYAML's name)
        calls.append(stream)
        return original(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counting)
    return calls


def test_a_text_is_parsed_once_and_every_load_is_a_fresh_config(tmp_path, parses):
    hydra_hooks.install()
    path = tmp_path / "economy.yaml"
    path.write_text(f"# {path}\nname: tiny\nsectors: {{a: {{jobs: [1, 2]}}, b: {{jobs: [3]}}}}\n")
    first = load(path)
    first.sectors.a.jobs[0] = 99
    first.name = "changed"
    second = load(path)
    assert len(parses) == 1
    assert OmegaConf.to_container(second) == {
        "name": "tiny",
        "sectors": {"a": {"jobs": [1, 2]}, "b": {"jobs": [3]}},
    }


def test_a_changed_file_is_parsed_again(tmp_path, parses):
    hydra_hooks.install()
    path = tmp_path / "scenario.yaml"
    path.write_text(f"# {path}\nname: first\n")  # a text no other test loads
    assert load(path).name == "first"
    path.write_text(f"# {path}\nname: second\n")
    assert load(path).name == "second"
    assert len(parses) == 2


def test_a_yaml_error_still_names_the_file(tmp_path):
    hydra_hooks.install()
    path = tmp_path / "broken.yaml"
    path.write_text("a: [1, 2\n")
    for _ in range(2):  # a text that failed is not remembered
        with pytest.raises(yaml.YAMLError, match="broken.yaml"):
            load(path)
    assert path.read_text() not in parse_once._PARSED


def test_the_main_process_of_a_sweep_does_not_import_the_model():
    code = (
        "import sys, sim.cli, sim.experiments.callbacks\n"
        "print(sorted(m for m in ('mesa', 'pandas', 'scipy', 'sim.model') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_study_job_imports_the_statistics_only_to_measure_the_baseline():
    code = (
        "import sys\n"
        "from sim.experiments.warm_start import settle_imports\n"
        "settle_imports(study=True)\n"
        "print('scipy.stats' in sys.modules)\n"
        "from sim.experiments.sensitivity.evaluate import baseline_statistics\n"
        "try:\n"
        "    baseline_statistics(None, 8)\n"
        "except AttributeError:\n"
        "    pass\n"
        "print('scipy.stats' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


def test_exported_functions_keep_their_names_when_their_modules_load():
    import sim.experiments.collect  # noqa: F401 (binds the submodule under the function's name)
    import sim.experiments.progress  # noqa: F401
    from sim.experiments import collect, compare, progress
    from sim.experiments.compare import compare_runs

    assert all(callable(f) for f in (collect, compare, progress, compare_runs))
    assert collect.__module__ == "sim.experiments.collect"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        import sim.experiments

        _ = sim.experiments.nothing


def validated(batch):
    seen = []
    hydra_hooks._validate_batch(lambda self, jobs: seen.extend(jobs), None, batch)
    return seen


@pytest.mark.parametrize("jobs", [2, 8])
def test_of_a_study_the_first_job_is_checked(jobs):
    batch = [["+experiment=sensitivity_morris", f"sensitivity.batch={k}"] for k in range(jobs)]
    assert validated(batch) == [batch[0]]


@pytest.mark.parametrize(
    "batch",
    [
        [[f"seed={k}"] for k in range(4)],
        [[f"sensitivity.batch={k}", f"seed={k}"] for k in range(4)],
        [["sensitivity.batch=0"], ["sensitivity.batch=1"], ["sensitivity.batch=2", "seed=1"]],
    ],
    ids=["another key", "two keys vary", "one job differs"],
)
def test_of_any_other_sweep_every_job_is_checked(batch):
    assert validated(batch) == batch


LAUNCHER = {  # hydra.launcher as configs/config.yaml composes it, with two workers
    "_target_": warm_start.JOBLIB,
    "n_jobs": 2,
    "backend": None,
    "prefer": "processes",
    "require": None,
    "verbose": 0,
    "timeout": None,
    "pre_dispatch": "2*n_jobs",
    "batch_size": "auto",
    "temp_folder": None,
    "max_nbytes": None,
    "mmap_mode": "r",
}


def test_workers_started_early_are_the_ones_the_launcher_uses():
    from hydra_plugins.hydra_joblib_launcher._core import process_joblib_cfg
    from joblib import Parallel, delayed
    from joblib.externals.loky import reusable_executor

    thread = warm_start.start(LAUNCHER, study=False)
    assert thread is not None
    thread.join(timeout=300)
    early = reusable_executor._executor
    settings = {k: v for k, v in LAUNCHER.items() if k != "_target_"} | {"backend": "loky"}
    process_joblib_cfg(settings)  # what the joblib launcher does with its config
    pids = Parallel(**settings)(delayed(os.getpid)() for _ in range(4))
    assert reusable_executor._executor is early
    assert set(pids) <= set(early._processes)


@pytest.mark.parametrize(
    "launcher",
    [LAUNCHER | {"n_jobs": 1}, LAUNCHER | {"_target_": "hydra_plugins.x.SlurmLauncher"}],
    ids=["one worker", "another launcher"],
)
def test_no_workers_are_started_where_the_launcher_starts_none(launcher):
    assert warm_start.start(launcher, study=False) is None
