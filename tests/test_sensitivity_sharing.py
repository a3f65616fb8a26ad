"""A study's jobs share the sample points out as they go (sim.experiments.sensitivity.claims).

Jobs run here as threads on the Ishigami test function, so that many points are claimed
at once by two jobs; the end-to-end study through the joblib launcher, killed and resumed,
is in tests/test_sensitivity.py.
"""

from __future__ import annotations

import math
import os
import threading
import time

import pytest
from hydra import compose, initialize_config_dir

from sim.config.paths import config_dir
from sim.config.study_jobs import BASIC, workers
from sim.errors import ConfigError
from sim.experiments.sensitivity import evaluate
from sim.experiments.sensitivity.analysis import load_study
from sim.experiments.sensitivity.batch import POINTS, read_points, run_batch
from sim.experiments.sensitivity.claims import CLAIMS, PointClaims
from sim.experiments.sensitivity.design import sample
from sim.experiments.sensitivity.study import read_study


def ishigami_study(base_sample: int, batches: object = "auto") -> dict:
    return {
        "sensitivity": {
            "method": "sobol",
            "model": "ishigami",
            "base_sample": base_sample,
            "batches": batches,
            "baseline": None,
            "policy": None,
            "reference": None,
            "parameters": [
                {"key": f"x{i}", "low": -math.pi, "high": math.pi, "why": "Ishigami"}
                for i in (1, 2, 3)
            ],
        }
    }


def launch(sweep_dir, stamp_ns: int) -> None:
    """What Hydra's sweeper does as a study command starts: (re)write multirun.yaml."""
    sweep_dir.mkdir(parents=True, exist_ok=True)
    (sweep_dir / "multirun.yaml").write_text("hydra: {}\n")
    os.utime(sweep_dir / "multirun.yaml", ns=(stamp_ns, stamp_ns))


def run_jobs(config: dict, sweep_dir, jobs: int) -> dict[int, float]:
    """``jobs`` jobs of one launch at the same time (threads), as a launcher's workers run them.

    Returns:
        When each job ended (``time.perf_counter``).
    """
    errors, ended = [], {}
    sample(read_study(config))  # SALib's imports, before the jobs start together

    def job(k: int) -> None:
        try:
            run_batch(config, sweep_dir / str(k))
            ended[k] = time.perf_counter()
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=job, args=(k,)) for k in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return ended


def rows_by_job(sweep_dir) -> dict[str, list[int]]:
    return {p.parent.name: sorted(read_points(p)) for p in sweep_dir.glob(f"*/{POINTS}")}


def test_a_point_is_claimed_once_per_launch_and_again_after_a_kill(tmp_path):
    launch(tmp_path, 1_000)
    first, second = PointClaims(tmp_path), PointClaims(tmp_path)
    assert first.claim(3) and not second.claim(3) and second.claim(4)
    launch(tmp_path, 2_000)  # the study command started again: the earlier launch is gone
    again = PointClaims(tmp_path)
    assert again.claim(3) and again.claim(4) and not PointClaims(tmp_path).claim(3)
    assert [p.name for p in (tmp_path / CLAIMS).iterdir()] == [again.launch]


def test_a_job_outside_a_sweep_shares_with_nobody(tmp_path):
    claims = PointClaims(tmp_path)  # no multirun.yaml
    assert claims.claim(0) and claims.claim(0)
    assert not (tmp_path / CLAIMS).exists()


def test_jobs_share_the_points_each_exactly_once_with_the_same_values(tmp_path):
    config = ishigami_study(512)  # 2,560 points
    alone = tmp_path / "alone"
    run_batch(config, alone / "0")
    shared = tmp_path / "shared"
    launch(shared, 1_000)
    run_jobs(config, shared, 3)
    rows = rows_by_job(shared)
    everything = sorted(r for job in rows.values() for r in job)
    assert everything == list(range(512 * 5))  # no point twice, none missing
    assert sum(1 for job in rows.values() if job) >= 2  # the jobs did share
    assert load_study(shared).y.equals(load_study(alone).y)


def test_uneven_points_still_finish_together(tmp_path, monkeypatch):
    """The last half of the points cost 40 ms each, the first nothing: two jobs that each took
    a fixed half would end 1.6 s apart; sharing the points out, they end together."""
    config = ishigami_study(16)  # 80 points
    row = {tuple(x): r for r, x in enumerate(sample(read_study(config)))}
    exact = evaluate.ishigami

    def uneven(x):
        if row[tuple(x)] >= 40:
            time.sleep(0.04)
        return exact(x)

    monkeypatch.setattr(evaluate, "ishigami", uneven)
    launch(tmp_path, 1_000)
    ended = run_jobs(config, tmp_path, 2)
    rows = rows_by_job(tmp_path)
    assert len(rows["0"]) + len(rows["1"]) == 80 and rows["0"] and rows["1"]
    # the first to end found nothing left to claim, so the other was finishing its last
    # point; 0.1 s leaves room for the threads' scheduling on a busy machine
    assert abs(ended[0] - ended[1]) < 0.04 + 0.1


def test_a_job_refuses_a_sweep_directory_of_another_study(tmp_path):
    run_batch(ishigami_study(4), tmp_path / "0")
    other = ishigami_study(8)
    with pytest.raises(ConfigError, match=r"0: holds points of another study"):
        run_batch(other, tmp_path / "1")


def test_batches_auto_is_one_job_per_worker():
    assert workers({"_target_": "joblib", "n_jobs": 3}) == 3
    assert workers({"_target_": "joblib", "n_jobs": -1}) == os.cpu_count()
    assert workers({"_target_": BASIC}) == 1
    assert workers({"array_parallelism": 32}) == 32
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        for n in (1, 3):
            cfg = compose(
                config_name="config",
                overrides=["+experiment=sensitivity_morris", f"hydra.launcher.n_jobs={n}"],
                return_hydra_config=True,
            )
            assert cfg.hydra.sweeper.params["sensitivity.batch"] == f"range(0,{n})"
        cfg = compose(
            config_name="config",
            overrides=["+experiment=sensitivity_sobol", "sensitivity.batches=5"],
            return_hydra_config=True,
        )
        assert cfg.hydra.sweeper.params["sensitivity.batch"] == "range(0,5)"
    with pytest.raises(ConfigError, match="sensitivity.batches = 'many': must be auto or a"):
        read_study(ishigami_study(4, batches="many"))
    with pytest.raises(ConfigError, match="sensitivity.batches = 0: must be auto or a"):
        read_study(ishigami_study(4, batches=0))
