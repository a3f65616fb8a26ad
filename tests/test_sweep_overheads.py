"""What a sweep's serial part is made of stays small: imports, parsing, composition checks.

The speed itself is measured by experiments/sweep_benchmark.py; these tests check that
the savings keep their meaning: a config file parsed once still gives fresh, equal configs
and sees its changes; the main process of a sweep does not import the model; of a study's
jobs Hydra checks one per worker, of any other sweep every job; the first job of each
worker takes the config the check composed, equal to the one it would compose; the workers
started early are the ones the joblib launcher then uses, do not parse again what the main
process parsed, and, for a multirun on joblib's workers, are forks of a server that
imported the model, started by the command before it imports Hydra.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import yaml
from omegaconf import OmegaConf

from sim.config import hydra_hooks, parse_once
from sim.experiments import orphans, warm_start


def python(code: str) -> str:
    """The standard output of ``python -c code`` in a fresh interpreter (which must succeed)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


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


def test_texts_parsed_by_the_main_process_are_not_parsed_again_in_a_worker(tmp_path, parses):
    hydra_hooks.install()
    path = tmp_path / "study.yaml"
    text = f"# {path}\nsensitivity: {{trajectories: 4, names: [a, b]}}\n"
    path.write_text(text)
    # what parse_once.texts() of the main process holds
    handed = {text: {"sensitivity": {"trajectories": 4, "names": ["a", "b"]}}}
    parse_once.adopt(handed)
    loaded = load(path)
    assert parses == []
    assert OmegaConf.to_container(loaded) == {
        "sensitivity": {"trajectories": 4, "names": ["a", "b"]}
    }
    loaded.sensitivity.names.append("c")  # a config built from adopted values is its own
    assert handed[text]["sensitivity"]["names"] == ["a", "b"]
    assert text in parse_once.texts()


def test_adopted_texts_keep_the_memo_bounded(monkeypatch):
    monkeypatch.setattr(parse_once, "_PARSED", parse_once.OrderedDict())
    parse_once.adopt({f"k: {i}\n": {"k": i} for i in range(parse_once.MAX_TEXTS + 10)})
    assert len(parse_once.texts()) == parse_once.MAX_TEXTS


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
    assert python(code).strip() == "[]"


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
    assert python(code).split() == ["False", "True"]


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


@pytest.mark.parametrize(
    ("jobs", "workers", "checked"), [(2, 0, 1), (8, 0, 1), (8, 2, 2), (2, 4, 2)]
)
def test_of_a_study_the_first_job_of_each_worker_is_checked(monkeypatch, jobs, workers, checked):
    from sim.config import precomposed

    monkeypatch.setitem(precomposed.LIMIT, "jobs", workers)
    batch = [["+experiment=sensitivity_morris", f"sensitivity.batch={k}"] for k in range(jobs)]
    assert validated(batch) == batch[:checked]


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


def server_started(monkeypatch, argv, method=None, calls=None):
    """Whether start_server(argv) starts the fork server (nothing is started here).

    ``calls``: a list that receives the modules to preload, "running" when the server
    would start, and "stopped" when it would be stopped again.
    """
    import multiprocessing
    from multiprocessing import forkserver

    from joblib.externals.loky.backend import context

    calls = [] if calls is None else calls
    monkeypatch.setattr(context, "_DEFAULT_START_METHOD", method)
    monkeypatch.setattr(multiprocessing, "set_forkserver_preload", calls.append)
    monkeypatch.setattr(forkserver, "ensure_running", lambda: calls.append("running"))
    monkeypatch.setattr(forkserver._forkserver, "_stop", lambda: calls.append("stopped"))
    monkeypatch.delenv(orphans.MAIN, raising=False)
    started = warm_start.start_server(argv)
    assert started == (calls[1:] == ["running"])
    assert calls[1:] in ([], ["running"], ["running", "stopped"])
    if started:
        assert calls[0][0] == warm_start.SERVER_FIRST and calls[0][-1] == warm_start.SERVER_READY
        assert "sim.config.assemble" in calls[0]
        assert context._DEFAULT_START_METHOD == "forkserver"
        assert os.environ[orphans.MAIN].endswith(f":{os.getpid()}")
    return started


@pytest.mark.parametrize(
    "argv",
    [["-m", "seed=0,1"], ["--multirun", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]],
)
def test_a_multirun_on_joblib_starts_the_fork_server(monkeypatch, argv):
    assert server_started(monkeypatch, argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["seed=0"],
        ["-m", "seed=0,1", "hydra/launcher=submitit_local"],
        ["-m", "seed=0,1", "hydra.launcher.n_jobs=1"],
        ["-m", "seed=0,1", "++hydra.launcher.n_jobs=1"],
        ["-m", "--no-such-flag"],
        ["-m", "seed=0,1", "--config-name"],
    ],
    ids=[
        "single run",
        "another launcher",
        "one worker",
        "one worker (++)",
        "unknown flag",
        "missing value",
    ],
)
def test_no_fork_server_where_no_loky_worker_will_start(monkeypatch, capsys, argv):
    assert not server_started(monkeypatch, argv)
    assert capsys.readouterr().err == ""  # Hydra itself reports a malformed command line


