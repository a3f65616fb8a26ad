"""Every bad input the project knows of, in one place (README "Bad input").

Each table row is an input a careless or hostile user could give and the one
line it must produce. The tables, in order: values of the config (checked in
process), scenario and experiment files (through the command, since Hydra
reads them), run and sweep folders, sweeps, data files, and the sweep tools.
Runs that go wrong in other ways have their own tests: a killed sweep
(test_sweeps_killed.py), random scenario files (test_bad_input_fuzz.py).
"""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import build_model
from tests.conftest import ROOT, compose_config

TINY = [
    "economy.n_firms=300",
    "years.start=2000",
    "years.end=2001",
    "years.burn_in=1",
    "output.plots=false",
]
EXAMPLES = ROOT / "sim" / "data" / "examples"
FROM_DATA = [
    "economy=from_data",
    f"data.path={EXAMPLES / 'example_eurostat_nama_10r_2x10e.csv'}",
    f"data.mapping={EXAMPLES / 'nace_mapping.yaml'}",
    "data.year=2008",
    "data.regions=[BE21,BE22,BE23,BE24]",
    "data.reference=EU27_2020",
    "years.start=2009",
    "years.end=2010",
    "years.burn_in=0",
]

# ---- 1. values of the config: (overrides, the one line starts with / contains) -----
VALUES = [
    (["economy.n_firms=inf"], "economy.n_firms = inf: must be an integer"),
    (["seed=inf"], "seed = inf: must be an integer"),
    (["years.start=inf"], "years.start = inf: must be an integer"),
    (["periods.length=inf"], "periods.length = inf: must be an integer"),
    (["years.start=nan"], "years.start = nan: must be an integer"),
    (["budget_scale=nan"], "budget_scale = nan: must be >= 0"),
    (["dynamics.demography.exit_size=nan"], "dynamics.demography.exit_size = nan"),
    (["seed=9223372036854775808"], "seed = 9223372036854775808: must be <= 9223372036854775807"),
    (["scenario=bottom_up", "budget_scale=1e308"], "budget_scale = 1e+308: with scenario.budget"),
    (["years.end=2999"], "exceed limits.simulated_years = 150"),
    (["economy.n_firms=2000000"], "economy.n_firms = 2,000,000: 1.6 jobs per firm"),
    (["scenario.name=x/../../../tmp/escaped"], "scenario.name = 'x/../../../tmp/escaped'"),
    (
        ["scenario=flanders_timeline", "+scenario.timeline.1900={selection: {rule: targeted}}"],
        "scenario.timeline.1900: before the first simulated year 1999",
    ),
    (["+hydra.callbacks.x={_target_: os.system}"], "hydra.callbacks.x._target_ = 'os.system'"),
    (["limits.sweep_runs=0"], "limits.sweep_runs = 0: must be >= 1"),
    ([*FROM_DATA, "data.path=/dev/zero"], "/dev/zero: cannot read the file: not a regular file"),
    ([*FROM_DATA, "data.mapping=/dev/zero"], "/dev/zero: cannot read the file: not a regular"),
    ([*FROM_DATA, "limits.data_bytes=1000"], "bytes exceed limits.data_bytes = 1,000"),
    ([*FROM_DATA, "limits.data_rows=5"], "line 7: more than limits.data_rows = 5 rows"),
    ([*FROM_DATA, "data.settle=-1"], "data.settle = -1: must be >= 0 and <= 100"),
    ([*FROM_DATA, "data.settle=1.5"], "data.settle = 1.5: must be an integer"),
    ([*FROM_DATA, "data.anchored=maybe"], "data.anchored = 'maybe': must be true or false"),
]


@pytest.mark.parametrize(("overrides", "expected"), VALUES, ids=[v[1][:40] for v in VALUES])
def test_a_bad_value_is_refused_in_one_line(overrides, expected):
    with pytest.raises(ValueError) as err:  # ConfigError and DataError are ValueErrors
        build_model(compose_config([*TINY, *overrides]))
    message = str(err.value)
    assert expected in message
    assert "\n" not in message


