"""One report of a sweep: ``report.html`` (self-contained) and ``report.md``.

The report states whether the economy is synthetic, the sweep's configuration, the
paired comparison with the baseline, figures of specialisation, budgets, roadmaps and
employment, and the baseline's validation summary when one exists. Optional inputs that
are absent (ledger, clusters, validation) leave a note instead of a section.

Command line: ``s3sim-report SWEEP_DIR [--baseline no_policy] [--out DIR]``
(sim.experiments.commands).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.experiments import figures
from sim.experiments.aggregate import sector_groups
from sim.experiments.collect import PANEL_DIR, load_runs
from sim.experiments.compare import ComparisonResult, compare_runs
from sim.experiments.figures import FigureContext
from sim.experiments.markup import (
    Block,
    Details,
    Heading,
    Table,
    Text,
    fmt_number,
    to_html,
    to_markdown,
)
from sim.experiments.sweep import find_run_dirs, override_columns, read_yaml, relative
from sim.experiments.tables import (
    explanation,
    format_comparison,
    format_unpaired,
    write_comparison,
    write_text_atomic,
)
from sim.experiments.verdict import picking_sentence, verdict

SYNTHETIC_LINE = (
    "Economy: synthetic, stylised economy: simulated data, not statistics of any real region."
)
PLOTS_DIR = "report_plots"
VALIDATE_HINT = "produce one with `s3sim-validate RUN_DIR` on a baseline run directory"


def report(
    sweep_dir: Path,
    baseline: str = "no_policy",
    out_dir: Path | None = None,
    *,
    n_resamples: int = 9999,
) -> Path:
    """Write ``report.html`` and ``report.md`` (figures in ``report_plots/``) for a sweep.

    Uses runs.parquet and panel/ when up to date, else collects the sweep first. Also
    writes the comparison as comparison.csv and comparison.md.

    Args:
        sweep_dir: The sweep directory.
        baseline: The baseline scenario of the comparison.
        out_dir: Output directory; defaults to ``sweep_dir``.
        n_resamples: Bootstrap resamples of the comparison's intervals.

    Returns:
        Path of report.html.

    Raises:
        SweepError: If the sweep has no complete runs.
    """
    sweep_dir = Path(sweep_dir)
    out_dir = Path(out_dir) if out_dir is not None else sweep_dir
    runs, data_dir, _ = load_runs(sweep_dir, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = FigureContext(
        runs=runs,
        sweep_dir=sweep_dir,
        panel_dir=data_dir / PANEL_DIR,
        plots_dir=out_dir / PLOTS_DIR,
        baseline=baseline,
        focal=_mode(runs.get("focal_region")),
        caption=None,
    )
    title = f"s3sim sweep report: {sweep_dir.resolve().name}"
    compared: list[Block] = []
    result = _comparison(ctx, runs, n_resamples, compared, out_dir)
    blocks: list[Block] = [Heading(title, 1)]
    if result is not None:  # the report opens with what the comparison settles
        blocks += [Heading("Verdict"), Text(verdict(result))]
        if picking := picking_sentence(runs):
            blocks.append(Text(picking))
    blocks += [*_economy(runs, ctx), *_configuration(ctx), *compared]
    blocks += _figures(ctx, result.table if result is not None else None)
    blocks += _validation(ctx)
    write_text_atomic(out_dir / "report.md", to_markdown(blocks, out_dir))
    html_path = out_dir / "report.html"
    write_text_atomic(html_path, to_html(blocks, title))
    if ctx.plots_dir.is_dir():
        for stale in set(ctx.plots_dir.glob("*.png")) - set(ctx.written):
            stale.unlink(missing_ok=True)
    return html_path


def _economy(runs: pd.DataFrame, ctx: FigureContext) -> list[Block]:
    flags = runs["synthetic"] if "synthetic" in runs.columns else pd.Series(dtype=object)
    known = [bool(v) for v in flags if v is not None and not pd.isna(v)]
    if known and all(known):
        try:
            from sim.plots import SYNTHETIC_CAPTION as caption
        except ImportError:
            caption = SYNTHETIC_LINE.removeprefix("Economy: ")
        ctx.caption = caption
        return [Text(SYNTHETIC_LINE)]
    if known and not any(known):
        return [Text("Economy: not the synthetic one (summary.json `synthetic: false`).")]
    if known:
        return [Text("Economy: mixed; some runs are synthetic (summary.json `synthetic`).")]
    return [Text("Economy: summary.json does not say whether it is synthetic.")]


def _configuration(ctx: FigureContext) -> list[Block]:
    runs = ctx.runs
    blocks: list[Block] = [Heading("Configuration")]
    per = runs.groupby("scenario", sort=False)["seed"].agg(["size", "nunique", "min", "max"])
    cells = [
        {"scenario": s, "runs": n, "seeds": k, "seed range": f"{lo}-{hi}"}
        for s, n, k, lo, hi in per.itertuples()
    ]
    blocks.append(Table(pd.DataFrame(cells).astype(str)))
    n_seeds = runs["seed"].nunique()
    focal = ctx.focal or "unknown"
    blocks.append(Text(f"{len(per)} scenarios, {n_seeds} distinct seeds, focal region {focal}."))
    overrides = override_columns(runs.columns)
    if overrides:
        rows = [
            {"override": c.split(".", 1)[1], "values": ", ".join(_distinct(runs[c]))}
            for c in overrides
        ]
        blocks.append(Table(pd.DataFrame(rows)))
    else:
        blocks.append(Text("No overrides besides scenario and seed."))
    _, incomplete = find_run_dirs(ctx.sweep_dir)
    if incomplete:
        names = ", ".join(relative(p, ctx.sweep_dir) for p in incomplete[:10])
        more = ", ..." if len(incomplete) > 10 else ""
        blocks.append(
            Text(f"Incomplete runs skipped (no _COMPLETE): {len(incomplete)} ({names}{more}).")
        )
    base = runs[runs["scenario"] == ctx.baseline]
    first = (base if len(base) else runs)["run_dir"].iloc[0]
    config = ctx.sweep_dir / str(first) / "config.yaml"
    if not config.is_file():
        config = ctx.sweep_dir / str(first) / ".hydra" / "config.yaml"
    if config.is_file():
        body = config.read_text(encoding="utf-8")
        blocks.append(Details(f"Base configuration (run {first}, config.yaml)", body))
    else:
        blocks.append(Text(f"Run {first} has no config.yaml."))
    return blocks


def _comparison(
    ctx: FigureContext, runs: pd.DataFrame, n_resamples: int, blocks: list[Block], out_dir: Path
) -> ComparisonResult | None:
    blocks.append(Heading(f"Comparison with {ctx.baseline}"))
    if ctx.baseline not in ctx.scenarios:
        blocks.append(Text(f"No runs of the baseline {ctx.baseline}: no comparison."))
        return None
    if len(ctx.scenarios) < 2:
        blocks.append(Text("Only the baseline was run: nothing to compare."))
        return None
    result = compare_runs(runs, ctx.baseline, n_resamples=n_resamples)
    write_comparison(result, out_dir)  # comparison.csv and .md beside the report
    blocks += [Text(explanation(result)), Table(format_comparison(result.table))]
    blocks += [Text(f"Note: {note}.") for note in result.notes]
    if len(result.unpaired):
        blocks += [Heading("Unpaired runs", 3), Table(format_unpaired(result.unpaired))]
    return result


def _figures(ctx: FigureContext, table: pd.DataFrame | None) -> list[Block]:
    blocks: list[Block] = [Heading("Figures")]
    try:
        import sim.plots  # noqa: F401
    except ImportError as exc:
        return [*blocks, Text(f"Figures skipped: sim.plots cannot be imported ({exc}).")]
    if table is not None and len(table):
        blocks += [Heading("Scenario effects", 3), *figures.forest(ctx, table)]
    blocks += [Heading("Relative specialisation against the baseline", 3)]
    blocks += figures.rca_differences(ctx)
    means = figures.period_means(ctx)
    blocks += [Heading("Specialisation by period", 3)]
    blocks += figures.specialisation_by_period(ctx, means)
    blocks += figures.heatmap(ctx, means)
    blocks += [Heading("Budget by instrument", 3), *figures.budgets(ctx)]
    blocks += [Heading("Roadmap progress", 3), *figures.roadmaps(ctx)]
    blocks.append(Heading("Employment by sector group", 3))
    first = ctx.sweep_dir / str(ctx.runs["run_dir"].iloc[0])
    groups = sector_groups(read_yaml(first / "config.yaml"), first / "employment.parquet")
    if groups:
        blocks += figures.employment_groups(ctx, groups)
    else:
        blocks.append(
            Text(
                "Skipped: no sector groups (config `economy.sectors.<name>.group` or an "
                "employment column `sector_group`)."
            )
        )
    return blocks


def _validation(ctx: FigureContext) -> list[Block]:
    blocks: list[Block] = [Heading(f"Validation of {ctx.baseline}")]
    candidates = [ctx.sweep_dir / "validation.json"]
    if ctx.baseline in ctx.scenarios:
        candidates += [d / "validation.json" for d in ctx.run_dirs(ctx.baseline)]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        return [*blocks, Text(f"No validation.json found; {VALIDATE_HINT}.")]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [*blocks, Text(f"{path.name} is unreadable ({exc}); {VALIDATE_HINT}.")]
    if isinstance(data, dict):  # s3sim-validate writes {"statistics": [...], ...}
        keys = ("statistics", "rows", "checks", "results")
        data = next((data[k] for k in keys if isinstance(data.get(k), list)), [])
    rows = [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []
    if not rows:
        return [*blocks, Text(f"{path.name} holds no rows; {VALIDATE_HINT}.")]
    frame = pd.DataFrame(
        {
            "name": [str(r.get("name", "")) for r in rows],
            "value": [fmt_number(r.get("value"), 3) for r in rows],
            "low": [fmt_number(r.get("low"), 3) for r in rows],
            "high": [fmt_number(r.get("high"), 3) for r in rows],
            "passed": [
                "info only" if r.get("info_only") else ("yes" if r.get("passed") else "no")
                for r in rows
            ],
        }
    )
    checked = frame[frame["passed"] != "info only"]
    n_passed = int((checked["passed"] == "yes").sum())
    where = relative(path.parent, ctx.sweep_dir)
    blocks.append(Text(f"{n_passed} of {len(checked)} checks passed ({path.name} in {where})."))
    return [*blocks, Table(frame)]


def _mode(values: pd.Series | None) -> str | None:
    if values is None:
        return None
    values = values.dropna()
    return None if values.empty else str(values.astype(str).mode().iloc[0])


def _distinct(values: pd.Series) -> list[str]:
    texts = {str(v) if v is not None and not pd.isna(v) else "(unset)" for v in values}

    def key(text: str) -> tuple[int, float, str]:
        try:
            return (0, float(text), text)
        except ValueError:
            return (1, 0.0, text)

    return sorted(texts, key=key)
