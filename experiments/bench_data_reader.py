"""Memory and time of reading a large statistics file, against pandas reading it whole.

    .venv/bin/python experiments/bench_data_reader.py [--mb 200]

Writes a long CSV (region, sector, year, employment) of about ``--mb`` megabytes
with 40 years, then, each in a fresh process, (a) the project's reader keeping
one year (``read_observations(..., years=[2008])``, streamed) and (b)
``pandas.read_csv`` of the whole file, and prints the peak memory (max RSS) and
wall time of each and their ratio. One year's rows are 1/40 of the file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READERS = {
    "streamed reader, one year": (
        "from sim.data.readers import read_observations; "
        "obs = read_observations(PATH, 'long', years=[2008]); print(len(obs.frame))"
    ),
    "pandas.read_csv, whole file": "import pandas as pd; print(len(pd.read_csv(PATH)))",
}


def write_file(path: Path, megabytes: float) -> int:
    """A long CSV of about ``megabytes``; returns its rows."""
    rows = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("region,sector,year,employment\n")
        region = 0
        while out.tell() < megabytes * 1e6:
            for year in range(1990, 2030):
                for sector in ("C10-C12", "C20", "C26", "J62", "M72", "F", "G", "K"):
                    out.write(f"R{region:06d},{sector},{year},{1000 + region % 997}.5\n")
                    rows += 1
            region += 1
    return rows


def measure(code: str, path: Path) -> tuple[float, float]:
    """Peak RSS (MB) and wall time (s) of ``code`` in a fresh interpreter."""
    code = code.replace("PATH", repr(str(path)))
    code += "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    return int(out.stdout.split()[-1]) / 1024, seconds


def main() -> None:
    """Write the file, measure both readers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "employment.csv"
        rows = write_file(path, args.mb)
        size = path.stat().st_size / 1e6
        print(f"file: {size:.0f} MB, {rows:,} rows, 40 years")
        figures = {}
        for label, code in READERS.items():
            figures[label] = measure(code, path)
            peak, seconds = figures[label]
            ratio = peak / size
            print(f"{label:<30} peak {peak:7.0f} MB ({ratio:5.2f} x the file) {seconds:6.1f} s")
        (a_peak, a_s), (b_peak, b_s) = figures.values()
        print(f"streamed / pandas: memory {a_peak / b_peak:.2f}, time {a_s / b_s:.2f}")


if __name__ == "__main__":
    main()
