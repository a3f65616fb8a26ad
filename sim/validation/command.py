"""Command line: ``s3sim-validate RUN_DIR [RUN_DIR ...] [--out DIR]``.

Exit status: 0 when every statistic passes its target, 1 when any fails, 2 on
bad input (a missing directory or file, or an unreadable file), reported as one
line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.validation.rundir import InputError
from sim.validation.table import validate_runs, write_report
from sim.validation.targets import TARGETS, target_text
from sim.validation.writer import format_value

PROG = "s3sim-validate"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Check the stylised facts of a baseline run (firm sizes, growth, demography, "
            "specialisation dynamics) against their empirical ranges. Several run "
            "directories (same economy, different seeds) are pooled."
        ),
    )
    parser.add_argument(
        "run_dirs", nargs="+", type=Path, metavar="RUN_DIR", help="run directory (with firm panel)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write validation.md/.json (default: the first RUN_DIR)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the validation and write the report.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 when all statistics pass, 1 when any fails, 2 on bad input.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        table = validate_runs(args.run_dirs)
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    out_dir = args.out if args.out is not None else args.run_dirs[0]
    try:
        md_path, json_path = write_report(table, out_dir)
    except OSError as exc:
        print(f"{PROG}: error: cannot write report to {out_dir}: {exc.strerror}", file=sys.stderr)
        return 2
    checked = table[table["name"].isin(list(TARGETS))]
    all_passed = bool(checked["passed"].all())
    if not args.quiet:
        for _, row in table.iterrows():
            info = row["name"] not in TARGETS
            flag = "info" if info else ("PASS" if row["passed"] else "FAIL")
            value = format_value(row["value"], info)
            print(f"{flag:4}  {row['name']:<30} {value:>10}  {target_text(row['name'])}")
        print(f"wrote {md_path} and {json_path}")
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
