"""The main job behind ``make demo``: the standard comparison at demo size, then the report.

1. a sweep of the scenarios of experiments/standard_comparison.yaml over ``--seeds``
   seeds (Hydra multirun on local cores);
2. two no-policy runs with the firm panel, checked against the validation targets;
3. collect, compare against ``no_policy`` and write the report; print where it is.

Finished runs are kept: running the demo again resumes (or reuses) the sweep.
Delete the output folder to start afresh.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from sim.experiments import collect, report
from sim.outputs.atomic import is_complete
from sim.validation import validate_runs, write_report


def _s3sim(*overrides: str) -> None:
    subprocess.run([sys.executable, "-m", "sim.cli", *overrides], check=True)


def main(argv: list[str] | None = None) -> int:
    """Run the demo; return the exit status."""
    parser = argparse.ArgumentParser(prog="s3sim-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("outputs/demo"), help="output folder")
    parser.add_argument("--seeds", type=int, default=10, help="seeds per scenario")
    parser.add_argument("--firms", type=int, default=50000, help="initial firms per run")
    args = parser.parse_args(argv)
    for name in ("seeds", "firms"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} = {getattr(args, name)}: must be at least 1")
    started = time.perf_counter()
    sweep = args.out.resolve() / "sweep"
    finished = sum(1 for _ in sweep.glob("*/_COMPLETE"))
    if finished:
        print(f"demo: reusing {finished} finished runs in {sweep} (delete it to start afresh)")
    print(f"demo: standard comparison over {args.seeds} seeds ({args.firms} firms each)")
    _s3sim(
        "-m",
        "+experiment=standard_comparison",
        f"seed=range(0,{args.seeds})",
        f"economy.n_firms={args.firms}",
        f"hydra.sweep.dir={sweep}",
    )

    print("demo: checking the no-policy baseline against the validation targets")
    baseline = [args.out.resolve() / "baseline" / f"seed{seed}" for seed in (0, 1)]
    for seed, run_dir in enumerate(baseline):
        if not is_complete(run_dir):
            _s3sim(
                f"seed={seed}",
                f"economy.n_firms={args.firms}",
                "output.firm_panel=true",
                "output.plots=false",
                f"hydra.run.dir={run_dir}",
            )
    table = validate_runs(baseline)
    write_report(table, sweep)
    collect(sweep)
    path = report(sweep)
    comparison = (sweep / "comparison.md").read_text(encoding="utf-8")
    print(comparison)
    print(f"demo: validation of the baseline written to {sweep / 'validation.md'}")
    print(f"demo: finished in {time.perf_counter() - started:.0f} s")
    print(f"demo: report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
