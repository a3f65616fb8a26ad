"""Benchmark of the Eurostat TSV reader on a generated 50 MB file.

Run ``python experiments/bench_data_tsv.py`` (``--mb 5`` for a quick look).

Design: two files of the current bulk form (``freq,unit,wstatus,nace_r2,geo\\TIME_PERIOD``,
25 years, 42 activity codes, cells ``value `` or ``value p``, and ``: c`` in ``Q86``),
each of about ``--mb`` megabytes and made of invented numbers:

* ``narrowed``: 3 units x 3 employment statuses, read with
  ``filters={"unit": "THS_PER", "wstatus": "EMP"}`` (one row in nine kept);
* ``whole``: one unit and one status, every row kept.

Measured for each, in a fresh subprocess (so that peak memory belongs to one read):
wall time of ``read_observations`` and of ``load_initial_employment`` (one year,
20 regions, the default mapping), the peak resident set (``VmHWM``) minus the
resident set before the read, and, as a reference measured in the same run,
``pandas.read_csv(sep="\\t")`` of the same file (tokenising only, no checks).
Also the gzip-compressed copy of ``narrowed``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODES = [
    "TOTAL", "A", "B-E", "B", "C", "C10-C12", "C13-C15", "C16-C18", "C19", "C20", "C21",
    "C22_C23", "C24_C25", "C26", "C27", "C28", "C29_C30", "C31-C33", "D", "E", "F", "G-I", "G",
    "H", "I", "J", "K", "L", "M_N", "M", "N", "O-Q", "O", "P", "Q", "R-U", "R", "S", "T", "U",
    "Q86", "Q87_Q88",
]  # fmt: skip
YEARS = list(range(2000, 2025))


def write_tsv(path: Path, megabytes: float, units: list[str], statuses: list[str]) -> int:
    """Write a TSV of about ``megabytes`` MB; returns the number of data rows."""
    header = "freq,unit,wstatus,nace_r2,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in YEARS)
    rows, size, region = 0, 0, 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + "\n")
        while size < megabytes * 1e6:
            geo = f"R{region:04d}"
            region += 1
            for unit in units:
                for status in statuses:
                    for i, code in enumerate(CODES):
                        cells = []
                        for y in YEARS:
                            v = 10.0 + (region * 7 + i * 13 + y) % 997 / 10
                            cell = f"{v:.1f} " if (y + i) % 11 else f"{v:.1f} p"
                            cells.append(": c" if code == "Q86" and (region + y) % 5 == 0 else cell)
                        line = f"A,{unit},{status},{code},{geo}\t" + "\t".join(cells) + "\n"
                        out.write(line)
                        size += len(line)
                        rows += 1
    return rows


CHILD = """
import json, sys, time
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
import pandas as pd
from sim.data import load_initial_employment, read_observations
path, what, filters = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
open("/proc/self/clear_refs", "w").write("5")
before = rss("VmRSS")
start = time.perf_counter()
if what == "pandas":
    n = len(pd.read_csv(path, sep="\\t"))
elif what == "read":
    n = len(read_observations(path, filters=filters).frame)
else:
    regions = [f"R{i:04d}" for i in range(20)]
    n = int(load_initial_employment(path, None, 2010, regions, "all", filters=filters,
                                    unknown_codes="ignore").employment.sum())
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": rss("VmHWM") - before, "n": n}))
"""


def measure(path: Path, what: str, filters: dict) -> dict:
    """Run one read in a fresh interpreter and return its time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), what, json.dumps(filters)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> None:
    """Generate the files, measure each read and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each file in MB")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        narrowed, whole = Path(folder) / "narrowed.tsv", Path(folder) / "whole.tsv"
        started = time.perf_counter()
        rows_n = write_tsv(narrowed, args.mb, ["THS_PER", "PER", "THS_HW"], ["EMP", "SAL", "SELF"])
        rows_w = write_tsv(whole, args.mb, ["THS_PER"], ["EMP"])
        packed = Path(folder) / "narrowed.tsv.gz"
        packed.write_bytes(gzip.compress(narrowed.read_bytes(), compresslevel=6))
        print(f"files written in {time.perf_counter() - started:.1f} s")
        keep = {"unit": "THS_PER", "wstatus": "EMP"}
        cases = [
            ("narrowed", narrowed, rows_n, keep),
            ("narrowed .gz", packed, rows_n, keep),
            ("whole", whole, rows_w, {}),
        ]
        print(
            f"{'file':<14}{'MB':>7}{'rows':>9}  {'read':<34}{'s':>7}{'peak MB':>9}{'x pandas':>10}"
        )
        for label, path, rows, filters in cases:
            size = path.stat().st_size / 1e6
            ref = measure(path, "pandas", {})
            for what in ("read", "load"):
                got = measure(path, what, filters)
                name = "read_observations" if what == "read" else "load_initial_employment 1 year"
                print(
                    f"{label:<14}{size:>7.1f}{rows:>9}  {name:<34}{got['seconds']:>7.2f}"
                    f"{got['peak_mb']:>9.0f}{got['seconds'] / ref['seconds']:>10.1f}"
                )
            print(
                f"{'':<14}{'':>7}{'':>9}  {'pandas.read_csv (reference)':<34}"
                f"{ref['seconds']:>7.2f}{ref['peak_mb']:>9.0f}{1.0:>10.1f}"
            )


if __name__ == "__main__":
    main()
