r"""The ``s3sim-calibrate`` command: estimate config keys from a multi-year file.

Example::

    s3sim-calibrate ranges.yaml --to 2011 --trials 40 --seeds 3 --jobs 2 --out fit \
        data.path=nama_10r_3empers.tsv.gz 'data.filters={wstatus:[EMP]}' data.year=2003 \
        'data.regions=[BE21,BE22,BE23,BE24,BE25]' data.reference=BE

``ranges.yaml`` holds ``parameters: {dynamics.competition.selection: [0.2, 2.0], ...}``
and, optionally, ``start: {dynamics.competition.selection: 0.6}`` (the first candidate)
and ``moments: {region_growth: 1, rca_change: 2, entry_rate: 0.5, ...}`` (the moments
fitted and their weights: the file's growth and RCA changes, and the stylised facts
of ``s3sim-validate``; see sim.validation.calibrate_moments).
Writes ``best.yaml`` (``parameters:`` with the estimates; the override
``params_file=best.yaml`` runs ``s3sim`` or ``s3sim-backtest`` with them),
``trace.csv`` (every trial and the best so far),
``moments.csv`` and ``moments.md`` (target, fitted, error and weight per moment) and
``study.journal`` (Optuna's storage: running the same command again resumes).
"""

from __future__ import annotations

import argparse
import sys
from copy import deepcopy
from pathlib import Path

import numpy as np
import yaml

from sim.errors import ConfigError
from sim.experiments.markup import markdown_table
from sim.outputs.atomic import write_text
from sim.validation import calibrate as msm
from sim.validation.backtest import observed_panel
from sim.validation.backtest_command import compose_config
from sim.validation.calibrate_moments import facts_of, parse_moments


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="s3sim-calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("ranges", type=Path, help="YAML file: parameters: {key: [low, high]}")
    parser.add_argument("overrides", nargs="*", help="config overrides (data.path=..., ...)")
    parser.add_argument("--to", type=int, required=True, help="last year of the window")
    parser.add_argument("--trials", type=int, default=30, help="candidates in all")
    parser.add_argument("--seeds", type=int, default=2, help="seeds per candidate (0..n-1)")
    parser.add_argument("--batch", type=int, default=4, help="candidates proposed at a time")
    parser.add_argument("--jobs", type=int, default=1, help="processes running a batch")
    parser.add_argument("--sampler-seed", type=int, default=0, help="seed of Optuna's sampler")
    parser.add_argument("--out", type=Path, default=Path("calibration"), help="output folder")
    return parser


def calibrate(args: argparse.Namespace) -> dict[str, float]:
    """Run (or resume) the study; write the outputs; return the best parameters."""
    import optuna
    from joblib import Parallel, delayed
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    spec = yaml.safe_load(args.ranges.read_text(encoding="utf-8"))
    ranges = msm.parse_ranges(spec, "ranges")
    start = msm.parse_start(spec, ranges, "ranges")
    selection = parse_moments(spec, "ranges")
    facts = facts_of(selection)
    config = compose_config(list(args.overrides), None, args.to)
    config["output"] = {**config["output"], "plots": False}
    for key, (low, _) in ranges.items():
        msm.set_key(deepcopy(config), key, low)  # unknown keys fail before any run
    data = config["data"]
    observed = observed_panel(data, list(range(data["year"], args.to + 1)))
    targets = msm.moments(observed.employment, observed.rest)
    _, se = msm.rca_reversion(observed.employment, observed.rest)
    spread = msm.scales(targets, {"rca_reversion": se})
    seeds = list(range(args.seeds))
    args.out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = JournalStorage(JournalFileBackend(str(args.out / "study.journal")))
    study = optuna.create_study(
        study_name="s3sim",
        storage=storage,
        load_if_exists=True,
        sampler=optuna.samplers.TPESampler(seed=args.sampler_seed),
    )
    done = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    if start and not study.trials:
        study.enqueue_trial(start)  # the first candidate: the starting point
    distributions = {k: optuna.distributions.FloatDistribution(*r) for k, r in ranges.items()}
    while done < args.trials:
        # proposals depend on the batch, not on --jobs: the same study whatever the processes
        batch = [study.ask(distributions) for _ in range(min(args.batch, args.trials - done))]
        fitted = Parallel(n_jobs=min(args.jobs, len(batch)))(
            delayed(msm.simulated_moments)(config, t.params, seeds, facts) for t in batch
        )
        for trial, moments in zip(batch, fitted, strict=True):
            study.tell(trial, msm.objective(moments, targets, spread, selection))
        done += len(batch)
    best = {k: float(v) for k, v in study.best_params.items()}
    fitted = msm.simulated_moments(config, best, seeds, facts)
    table = msm.moment_table(fitted, targets, observed.regions, observed.sectors, selection)
    trace = study.trials_dataframe(attrs=("number", "value", "params"))
    trace = trace.sort_values("number")
    trace["best_so_far"] = np.minimum.accumulate(trace["value"].to_numpy())
    write_text(args.out / "best.yaml", yaml.safe_dump({"parameters": best}, sort_keys=False))
    write_text(args.out / "trace.csv", trace.to_csv(index=False))
    write_text(args.out / "moments.csv", table.to_csv(index=False))
    write_text(
        args.out / "moments.md",
        f"# Calibration: objective {study.best_value:.4g} after {done} trials\n\n"
        f"{markdown_table(table.round(4))}\n",
    )
    return best


def main(argv: list[str] | None = None) -> int:
    """Run the calibration; one-line errors, exit status 2."""
    args = _parser().parse_intermixed_args(argv)
    try:
        best = calibrate(args)
    except (ConfigError, ValueError, OSError) as exc:
        print(f"s3sim-calibrate: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    shown = ", ".join(f"{k}={v:.4g}" for k, v in best.items())
    print(f"s3sim-calibrate: best {shown}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