def test_a_timeline_entry_after_the_run_is_reported(caplog):
    build_model(compose_config([*TINY, "scenario=flanders_timeline"]))
    assert "scenario.timeline.2014: after years.end = 2001; it does not apply" in caplog.text


# ---- 2. scenario and experiment files: (file, its text, the one line contains) -------
CANARY = "/tmp/s3sim-canary-{tag}"
SCENARIO_FILES = [
    (  # a scenario kept outside the checkout is named by its own path
        "scenario/w.yaml",
        "defaults: [policy_base, _self_]\nname: w\ninstruments: {rd_grant: {share: 0.9}}\n",
        "scenario.instruments.*.share: add up to 1.7, not 1",
    ),
    (
        "scenario/w.yaml",
        "# @package _global_\ndefaults: [/scenario/policy_base@scenario, _self_]\n"
        "scenario: {name: w}\nhydra: {callbacks: {x: {_target_: pathlib.Path.write_text,\n"
        "  _args_: [{_target_: pathlib.Path, _args_: [CANARY]}, text]}}}\n",
        "'@package _global_' is not allowed in a scenario file",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, _self_]\nname: w\n"
        "hydra: {callbacks: {x: {_target_: builtins.open, _args_: [CANARY, w]}}}\n",
        "a scenario file may not set hydra.*",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, /hydra/callbacks@x: none, _self_]\nname: w\n",
        "a scenario file may only build on the groups scenario",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, {override /hydra/launcher: basic}, _self_]\nname: w\n",
        "'override' of 'hydra/launcher': only experiments may",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, _self_]\nname: w\n"
        "instruments: {rd_grant: {_target_: os.system, share: 0.2}}\n",
        "scenario/w.yaml: instruments.rd_grant._target_ = 'os.system': not an allowed class",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, _self_]\nname: w\ninstruments:\n  rd_grant:\n"
        "    co_financing: {_target_: subprocess.Popen, _args_: [[touch, CANARY]]}\n",
        "'subprocess.Popen': not an allowed class",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, _self_]\nname: w\nwhere: builtins.eval\n"
        "instruments: {rd_grant: {_target_: '${scenario.where}', share: 0.2}}\n",
        "_target_ = '${scenario.where}': not an allowed class",
    ),
    (
        "scenario/w.yaml",
        "defaults: [policy_base, _self_]\nname: w\n"
        + "".join(
            f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10) if i else 'lol'}]\n" for i in range(9)
        ),
        "YAML aliases expand to more than 100,000 values",
    ),
    (
        "scenario/w.yaml",
        "name: w\ndescription: " + "x" * 1_100_000 + "\n",
        "larger than 1,000,000 bytes",
    ),
    (
        "experiment/e.yaml",
        "# @package _global_\n"
        "hydra: {callbacks: {x: {_target_: os.system, _args_: [touch CANARY]}}}\n",
        "experiments may set only hydra.sweeper.params and hydra.launcher",
    ),
    (
        "experiment/e.yaml",
        "# @package _global_\nhydra:\n  job_logging:\n    handlers:\n"
        "      x: {'()': os.system, command: touch CANARY}\n",
        "experiments may set only hydra.sweeper.params and hydra.launcher",
    ),
    (
        "experiment/e.yaml",
        "# @package hydra\ncallbacks: {x: {_target_: os.system}}\n",
        "'@package hydra' is not allowed",
    ),
    (  # not YAML: the file, the problem and its line, not the parser's traceback
        "scenario/w.yaml",
        "name: w\ninstruments: {rd_grant: {share: 0.2}\n  budget: [\n",
        "not YAML (expected ',' or '}', but got '<scalar>' at line 3, column 3)",
    ),
    (
        "experiment/e.yaml",
        "# @package _global_\nseed: [1,\n",
        "not YAML (expected the node content, but found '<stream end>' at line 3, column 1)",
    ),
]