def test_no_fork_server_on_one_cpu(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not server_started(monkeypatch, ["-m", "seed=0,1"])


def test_a_server_started_for_one_cpu_by_joblib_s_count_is_stopped(monkeypatch):
    from joblib.externals import loky

    calls = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(loky, "cpu_count", lambda: 1)  # a cgroup quota of one CPU
    assert not server_started(monkeypatch, ["-m", "seed=0,1"], calls=calls)
    assert calls[1:] == ["running", "stopped"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["-m", "seed=0,1", "++hydra.launcher.n_jobs= 2"],
            {"seed": "0,1", "hydra.launcher.n_jobs": "2"},
        ),
        (["--config-name", "config", "--multirun", "x=1"], {"x": "1"}),
        (["-cn=config", "-m"], {}),
        (["--config-dir=here", "-m", "~seed"], {"seed": ""}),
        (["seed=0,1"], None),
        (["-m", "--cfg", "job"], None),
        (["-m", "-cp"], None),
        (["-m", "-cp", "-m"], None),
        (["-m", "--config-name="], None),
    ],
)
def test_the_command_line_of_a_multirun_is_read_without_hydra(argv, expected):
    assert warm_start.multirun_overrides(argv) == expected


def test_the_command_starts_the_fork_server_before_it_imports_hydra():
    code = (
        "import multiprocessing, sys, types\n"
        "from multiprocessing import forkserver\n"
        "seen = []\n"
        "multiprocessing.set_forkserver_preload = lambda modules: None\n"
        "def running():\n"
        "    seen.append(('hydra' in sys.modules, 'omegaconf' in sys.modules))\n"
        "forkserver.ensure_running = running\n"
        "cli = types.ModuleType('sim.cli')\n"
        "cli.main = lambda: seen.append(sys.argv[1:])\n"
        "sys.modules['sim.cli'] = cli\n"
        "sys.argv = ['s3sim', '-m', 'seed=0,1']\n"
        "from sim.entry import main\n"
        "main()\n"
        "print(seen)\n"
    )
    assert python(code).strip() == "[(False, False), ['-m', 'seed=0,1']]"


def test_starting_the_server_again_starts_nothing(monkeypatch):
    assert server_started(monkeypatch, ["-m", "seed=0,1"], method="forkserver") is False


def test_a_start_method_chosen_before_is_kept(monkeypatch):
    assert not server_started(monkeypatch, ["-m", "seed=0,1"], method="spawn")


def test_workers_forked_from_the_server_start_with_the_model_imported():
    code = (
        "import gc, os, sys\n"
        "from joblib import Parallel, delayed\n"
        "from sim.experiments.warm_start import start_server\n"
        "assert start_server(['-m', 'seed=0,1'])\n"
        "def probe():\n"
        "    names = ('sim.config.assemble', 'sim.experiments.sensitivity.batch')\n"
        "    imported = all(name in sys.modules for name in names)\n"
        "    return os.getppid(), imported, gc.get_freeze_count() > 0\n"
        "jobs = Parallel(n_jobs=2, backend='loky')(delayed(probe)() for _ in range(4))\n"
        "print(os.getpid(), jobs)\n"
        "print('sim.config.assemble' in sys.modules)\n"
    )
    first, second = python(code).strip().splitlines()
    main, probes = first.split(" ", 1)
    for parent, imported, frozen in eval(probes):  # noqa: S307 (our own printout)
        assert parent != int(main)  # a fork of the server, not a child loky started
        assert imported and frozen
    assert second == "False"  # the main process itself did not import the model


