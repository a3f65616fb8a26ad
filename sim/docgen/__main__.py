"""``python -m sim.docgen [--check]``: rewrite (or check) the generated parts of the docs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.docgen import bench, constants, indicators, parameters
from sim.docgen.blocks import fill

ROOT = Path(__file__).resolve().parents[2]
FILES = ("README.md", "docs/ODD.md", "docs/outputs.md", "docs/performance.md")


def render_block(name: str, root: Path = ROOT) -> str:
    """The body of the generated block ``name``, whatever file holds it."""
    if name.startswith(("dynamics.", "economy.")) or name == "run":
        return parameters.render(name, root)
    if name.startswith("summary."):
        return indicators.render(name)
    if name.startswith("bench."):
        return bench.render(name, root)
    if name == "constants":
        return constants.render(root)
    raise KeyError(f"no generated block {name!r}")


def generate(text: str, root: Path = ROOT) -> str:
    """``text`` with every generated block and every quoted figure rendered anew."""
    figures: dict | None = None

    def inline(path: str, fmt: str) -> str:
        nonlocal figures
        figures = figures if figures is not None else bench.load(root)
        return bench.quote(bench.lookup(figures, path), fmt)

    return fill(text, lambda name: render_block(name, root), inline)


def stale_files(root: Path = ROOT) -> list[str]:
    """The files whose generated parts differ from what the code and bench.json say."""
    return [
        f
        for f in FILES
        if generate((root / f).read_text("utf-8"), root) != (root / f).read_text("utf-8")
    ]


def main(argv: list[str] | None = None) -> int:
    """Rewrite the docs, or with ``--check`` list the stale ones and exit 1."""
    parser = argparse.ArgumentParser(prog="python -m sim.docgen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument(
        "--add-figures",
        nargs=2,
        metavar=("KEY", "FILE"),
        help="first put FILE's figures under KEY of docs/bench.json (make bench)",
    )
    args = parser.parse_args(argv)
    if args.add_figures:
        bench.add_figures(ROOT, args.add_figures[0], Path(args.add_figures[1]))
    try:
        stale = stale_files()
    except (KeyError, OSError, ValueError) as exc:  # a missing figure, file or docstring
        print(f"sim.docgen: {exc}", file=sys.stderr)
        return 2
    if args.check:
        for name in stale:
            print(f"{name}: generated parts are stale (run: python -m sim.docgen)")
        return 1 if stale else 0
    for name in stale:
        path = ROOT / name
        path.write_text(generate(path.read_text("utf-8")), encoding="utf-8")
        print(f"rewrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