def s3sim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The s3sim command in ``cwd``; its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def one_line(proc: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused command (exit status 2)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(lines) == 1, proc.stderr[-2000:]
    return lines[0]


@pytest.mark.parametrize(("name", "text", "expected"), SCENARIO_FILES)
def test_a_config_file_is_data(tmp_path, name, text, expected):
    canary = Path(CANARY.format(tag=tmp_path.name))
    path = tmp_path / "mine" / name
    path.parent.mkdir(parents=True)
    path.write_text(text.replace("CANARY", str(canary)), encoding="utf-8")
    group, option = name.split("/")[0], Path(name).stem
    choice = f"scenario={option}" if group == "scenario" else f"+experiment={option}"
    proc = s3sim(*TINY, choice, f"hydra.searchpath=[file://{tmp_path / 'mine'}]", cwd=tmp_path)
    line = one_line(proc)
    assert line.startswith(f"s3sim: config error: {path}: "), line
    assert expected in line
    assert not canary.exists(), "a config file reached the machine"
    assert not (tmp_path / "outputs").exists(), "a refused run created a folder"


OTHERS_FILES = SCENARIO_FILES[1:4]  # refused while Hydra reads the file


@pytest.mark.parametrize("mode", ["run", "sweep"])
@pytest.mark.parametrize(("name", "text", "expected"), OTHERS_FILES)
def test_the_other_regions_scenario_is_data_too(tmp_path, mode, name, text, expected):
    canary = Path(CANARY.format(tag=tmp_path.name))
    path = tmp_path / "mine" / name
    path.parent.mkdir(parents=True)
    path.write_text(text.replace("CANARY", str(canary)), encoding="utf-8")
    others = ["policy_scope=focal", f"policy_others={Path(name).stem}"]
    sweep = ["-m", "seed=1,2"] if mode == "sweep" else []
    searchpath = f"hydra.searchpath=[file://{tmp_path / 'mine'}]"
    proc = s3sim(*sweep, *TINY, *others, searchpath, cwd=tmp_path)
    line = one_line(proc)
    assert line.startswith(f"s3sim: config error: {path}: "), line
    assert expected in line
    assert not canary.exists(), "a config file reached the machine"
    assert not (tmp_path / "outputs").exists(), "a refused run created a folder"
    assert not (tmp_path / "multirun").exists(), "a refused sweep created a folder"


# ---- 3. run folders --------------------------------------------------------------------
def _user_files(folder: Path) -> dict[Path, bytes]:
    files = {
        folder / "foo.parquet": b"mine",
        folder / "plots" / "my_figure.png": b"my figure",
        folder / "sub" / "deep" / ".draft.tmp": b"draft",
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def test_a_folder_of_the_users_is_refused_and_left_alone(tmp_path):
    files = _user_files(tmp_path / "dir")
    line = one_line(s3sim(*TINY, f"hydra.run.dir={tmp_path / 'dir'}", cwd=tmp_path))
    assert "holds files no s3sim run wrote" in line and "choose a new or empty folder" in line
    assert all(path.read_bytes() == data for path, data in files.items())
    assert not (tmp_path / "dir" / ".hydra").exists()


def test_running_again_removes_only_the_runs_own_files(tmp_path):
    run_dir = tmp_path / "dir"
    assert (
        s3sim(*TINY, "output.plots=true", f"hydra.run.dir={run_dir}", cwd=tmp_path).returncode == 0
    )
    files = _user_files(run_dir)  # added beside the run's own files, plots/ included
    again = s3sim(*TINY, "seed=7", f"hydra.run.dir={run_dir}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert all(path.read_bytes() == data for path, data in files.items())
    assert '"seed": 7' in (run_dir / "summary.json").read_text()
    assert not list((run_dir / "plots").glob("specialisation*")), "an old plot was kept"


def test_outputs_get_the_usual_file_mode(tmp_path):
    run_dir = tmp_path / "dir"
    assert (
        s3sim(*TINY, "output.plots=true", f"hydra.run.dir={run_dir}", cwd=tmp_path).returncode == 0
    )
    mask = os.umask(0)
    os.umask(mask)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in run_dir.rglob("*") if p.is_file()}
    assert modes["summary.json"] == modes["employment_by_group.png"] == 0o666 & ~mask


def test_a_resumed_run_rechecks_its_files(tmp_path):
    from sim.cli import run

    config = compose_config(TINY)
    run(config, tmp_path / "run")
    panel = tmp_path / "run" / "employment.parquet"
    first = panel.read_bytes()
    panel.write_bytes(first[:-10])  # damaged after it was marked complete
    run(config, tmp_path / "run")
    assert panel.read_bytes() == first


RUN_DIRS = [
    ("/proc/s3sim-test", "a system folder"),
    ("{tmp}/a_file", "is a file, not a folder"),
    ("{tmp}/a_file/below", "is a file, not a folder"),
]


@pytest.mark.parametrize(("run_dir", "expected"), RUN_DIRS)
def test_an_unusable_run_folder_is_refused(tmp_path, run_dir, expected):
    (tmp_path / "a_file").write_text("x")
    proc = s3sim(*TINY, f"hydra.run.dir={run_dir.format(tmp=tmp_path)}", cwd=tmp_path)
    assert expected in one_line(proc)


#: As root, the command runs without the capabilities that ignore file modes (setpriv,
#: util-linux), so a read-only folder is read-only for it too.
AS_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="root without setpriv may write into a read-only folder",
)
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    cmd = [*AS_USER, sys.executable, "-m", "sim.cli", *TINY, f"hydra.run.dir={folder / 'x'}"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert "is not writable" in one_line(proc)
    assert list(folder.iterdir()) == []


def test_a_full_disk_ends_in_one_line(tmp_path):
    # a file-size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC);
    # Hydra's own files (.hydra/, under 40 kB) fit, the run's plots do not
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            *TINY,
            "output.plots=true",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=limit,
    )
    assert one_line(proc).startswith("s3sim: cannot write the run's files: ")


@pytest.mark.parametrize("mode", ["run", "sweep"])
def test_a_disk_full_before_the_run_starts_ends_in_one_line(tmp_path, mode):
    # 600 bytes: Hydra's own first file (.hydra/config.yaml, or a sweep's multirun.yaml)
    # already fails, before any of the project's code writes
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))

    where = (
        [f"hydra.run.dir={tmp_path / 'run'}"]
        if mode == "run"
        else ["-m", "seed=1,2", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    )
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", *where, *TINY],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=limit,
    )
    assert one_line(proc) == "s3sim: cannot write the run's files: [Errno 27] File too large"
    if mode == "run":
        assert not (tmp_path / "run").exists(), "a run that never started left its folder"


