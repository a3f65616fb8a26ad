"""How well do common random numbers pair two scenarios? Paired against unpaired spread.

Run ``python experiments/crn_variance.py`` (about 80 runs of the default economy, a few
minutes on 2 cores); ``--quick`` uses a small economy (a smoke test, not the measurement).

For every scenario named (default: every scenario of ``scenarios/`` except the baseline,
plus ``bottom_up`` at 1 % of its budget) and every seed, the scenario and ``no_policy``
run on the same seed; the indicator is the focal region's ``employment_total`` (its jobs
in the last reported year, as in ``summary.json``). Printed per scenario:

* the mean paired difference (scenario minus baseline) and its 95 % t interval;
* ``sd_paired``: the standard deviation over seeds of the paired difference;
* ``ratio``: ``sd_paired`` over the standard deviation across seeds of the baseline
  itself, what an unpaired comparison would face (issue targets: at most 0.1 at the full
  budget, 0.02 at 1 % of it);
* ``half-width %``: the interval's half-width as a share of the baseline mean (target: at
  most 1 % with 10 seeds).

Runs go through the same composition and model assembly as ``s3sim`` (one process per
run, ``--workers`` at a time); the seeds behind every figure are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "no_policy"
QUICK = ["economy.n_firms=3000", "years.start=2000", "years.end=2012", "years.burn_in=3"]


def focal_jobs(overrides: list[str]) -> float:
    """The focal region's jobs in the last reported year of one run."""
    from hydra import compose, initialize_config_dir

    from sim.cli import build_model
    from sim.config.paths import config_dir

    with initialize_config_dir(str(config_dir()), version_base="1.3"):
        config = compose("config", overrides=overrides)
    model = build_model(config)
    recorder = model.run()
    return float(recorder.employment[-1, model.economy.focal].sum())


def default_scenarios() -> list[str]:
    names = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    names = [n for n in names if n not in (BASELINE, "policy_base")]
    return names + ["bottom_up budget_scale=0.01"]


def summarise(label: str, base: np.ndarray, other: np.ndarray) -> dict[str, float | str]:
    diff = other - base
    n = len(diff)
    sd = float(diff.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
    return {
        "scenario": label,
        "mean_difference": float(diff.mean()),
        "ci_low": float(diff.mean()) - half,
        "ci_high": float(diff.mean()) + half,
        "sd_paired": sd,
        "ratio": sd / float(base.std(ddof=1)),
        "half_width_pct": 100.0 * half / float(base.mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help='e.g. targeted "bottom_up budget_scale=0.01"')
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N (default 10)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="small economy (smoke test)")
    parser.add_argument("--out", type=Path, help="also write the table as JSON")
    args = parser.parse_args(argv)
    labels = args.scenarios or default_scenarios()
    common = QUICK if args.quick else []
    seeds = list(range(1, args.seeds + 1))
    runs = [(BASELINE, s) for s in seeds] + [(label, s) for label in labels for s in seeds]

    def overrides(label: str, seed: int) -> list[str]:
        name, *extra = label.split()
        return [f"scenario={name}", *extra, *common, f"seed={seed}", "output.plots=false"]

    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        jobs = list(pool.map(focal_jobs, [overrides(label, s) for label, s in runs]))
    seconds = time.perf_counter() - t0
    value = dict(zip(runs, jobs, strict=True))
    base = np.array([value[(BASELINE, s)] for s in seeds])
    rows = [summarise(lb, base, np.array([value[(lb, s)] for s in seeds])) for lb in labels]

    span = f"seeds {seeds[0]}-{seeds[-1]}"
    print(f"focal employment_total, {span}, {len(runs)} runs in {seconds:.0f} s")
    print(f"baseline {BASELINE}: mean {base.mean():,.0f}, sd across seeds {base.std(ddof=1):,.0f}")
    print(f"{'scenario':32s} {'difference [95% CI]':>32s} {'sd_paired':>10s} {'ratio':>7s} hw %")
    for r in rows:
        ci = f"{r['mean_difference']:,.0f} [{r['ci_low']:,.0f}, {r['ci_high']:,.0f}]"
        print(
            f"{r['scenario']:32s} {ci:>32s} {r['sd_paired']:10,.0f} {r['ratio']:7.4f} "
            f"{r['half_width_pct']:6.2f}"
        )
    if args.out:
        table = {"seeds": seeds, "baseline": base.tolist(), "rows": rows, "common": common}
        args.out.write_text(json.dumps(table, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
