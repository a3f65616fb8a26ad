"""Write one run's outputs into its directory (docs/outputs.md), atomically, marker last."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.outputs.atomic import mark_complete, write_json, write_parquet, write_text
from sim.metrics import period_means
from sim.model.model import ClusterModel
from sim.model.stages import STAGES
from sim.config.settings import RunSettings
from sim.outputs.summary import indicators

#: libyaml's safe dumper where PyYAML was built with it (the same text, about 4x faster).
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def project_frame(model: ClusterModel) -> pd.DataFrame:
    """Project events with readable stage and funder names."""
    frame = model.recorder.project_frame()
    frame["stage"] = pd.Categorical.from_codes(frame["stage"].astype(int), STAGES)
    funders = model.policy.instrument_names if model.policy is not None else []
    names = [*funders, "none"]
    codes = frame["funder"].astype(int)
    # -1 (no funder) becomes the last category, "none"
    frame["funder"] = pd.Categorical.from_codes(codes.where(codes >= 0, len(names) - 1), names)
    return frame


def focal_sectors(model: ClusterModel, periods: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The focal region's jobs per sector in the last year and rca in the last whole period."""
    e = model.economy
    jobs = model.recorder.employment[-1, e.focal]
    focal = periods[(periods["region"] == e.regions[e.focal]) & periods["whole"]]
    last = focal[focal["period"] == focal["period"].max()] if len(focal) else focal
    rca = last.set_index("sector")["rca"]
    return {
        "employment": {s: float(v) for s, v in zip(e.sectors, jobs, strict=True)},
        "rca_last_period": {s: float(rca.get(s, float("nan"))) for s in e.sectors},
    }


def write_results(
    model: ClusterModel,
    out_dir: Path,
    config: dict[str, Any],
    settings: RunSettings,
    scenario: str,
    wall_time: float,
) -> dict[str, Any]:
    """Write every output of a finished run and return the summary.

    Args:
        model: The finished model.
        out_dir: The run directory.
        config: The composed config as a plain dict (saved as config.yaml).
        settings: The run settings.
        scenario: The scenario's name.
        wall_time: Seconds from building the model to the end of the run.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rec = model.recorder
    years = settings.years
    employment = rec.employment_frame()
    specialisation = rec.specialisation_frame()
    write_parquet(out_dir / "employment.parquet", employment)
    write_parquet(out_dir / "specialisation.parquet", specialisation)
    periods = period_means(specialisation, ["rca", "rsca"], years.start, settings.periods.length)
    known = dict(zip(model.economy.sectors, model.economy.statistics.tolist(), strict=True))
    periods["statistics"] = periods["sector"].map(known).astype(bool)
    write_parquet(out_dir / "specialisation_periods.parquet", periods)
    firms = rec.firm_frame()
    if firms is not None:
        write_parquet(out_dir / "firms.parquet", firms)
    write_parquet(out_dir / "projects.parquet", project_frame(model))
    policy_frames = model.policy.frames(model) if model.policy is not None else {}
    for name, frame in policy_frames.items():
        write_parquet(out_dir / f"{name}.parquet", frame)

    focal = model.economy.focal
    spearheads = model.policy.spearhead_sectors(focal) if model.policy is not None else []
    summary = {
        "scenario": scenario,
        "seed": settings.seed,
        "focal_region": model.economy.regions[model.economy.focal],
        "synthetic": bool(model.economy.spec.synthetic),
        "economy": model.economy.spec.name,
        "years": [years.start, years.end],
        "n_firms_start": int(model.initial_firms),
        "n_firms_first_year": int(rec.firms[0, : model.economy.n_regions].sum()),
        "wall_time_s": round(wall_time, 4),
        "indicators": indicators(rec, years.start, settings.periods.length, spearheads),
    }
    if model.policy is not None:
        summary["indicators"].update(model.policy.indicators(model))
    summary["spearhead_sectors"] = [model.economy.sectors[s] for s in spearheads]
    summary["focal_sectors"] = focal_sectors(model, periods)
    summary["sectors"] = list(model.economy.sectors)
    summary["sectors_without_statistics"] = [s for s, k in known.items() if not k]
    write_json(out_dir / "summary.json", summary)
    write_text(
        out_dir / "config.yaml",
        config_header(model, config) + yaml.dump(config, Dumper=YAML_DUMPER, sort_keys=False),
    )
    if settings.output.plots:
        from sim.outputs.run_plots import plot_run

        plot_run(model, out_dir, employment, periods, policy_frames)
    mark_complete(out_dir)
    return summary


def config_header(model: ClusterModel, config: dict[str, Any]) -> str:
    """A comment for config.yaml when the run's sectors are not ``economy.sectors``.

    With a mapping of the data's own sectors, ``economy.sectors`` stays in the config
    (the own sectors take their attributes from it, sim.data.own_sectors), but the
    run's sectors are the mapping's: say so where a reader would look first.
    """
    listed = list(((config.get("economy") or {}).get("sectors") or {}).keys())
    if listed == list(model.economy.sectors):
        return ""
    return (
        "# The run's sectors are the data mapping's own: "
        + ", ".join(model.economy.sectors)
        + ".\n# economy.sectors below are the default sectors their attributes are derived"
        " from (docs/data.md).\n"
    )
