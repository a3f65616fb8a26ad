"""Sweep throughput of studies in batch mode: runs per minute and parallel efficiency.

Run ``python experiments/sweep_benchmark.py`` (part of ``make bench``); ``--quick`` uses a
tiny economy (a smoke test, not a benchmark); ``--out FILE.json`` saves the figures.

What is timed: the whole command ``s3sim -m +experiment=sensitivity_morris`` (the Hydra
joblib launcher, every start-up included) with 1 and with 2 workers, for studies of 8 and
48 runs of the default economy. Each sample point runs ``bottom_up`` and ``targeted`` on the
same seed (2 runs, which simulate their 9 years before policy once,
sim.config.scenario_runs); the study's default ``sensitivity.batches=auto`` launches one Hydra job
per worker, which imports once and claims one point after the other until none is left.
The varied parameters (``scenario.selection.evaluation_noise``,
``dynamics.knowledge.productivity_noise`` and the dummy) barely change a run's cost, so
every run is about the same work.

* efficiency = T1 / (2 T2), the wall times of the same study with 1 and 2 workers, measured
  one after the other in this process (a ratio within one invocation, so a loaded machine
  slows both);
* runs per minute on 2 workers = 48 / T2(48 runs) x 60;
* the CPU seconds of each command (user + system of all its processes): what the second
  worker's start-up adds, whatever the load. The workers are forks of the command's fork
  server (sim.experiments.warm_start), which outlives the command by a moment; this process
  adopts such orphans (Linux's child subreaper) and waits for them, so that their time counts;
* the seconds per run inside the jobs (points.jsonl) with 1 and 2 workers: their ratio is
  what two runs sharing the machine cost each other;
* the machine's own price of a second process, measured beside the studies in each round
  (machine_sharing.py: a memory-bound numpy loop and a CPU-bound loop, alone and in pairs),
  and the efficiency the studies would have had with their points at one worker's speed
  (the launcher's own, sweep_timeline.efficiency_without_sharing): on a machine where two
  memory-bound processes slow each other by x, no launcher gets much above 1 / x;
* the 5,632-run study on 2 workers, extrapolated: T2(8) + 5,624 x (T2(48) - T2(8)) / 40,
  i.e. the start-up of the small study plus the marginal cost per run;
* the serial part S = 2 T2 - T1 of each study (T1 = S + W, T2 = S + W / 2 for parallel work
  W), split into its pieces by the times of the files the study writes (sweep_timeline.py):
  start-up, launch, the jobs' own overheads, idle workers, shut-down.

Each study is measured ``--repeats`` times (default 2), the four commands of a round one
after the other and the rounds in turn, and the figures are the means: two workers on the
same memory slow each other down by -5 to +15 % from one measurement to the next
(docs/performance.md), and a single measurement decided the efficiency target by luck.
Each measurement's efficiency is printed beside the mean's.

The load average is printed before and after: the machine may be shared. With ``--out``,
the figures, the targets and the printout go to a JSON file, which ``make bench`` puts into
docs/bench.json (README.md and docs/performance.md quote it).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import machine_sharing  # noqa: E402
from sweep_timeline import (  # noqa: E402
    efficiency_without_sharing,
    percent,
    serial_part,
    table,
    timeline,
)

NAMES = "[scenario.selection.evaluation_noise,dynamics.knowledge.productivity_noise,dummy]"
POINT_RUNS = 2  # bottom_up and targeted
POINTS_PER_TRAJECTORY = 4  # three parameters + 1
STUDY_RUNS = 5_632
TARGET_MINUTES = 40.0
TARGET_EFFICIENCY = 0.90
VERDICT = {True: "PASS", False: "MISS", None: "- (--quick: not a benchmark)"}
QUICK = ["economy.n_firms=2000", "years.start=2000", "years.end=2008", "years.burn_in=2"]


def s3sim() -> str:
    exe = Path(sys.executable).parent / "s3sim"
    return str(exe) if exe.is_file() else f"{sys.executable} -m sim.cli"


def adopt_orphans() -> None:
    """Become the parent of this process's orphaned descendants (Linux; elsewhere nothing).

    ``prctl(PR_SET_CHILD_SUBREAPER, 1)``: a descendant whose parent ends (the command's fork
    server and its workers) is re-parented here instead of to init, so its CPU time reaches
    ``RUSAGE_CHILDREN`` once :func:`reap_orphans` has waited for it.
    """
    if sys.platform != "linux":
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # 36: PR_SET_CHILD_SUBREAPER


def reap_orphans() -> None:
    """Wait for every child left (the adopted orphans): their CPU time counts from now on."""
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def study(runs: int, workers: int, sweep_dir: Path, extra: list[str]) -> dict[str, float]:
    """Wall time of a study of ``runs`` runs with ``workers`` workers, and its run times."""
    trajectories = runs // (POINT_RUNS * POINTS_PER_TRAJECTORY)
    points = trajectories * POINTS_PER_TRAJECTORY
    cmd = [
        *s3sim().split(),
        "-m",
        "+experiment=sensitivity_morris",
        f"sensitivity.names={NAMES}",
        f"sensitivity.trajectories={trajectories}",
        "sensitivity.baseline=null",
        "sensitivity.batches=auto",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={workers}",
        f"hydra.sweep.dir={sweep_dir}",
        *extra,
    ]
    adopt_orphans()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0, started = time.perf_counter(), time.time()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=sweep_dir.parent)
    wall, ended = time.perf_counter() - t0, time.time()
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        sys.exit(f"sweep_benchmark: {' '.join(cmd)} failed:\n" + "\n".join(tail))
    seconds = [
        json.loads(line)["seconds"] / POINT_RUNS
        for journal in sweep_dir.glob("*/points.jsonl")
        for line in journal.read_text().splitlines()
    ]
    if len(seconds) != points:
        sys.exit(f"sweep_benchmark: {len(seconds)} of {points} points finished in {sweep_dir}")
    mean = statistics.mean(seconds)
    pieces = timeline(sweep_dir, started, ended, workers)
    return {"runs": points * POINT_RUNS, "wall": wall, "cpu": cpu, "run_seconds": mean} | {
        "pieces": pieces
    }


def mean_of(measurements: list[dict]) -> dict:
    """The mean of repeated measurements of one study, key by key (its pieces too)."""
    out = {k: statistics.mean(m[k] for m in measurements) for k in ("wall", "cpu", "run_seconds")}
    pieces = measurements[0]["pieces"]
    out["pieces"] = {k: statistics.mean(m["pieces"][k] for m in measurements) for k in pieces}
    out["pieces"]["workers"] = pieces["workers"]
    out["runs"] = measurements[0]["runs"]
    out["walls"] = [m["wall"] for m in measurements]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny economy (smoke test)")
    parser.add_argument(
        "--repeats", type=int, default=2, help="measurements of each study, interleaved (2)"
    )
    parser.add_argument("--out", type=Path, help="save the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats {args.repeats}: must be at least 1")
    extra = QUICK if args.quick else []
    load = [os.getloadavg()[0]]
    sizes, counts = (8, 48), (1, 2)
    measured: dict[int, dict[int, list[dict]]] = {n: {w: [] for w in counts} for n in sizes}
    machine: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="s3sim-sweep-bench-") as tmp:
        for repeat in range(args.repeats):
            print(f"... the machine's sharing, measurement {repeat + 1}", file=sys.stderr)
            for kind, m in machine_sharing.measure(1, 0.1 if args.quick else 1.0).items():
                for key in ("alone", "pair"):
                    machine.setdefault(kind, {"alone": [], "pair": []})[key] += m[key]
            for runs in sizes:
                for workers in counts:
                    print(
                        f"... {runs} runs on {workers} worker(s), measurement {repeat + 1}",
                        file=sys.stderr,
                        flush=True,
                    )
                    sweep_dir = Path(tmp) / f"repeat{repeat}_runs{runs}_workers{workers}"
                    measured[runs][workers].append(study(runs, workers, sweep_dir, extra))
    load.append(os.getloadavg()[0])
    timed = {n: {w: mean_of(measured[n][w]) for w in counts} for n in sizes}
    efficiency = {n: t[1]["wall"] / (2 * t[2]["wall"]) for n, t in timed.items()}
    marginal = (timed[48][2]["wall"] - timed[8][2]["wall"]) / 40
    extrapolated = timed[8][2]["wall"] + (STUDY_RUNS - 8) * marginal
    per_minute = 48 / timed[48][2]["wall"] * 60
    sharing = timed[48][2]["run_seconds"] / timed[48][1]["run_seconds"]
    for m in machine.values():
        m["ratio"] = machine_sharing.ratio(m["alone"], m["pair"])
    launcher = {
        n: efficiency_without_sharing(t[1]["pieces"], t[2]["pieces"]) for n, t in timed.items()
    }
    economy = "tiny economy (--quick, not a benchmark)" if args.quick else "default economy"
    lines = [f"sweep throughput in batch mode ({economy}; {os.cpu_count()} CPUs)"]
    lines.append(
        f"  load average {load[0]:.2f} before, {load[1]:.2f} after (2 cores shared: pessimistic)"
    )
    lines.append(
        f"  mean of {args.repeats} measurement(s) of each study, interleaved; "
        "each measurement's efficiency in brackets"
    )
    for n, t in timed.items():
        each = [a / (2 * b) for a, b in zip(t[1]["walls"], t[2]["walls"], strict=True)]
        lines.append(
            f"  {n:>2} runs: T1 {t[1]['wall']:6.1f} s, T2 {t[2]['wall']:6.1f} s, "
            f"efficiency T1/(2 T2) {100 * efficiency[n]:3.0f} % "
            f"[{', '.join(f'{100 * e:.0f} %' for e in each)}]; CPU {t[1]['cpu']:.1f} s and "
            f"{t[2]['cpu']:.1f} s"
        )
    lines.append(
        "  serial part S = 2 T2 - T1                "
        + ", ".join(f"{2 * t[2]['wall'] - t[1]['wall']:.1f} s ({n} runs)" for n, t in timed.items())
    )
    lines.append(f"  runs per minute on 2 workers (48 runs)   {per_minute:.1f}")
    lines.append(
        f"  seconds per run inside the jobs          {timed[48][1]['run_seconds']:.2f} with 1 "
        f"worker, {timed[48][2]['run_seconds']:.2f} with 2 (x {sharing:.2f})"
    )
    lines.append(
        "  a second process's cost on this machine, whatever the software (machine_sharing.py): "
        + machine_sharing.describe(machine)
    )
    lines.append(
        "  efficiency had the runs been as fast beside each other as alone (the launcher's own): "
        + ", ".join(f"{100 * launcher[n]:.1f} % ({n} runs)" for n in sizes)
    )
    lines.append(
        f"  {STUDY_RUNS:,}-run study on 2 workers (extrapolated) {extrapolated / 60:.1f} min "
        f"(start-up {timed[8][2]['wall'] - 8 * marginal:.1f} s + {marginal:.2f} s per run)"
    )
    serial = {n: serial_part(t[1]["pieces"], t[2]["pieces"]) for n, t in timed.items()}
    for n, t in timed.items():
        lines.append(
            f"serial part S = 2 T2 - T1 of the {n}-run study, piece by piece (sweep_timeline.py)"
        )
        lines += table(t[1]["pieces"], t[2]["pieces"])
    ok_eff = efficiency[48] >= TARGET_EFFICIENCY
    ok_time = extrapolated / 60 < TARGET_MINUTES
    targets = [
        {
            "target": "study efficiency, 48 runs on 2 workers",
            "goal": f">= {100 * TARGET_EFFICIENCY:.0f} %",
            "value": percent(efficiency[48], TARGET_EFFICIENCY),
            "pass": None if args.quick else ok_eff,
        },
        {
            "target": f"{STUDY_RUNS:,}-run study on 2 workers",
            "goal": f"< {TARGET_MINUTES:.0f} min",
            "value": f"{extrapolated / 60:.1f} min (extrapolated)",
            "pass": None if args.quick else ok_time,
        },
    ]
    lines.append("targets")
    lines += [
        f"  {t['target']:<40} {t['goal']:<9} {t['value']:<24} {VERDICT[t['pass']]}" for t in targets
    ]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.out:
        figures = {
            "timed": timed,
            "efficiency": efficiency,
            "serial": serial,
            "runs_per_minute": per_minute,
            "sharing": sharing,
            "machine_sharing": machine,
            "efficiency_without_sharing": launcher,
            "extrapolated_s": extrapolated,
            "load": load,
            "repeats": args.repeats,
            "targets": targets,
            "report": report,
        }
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
