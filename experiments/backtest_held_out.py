"""Does the model beat persistence on a history it did not see? A held-out backtest.

Varies: the start of a run from data, anchored and settled (the default) or drawn
(``data.anchored=false data.settle=0``). Fixed: the held-out history, written by the
model itself: the 2000 state of a synthetic run (default economy, seed 98, 10 burn-in
years), then 2001..TO run from that state with a seed the forecasts never use (99 by
default). Measured: ``s3sim-backtest`` from 2000 to TO with seeds 0..n-1 pooled, i.e.
the mean absolute errors of the model, persistence and trend (RCA in TO, by period,
employment growth), as the backtest writes them. No real statistics are needed; the
process that wrote the history is the model's, so a forecast that cannot beat
persistence here could not be expected to on real data.

    .venv/bin/python experiments/backtest_held_out.py [--firms 50000] [--seeds 10]
        [--to 2008] [--history-seed 99] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from sim.validation.backtest_command import main as backtest
from sim.validation.history import held_out_history

STARTS = {
    "anchored, settled (default)": [],
    "drawn (anchored=false, settle=0)": ["data.anchored=false", "data.settle=0"],
}


def held_out_errors(
    folder: Path, firms: int, seeds: int, to: int, history_seed: int
) -> dict[str, pd.DataFrame]:
    """Backtest errors of each start on a history written with ``history_seed``."""
    data = held_out_history(folder, firms, to, seed=history_seed, burn_in=10)
    errors = {}
    for name, extra in STARTS.items():
        out = folder / f"start_{len(errors)}"
        args = ["--to", str(to), "--seeds", str(seeds), "--out", str(out), *data, *extra]
        if backtest(args) != 0:
            raise SystemExit(f"backtest of {name} failed")
        errors[name] = pd.read_csv(out / "backtest_errors.csv").set_index("measure")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=50_000)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--to", type=int, default=2008)
    parser.add_argument("--history-seed", type=int, default=99)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        errors = held_out_errors(folder, args.firms, args.seeds, args.to, args.history_seed)
    print(f"held-out history: seed {args.history_seed}, {args.firms:,} firms, 2000 -> {args.to};"
          f" forecasts pool seeds 0-{args.seeds - 1}")  # fmt: skip
    for name, table in errors.items():
        print(f"\n{name}\n{table.round(3).to_string()}")
        ratio = table.loc["rca", "model"] / table.loc["rca", "persistence"]
        print(f"model / persistence, rca in {args.to}: {ratio:.2f}")


if __name__ == "__main__":
    main()
