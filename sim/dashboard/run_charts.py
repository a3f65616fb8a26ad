"""The Run page's figures, drawn by ``sim.plots`` from what a :class:`LiveRun` observed so far.

:func:`gather` copies the few small frames the charts need out of the running models, and
:func:`render` draws them as PNG images. ``render`` takes only that picklable snapshot,
so the page can draw in another process while the simulation goes on. Each chart is a
PNG image, or a short text saying why there is none yet (no reported year, no policy, no
spearhead picked), so the page never shows a traceback.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from sim import plots
from sim.dashboard.live import LiveRun
from sim.plots._common import add_caption, new_figure, qualitative_colours

Chart = Figure | str
"""A figure, or the reason there is none."""
DPI = 80


@dataclass
class Snapshot:
    """What the charts show of a run at one moment (small frames, picklable)."""

    year: int
    focal: str
    scenario: str
    caption: str | None
    start: int
    periods: pd.DataFrame
    employment: pd.DataFrame
    groups: dict[str, str]
    has_policy: bool
    has_baseline: bool
    spearheads: list[str] = field(default_factory=list)
    chains: pd.DataFrame = field(default_factory=pd.DataFrame)
    ledger: pd.DataFrame | None = None
    clusters: pd.DataFrame | None = None


def gather(run: LiveRun) -> Snapshot:
    """The frames of the charts, as observed by ``run`` so far."""
    economy = run.model.economy
    employment = run.employment()
    spearheads = run.spearhead_sectors()
    frames = run.policy_frames()
    clusters = frames.get("clusters")
    if clusters is not None and not clusters.empty:
        clusters = clusters[clusters["region"] == run.focal]
    return Snapshot(
        year=run.model.year - 1,
        focal=run.focal,
        scenario=run.levers.scenario,
        caption=plots.SYNTHETIC_CAPTION if economy.spec.synthetic else None,
        start=run.model.start,
        periods=run.periods(),
        employment=employment[employment["region"] == run.focal],
        groups=economy.sector_groups(),
        has_policy=run.model.policy is not None,
        has_baseline=run.baseline is not None,
        spearheads=spearheads,
        chains=run.chains(spearheads) if spearheads else pd.DataFrame(),
        ledger=frames.get("ledger"),
        clusters=clusters,
    )


def specialisation(snap: Snapshot) -> Chart:
    """The source presentation's chart: the focal region's rsca by sector and period."""
    if snap.periods.empty:
        return f"No reported year yet: burn-in until {snap.start - 1}."
    return plots.plot_specialisation_by_period(
        snap.periods,
        snap.focal,
        measure="rsca",
        title=f"Relative specialisation of {snap.focal} in terms of employment (rsca)",
        caption=snap.caption,
    )


def employment_groups(snap: Snapshot) -> Chart:
    """Employment of the focal region by sector group."""
    if snap.employment.empty:
        return "No reported year yet."
    return plots.plot_employment_by_group(
        snap.employment, snap.groups, region=snap.focal, caption=snap.caption
    )


def spearhead_chains(snap: Snapshot) -> Chart:
    """Jobs of the focal region in its spearhead value chains, with and without policy."""
    if not snap.has_policy:
        return "No policy in this scenario: no spearheads."
    if not snap.spearheads:
        return "No spearhead value chains picked (yet) in this scenario."
    if snap.chains.empty:
        return "No reported year yet."
    fig = new_figure(7.5, 4.2)
    ax = fig.add_subplot()
    colours = dict(zip(snap.spearheads, qualitative_colours(len(snap.spearheads)), strict=True))
    for (sector, name), rows in snap.chains.groupby(["sector", "run"], sort=False):
        style = "-" if name == "scenario" else "--"
        label = f"{sector} ({snap.scenario if name == 'scenario' else name})"
        ax.plot(rows["year"], rows["employment"], style, color=colours[sector], label=label)
    ax.set_xlabel("year")
    ax.set_ylabel("jobs in the focal region")
    ax.grid(color="0.92")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Spearhead value chains of {snap.focal}")
    title = "dashed: same seed\nwithout policy" if snap.has_baseline else None
    fig.legend(loc="outside right upper", frameon=False, fontsize=8, title=title)
    add_caption(fig, snap.caption)
    return fig


def budget(snap: Snapshot) -> Chart:
    """Money disbursed by instrument in the focal region, year by year."""
    if snap.ledger is None:
        return "No policy in this scenario: no budget."
    if snap.ledger.empty:
        return "No reported year yet."
    return plots.plot_budget_by_instrument(snap.ledger, region=snap.focal, caption=snap.caption)


def roadmaps(snap: Snapshot) -> Chart:
    """Roadmap milestones of the focal region's spearhead clusters."""
    if snap.clusters is None:
        return "No policy in this scenario: no roadmaps."
    if snap.clusters.empty:
        return "No reported year yet."
    return plots.plot_roadmap_progress(snap.clusters, snap.caption)


CHARTS = {
    "specialisation": specialisation,
    "employment": employment_groups,
    "spearheads": spearhead_chains,
    "budget": budget,
    "roadmaps": roadmaps,
}
"""The Run page's charts, in the order shown."""


def png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def render(snap: Snapshot, names: Sequence[str] | None = None) -> dict[str, bytes | str | int]:
    """Charts of the snapshot (every one, or those in ``names``), as PNG or why there is none.

    The key ``year`` holds the last year the charts show.
    """
    drawn: dict[str, bytes | str | int] = {"year": snap.year}
    for name in CHARTS if names is None else names:
        chart = CHARTS[name](snap)
        drawn[name] = chart if isinstance(chart, str) else png(chart)
    return drawn


def warm_up() -> int:
    """Import and draw once, so that the first chart of a run comes quickly; return 0."""
    figure = new_figure(2.0, 2.0)
    figure.add_subplot().plot([0, 1], [0, 1])
    png(figure)
    return 0
