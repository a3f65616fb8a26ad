"""Performance benchmark of s3sim: what one simulated firm-year costs.

Run ``python experiments/benchmark.py`` (``make bench``); ``--quick`` uses tiny
sizes (a smoke test, not a benchmark), ``--out FILE.json`` saves every figure and
``--profile`` prints a cProfile of the model year at 10^5 firms instead.

Measured, single-threaded (BLAS/OpenMP threads set to 1 below, before numpy is
imported; subprocesses inherit it):

* firm-years per second of the full model year (every mechanism, the policy
  layer of scenario ``bottom_up`` when ``scenarios/bottom_up.yaml`` exists, else
  ``no_policy``) at 10^4, 10^5 and 10^6 initial firms, median of 5/5/3
  repetitions of the same seed. Firm-years: the sum over simulated years (burn-in
  included) of the firms alive at the start of the year. Only ``step()`` is timed,
  not building the model;
* the share of each phase of the year, timed by wrapping the model instance's
  bound methods (``sim/`` is not touched);
* peak memory per initial firm, in a fresh subprocess per size: the peak
  resident set of the run minus the resident set after imports and a tiny
  warm-up run (the target uses this; the peak is ``VmHWM``, reset before the run,
  because ``ru_maxrss`` is inherited from the parent across fork + exec on
  Linux), and the tracemalloc peak of a second run (numpy reports its buffers to
  tracemalloc), without the firm panel;
* time growth from 10^5 to 10^6 firms and from 20 to 40 simulated years;
* the ratio against ``experiments/mesa_reference.py`` (one mesa.Agent per firm)
  at 10^4 firms: both run the firm-level core (``ClusterModel(policy=None)`` with
  ``dynamics.innovation.start_rate=0``: no project starts, so the pipeline is a
  no-op and is not implemented in the reference) over the default calendar with
  the same seeds, and a paired t-test per aggregate statistic checks that they
  agree;
* one default run (``sim.cli.run``, plots on) and the whole ``s3sim`` command;
* the parallel efficiency of an 8-run sweep with the joblib launcher, T1 / (2 T2).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mesa_reference import STATISTICS, RunStats, run_reference  # noqa: E402
from sweep_timeline import percent  # noqa: E402

from sim.cli import build_model, run  # noqa: E402
from sim.config.assemble import assemble  # noqa: E402
from sim.config.paths import config_dir  # noqa: E402
from sim.model.model import ClusterModel  # noqa: E402

#: Phase label -> ClusterModel method, in the order of the year.
PHASES = {
    "demand": "move_world_demand",
    "competition": "compete_for_demand",
    "knowledge": "learn",
    "innovation": "innovate",
    "policy": "allocate_budgets",
    "entry and exit": "enter_and_exit",
    "observation": "observe",
}

FULL = {
    "sizes": [(10_000, 5), (100_000, 5), (1_000_000, 3)],
    "years_reps": 3,
    "reference_firms": 10_000,
    "reference_seeds": 5,
    "default_overrides": [],
    "default_reps": 3,
    "sweep_seeds": 8,
    "sweep_overrides": [],
}
QUICK = {
    "sizes": [(100, 1), (1_000, 1), (10_000, 1)],
    "years_reps": 1,
    "reference_firms": 500,
    "reference_seeds": 2,
    "default_overrides": ["economy.n_firms=2000", "years.end=2005", "output.plots=false"],
    "default_reps": 1,
    "sweep_seeds": 0,  # skipped: worker start-up alone takes several seconds
    "sweep_overrides": [],
}

TARGETS = {
    "throughput": 2.0e6,  # firm-years/s at the middle size (10^5)
    "reference_ratio": 100.0,
    "default_run_s": 2.0,
    "bytes_per_firm": 300.0,
    "size_scaling": 12.0,
    "sweep_efficiency": 0.90,
}
P_THRESHOLD = 0.01


# ---- configs and scenario ------------------------------------------------------------
def compose(overrides: Sequence[str] = ()) -> dict[str, Any]:
    """The composed config as a plain dict, with Hydra overrides applied."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from omegaconf import OmegaConf

    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = hydra_compose(config_name="config", overrides=list(overrides))
    return OmegaConf.to_container(cfg, resolve=False)


