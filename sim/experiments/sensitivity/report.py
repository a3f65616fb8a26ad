"""The report of a study: sample size, an index table with intervals, bar charts, warnings.

Command line: ``s3sim-sensitivity SWEEP_DIR [--out DIR]`` writes ``sensitivity.csv`` (every
index with its interval), ``sensitivity.md`` and a self-contained ``sensitivity.html``, and
one bar chart per output (``sensitivity_<output>.png``) into DIR (default: the sweep).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.markup import Block, Heading, Image, Table, Text, to_html, to_markdown
from sim.experiments.sensitivity.analysis import (
    PRIMARY,
    SECONDARY,
    StudyResults,
    analyse,
    load_study,
)
from sim.experiments.sweep import SweepError
from sim.outputs.atomic import atomic_write, write_text

TOP = 15
"""Parameters shown per chart (the table lists all)."""


def size_text(results: StudyResults) -> str:
    """The study's design and size in one paragraph."""
    r = results.record
    d = len(r["names"])
    if r["method"] == "morris":
        count = int(r["trajectories"])
        design = (
            f"Morris screening, {count} {'trajectory' if count == 1 else 'trajectories'} on "
            f"{r['levels']} levels"
        )
    else:
        design = f"Sobol' indices (Saltelli scheme), base sample N = {r['base_sample']}"
    runs = r["rows"] * max(len(r["scenarios"]), 1) * int(r["replicates"])
    model = (
        "the Ishigami-Homma function"
        if r["model"] == "ishigami"
        else (
            f"economy `{r['economy']}` ({r['n_firms']} firms), scenarios "
            f"{', '.join(r['scenarios'])}, seed {r['seed']}, {r['replicates']} replicate(s)"
        )
    )
    spent = np.nansum(results.seconds)
    return (
        f"{design}: {d} parameters, {r['rows']:,} sample points, {runs:,} model runs; "
        f"{model}. Intervals: {100 * float(r['confidence']):.0f} % bootstrap "
        f"({r['resamples']} resamples). Evaluation time {spent / 60:.1f} CPU-minutes "
        f"({results.batches} batches)."
    )


def index_table(table: pd.DataFrame, method: str, output: str) -> pd.DataFrame:
    """One output's indices as formatted cells, ranked."""
    part = table[table["output"] == output]
    wide = part.pivot(index="parameter", columns="index", values=["value", "conf"])
    ranks = part[part["index"] == PRIMARY[method]].set_index("parameter")
    rows = []
    for name in ranks.sort_values("rank").index:
        row = {"rank": int(ranks.at[name, "rank"]), "parameter": f"`{name}`"}
        row["kind"] = ranks.at[name, "kind"]
        for index in (PRIMARY[method], SECONDARY[method]):
            v, c = wide.at[name, ("value", index)], wide.at[name, ("conf", index)]
            row[index] = f"{v:.3g} ± {c:.2g}" if np.isfinite(c) else f"{v:.3g}"
        if ranks.at[name, "no_effect"]:
            row["separated from next"] = "no effect at any point"
        else:
            row["separated from next"] = "yes" if ranks.at[name, "separated"] else "no"
        rows.append(row)
    return pd.DataFrame(rows)


def bar_chart(table: pd.DataFrame, method: str, output: str, path: Path) -> Path:
    """Horizontal bars of the leading parameters with their intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    part = table[table["output"] == output]
    primary = part[part["index"] == PRIMARY[method]].sort_values("rank").head(TOP)
    names = list(primary["parameter"])
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.5))
    pos = np.arange(len(names))
    shown = [PRIMARY[method]] if method == "morris" else ["ST", "S1"]
    height = 0.8 / len(shown)
    for k, index in enumerate(shown):
        rows = part[part["index"] == index].set_index("parameter").loc[names]
        ax.barh(pos + k * height, rows["value"], height, xerr=rows["conf"], capsize=2, label=index)
    ax.set_yticks(pos + height * (len(shown) - 1) / 2, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{' and '.join(shown)} with bootstrap intervals")
    ax.set_title(output, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, format="png", dpi=110))
    plt.close(fig)
    return path


def write_report(sweep_dir: Path, out: Path | None = None) -> Path:
    """Analyse the study in ``sweep_dir`` and write its report; return the HTML path."""
    results = load_study(sweep_dir)
    table, warnings = analyse(results)
    out = Path(out or sweep_dir)
    out.mkdir(parents=True, exist_ok=True)
    method = results.record["method"]
    blocks: list[Block] = [Heading("Sensitivity study", 1), Text(size_text(results))]
    if warnings:
        blocks += [Heading("Warnings"), *(Text(f"WARNING: {w}") for w in warnings)]
    if not table.empty:
        atomic_write(out / "sensitivity.csv", lambda p: table.to_csv(p, index=False))
        for output in table["output"].unique():
            blocks.append(Heading(f"`{output}`"))
            blocks.append(Table(index_table(table, method, output)))
            png = out / f"sensitivity_{output.replace('.', '_')}.png"
            blocks.append(Image(bar_chart(table, method, output, png), _caption(method)))
    blocks.append(Heading("Parameters and their ranges"))
    ranges = pd.DataFrame(
        [
            {"parameter": f"`{p['key']}`", "low": p["low"], "high": p["high"], "why": p["why"]}
            for p in results.record["parameters"]
        ]
    )
    blocks.append(Table(ranges))
    write_text(out / "sensitivity.md", to_markdown(blocks, out))
    return write_text(out / "sensitivity.html", to_html(blocks, "Sensitivity study"))


def _caption(method: str) -> str:
    if method == "morris":
        return (
            "mu*: mean absolute elementary effect, in the output's unit per the parameter's "
            "whole range; bars are bootstrap intervals. Ranks whose intervals overlap are not "
            "resolved."
        )
    return "ST: total-order, S1: first-order Sobol' index; bars are bootstrap intervals."


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``s3sim-sensitivity SWEEP_DIR [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="s3sim-sensitivity", description=__doc__.split("\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="the study's sweep directory")
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    args = parser.parse_args(argv)
    try:
        path = write_report(args.sweep_dir, args.out)
    except (SweepError, OSError, ValueError) as exc:
        print(f"s3sim-sensitivity: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path} and {path.with_suffix('.md')}")
    return 0
