"""Sensitivity studies end to end: SALib samples, batches through the Hydra launcher, indices.

The Morris study runs as users run it (``s3sim -m +experiment=sensitivity_morris`` with the
joblib launcher on 2 workers), on a tiny economy with three parameters and a dummy that the
model never reads. The Sobol' pipeline is checked on the Ishigami-Homma function, whose
indices are known (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, 4.5).
"""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest

from sim.cli import build_model
from sim.errors import ConfigError
from sim.experiments.sensitivity.analysis import analyse, load_study
from sim.experiments.sensitivity.batch import POINTS, compose_scenario, read_points, run_batch
from sim.experiments.sensitivity.evaluate import PointEvaluator, set_key, with_values
from sim.experiments.sensitivity.study import read_study
from tests.test_sweeps_support import JOBLIB, run_command, script

PARAMETERS = [
    "dynamics.demography.entry_rate",
    "dynamics.competition.selection",
    "dynamics.demography.exit_size",
    "dummy",
]
TINY = ["economy.n_firms=400", "years.start=2000", "years.end=2006", "years.burn_in=2"]


def morris_command(sweep_dir, *extra, batches=3):
    return [
        script("s3sim"),
        "-m",
        "+experiment=sensitivity_morris",
        f"sensitivity.names=[{','.join(PARAMETERS)}]",
        "sensitivity.trajectories=6",
        f"sensitivity.batches={batches}",
        *TINY,
        *JOBLIB,
        "hydra.launcher.n_jobs=2",
        f"hydra.sweep.dir={sweep_dir}",
        *extra,
    ]


@pytest.fixture(scope="module")
def morris_study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("morris")
    sweep_dir = tmp / "study"
    run_command(morris_command(sweep_dir), tmp)
    return sweep_dir, tmp


@pytest.mark.slow
def test_morris_ranks_the_dummy_last(morris_study):
    sweep_dir, _ = morris_study
    results = load_study(sweep_dir)
    assert not results.missing and len(results.x) == 6 * (len(PARAMETERS) + 1)
    table, _ = analyse(results)
    mu = table[table["index"] == "mu_star"]
    outputs = set(mu["output"])
    assert {"effect.total_jobs", "effect.spearhead_jobs", "baseline.entry_rate"} <= outputs
    for output, part in mu.groupby("output"):
        part = part.set_index("parameter")
        assert part.at["dummy", "rank"] == len(PARAMETERS), output
        assert part.at["dummy", "value"] == 0.0, output  # common random numbers: no effect
        real = part.drop(index="dummy")
        if output == "baseline.relatedness_gain_ratio":
            # a ratio of counts of region-sectors gaining an advantage: with firm-keyed
            # draws a small parameter step can leave every count, hence the ratio,
            # exactly unchanged, so a real parameter may have no effect on it here
            assert (real["value"] >= 0).all() and (real["value"] > 0).any(), output
        else:
            assert (real["value"] > 0).all(), output


@pytest.mark.slow
def test_morris_report_states_size_intervals_and_warnings(morris_study):
    sweep_dir, tmp = morris_study
    out = tmp / "report"
    done = run_command([script("s3sim-sensitivity"), str(sweep_dir), "--out", str(out)], tmp)
    assert "sensitivity.html" in done.output
    text = (out / "sensitivity.md").read_text(encoding="utf-8")
    assert "6 trajectories on 4 levels: 4 parameters, 30 sample points, 90 model runs" in text
    assert "| rank | parameter | kind | mu_star | sigma | separated from next |" in text
    assert " ± " in text  # every index with its interval
    csv = pd.read_csv(out / "sensitivity.csv")
    mu = csv[csv["index"] == "mu_star"]  # sigma has no interval in SALib's Morris
    assert mu["conf"].notna().all()
    assert (mu["high"] >= mu["value"]).all() and (mu["low"] <= mu["value"]).all()
    assert (out / "sensitivity_effect_total_jobs.png").stat().st_size > 0
    # six trajectories cannot separate four parameters in every output
    assert "WARNING:" in text and "intervals too wide to rank" in text
    # s3sim-report recognises a study and writes the same report
    run_command([script("s3sim-report"), str(sweep_dir), "--out", str(tmp / "via_report")], tmp)
    assert (tmp / "via_report" / "sensitivity.md").read_text(encoding="utf-8") == text