@pytest.mark.parametrize("main_alive", [True, False], ids=["command running", "command ended"])
def test_the_server_reports_a_failing_worker_unless_the_command_has_ended(main_alive):
    main = os.getpid() if main_alive else _ended_pid()
    code = "import sim.experiments.server_ready\nraise RuntimeError('queues gone')\n"
    env = os.environ | {orphans.MAIN: f"{socket.gethostname()}:{main}"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert ("RuntimeError: queues gone" in done.stderr) == main_alive


def _ended_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_kept_configs_travel_with_the_first_tasks_only():
    import copy
    import pickle

    from sim.config.precomposed import Kept

    kept = Kept(2)
    for k in range(3):
        kept.keep([f"seed={k}"], {"seed": k})
    assert sorted(kept.configs) == [("seed=0",), ("seed=1",)]  # up to the limit
    assert copy.deepcopy(kept).configs == {} and copy.copy(kept).configs == {}
    sent = [pickle.loads(pickle.dumps(kept)) for _ in range(3)]
    assert [len(s.configs) for s in sent] == [2, 2, 0]
    assert pickle.loads(pickle.dumps(sent[0])).configs == {}  # a worker sends nothing on
    assert sent[0].take(["seed=1"]) == {"seed": 1}
    assert sent[0].take(["seed=1"]) is None  # taken once: the job changes it
    assert kept.take(["seed=2"]) is None


def checked_study(monkeypatch, jobs, workers):
    """A study of ``jobs`` jobs checked by Hydra's sweeper as for ``workers`` joblib workers.

    Returns Hydra's config loader, the study's config as the main process composes it, and
    the jobs' overrides.
    """
    import types

    from hydra.plugins.sweeper import Sweeper

    from sim.config import precomposed

    loader, master, overrides = study_loader()
    batch = [[*overrides, f"sensitivity.batch={k}"] for k in range(jobs)]
    monkeypatch.setitem(precomposed.LIMIT, "jobs", workers)
    sweeper = types.SimpleNamespace(
        hydra_context=types.SimpleNamespace(config_loader=loader), config=master
    )
    Sweeper.validate_batch_is_legal(sweeper, batch)
    return loader, master, batch


def study_loader():
    """Hydra's config loader and a two-point study's config, as the main process composes it."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path
    from hydra.types import RunMode

    from sim.config.paths import config_dir

    loader = ConfigLoaderImpl(config_search_path=create_config_search_path(str(config_dir())))
    overrides = [
        "+experiment=sensitivity_morris",
        "sensitivity.names=[dummy,scenario.selection.evaluation_noise]",
    ]
    master = loader.load_configuration(
        config_name="config", overrides=overrides, run_mode=RunMode.MULTIRUN, from_shell=False
    )
    return loader, master, overrides


def test_the_first_job_of_each_worker_takes_the_config_the_check_composed(monkeypatch):
    import copy
    import pickle

    from sim.config import precomposed

    loader, master, batch = checked_study(monkeypatch, jobs=3, workers=2)
    assert sorted(precomposed.kept_for(loader).configs) == [tuple(job) for job in batch[:2]]
    tasks = []
    for _ in batch:  # the tasks of three jobs, each with Hydra's singletons (copied)
        task = pickle.loads(pickle.dumps((loader, copy.deepcopy(loader))))
        assert precomposed.kept_for(task[1]).configs == {}
        tasks.append(task[0])
    for k, worker in enumerate(tasks):
        assert (tuple(batch[k]) in precomposed.kept_for(worker).configs) == (k < 2)
        taken = worker.load_sweep_config(master, list(batch[k]))
        again = worker.load_sweep_config(master, list(batch[k]))  # composed by Hydra
        assert tuple(batch[k]) not in precomposed.kept_for(worker).configs
        assert taken is not again
        assert OmegaConf.to_yaml(taken) == OmegaConf.to_yaml(again)
        assert f"sensitivity.batch={k}" in taken.hydra.overrides.task
        assert taken.sensitivity.batch == k
    assert [len(precomposed.kept_for(t).configs) for t in tasks] == [1, 1, 0]


def test_the_first_jobs_of_a_study_take_its_scenarios_composed_once(monkeypatch):
    import pickle

    from hydra import initialize_config_dir

    from sim.config import precomposed
    from sim.config.paths import config_dir
    from sim.config.scenario_group import compose_scenario

    stale = {"name": "an earlier sweep's"}
    monkeypatch.setattr(precomposed, "HANDED", {("targeted", ()): stale})
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):  # a run
        loader, _, _ = checked_study(monkeypatch, jobs=2, workers=2)
        handed = precomposed.kept_for(loader).scenarios
        names = ["no_policy", "bottom_up", "targeted"]  # baseline, reference and policy
        assert sorted(handed) == sorted((name, ()) for name in names)
        assert handed["targeted", ()] is not stale
        assert precomposed.HANDED == {}  # the jobs run in the workers, not here
        checked_study(monkeypatch, jobs=1, workers=1)  # one worker: joblib runs it here
        assert sorted(precomposed.HANDED) == sorted(handed)
        monkeypatch.setattr(precomposed, "HANDED", {})
        for name in names:
            assert handed[name, ()] == compose_scenario(name)  # what the job would compose
    outside, _, _ = checked_study(monkeypatch, jobs=2, workers=2)  # outside a Hydra run
    assert precomposed.kept_for(outside).scenarios == {}
    monkeypatch.setattr(precomposed, "HANDED", {})  # a worker's, empty until a task arrives
    pickle.loads(pickle.dumps(loader))
    assert sorted(precomposed.HANDED) == sorted(handed)


def test_a_handed_scenario_is_taken_once_within_a_hydra_run(monkeypatch):
    from hydra import initialize_config_dir

    from sim.config import precomposed
    from sim.config.paths import config_dir
    from sim.config.scenario_group import compose_scenario

    mark = {"name": "handed"}
    monkeypatch.setattr(precomposed, "HANDED", {("targeted", ()): mark})
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        assert compose_scenario("targeted") is mark
        assert compose_scenario("targeted")["name"] == "targeted"  # composed by Hydra


def test_no_config_is_kept_where_no_joblib_worker_runs_the_jobs(monkeypatch):
    from sim.config import precomposed

    loader, _, _ = checked_study(monkeypatch, jobs=2, workers=0)  # another launcher
    assert precomposed.kept_for(loader) is None