def choose_scenario() -> tuple[str, str]:
    """``bottom_up`` when scenarios/bottom_up.yaml exists and builds, else ``no_policy``."""
    if not (ROOT / "scenarios" / "bottom_up.yaml").is_file():
        return "no_policy", "scenarios/bottom_up.yaml does not exist"
    try:
        build_model(compose(["scenario=bottom_up", "economy.n_firms=100"]))
    except Exception as exc:  # a scenario under construction must not stop the benchmark
        return "no_policy", f"bottom_up failed to build: {type(exc).__name__}: {exc}"
    return "bottom_up", "scenarios/bottom_up.yaml exists"


# ---- the full model year ---------------------------------------------------------------
def time_phases(model: ClusterModel, totals: dict[str, float]) -> None:
    """Replace the instance's phase methods by wrappers that add their time to ``totals``."""
    for label, name in PHASES.items():
        method = getattr(model, name, None)
        if method is None:
            continue

        def timed(*args, _method=method, _label=label, **kwargs):
            t0 = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                totals[_label] += time.perf_counter() - t0

        setattr(model, name, timed)


def simulate(model: ClusterModel) -> tuple[float, int]:
    """Run every year; return the seconds of the years and the firm-years."""
    firm_years = 0
    t0 = time.perf_counter()
    while model.year <= model.end:
        firm_years += model.firms.n
        model.step()
    return time.perf_counter() - t0, firm_years


def time_model(overrides: list[str], reps: int, phases: bool = True) -> dict[str, Any]:
    """Median over ``reps`` runs of the same config: seconds, firm-years/s, phase shares."""
    config = compose(overrides)
    seconds, rates, firm_years = [], [], []
    totals = dict.fromkeys(PHASES, 0.0)
    for _ in range(reps):
        model = build_model(config)
        if phases:
            time_phases(model, totals)
        gc.collect()
        elapsed, fy = simulate(model)
        seconds.append(elapsed)
        firm_years.append(fy)
        rates.append(fy / elapsed)
        del model
    total = sum(seconds)
    shares = {k: v / total for k, v in totals.items()}
    shares["other"] = max(1.0 - sum(shares.values()), 0.0)
    return {
        "seconds": statistics.median(seconds),
        "seconds_all": seconds,
        "firm_years": firm_years[0],
        "firm_years_per_s": statistics.median(rates),
        "phase_shares": shares if phases else None,
    }


def scale_jobs(factor: int) -> list[str]:
    """Overrides multiplying every region's jobs (and so the rest of the world) by ``factor``."""
    regions = compose()["economy"]["regions"]
    return [f"economy.regions.{r}.jobs={float(v['jobs']) * factor!r}" for r, v in regions.items()]


# ---- memory (fresh subprocess per size) -------------------------------------------------
def _status_kib(field: str) -> int | None:
    """A ``kB`` field of /proc/self/status (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak_rss() -> str:
    """Start a new peak-RSS measurement; return the counter that :func:`peak_rss` reads.

    ``ru_maxrss`` is inherited across ``fork`` + ``exec`` on Linux (the child reports
    the parent's peak if it was larger), so the probe reads the address space's own
    high-water mark ``VmHWM`` instead, reset by writing 5 to /proc/self/clear_refs.
    Elsewhere it falls back to ``ru_maxrss``.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return "ru_maxrss"
    return "VmHWM" if _status_kib("VmHWM") is not None else "ru_maxrss"


def peak_rss(counter: str) -> int:
    """Peak resident set size in bytes since :func:`reset_peak_rss`."""
    if counter == "VmHWM":
        return 1024 * (_status_kib("VmHWM") or 0)
    return 1024 * resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def current_rss() -> int:
    """Resident set size of this process now, in bytes (Linux; else the peak so far)."""
    kib = _status_kib("VmRSS")
    return 1024 * kib if kib is not None else peak_rss("ru_maxrss")


def memory_probe(n: int, scenario: str, overrides: Sequence[str] = ()) -> dict[str, Any]:
    """Peak memory of one run of ``n`` firms, relative to the process after imports."""
    base = ["output.firm_panel=false", f"scenario={scenario}"]
    # warm up: lazy imports and first-use allocations belong to the baseline
    warm = ["economy.n_firms=100", "years.start=2000", "years.end=2002", "years.burn_in=2"]
    build_model(compose([*base, *warm])).run()
    config = compose([*base, f"economy.n_firms={n}", *overrides])
    gc.collect()
    counter = reset_peak_rss()
    baseline = current_rss()
    model = build_model(config)
    initial = model.firms.n
    model.run()
    peak = peak_rss(counter)
    del model
    gc.collect()
    tracemalloc.start()
    model = build_model(config)
    model.run()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "initial_firms": initial,
        "counter": counter,
        "baseline_rss": baseline,
        "rss_bytes_per_firm": (peak - baseline) / initial,
        "tracemalloc_bytes_per_firm": traced / initial,
    }