def test_a_config_error_leaves_no_folder(tmp_path):
    line = one_line(s3sim("economy.n_firms=-5", cwd=tmp_path))
    assert line == "s3sim: config error: economy.n_firms = -5: must be >= 1"
    assert not (tmp_path / "outputs").exists()


# ---- 4. sweeps -------------------------------------------------------------------------
SWEEPS = [
    (["seed=0,1", "hydra.launcher.n_jobs=0"], "hydra.launcher.n_jobs = 0: must be a whole number"),
    (["seed=range(0,100000000)"], "sweep: 100,000,000 runs exceed limits.sweep_runs = 10,000"),
    (["scenario=no_policy,nosuch"], "nosuch"),
    # a study of no job would launch nothing and say nothing
    *(
        (
            [
                "+experiment=sensitivity_morris",
                "sensitivity.model=ishigami",
                f"sensitivity.batches={n}",
            ],
            f"s3sim: config error: sensitivity.batches = {n}: must be auto or a whole number >= 1",
        )
        for n in (0, -1)
    ),
    # a study's settings are checked before Hydra writes its folder, not in each job
    *(
        (["+experiment=sensitivity_morris", override], f"s3sim: config error: {expected}")
        for override, expected in [
            ("sensitivity.trajectories=0", "sensitivity.trajectories = 0: must be >= 1"),
            ("sensitivity.levels=3", "sensitivity.levels = 3: must be even"),
            ("sensitivity.names=[dummy,nope]", "sensitivity.names: nope not in sensitivity."),
            (
                "sensitivity.parameters=[{key: dynamics.nope, low: 0, high: 1, why: x},"
                "{key: dummy, low: 0, high: 1, why: y}]",
                "sensitivity.parameters: dynamics.nope: no such key in the config",
            ),
        ]
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), SWEEPS)
def test_a_bad_sweep_is_refused_before_it_starts(tmp_path, overrides, expected):
    proc = s3sim("-m", *TINY, *overrides, f"hydra.sweep.dir={tmp_path / 's'}", cwd=tmp_path)
    assert proc.returncode != 0
    assert expected in proc.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("modes", [["-m", "--cfg", "job"], ["--info", "-m"]])
