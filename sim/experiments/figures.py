"""The report's figures: data gathered per scenario, drawn by ``sim.plots``.

Every section returns report blocks; a missing optional file or a plot that cannot be
drawn becomes a note in the report instead of an error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.aggregate import mean_over_runs, panel_rows, spearhead_sectors
from sim.experiments.markup import Block, Image, Text
from sim.experiments.sweep import OVERRIDE_PREFIX, override_columns


@dataclass
class FigureContext:
    """What the figure sections need to know about a sweep.

    Attributes:
        runs: The runs table (``run_dir`` relative to ``sweep_dir``).
        sweep_dir: The sweep directory.
        panel_dir: The panel dataset written by ``collect``.
        plots_dir: Where PNG files go.
        baseline: The baseline scenario.
        focal: The focal region.
        caption: Text added to every figure (the synthetic-economy caption), or None.
        written: PNG files written so far.
    """

    runs: pd.DataFrame
    sweep_dir: Path
    panel_dir: Path
    plots_dir: Path
    baseline: str
    focal: str | None
    caption: str | None
    written: list[Path] = field(default_factory=list)

    @property
    def scenarios(self) -> list[str]:
        """Scenarios in order of appearance."""
        return [str(s) for s in pd.unique(self.runs["scenario"])]

    def run_dirs(self, scenario: str) -> list[Path]:
        """Run directories of ``scenario``."""
        rel = self.runs.loc[self.runs["scenario"] == scenario, "run_dir"]
        return [self.sweep_dir / str(r) for r in rel]

    def figure(self, name: str, draw: Callable[[], Any], description: str) -> list[Block]:
        """Draw a figure with ``draw``, save it as ``name``.png and return its block.

        A ``ValueError`` from the plotting function (e.g. no rows for the region) becomes
        a note; other errors propagate.
        """
        from sim.plots import save_figure

        try:
            fig = draw()
        except ValueError as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"s3sim-report: note: {description}: {message}", file=sys.stderr)
            return [Text(f"{description}: not drawn ({message}).")]
        stem, taken = _safe(name), {p.stem for p in self.written}
        if stem in taken:  # names that differ only in characters a file name drops
            stem = next(
                f"{stem}_{i}" for i in range(2, len(taken) + 3) if f"{stem}_{i}" not in taken
            )
        path = save_figure(fig, self.plots_dir / f"{stem}.png")
        self.written.append(path)
        caption = f"{description}. {self.caption}" if self.caption else f"{description}."
        return [Image(path, caption)]


def forest(ctx: FigureContext, table: pd.DataFrame) -> list[Block]:
    """Forest plot of the comparison: mean difference and interval per indicator."""
    from sim.plots import plot_comparison_forest

    rows = table[pd.to_numeric(table["mean_diff"], errors="coerce").notna()].copy()
    if rows.empty:
        return [Text("No indicator has a mean difference to plot.")]
    groups = [c for c in rows.columns if str(c).startswith(OVERRIDE_PREFIX)]
    if groups:
        labels = rows[groups].astype(str).agg(", ".join, axis=1)
        rows["scenario"] = rows["scenario"].astype(str) + " (" + labels + ")"
    description = f"Paired differences from {ctx.baseline} with t intervals"
    return ctx.figure(
        "forest", lambda: plot_comparison_forest(rows, caption=ctx.caption), description
    )


def rca_differences(ctx: FigureContext) -> list[Block]:
    """RCA of the focal region, each scenario minus the baseline on the same seed."""
    from sim.plots import plot_paired_differences

    if ctx.focal is None:
        return [Text("No focal region in summary.json: differences skipped.")]
    columns = ["scenario", "seed", "run_id", "year", "region", "sector", "rca"]
    spec = panel_rows(ctx.panel_dir, ctx.focal, columns).dropna(subset=["rca"])
    diff = paired_differences(ctx, spec, "rca")
    if diff.empty:
        return [Text(f"No paired rca values for {ctx.focal}: differences skipped.")]
    policy = [s for s in ctx.scenarios if s != ctx.baseline]
    configs = [d / "config.yaml" for s in policy for d in ctx.run_dirs(s)[:1]]
    sectors = spearhead_sectors(configs, diff["sector"].unique())[:6]
    how = "the spearhead sectors"
    if not sectors:
        last = diff[diff["year"] == diff["year"].max()]
        size = last.groupby("sector")["diff"].median().abs()
        sectors = [str(s) for s in size.sort_values(ascending=False, kind="stable").index[:4]]
        how = "the 4 sectors whose last-year median difference is largest"
    description = (
        f"RCA of {ctx.focal} for {how}: each scenario minus {ctx.baseline} on the same seed, "
        "median and 10-90 % band over seeds"
    )
    return ctx.figure(
        "rca_differences",
        lambda: plot_paired_differences(
            diff, ctx.focal, sectors, baseline=ctx.baseline, caption=ctx.caption
        ),
        description,
    )


def paired_differences(ctx: FigureContext, spec: pd.DataFrame, measure: str) -> pd.DataFrame:
    """``measure`` of every non-baseline run minus that of the baseline run of its seed.

    Runs are paired as in ``s3sim-compare``: by seed and by every varying override the
    baseline sets; varying overrides label the scenario (e.g. a budget level).
    """
    runs = ctx.runs.copy()
    groups = [c for c in override_columns(runs.columns) if runs[c].nunique() > 1]
    for c in groups:
        runs[c] = runs[c].astype("string").fillna("").astype(str)
    base_runs = runs[runs["scenario"] == ctx.baseline]
    paired_on = [c for c in groups if (base_runs[c] != "").any()]
    spec = spec.merge(runs[["run_dir", *groups]], left_on="run_id", right_on="run_dir")
    keys = ["seed", *paired_on, "year", "sector"]
    base = spec[spec["scenario"] == ctx.baseline].drop_duplicates(keys)
    other = spec[spec["scenario"] != ctx.baseline]
    merged = other.merge(base[[*keys, measure]], on=keys, suffixes=("", "_base"))
    merged["diff"] = merged[measure] - merged[f"{measure}_base"]
    if groups:
        labels = merged[groups].astype(str).agg(", ".join, axis=1)
        merged["scenario"] = merged["scenario"].astype(str) + " (" + labels + ")"
    return merged[["scenario", "seed", "year", "region", "sector", "diff"]]


def period_means(ctx: FigureContext) -> dict[str, pd.DataFrame]:
    """Mean rsca by period, region and sector over the runs of each scenario (and ``whole``)."""
    out: dict[str, pd.DataFrame] = {}
    keys = ["period", "region", "sector"]
    for scenario in ctx.scenarios:
        frame, _ = mean_over_runs(
            ctx.run_dirs(scenario),
            "specialisation_periods.parquet",
            keys,
            ["rsca", "whole"],
            desc=f"periods {scenario}",
        )
        if frame is not None:
            out[scenario] = frame
    return out


def specialisation_by_period(ctx: FigureContext, means: dict[str, pd.DataFrame]) -> list[Block]:
    """The focal region's rsca by period, one chart per scenario (mean over seeds)."""
    from sim.plots import plot_specialisation_by_period

    if ctx.focal is None:
        return [Text("No focal region in summary.json: specialisation by period skipped.")]
    blocks: list[Block] = []
    for scenario in ctx.scenarios:
        if scenario not in means:
            blocks.append(Text(f"{scenario}: no specialisation_periods.parquet, skipped."))
            continue
        frame = means[scenario]
        blocks += ctx.figure(
            f"periods_{scenario}",
            lambda f=frame: plot_specialisation_by_period(f, ctx.focal, caption=ctx.caption),
            f"Specialisation of {ctx.focal} by period, scenario {scenario} (rsca, mean over seeds)",
        )
    return blocks


