"""How much two processes on this machine slow each other, whatever the software.

Run ``python experiments/machine_sharing.py`` (``experiments/sweep_benchmark.py`` calls
:func:`measure` between its studies). Two loops are timed alone and as a pair of
processes started together, in turn, for a few rounds:

* ``memory``: numpy passes over columns of 10^5 float64 each, 38 MB in all: about what a
  run of the default economy touches in a year (its firm columns and their temporaries at
  the 10^5 firms it reaches), more than a core's cache and more than half the shared one;
* ``cpu``: a loop of Python integer arithmetic that lives in the first level of cache.

Their ratio (the pair's mean time over the lone process's) is the machine's own price of a
second worker: the memory loop's is what two runs of the model, or any array code, pay
beside each other however well they are launched, the CPU loop's is the control (on a
machine whose cores slow down together, e.g. a shared host's frequency, it is above 1 too).
A sweep on 2 workers cannot reach more than about 1 / ratio of parallel efficiency when
its runs are memory-bound.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: Passes of each loop: about a second alone on a 2020s server core.
WORK = {"memory": 360, "cpu": 12_000_000}
#: The column count and length of the memory loop (float64).
COLUMNS, LENGTH = 48, 100_000


def memory_loop(passes: int, columns: int = COLUMNS, length: int = LENGTH) -> float:
    """Seconds of ``passes`` sweeps of ``c = a * b + c`` over the columns (numpy)."""
    import numpy as np

    data = [np.full(length, 1.0 + 1e-9 * k) for k in range(columns)]
    scratch = np.empty(length)
    start = time.perf_counter()
    for _ in range(passes):
        for k in range(0, columns - 2, 3):
            np.multiply(data[k], data[k + 1], out=scratch)
            np.add(scratch, data[k + 2], out=data[k + 2])
    return time.perf_counter() - start


def cpu_loop(passes: int) -> float:
    """Seconds of ``passes`` steps of Python integer arithmetic (no memory traffic)."""
    start = time.perf_counter()
    x = 0
    for i in range(passes):
        x = (x + i * i) & 0xFFFF
    return time.perf_counter() - start


def timed(kind: str, scale: float, copies: int) -> list[float]:
    """The loop's seconds in each of ``copies`` processes started together."""
    passes = max(1, int(WORK[kind] * scale))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import machine_sharing as m; "
        f"print(m.{kind}_loop({passes}))"
    )
    here = str(Path(__file__).resolve().parent)
    procs = [
        subprocess.Popen([sys.executable, "-c", code, here], stdout=subprocess.PIPE, text=True)
        for _ in range(copies)
    ]
    out = []
    for proc in procs:
        text, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"machine_sharing: the {kind} loop failed (exit {proc.returncode})")
        out.append(float(text))
    return out


def ratio(alone: list[float], pair: list[float]) -> float:
    """How much slower a loop runs beside another: mean time in pairs over mean time alone."""
    return statistics.mean(pair) / statistics.mean(alone)


def measure(rounds: int = 3, scale: float = 1.0) -> dict[str, dict]:
    """Each loop alone and in a pair, ``rounds`` times in turn; the times and their ratio."""
    times = {kind: {"alone": [], "pair": []} for kind in WORK}
    for _ in range(rounds):
        for kind in WORK:
            times[kind]["alone"] += timed(kind, scale, 1)
            times[kind]["pair"] += timed(kind, scale, 2)
    return {kind: t | {"ratio": ratio(t["alone"], t["pair"])} for kind, t in times.items()}


def describe(measured: dict[str, dict]) -> str:
    """One line: each loop's ratio, the memory loop's first."""
    return ", ".join(
        f"two {kind}-bound loops x {m['ratio']:.2f} ({len(m['alone'])} alone, "
        f"{len(m['pair']) // 2} in pairs)"
        for kind, m in measured.items()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alone and in pairs, in turn (3)")
    parser.add_argument("--scale", type=float, default=1.0, help="work of each loop (1.0)")
    parser.add_argument("--json", action="store_true", help="print the times as JSON")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.scale <= 0:
        parser.error("--rounds must be at least 1 and --scale positive")
    measured = measure(args.rounds, args.scale)
    print(json.dumps(measured, indent=2) if args.json else describe(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())