def journalled_rows(sweep_dir):
    """The rows of every job's journal, each as often as it was journalled."""
    return sorted(r for job in sweep_dir.glob(f"*/{POINTS}") for r in read_points(job))


@pytest.mark.slow
def test_killed_study_resumes_where_it_stopped(morris_study, tmp_path):
    sweep_dir, _ = morris_study
    full = load_study(sweep_dir)
    assert journalled_rows(sweep_dir) == list(range(len(full.x)))  # each point exactly once
    # a copy of the study whose busiest job was killed mid-line, two points after it had
    # claimed them: the claims of the killed launch stay behind
    copy = tmp_path / "study"
    for batch in sorted(p for p in sweep_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        target = copy / batch.name
        target.mkdir(parents=True)
        for name in ("study.json", POINTS, "_COMPLETE"):
            (target / name).write_bytes((batch / name).read_bytes())
    killed = max(copy.iterdir(), key=lambda job: len(read_points(job / POINTS)))
    (killed / "_COMPLETE").unlink()
    lines = (killed / POINTS).read_text(encoding="utf-8").splitlines()
    lost = [json.loads(line)["row"] for line in lines[-2:]]
    (killed / POINTS).write_text("\n".join(lines[:-2]) + "\n" + lines[-2][:40], encoding="utf-8")
    stale = copy / ".claims" / "launch-1"
    stale.mkdir(parents=True)
    for row in lost:
        (stale / str(row)).touch()
    assert sorted(load_study(copy).missing) == sorted(lost)
    # resumed with another number of jobs: one per worker
    run_command(morris_command(copy, batches="auto"), tmp_path)
    resumed = load_study(copy)
    assert not resumed.missing
    assert journalled_rows(copy) == list(range(len(full.x)))  # finished points not rerun
    assert not stale.exists()
    pd.testing.assert_frame_equal(resumed.y, full.y)  # same seed, same values, bit for bit


@pytest.mark.slow
def test_a_study_resumed_with_other_settings_is_refused_before_anything_is_written(
    morris_study, tmp_path
):
    sweep_dir, _ = morris_study
    copy = tmp_path / "study"
    shutil.copytree(sweep_dir, copy)
    files = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    refused = run_command(morris_command(copy, "years.end=2007"), tmp_path, check=False)
    assert refused.returncode != 0
    assert (
        f"s3sim: config error: {copy / '0'}: holds points of another study (it differs in the "
        "config of its runs: calendar, economy, scenarios or more); resume with the same "
        "settings or use a new sweep directory"
    ) in refused.output
    assert "Traceback" not in refused.output
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == files
    # the same settings: a resume, with nothing left to run
    run_command(morris_command(copy), tmp_path)
    pd.testing.assert_frame_equal(load_study(copy).y, load_study(sweep_dir).y)


def test_sobol_indices_of_ishigami_match_the_known_values(tmp_path):
    """S1 and ST of f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on [-pi, pi]^3."""
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * math.pi**8 / 225
    v = v1 + v2 + v13
    known = {"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]}
    config = {
        "sensitivity": {
            "method": "sobol",
            "model": "ishigami",
            "base_sample": 4096,
            "batches": 4,
            "baseline": None,
            "policy": None,
            "reference": None,
            "parameters": [
                {"key": f"x{i}", "low": -math.pi, "high": math.pi, "why": "Ishigami"}
                for i in (1, 2, 3)
            ],
        }
    }
    for batch in range(4):
        config["sensitivity"]["batch"] = batch
        run_batch(config, tmp_path / str(batch))
    table, warnings = analyse(load_study(tmp_path))
    assert not warnings
    for index, values in known.items():
        part = table[table["index"] == index].set_index("parameter")
        for i, expected in enumerate(values):
            row = part.loc[f"x{i + 1}"]
            assert row["low"] <= expected <= row["high"], (index, i, row.to_dict(), expected)
            assert row["conf"] < 0.05  # narrow enough to separate the three parameters


def test_bad_study_stops_with_one_line():
    a, b = ({"key": k, "low": 0, "high": 1, "why": "a test"} for k in "ab")
    base = {"parameters": [a, b]}
    with pytest.raises(ConfigError, match=r"sensitivity.names: c not in sensitivity.parameters"):
        read_study({"sensitivity": base | {"names": ["a", "c"]}})
    with pytest.raises(ConfigError, match=r"sensitivity.parameters\[1\] \(b\): low = 2.0"):
        bad = {"parameters": [base["parameters"][0], {"key": "b", "low": 2, "high": 1}]}
        read_study({"sensitivity": bad})
    with pytest.raises(ConfigError, match=r"sensitivity.levels = 5: must be even"):
        read_study({"sensitivity": base | {"levels": 5}})
    assert read_study({"sensitivity": base | {"method": "sobol", "levels": 5}})  # not read
    with pytest.raises(ConfigError, match="sensitivity.method = 'fast'"):
        read_study({"sensitivity": base | {"method": "fast"}})
    for change, message in [
        ({"why": ""}, r"\[1\] \(b\): no reason for the range"),
        ({"why": "  "}, r"\[1\] \(b\): no reason for the range"),
        ({"kind": "bogus"}, r"\[1\] \(b\): kind = 'bogus': must be one of"),
        ({"high": math.inf}, r"\[1\] \(b\): low = 0.0 and high = inf must be finite"),
        ({"low": -math.inf}, r"\[1\] \(b\): low = -inf and high = 1.0 must be finite"),
    ]:
        with pytest.raises(ConfigError, match=r"^sensitivity.parameters" + message):
            read_study({"sensitivity": {"parameters": [a, b | change]}})
    without_reason = {k: v for k, v in b.items() if k != "why"}
    with pytest.raises(ConfigError, match=r"\[1\] \(b\): no reason for the range"):
        read_study({"sensitivity": {"parameters": [a, without_reason]}})
    with pytest.raises(ConfigError, match="all null, the study would measure nothing"):
        read_study({"sensitivity": base | dict.fromkeys(("baseline", "policy", "reference"))})
    with pytest.raises(ConfigError, match="2 parameters; the ishigami function takes"):
        read_study({"sensitivity": base | {"model": "ishigami"}})
    with pytest.raises(ConfigError, match=r"sensitivity.trajectories = 5,000,000: 15,000,000 "):
        read_study({"sensitivity": base | {"trajectories": 5_000_000}})
    with pytest.raises(ConfigError, match=r"sensitivity.base_sample = 2,500,001: 10,000,004 "):
        read_study({"sensitivity": base | {"method": "sobol", "base_sample": 2_500_001}})
    assert read_study({"sensitivity": base | {"method": "sobol", "base_sample": 2_500_000}})
    config = {"dynamics": {"innovation": {"cost": [0.1, 0.2]}}}
    assert set_key(config, "dynamics.innovation.cost.1", 0.5)
    assert config["dynamics"]["innovation"]["cost"] == [0.1, 0.5]
    with pytest.raises(ConfigError, match="dynamics.innovation.costs: no such key"):
        set_key(config, "dynamics.innovation.costs", 0.5)
    assert not set_key(config, "scenario.selection.spearheads", 2, optional=True)


def test_every_range_names_a_key_of_the_config():
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.config.paths import config_dir

    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose(config_name="config", overrides=["+experiment=sensitivity_morris"])
        config = OmegaConf.to_container(cfg, resolve=True)
        study = read_study(config)
        base = {k: v for k, v in config.items() if k != "sensitivity"}
        scenarios = {name: compose_scenario(base, name) for name in study.scenarios}
    PointEvaluator(study, scenarios)  # raises ConfigError naming a key no config has
    assert len(study.varied) >= 60
    # every range lies inside what the config accepts: all parameters at their lows, then highs
    for end in ("low", "high"):
        x = [getattr(p, end) for p in study.varied]
        for scenario in scenarios.values():
            config = with_values(scenario, study.varied, x)
            config["economy"]["n_firms"] = 200
            build_model(config)