def test_two_modes_on_the_command_line_are_refused_in_one_line(tmp_path, modes):
    line = one_line(s3sim(*modes, *TINY, cwd=tmp_path))
    assert line.startswith("s3sim: command line: Only one of --run, --multirun")
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_checks_every_scenario_file_it_will_run(tmp_path):
    mine = tmp_path / "mine" / "scenario"
    mine.mkdir(parents=True)
    (mine / "w.yaml").write_text(SCENARIO_FILES[1][1].replace("CANARY", str(tmp_path / "c")))
    proc = s3sim(
        "-m",
        *TINY,
        "scenario=no_policy,w",
        f"hydra.searchpath=[file://{tmp_path / 'mine'}]",
        f"hydra.sweep.dir={tmp_path / 's'}",
        cwd=tmp_path,
    )
    assert "'@package _global_' is not allowed" in one_line(proc)
    assert not (tmp_path / "s").exists() and not (tmp_path / "c").exists()


# ---- 5. the sweep tools ----------------------------------------------------------------
def _sweep(tmp_path: Path) -> Path:
    from tests.fake_sweep import make_sweep

    return make_sweep(tmp_path / "sweep", seeds=(0, 1, 2))


def _tool(name: str, argv: list[str], capsys) -> tuple[int, str]:
    entry_points = {
        "collect": ("sim.experiments.commands", "collect_main"),
        "compare": ("sim.experiments.commands", "compare_main"),
        "report": ("sim.experiments.commands", "report_main"),
        "validate": ("sim.validation.command", "main"),
    }
    module, function = entry_points[name]
    try:
        status = getattr(importlib.import_module(module), function)(argv)
    except SystemExit as exc:  # argparse
        status = exc.code
    return status, capsys.readouterr().err


TOOLS = [
    ("compare", ["--confidence", "1.5"], "1.5 must be strictly between 0 and 1"),
    ("compare", ["--confidence", "nan"], "nan must be strictly between 0 and 1"),
    ("compare", ["--n-resamples", "1000000000"], "outside 999..100,000 (fewer resamples"),
    ("compare", ["--n-resamples", "1"], "1 is outside 999..100,000"),
    ("report", ["--n-resamples", "1e9"], "'1e9' is not a whole number"),
    ("compare", ["--indicators", "nosuch"], "nothing to compare (indicators: nosuch"),
    ("compare", ["--indicators", "seed"], "seed skipped: it names the runs, it is no indicator"),
    ("compare", ["--indicators", "run_dir"], "run_dir skipped: it names the runs"),
    ("compare", ["--seed", "-1"], "argument --seed: '-1' is not a whole number >= 0"),
    ("compare", ["--baseline", "targeted", "--indicators", "x"], "nothing to compare"),
]


@pytest.mark.parametrize(("tool", "args", "expected"), TOOLS)
def test_a_bad_option_of_a_tool_is_one_line(tmp_path, capsys, tool, args, expected):
    sweep = _sweep(tmp_path)
    assert _tool("compare", [str(sweep), "--n-resamples", "999"], capsys)[0] == 0
    before = (sweep / "comparison.csv").read_bytes()
    status, err = _tool(tool, [str(sweep), *args], capsys)
    assert status == 2
    assert expected in err
    assert len([line for line in err.splitlines() if "error" in line]) == 1
    assert (sweep / "comparison.csv").read_bytes() == before