def measure_memory(
    sizes: list[int], scenario: str, overrides: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Run :func:`memory_probe` for ``sizes``, one after the other, in a fresh interpreter."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-probe"]
    cmd += [",".join(map(str, sizes)), "--scenario", scenario]
    done = checked([*cmd, *(f"--override={o}" for o in overrides)])
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the Mesa reference -----------------------------------------------------------------
def run_core(config: dict[str, Any], seed: int, n: int) -> RunStats:
    """The real model's firm-level core (no policy layer) with the reference's statistics."""
    parts = assemble(config)
    y = parts.settings.years
    model = ClusterModel(
        parts.economy,
        parts.dynamics,
        seed=seed,
        start=y.start,
        end=y.end,
        burn_in=y.burn_in,
        n_firms=n,
        policy=None,
    )
    firms = model.firms
    n0, jobs0 = firms.n, float(firms.employment.sum())
    firm_years, entry, exit_ = 0, [], []
    elapsed = 0.0
    while model.year <= model.end:
        alive = firms.n
        t0 = time.perf_counter()
        model.step()
        elapsed += time.perf_counter() - t0
        firm_years += alive
        entry.append(model.entered / alive)
        exit_.append(model.exited / alive)
    return RunStats(
        seconds=elapsed,
        firm_years=firm_years,
        employment_growth=float(np.log(firms.employment.sum() / jobs0)),
        firm_ratio=firms.n / n0,
        entry_rate=float(np.mean(entry)),
        exit_rate=float(np.mean(exit_)),
        mean_log_size=float(np.log(firms.employment).mean()),
    )


def compare_reference(n: int, seeds: int) -> dict[str, Any]:
    """Time both implementations on the same seeds and test their aggregates pairwise."""
    from scipy import stats

    config = compose([f"economy.n_firms={n}", "dynamics.innovation.start_rate=0"])
    parts = assemble(config)
    y = parts.settings.years
    economy, dynamics = parts.economy, parts.dynamics
    real, ref = [], []
    for seed in range(seeds):
        real.append(run_core(config, seed, n))
        ref.append(
            run_reference(
                economy,
                dynamics,
                seed=seed,
                start=y.start,
                end=y.end,
                burn_in=y.burn_in,
                n_firms=n,
            )
        )
    tests = {}
    for name in STATISTICS:
        a = np.array([getattr(r, name) for r in real])
        b = np.array([getattr(r, name) for r in ref])
        # paired by seed: same initial firms and world demand, different firm-level draws
        p = 1.0 if np.all(a == b) else float(stats.ttest_rel(a, b).pvalue)
        tests[name] = {
            "real_mean": float(a.mean()),
            "real_sd": float(a.std(ddof=1)) if len(a) > 1 else 0.0,
            "reference_mean": float(b.mean()),
            "reference_sd": float(b.std(ddof=1)) if len(b) > 1 else 0.0,
            "p": p,
        }
    real_rate = statistics.median(r.firm_years / r.seconds for r in real)
    ref_rate = statistics.median(r.firm_years / r.seconds for r in ref)
    return {
        "firms": n,
        "seeds": seeds,
        "years": [y.start - y.burn_in, y.end],
        "real_firm_years_per_s": real_rate,
        "reference_firm_years_per_s": ref_rate,
        "reference_seconds": statistics.median(r.seconds for r in ref),
        "real_seconds": statistics.median(r.seconds for r in real),
        "ratio": real_rate / ref_rate,
        "tests": tests,
        "indistinguishable": all(t["p"] >= P_THRESHOLD for t in tests.values()),
    }


# ---- one default run, the whole command, the sweep ---------------------------------------
def s3sim_command() -> list[str]:
    """The ``s3sim`` executable of this interpreter's environment."""
    exe = Path(sys.executable).parent / "s3sim"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "sim.cli"]


class CommandError(RuntimeError):
    """A command of the benchmark exited with an error; the message ends with its last line."""


