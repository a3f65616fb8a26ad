"""The unit costs behind a study's serial part, each measured on its own, one process at a time.

Run ``python experiments/sweep_costs.py`` (``--python PY`` measures another installation,
e.g. an older checkout's ``.venv/bin/python``, for a before/after table). What it times,
each the median of ``--repeat`` fresh processes:

* the interpreter alone, and the imports of the sweep's main process (``sim.cli``);
* the imports a study's job adds before its first point (the model, SALib, the statistics);
* one Hydra composition of the study's config, the first in a process and the next ones
  (a sweep composes in its main process, per job there to check it, and per job in the
  worker, plus once per scenario the job runs);
* SALib's sample of the 48-run study of experiments/sweep_benchmark.py;
* the end of a process that has the model's modules loaded (the interpreter's teardown),
  after what a worker does first where the installation has it (``settle_imports``);
* ``s3sim-sensitivity`` on a finished study (analysis, tables, one chart per output), when
  ``--study DIR`` names one (the command is separate from the study's).

The figures are wall times on a possibly shared machine: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

NAMES = "[scenario.selection.evaluation_noise,dynamics.knowledge.productivity_noise,dummy]"
STUDY = ["+experiment=sensitivity_morris", f"sensitivity.names={NAMES}", "scenario=targeted"]
JOB_IMPORTS = "import sim.config.assemble, sim.experiments.sensitivity.batch, SALib.sample.morris"
COMPOSE = f"""
import time
import sim.cli
from hydra import compose, initialize_config_dir
from sim.config.paths import config_dir
times = []
with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
    for _ in range(4):
        t0 = time.perf_counter()
        compose(config_name="config", overrides={STUDY!r}, return_hydra_config=True)
        times.append(time.perf_counter() - t0)
print(times[0], sorted(times[1:])[1])
"""
SAMPLE = f"""
import time
import sim.cli
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf
from sim.config.paths import config_dir
from sim.experiments.sensitivity.design import sample
from sim.experiments.sensitivity.study import read_study
with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
    cfg = compose(config_name="config", overrides={STUDY!r} + ["sensitivity.trajectories=6"])
study = read_study(OmegaConf.to_container(cfg, resolve=True))
sample(study)  # SALib's imports
t0 = time.perf_counter()
sample(study)
print(time.perf_counter() - t0)
"""
EXIT = f"""
try:  # what a worker does first, where the installation has it (the model and a freeze)
    from sim.experiments.warm_start import settle_imports
except ImportError:
    settle_imports = None
if settle_imports is not None:
    settle_imports(study=True)
{JOB_IMPORTS}
import time
print(time.time(), flush=True)
"""


def seconds(python: str, code: str) -> list[float]:
    """The figures a snippet prints (wall time of the whole process when it prints none)."""
    t0 = time.perf_counter()
    done = subprocess.run(  # from "/": the interpreter's own installation of sim, not ./sim
        [python, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    wall = time.perf_counter() - t0
    return [float(v) for v in done.stdout.split()] or [wall]


def median(python: str, code: str, repeat: int) -> list[float]:
    """Each figure's median over ``repeat`` fresh processes."""
    runs = [seconds(python, code) for _ in range(repeat)]
    return [statistics.median(column) for column in zip(*runs, strict=True)]


def teardown(python: str) -> float:
    """Seconds from a process's last line to its end, with the model's modules loaded."""
    command = [python, "-c", EXIT]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd="/") as process:
        printed = float(process.stdout.readline()) if process.stdout else time.time()
        process.wait()
    return time.time() - printed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("--repeat", type=int, default=3, help="processes per figure")
    parser.add_argument("--study", type=Path, help="a finished study for s3sim-sensitivity")
    args = parser.parse_args(argv)
    py, n = args.python, args.repeat
    load = os.getloadavg()[0]
    bare = median(py, "pass", n)[0]
    cli = median(py, "import sim.cli", n)[0]
    job = median(py, f"import sim.cli\n{JOB_IMPORTS}", n)[0]
    first, warm = median(py, COMPOSE, n)
    rows = [
        ("interpreter start and end", bare),
        ("imports of the main process (sim.cli)", cli - bare),
        ("imports a job adds (model, SALib, statistics)", job - cli),
        ("one composition of the study, first in a process", first),
        ("one composition of the study, the next ones", warm),
        ("SALib sample of the 48-run study", median(py, SAMPLE, n)[0]),
        (
            "teardown of a process with the model loaded",
            statistics.median(teardown(py) for _ in range(n)),
        ),
    ]
    if args.study:
        tool = Path(py).parent / "s3sim-sensitivity"
        t0 = time.perf_counter()
        subprocess.run(
            [str(tool), str(args.study), "--out", str(args.study / "report")],
            check=True,
            capture_output=True,
        )
        rows.append(("s3sim-sensitivity on the study (separate command)", time.perf_counter() - t0))
    print(
        f"unit costs of a study's serial part ({py}; median of {n}; "
        f"load {load:.2f} -> {os.getloadavg()[0]:.2f})"
    )
    for label, value in rows:
        print(f"  {label:<52}{value:7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
