"""The plots of one run, written into ``RUN_DIR/plots``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.model.economy import REST_OF_WORLD
from sim.model.model import ClusterModel
from sim.outputs.manifest import note_write


def _save(figure, path: Path) -> Path:
    from sim import plots

    note_write(path)  # listed in the run's manifest before it is written
    return plots.save_figure(figure, path)


def plot_run(
    model: ClusterModel,
    out_dir: Path,
    employment: pd.DataFrame,
    periods: pd.DataFrame,
    policy_frames: dict[str, pd.DataFrame],
) -> list[Path]:
    """Write the run's PNG plots and return their paths.

    The focal region's relative specialisation per sector with bars grouped by
    period (the chart of the source presentation), employment by sector group
    over time, and, with a policy, budget by instrument and roadmap progress.
    """
    from sim import plots

    economy = model.economy
    focal = economy.regions[economy.focal]
    caption = plots.SYNTHETIC_CAPTION if economy.spec.synthetic else None
    target = out_dir / "plots"
    written = []
    figure = plots.plot_specialisation_by_period(
        periods,
        focal,
        measure="rsca",
        title=f"Relative specialisation of {focal} in terms of employment (rsca)",
        caption=caption,
    )
    written.append(_save(figure, target / "specialisation_by_period.png"))
    figure = plots.plot_employment_by_group(
        employment[employment["region"] != REST_OF_WORLD],
        economy.sector_groups(),
        region=focal,
        caption=caption,
    )
    written.append(_save(figure, target / "employment_by_group.png"))
    if "ledger" in policy_frames and len(policy_frames["ledger"]):
        figure = plots.plot_budget_by_instrument(policy_frames["ledger"], caption=caption)
        written.append(_save(figure, target / "budget_by_instrument.png"))
    if "clusters" in policy_frames and len(policy_frames["clusters"]):
        clusters = policy_frames["clusters"]
        figure = plots.plot_roadmap_progress(clusters[clusters["region"] == focal], caption=caption)
        written.append(_save(figure, target / "roadmap_progress.png"))
    return written
