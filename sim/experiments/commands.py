"""The sweep commands ``s3sim-collect``, ``s3sim-compare`` and ``s3sim-report``.

Each parses its arguments, runs, and reports unusable input in one line (exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.experiments.collect import collect, load_runs
from sim.experiments.compare import DEFAULT_INDICATORS, compare_runs
from sim.experiments.power import parse_target_half_width
from sim.experiments.sensitivity.analysis import find_batches
from sim.experiments.sensitivity.report import write_report as write_sensitivity_report
from sim.experiments.sweep import SweepError
from sim.experiments.sweep_report import report
from sim.experiments.tables import write_comparison


def collect_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``s3sim-collect SWEEP_DIR [--out DIR]``.

    Returns:
        0 on success, 2 on unusable input (one line on stderr).
    """
    description = "Collect the complete runs of a sweep into runs.parquet and panel/."
    parser = argparse.ArgumentParser(prog="s3sim-collect", description=description)
    parser.add_argument("sweep_dir", type=Path, help="Hydra sweep directory")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    args = parser.parse_args(argv)
    try:
        result = collect(args.sweep_dir, args.out)
    except (SweepError, OSError) as exc:
        print(f"s3sim-collect: error: {exc}", file=sys.stderr)
        return 2
    print(result.summary_line())
    return 0


def nothing_to_compare(runs, baseline: str, indicators, notes: list[str]) -> str:
    """Why a comparison came out empty, in one line."""
    others = sorted(set(runs["scenario"].astype(str)) - {baseline})
    if not others:
        return f"only the baseline scenario {baseline!r} is in the sweep: nothing to compare"
    asked = ", ".join(indicators or DEFAULT_INDICATORS)
    return f"nothing to compare (indicators: {asked}): " + "; ".join(notes or ["no pairs"])


def compare_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``s3sim-compare SWEEP_DIR [--baseline NAME] [--out DIR]``.

    Reads runs.parquet when it is up to date, else collects the sweep first; writes
    comparison.csv and comparison.md.

    Returns:
        0 on success, 2 on unusable input (one line on stderr).
    """
    description = "Compare scenarios with a baseline on paired seeds."
    parser = argparse.ArgumentParser(prog="s3sim-compare", description=description)
    parser.add_argument("sweep_dir", type=Path, help="Hydra sweep directory")
    parser.add_argument("--baseline", default="no_policy", help="baseline scenario")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    parser.add_argument("--indicators", default=None, help="comma-separated indicator names")
    parser.add_argument(
        "--n-resamples",
        type=resamples,
        default=9999,
        help=f"bootstrap resamples, <= {MAX_RESAMPLES:,}",
    )
    parser.add_argument("--confidence", type=confidence_level, default=0.95, help="in (0, 1)")
    parser.add_argument("--seed", type=seed_option, default=0, help="seed of the bootstrap")
    parser.add_argument(
        "--target-half-width",
        default=None,
        metavar="X|X%",
        help="wanted 95%% half-width (indicator units, or X%% of the baseline mean): "
        "report the seeds needed",
    )
    args = parser.parse_args(argv)
    indicators = args.indicators.split(",") if args.indicators else None
    target = None
    if args.target_half_width is not None:
        try:
            target = parse_target_half_width(args.target_half_width)
        except ValueError as exc:
            print(f"s3sim-compare: error: {exc}", file=sys.stderr)
            return 2
    try:
        runs, data_dir, collected = load_runs(args.sweep_dir, args.out)
        if collected is not None:
            print(collected.summary_line())
        result = compare_runs(
            runs, args.baseline, indicators, args.n_resamples, args.confidence, args.seed, target
        )
        if result.table.empty:  # keep an earlier comparison rather than write an empty one
            raise ValueError(nothing_to_compare(runs, args.baseline, indicators, result.notes))
        csv_path, md_path = write_comparison(result, args.out or args.sweep_dir)
    except (SweepError, ValueError, OSError) as exc:
        print(f"s3sim-compare: error: {args.sweep_dir}: {exc}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"s3sim-compare: note: {note}", file=sys.stderr)
    n_scenarios = result.table["scenario"].nunique()
    print(f"compared {n_scenarios} scenarios with {args.baseline} -> {csv_path}, {md_path}")
    return 0


def report_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``s3sim-report SWEEP_DIR [--baseline NAME] [--out DIR]``.

    Returns:
        0 on success, 2 on unusable input (one line on stderr).
    """
    parser = argparse.ArgumentParser(prog="s3sim-report", description="Report of a sweep.")
    parser.add_argument("sweep_dir", type=Path, help="Hydra sweep directory")
    parser.add_argument("--baseline", default="no_policy", help="baseline scenario")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    parser.add_argument(
        "--n-resamples",
        type=resamples,
        default=9999,
        help=f"bootstrap resamples, <= {MAX_RESAMPLES:,}",
    )
    args = parser.parse_args(argv)
    try:
        if find_batches(args.sweep_dir):  # a sensitivity study: its own report
            path = write_sensitivity_report(args.sweep_dir, args.out)
        else:
            path = report(args.sweep_dir, args.baseline, args.out, n_resamples=args.n_resamples)
    except (SweepError, OSError, ValueError) as exc:
        line = (str(exc).splitlines() or [type(exc).__name__])[0]
        print(f"s3sim-report: error: {line}", file=sys.stderr)
        return 2
    print(f"wrote {path} and {path.with_suffix('.md')}")
    return 0


#: Most bootstrap resamples per interval: 10^5 puts the Monte Carlo error of a 95 %
#: bound far below the sampling error of any sweep; memory grows with it.
MAX_RESAMPLES = 100_000


#: Fewest bootstrap resamples: 999 is the classic smallest count for a 95 % percentile
#: bound (the 25th of 999 ordered values; Davison & Hinkley 1997, 5.2); fewer give bounds
#: that are mostly Monte Carlo noise.
MIN_RESAMPLES = 999


def resamples(text: str) -> int:
    """``--n-resamples``: a whole number in MIN_RESAMPLES..MAX_RESAMPLES (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not MIN_RESAMPLES <= value <= MAX_RESAMPLES:
        raise argparse.ArgumentTypeError(
            f"{value} is outside {MIN_RESAMPLES:,}..{MAX_RESAMPLES:,} (fewer resamples give "
            "bounds made of Monte Carlo noise)"
        )
    return value


def seed_option(text: str) -> int:
    """``--seed``: a whole number >= 0 (argparse type)."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def confidence_level(text: str) -> float:
    """``--confidence``: a level strictly between 0 and 1 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} must be strictly between 0 and 1, e.g. 0.95")
    return value
