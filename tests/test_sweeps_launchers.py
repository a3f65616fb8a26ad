"""The same sweep through other Hydra launchers: submitit (local) and Ray (local instance).

Each launcher must end with complete run directories whose results equal those of the
same runs launched with joblib (the shared reference sweep).

The root config sets no joblib-only launcher option, so another launcher chosen on the
command line composes cleanly.
"""

from __future__ import annotations

import pytest

from tests.test_sweeps_support import (
    TINY,
    assert_parquet_files_read,
    assert_same_results,
    complete_dirs,
    reference_sweep,
    run_dirs,
    runs_by_key,
    sweep,
    tmp_files,
)

RUNS = ["scenario=no_policy,targeted", "seed=2"]
LAUNCHERS = {
    "submitit_local": ["hydra/launcher=submitit_local"],
    "ray": [
        "hydra/launcher=ray",
        "+hydra.launcher.ray.init.num_cpus=2",
        "+hydra.launcher.ray.init.include_dashboard=false",
    ],
}


@pytest.fixture(scope="module")
def joblib_runs(tmp_path_factory):
    """Runs of the joblib reference sweep by (scenario, seed)."""
    return runs_by_key(reference_sweep(tmp_path_factory, n_jobs=2)[0])


def check_launcher(launcher, tmp_path, joblib_runs, config_path=None):
    sweep_dir = tmp_path / "sweep"
    done = sweep(sweep_dir, *RUNS, *TINY, *LAUNCHERS[launcher], config_path=config_path)
    dirs = run_dirs(sweep_dir)
    assert len(dirs) == 2 and complete_dirs(sweep_dir) == dirs, done.describe()
    assert tmp_files(sweep_dir) == []
    assert assert_parquet_files_read(sweep_dir) >= 10
    got = runs_by_key(sweep_dir)
    assert sorted(got) == [("no_policy", 2), ("targeted", 2)]
    assert_same_results(got, {key: joblib_runs[key] for key in got})


@pytest.mark.slow
@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_launcher_matches_joblib(launcher, tmp_path, joblib_runs):
    check_launcher(launcher, tmp_path, joblib_runs)