def heatmap(ctx: FigureContext, means: dict[str, pd.DataFrame]) -> list[Block]:
    """Heatmap of the baseline's rsca in the last whole period, mean over seeds."""
    from sim.plots import plot_rsca_heatmap

    frame = means.get(ctx.baseline)
    if frame is None or frame.empty:
        return [Text(f"No specialisation_periods.parquet for {ctx.baseline}: heatmap skipped.")]
    whole = frame[frame["whole"] >= 1] if len(frame[frame["whole"] >= 1]) else frame
    last = max(whole["period"].astype(str).unique(), key=_period_key)
    return ctx.figure(
        f"rsca_heatmap_{ctx.baseline}",
        lambda: plot_rsca_heatmap(frame, period=last, caption=ctx.caption),
        f"RSCA by region and sector, {ctx.baseline}, period {last} (mean over seeds)",
    )


def budgets(ctx: FigureContext) -> list[Block]:
    """Disbursements by instrument over time, per policy scenario (mean over seeds)."""
    from sim.plots import plot_budget_by_instrument

    blocks: list[Block] = []
    for scenario in (s for s in ctx.scenarios if s != ctx.baseline):
        keys = ["year", "region", "instrument"]
        frame, n = mean_over_runs(
            ctx.run_dirs(scenario),
            "ledger.parquet",
            keys,
            ["disbursed"],
            missing_as_zero=True,
            desc=f"ledger {scenario}",
        )
        if frame is None or frame.empty:
            blocks.append(Text(f"{scenario}: no ledger.parquet, budget plot skipped."))
            continue
        region = ctx.focal if ctx.focal in set(frame["region"]) else None
        where = region or "all regions"
        blocks += ctx.figure(
            f"budget_{scenario}",
            lambda f=frame, r=region: plot_budget_by_instrument(f, region=r, caption=ctx.caption),
            f"Budget disbursed by instrument, {where}, scenario {scenario} (mean over {n} seeds)",
        )
    return blocks