def _break_summary(run: Path, key: str, value) -> None:
    import json

    summary = json.loads((run / "summary.json").read_text())
    if key == "seed":
        summary["seed"] = value
    else:
        summary["indicators"][key] = value
    (run / "summary.json").write_text(json.dumps(summary))


BROKEN_RUNS = [
    ("seed", 2**64, "seed 18446744073709551616 is outside 0..2^63-1"),
    ("employment_total", "many", "indicators.employment_total = 'many': not a number"),
    ("panel", None, "lacks the columns year"),
]


@pytest.mark.parametrize(("what", "value", "expected"), BROKEN_RUNS)
@pytest.mark.parametrize("tool", ["collect", "compare", "report"])
def test_a_broken_run_is_named_by_the_tools(tmp_path, capsys, what, value, expected, tool):
    import pandas as pd

    sweep = _sweep(tmp_path)
    if what == "panel":
        frame = pd.read_parquet(sweep / "1" / "employment.parquet")
        frame.drop(columns=["year"]).to_parquet(sweep / "1" / "employment.parquet")
    else:
        _break_summary(sweep / "1", what, value)
    status, err = _tool(tool, [str(sweep)], capsys)
    out = capsys.readouterr()
    assert status in (0, 2), err
    assert "Traceback" not in err
    from sim.experiments.collect import collect

    result = collect(sweep)
    reasons = [reason for _, reason in result.skipped]
    assert any(expected in reason for reason in reasons), (reasons, out)


def test_validate_refuses_an_unfinished_run(tmp_path, capsys):
    from sim.cli import run

    run_dir = run(compose_config([*TINY, "output.firm_panel=true"]), tmp_path / "run")
    (run_dir / "_COMPLETE").unlink()
    status, err = _tool("validate", [str(run_dir)], capsys)
    assert status == 2
    assert "not a finished run (no _COMPLETE)" in err


def test_a_study_and_a_sweep_keep_to_their_own_folders(tmp_path):
    study = ["+experiment=sensitivity_morris", "sensitivity.model=ishigami"]
    sweep, other = tmp_path / "sweep", tmp_path / "study"
    assert s3sim("-m", *TINY, "seed=0", f"hydra.sweep.dir={sweep}", cwd=tmp_path).returncode == 0
    assert s3sim("-m", *study, f"hydra.sweep.dir={other}", cwd=tmp_path).returncode == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    line = one_line(s3sim("-m", *study, f"hydra.sweep.dir={sweep}", cwd=tmp_path))
    assert line == (
        f"s3sim: config error: hydra.sweep.dir = {sweep}: holds the runs of a sweep, not a "
        "study; use a new sweep directory (nothing was changed)"
    )
    line = one_line(s3sim("-m", *TINY, "seed=0", f"hydra.sweep.dir={other}", cwd=tmp_path))
    assert line == (
        f"s3sim: config error: hydra.sweep.dir = {other}: holds a sensitivity study, not a "
        "sweep's runs; use a new sweep directory (nothing was changed)"
    )
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_sweep_of_the_baseline_alone_or_a_study_is_named_as_such(tmp_path, capsys):
    from tests.fake_sweep import make_sweep

    alone = make_sweep(tmp_path / "alone", scenarios=("no_policy",), seeds=(0, 1))
    status, err = _tool("compare", [str(alone)], capsys)
    assert status == 2
    assert "only the baseline scenario 'no_policy' is in the sweep: nothing to compare" in err
    study = tmp_path / "study"
    (study / "0").mkdir(parents=True)
    (study / "0" / "study.json").write_text("{}")
    status, err = _tool("compare", [str(study)], capsys)
    assert status == 2 and "holds a sensitivity study, not a sweep's runs" in err
    status, err = _tool("compare", [str(study / "0" / "study.json")], capsys)
    assert status == 2 and "study.json: not a directory" in err