def checked(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, capturing its output; raise :class:`CommandError` if it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["(no output)"]
        raise CommandError(
            f"{' '.join(cmd)} exited with {done.returncode}: {lines[-1]}\n" + "\n".join(lines[-40:])
        )
    return done


def default_run(overrides: list[str], reps: int) -> dict[str, Any]:
    """``sim.cli.run`` (build, simulate, write outputs and plots), and the whole command."""
    config = compose(overrides)
    times = []
    with tempfile.TemporaryDirectory(prefix="s3sim-bench-") as tmp:
        for k in range(reps):
            t0 = time.perf_counter()
            run(config, Path(tmp) / f"run{k}")
            times.append(time.perf_counter() - t0)
        # the whole command as often as the run: one measurement of a few seconds
        # swung between 3.8 and 6.9 s on the shared machine
        commands = []
        for k in range(reps):
            t0 = time.perf_counter()
            checked([*s3sim_command(), f"hydra.run.dir={tmp}/command{k}", *overrides], cwd=tmp)
            commands.append(time.perf_counter() - t0)
    return {
        "seconds": statistics.median(times),
        "first_seconds": times[0],
        "reps": reps,
        "command_seconds": statistics.median(commands),
    }


def _pool_run(args: tuple[dict[str, Any], str]) -> None:
    run(args[0], args[1])


def sweep(seeds: int, overrides: list[str]) -> dict[str, Any]:
    """Wall time of a sweep of ``seeds`` runs with 1 and 2 workers; efficiency T1 / (2 T2).

    The sweep is ``s3sim -m seed=... hydra/launcher=joblib hydra.launcher.n_jobs=K``;
    without the joblib plugin, or if that command fails, both are timed with a
    ``ProcessPoolExecutor`` over ``sim.cli.run`` instead, and the reason is reported.
    """
    seed_list = ",".join(str(s) for s in range(seeds))
    overrides = ["output.plots=false", *overrides]
    fallback = None
    if importlib.util.find_spec("hydra_plugins.hydra_joblib_launcher") is None:
        fallback = "hydra joblib launcher not installed"

    def timed(k: int, target: Path, tmp: str) -> float:
        t0 = time.perf_counter()
        if fallback is None:
            hydra_args = ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={k}"]
            sweep_dir = f"hydra.sweep.dir={target}"
            cmd = [*s3sim_command(), "-m", f"seed={seed_list}", *hydra_args, sweep_dir]
            checked([*cmd, *overrides], cwd=tmp)
        else:
            jobs = [
                (compose([f"seed={s}", *overrides]), str(target / str(s))) for s in range(seeds)
            ]
            with ProcessPoolExecutor(max_workers=k) as pool:
                list(pool.map(_pool_run, jobs))
        elapsed = time.perf_counter() - t0
        finished = sum(1 for _ in target.glob("*/_COMPLETE"))
        if finished != seeds:
            raise CommandError(f"sweep with {k} workers finished {finished} of {seeds} runs")
        # each run's own wall time (build to end of simulation), from its summary.json
        summaries = target.glob("*/summary.json")
        run_seconds[k] = statistics.mean(
            json.loads(f.read_text())["wall_time_s"] for f in summaries
        )
        return elapsed

    run_seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="s3sim-sweep-") as tmp:
        try:
            wall = {k: timed(k, Path(tmp) / f"joblib{k}", tmp) for k in (1, 2)}
        except CommandError as exc:
            if fallback is not None:
                raise
            fallback = f"hydra joblib sweep failed: {str(exc).splitlines()[0][-160:]}"
            stage(fallback)
            wall = {k: timed(k, Path(tmp) / f"pool{k}", tmp) for k in (1, 2)}
    launcher = "hydra joblib launcher"
    if fallback is not None:
        launcher = f"ProcessPoolExecutor over sim.cli.run ({fallback})"
    return {
        "runs": seeds,
        "launcher": launcher,
        "fallback": fallback,
        "t1": wall[1],
        "t2": wall[2],
        "efficiency": wall[1] / (2 * wall[2]),
        "run_seconds": run_seconds,
    }


# ---- report -----------------------------------------------------------------------------
def fmt_rate(x: float) -> str:
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def row(label: str, value: str) -> None:
    print(f"  {label:<44} {value}")