def roadmaps(ctx: FigureContext) -> list[Block]:
    """Roadmap progress of the spearhead clusters in one run of each scenario."""
    from sim.plots import plot_roadmap_progress

    blocks: list[Block] = []
    for scenario in ctx.scenarios:
        chosen = None
        for run_dir in ctx.run_dirs(scenario):
            path = run_dir / "clusters.parquet"
            if path.is_file():
                frame = pd.read_parquet(path)
                if "spearhead" in frame and frame["spearhead"].fillna(False).astype(bool).any():
                    chosen = (run_dir, frame)
                    break
        if chosen is None:
            if scenario != ctx.baseline:
                blocks.append(Text(f"{scenario}: no clusters.parquet with spearheads, skipped."))
            continue
        run_dir, frame = chosen
        rel = run_dir.relative_to(ctx.sweep_dir).as_posix()
        blocks += ctx.figure(
            f"roadmap_{scenario}",
            lambda f=frame: plot_roadmap_progress(f, caption=ctx.caption),
            f"Roadmap progress of spearhead clusters, scenario {scenario}, run {rel}",
        )
    return blocks


def employment_groups(ctx: FigureContext, groups: dict[str, str]) -> list[Block]:
    """Employment of the focal region by sector group, per scenario (mean over seeds)."""
    from sim.plots import plot_employment_by_group

    if ctx.focal is None:
        return [Text("No focal region in summary.json: employment by group skipped.")]
    blocks: list[Block] = []
    columns = ["run_id", "year", "region", "sector", "employment"]
    for scenario in ctx.scenarios:
        rows = panel_rows(ctx.panel_dir, ctx.focal, columns, scenario=scenario)
        if rows.empty:
            blocks.append(Text(f"{scenario}: no employment rows for {ctx.focal}, skipped."))
            continue
        n_runs = rows["run_id"].nunique()
        mean = rows.groupby(["year", "region", "sector"], as_index=False)["employment"].sum()
        mean["employment"] /= n_runs
        mapping = {s: groups.get(s, "other") for s in mean["sector"].astype(str).unique()}
        blocks += ctx.figure(
            f"employment_groups_{scenario}",
            lambda m=mean, g=mapping: plot_employment_by_group(
                m, g, region=ctx.focal, caption=ctx.caption
            ),
            f"Employment of {ctx.focal} by sector group, scenario {scenario} "
            f"(mean over {n_runs} seeds)",
        )
    return blocks


def _period_key(period: str) -> tuple[float, str]:
    digits = "".join(c if c.isdigit() else " " for c in period).split()
    return (float(digits[0]) if digits else float("inf"), period)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
