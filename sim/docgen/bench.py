"""Figures quoted from docs/bench.json, the file ``make bench`` writes.

The file holds every figure of experiments/benchmark.py (``--out``) plus the
printed report, the commit, the date and the machine; a figure added to the
benchmark is a new key, quoted with ``<!-- bench a/b/c FORMAT -->``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.docgen.blocks import table

BENCH = Path("docs/bench.json")


def load(root: Path) -> dict[str, Any]:
    """The figures of the last ``make bench``."""
    return json.loads((root / BENCH).read_text(encoding="utf-8"))


def lookup(figures: dict[str, Any], path: str) -> Any:
    """The value at ``path`` (keys joined by ``/``; list items by index)."""
    value: Any = figures
    for key in path.split("/"):
        if isinstance(value, list):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise KeyError(f"{BENCH}: no figure {path!r} (stopped at {key!r})")
    return value


def quote(value: Any, fmt: str) -> str:
    """A figure as the docs print it.

    Formats: ``f0``..``f3`` (fixed decimals), ``pct`` (a share as a whole percent),
    ``rate`` (1.85 M, 120 k), ``int`` (1,234), ``str`` (as it is).
    """
    if fmt == "str":
        return str(value)
    if fmt == "int":
        return f"{round(value):,}"
    if fmt == "pct":
        return f"{100 * value:.0f}"
    if fmt == "rate":
        return f"{value / 1e6:.2f} M" if value >= 1e6 else f"{value / 1e3:.0f} k"
    if fmt in ("f0", "f1", "f2", "f3"):
        return f"{value:.{fmt[1]}f}"
    raise KeyError(f"unknown figure format {fmt!r}")


def provenance(figures: dict[str, Any]) -> str:
    """One line: where and when the figures were measured."""
    load_before, load_after = figures["load_average"]
    busy = max(load_before, load_after) / figures["cpus"]
    warning = (
        f" **The machine was busy (load {busy:.0f}x its CPUs): every timing is slowed by the "
        "other work and only ratios within one measurement (scaling, the Mesa ratio) say much; "
        "run `make bench` on a quiet machine for the code's own speed.**"
        if busy > 1.5
        else " Other work on the machine slows every timing."
    )
    return (
        f"Measured by `make bench` at commit {figures.get('commit', '?')} on "
        f"{figures.get('date', '?')}: {figures.get('cpu_model', '?')}, {figures['cpus']} CPUs, "
        f"Python {figures['python']}, numpy {figures['numpy']}, mesa {figures.get('mesa', '?')}; "
        f"load average {load_before:.2f} before and {load_after:.2f} after.{warning}\n"
    )


def add_figures(root: Path, key: str, path: Path) -> None:
    """Put the figures of another benchmark (a JSON file) under ``key`` of docs/bench.json."""
    figures = load(root)
    figures[key] = json.loads(Path(path).read_text(encoding="utf-8"))
    (root / BENCH).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def render(name: str, root: Path) -> str:
    """The generated block ``bench.targets`` (a table) or ``bench.report`` (the printout)."""
    figures = load(root)
    if name == "bench.targets":
        study = figures.get("sweep_study", {}).get("targets", [])
        rows = [
            [t["target"], t["goal"], t["value"], {True: "met", False: "missed"}.get(t["pass"], "-")]
            for t in figures["targets"] + study
        ]
        return table(["measure", "target", "measured", ""], rows) + "\n" + provenance(figures)
    if name == "bench.report":
        report = figures["report"].rstrip("\n")
        if "report" in figures.get("sweep_study", {}):
            report += "\n\n" + figures["sweep_study"]["report"].rstrip("\n")
        return provenance(figures) + "\n```\n" + report + "\n```\n"
    raise KeyError(f"no generated bench block {name!r}")