def stage(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--out", type=Path, help="save every figure as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile the year at 10^5 firms")
    parser.add_argument("--memory-probe", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", default="no_policy", help=argparse.SUPPRESS)
    parser.add_argument("--override", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_probe:
        sizes = [int(n) for n in args.memory_probe.split(",")]
        print(json.dumps([memory_probe(n, args.scenario, args.override) for n in sizes]))
        return 0
    scenario, why = choose_scenario()
    if args.profile:
        return profile(scenario, 10_000 if args.quick else 100_000)

    plan = QUICK if args.quick else FULL
    calendar = assemble(compose()).settings.years
    load_before = os.getloadavg()[0]
    t_start = time.perf_counter()
    results: dict[str, Any] = {
        "quick": args.quick,
        "scenario": scenario,
        "scenario_reason": why,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
    }

    # the sizes asked for, and the largest again with every region's jobs scaled like
    # the firms: the default economy's jobs cannot keep 10^6 firms (3 jobs per firm,
    # most below the exit size), so only that case really simulates 10x the firm-years
    (n_mid, _), (n_big, reps_big) = plan["sizes"][1], plan["sizes"][2]
    factor = n_big // n_mid
    cases = [(f"{n:,} firms", n, [], reps) for n, reps in plan["sizes"]]
    scaled = f"{n_big:,} firms, jobs x{factor}"
    cases.append((scaled, n_big, scale_jobs(factor), reps_big))
    throughput = {}
    for label, n, extra, reps in cases:
        stage(f"full model year at {label} x {reps}")
        overrides = [f"economy.n_firms={n}", f"scenario={scenario}", *extra]
        throughput[label] = time_model(overrides, reps) | {"reps": reps}
    results["throughput"] = throughput

    memory = {}
    sizes = [n for n, _ in plan["sizes"]]
    if args.quick:  # one subprocess for all sizes: start-up would dominate the smoke test
        stage("peak memory of every size (one subprocess)")
        probes = measure_memory(sizes, scenario, ["years.end=2000"])
        memory = dict(zip(sizes, probes, strict=True))
    else:
        for n in sizes:
            stage(f"peak memory at {n:,} firms (fresh subprocess)")
            memory[n] = measure_memory([n], scenario)[0]
    results["memory"] = {str(n): v for n, v in memory.items()}

    def ratios(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float]:
        return {
            "time_ratio": b["seconds"] / a["seconds"],
            "firm_year_ratio": b["firm_years"] / a["firm_years"],
            "seconds": [a["seconds"], b["seconds"]],
        }

    mid = throughput[f"{n_mid:,} firms"]
    first_year = calendar.start - calendar.burn_in
    spans = {}
    for span in (20, 40):
        stage(f"{span} simulated years at {n_mid:,} firms")
        end = first_year + span - 1
        spans[span] = time_model(
            [f"economy.n_firms={n_mid}", f"scenario={scenario}", f"years.end={end}"],
            plan["years_reps"],
            phases=False,
        )
    scaling = {
        f"{n_mid:,} -> {n_big:,} firms": ratios(mid, throughput[f"{n_big:,} firms"]),
        f"{n_mid:,} -> {scaled}": ratios(mid, throughput[scaled]),
        f"20 -> 40 simulated years at {n_mid:,}": ratios(spans[20], spans[40]),
    }
    size_scaling = scaling[f"{n_mid:,} -> {scaled}"]["time_ratio"]
    results["scaling"] = scaling

    stage(f"Mesa reference vs real core at {plan['reference_firms']:,} firms")
    reference = compare_reference(plan["reference_firms"], plan["reference_seeds"])
    results["reference"] = reference

    stage("default run and the whole command")
    default = default_run(plan["default_overrides"], plan["default_reps"])
    results["default_run"] = default

    if plan["sweep_seeds"]:
        stage(f"sweep of {plan['sweep_seeds']} runs with 1 and 2 workers")
        sweep_result = sweep(plan["sweep_seeds"], plan["sweep_overrides"])
    else:
        sweep_result = None
    results["sweep"] = sweep_result
    results["load_average"] = [load_before, os.getloadavg()[0]]
    results["benchmark_seconds"] = time.perf_counter() - t_start

    # ---- the table (also kept, as printed, in the figures file) ----
    printed = _TeeStdout()
    default_config = compose(plan["default_overrides"])
    default_firms = default_config["economy"]["n_firms"]
    written = "outputs and plots" if default_config["output"]["plots"] else "outputs (plots off)"
    quick_note = " (--quick: tiny sizes, not a benchmark)" if args.quick else ""
    print(f"s3sim performance benchmark{quick_note}")
    print(
        f"python {results['python']}, numpy {results['numpy']}, {results['cpus']} CPUs, "
        f"1 BLAS/OpenMP thread; load average {load_before:.2f} before, "
        f"{results['load_average'][1]:.2f} after"
    )
    print(f"scenario: {scenario} ({why})")
    print(
        f"calendar: {first_year}-{calendar.end} ({calendar.end - first_year + 1} simulated "
        f"years, {calendar.burn_in} of burn-in); firm-years = sum over years of firms alive "
        "at the start of the year; only step() is timed"
    )
    print()
    print("throughput of the full model year")
    for label, t in throughput.items():
        row(
            f"firm-years/s at {label}",
            f"{fmt_rate(t['firm_years_per_s']):>9}  (median of {t['reps']}; "
            f"{t['seconds']:.3f} s for {t['firm_years']:,} firm-years)",
        )
    print()
    print("phase shares of the year (% of step time; 'other' = step bookkeeping)")
    labels = [*PHASES, "other"]
    short = {"entry and exit": "entry/exit", "observation": "observe", "competition": "compete"}
    heads = [short.get(k, k) for k in labels]
    print("  " + f"{'phase shares at':<28}" + "".join(f"{h:>11}" for h in heads))
    for label, t in throughput.items():
        shares = "".join(f"{100 * t['phase_shares'][k]:>10.1f}%" for k in labels)
        print(f"  {label:<28}{shares}")
    print()
    where = "one subprocess for all sizes" if args.quick else "a fresh subprocess per size"
    print(f"peak memory per initial firm ({where}; no firm panel)")
    for n, _ in plan["sizes"]:
        m = memory[n]
        row(
            f"peak memory per firm at {n:,} firms",
            f"{m['rss_bytes_per_firm']:>7.0f} B peak RSS ({m['counter']}) - baseline; "
            f"{m['tracemalloc_bytes_per_firm']:.0f} B tracemalloc peak",
        )
    print()
    print("scaling (time ratio; firm-years ratio beside it)")
    for label, x in scaling.items():
        row(
            f"scaling {label}",
            f"time x {x['time_ratio']:.2f}  (firm-years x {x['firm_year_ratio']:.2f}; "
            f"{x['seconds'][0]:.3f} s -> {x['seconds'][1]:.3f} s)",
        )
    print()
    r = reference
    print(
        f"Mesa reference at {r['firms']:,} firms: one mesa.Agent per firm, shuffle_do('step'); "
        "real core = ClusterModel(policy=None), start_rate=0 (no pipeline in either); "
        f"{r['seeds']} seeds, years {r['years'][0]}-{r['years'][1]}"
    )
    row(
        "mesa reference firm-years/s",
        f"{fmt_rate(r['reference_firm_years_per_s']):>9}  (median {r['reference_seconds']:.2f} s"
        " per run)",
    )
    row(
        "real core firm-years/s",
        f"{fmt_rate(r['real_firm_years_per_s']):>9}  (median {r['real_seconds']:.3f} s per run)",
    )
    row("speed-up over the reference", f"x {r['ratio']:.1f}")
    verdict = "indistinguishable" if r["indistinguishable"] else "DIFFERENT"
    row(
        "equivalence (paired t-test per statistic)",
        f"{verdict} (all p >= {P_THRESHOLD})" if r["indistinguishable"] else verdict,
    )
    for name, t in r["tests"].items():
        print(
            f"    {name:<20} real {t['real_mean']:8.4f} +- {t['real_sd']:.4f}   "
            f"reference {t['reference_mean']:8.4f} +- {t['reference_sd']:.4f}   p = {t['p']:.3f}"
        )
    print()
    print("runs")
    row(
        f"default run ({default_firms:,} firms, sim.cli.run)",
        f"{default['seconds']:.2f} s  (median of {default['reps']}; first call "
        f"{default['first_seconds']:.2f} s; build -> {written} written)",
    )
    row(
        "whole command (s3sim hydra.run.dir=...)",
        f"{default['command_seconds']:.2f} s (median of {default['reps']})",
    )
    s = sweep_result
    if s is None:
        row("sweep efficiency (2 workers vs 1)", "skipped in --quick")
    else:
        row(
            f"sweep efficiency ({s['runs']} runs, 2 workers vs 1)",
            f"{percent(s['efficiency'], TARGETS['sweep_efficiency'])}  "
            f"(T1 {s['t1']:.1f} s, T2 {s['t2']:.1f} s)",
        )
        print(
            f"    launcher: {s['launcher']}; mean model time per run (summary.json): "
            f"{s['run_seconds'][1]:.2f} s with 1 worker, {s['run_seconds'][2]:.2f} s with 2"
        )
    print()
    print("targets")
    checks = [
        (
            f"firm-years/s at {n_mid:,} firms",
            f">= {TARGETS['throughput'] / 1e6:.0f} M",
            fmt_rate(mid["firm_years_per_s"]),
            mid["firm_years_per_s"] >= TARGETS["throughput"],
        ),
        (
            "speed-up over the Mesa reference",
            f">= x {TARGETS['reference_ratio']:.0f}",
            f"x {r['ratio']:.1f}",
            r["ratio"] >= TARGETS["reference_ratio"],
        ),
        (
            "default run, build to outputs written",
            f"<= {TARGETS['default_run_s']:.0f} s",
            f"{default['seconds']:.2f} s (whole command {default['command_seconds']:.2f} s)",
            default["seconds"] <= TARGETS["default_run_s"],
        ),
        (
            f"peak memory per firm at {n_big:,} firms",
            f"<= {TARGETS['bytes_per_firm']:.0f} B",
            f"{memory[n_big]['rss_bytes_per_firm']:.0f} B (RSS)",
            memory[n_big]["rss_bytes_per_firm"] <= TARGETS["bytes_per_firm"],
        ),
        (
            f"{factor}x the firms (jobs x{factor}) costs",
            f"<= x {TARGETS['size_scaling']:.0f} the time",
            f"x {size_scaling:.2f}",
            size_scaling <= TARGETS["size_scaling"],
        ),
        (
            "sweep efficiency",
            f">= {100 * TARGETS['sweep_efficiency']:.0f} %",
            "skipped in --quick"
            if s is None
            else percent(s["efficiency"], TARGETS["sweep_efficiency"]),
            None if s is None else s["efficiency"] >= TARGETS["sweep_efficiency"],
        ),
    ]
    results["targets"] = []
    for label, target, value, ok in checks:
        verdict = "SKIP" if ok is None else "PASS" if ok else "MISS"
        print(f"  {label:<40} {target:<18} {value:<38} {verdict}")
        results["targets"].append({"target": label, "goal": target, "value": value, "pass": ok})
    print(f"\nbenchmark took {results['benchmark_seconds']:.0f} s")
    results["report"] = printed.close()
    results |= provenance()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, default=float) + "\n")
        print(f"figures saved to {args.out}")
    return 0


class _TeeStdout:
    """Copies everything printed to stdout until :meth:`close`, which returns it."""

    def __init__(self):
        self.stream, self.parts = sys.stdout, []
        sys.stdout = self

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> str:
        sys.stdout = self.stream
        return "".join(self.parts)


def provenance() -> dict[str, str]:
    """Commit, date, processor and mesa version: where the figures come from (docs quote them)."""
    import mesa

    git = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=7"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    cpuinfo = Path("/proc/cpuinfo")
    names = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.is_file() else [])
        if line.startswith("model name")
    ]
    cpu = names[0] if names else platform.processor() or "unknown processor"
    return {
        "commit": git.stdout.strip() or "unknown",
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "cpu_model": cpu,
        "mesa": mesa.__version__,
    }


def profile(scenario: str, n: int, top: int = 25) -> int:
    """cProfile of the simulated years (not the build) at ``n`` firms."""
    import cProfile
    import pstats

    model = build_model(compose([f"economy.n_firms={n}", f"scenario={scenario}"]))
    profiler = cProfile.Profile()
    profiler.enable()
    elapsed, fy = simulate(model)
    profiler.disable()
    print(f"profile of the model year: {n:,} firms, scenario {scenario}, {fy:,} firm-years")
    print(f"(under the profiler: {elapsed:.2f} s, {fmt_rate(fy / elapsed)} firm-years/s)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CommandError as exc:
        sys.exit(f"benchmark: {exc}")
