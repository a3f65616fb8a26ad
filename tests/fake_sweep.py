"""Build small fake run and sweep directories that follow docs/outputs.md.

Plain functions, so any test can import them (``from fake_sweep import make_sweep``).
The data are tiny and deterministic: a policy scenario adds a known number of jobs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

FOCAL = "flanders"
MODEL_REGIONS = ("flanders", "wallonia")
REGIONS = (*MODEL_REGIONS, "rest_of_world")
SECTOR_GROUPS = {
    "automotive": "mature manufacturing",
    "chemicals": "mature manufacturing",
    "batteries": "emerging",
    "hydrogen": "emerging",
    "software": "services",
}
SECTORS = tuple(SECTOR_GROUPS)
YEARS = tuple(range(2000, 2006))
PERIODS = {"2000-2002": (2000, 2001, 2002), "2003-2005": (2003, 2004, 2005)}
INSTRUMENTS = ("grant", "loan")
POLICY_EFFECT = 50.0
"""Jobs a policy scenario adds to the focal region's employment_total (plus the seed)."""
POLICY_BUDGET = 100.0


def scenario_shift(scenario: str) -> float:
    """Extra focal jobs of ``scenario`` (0 for the baseline ``no_policy``)."""
    return 0.0 if scenario == "no_policy" else POLICY_EFFECT


def employment_frame(scenario: str, seed: int) -> pd.DataFrame:
    """Employment panel: year x region x sector, the rest of the world included."""
    rng = np.random.default_rng(seed)
    rows = []
    for region in REGIONS:
        scale = 50.0 if region == "rest_of_world" else 1.0
        for k, sector in enumerate(SECTORS):
            base = scale * (20.0 + 5.0 * k) * rng.uniform(0.8, 1.2)
            for t, year in enumerate(YEARS):
                jobs = base * (1.0 + 0.02 * t)
                if region == FOCAL and sector == "batteries":
                    jobs += scenario_shift(scenario) * t / (len(YEARS) - 1)
                rows.append((year, region, sector, jobs, max(1, int(jobs // 5)), jobs * 0.07))
    return pd.DataFrame(
        rows, columns=["year", "region", "sector", "employment", "firms", "value_added"]
    )


def specialisation_frame(employment: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Specialisation panel of the model regions, rca as a location quotient."""
    emp = employment.set_index(["year", "region", "sector"])["employment"]
    share = emp / emp.groupby(level=["year", "region"]).transform("sum")
    world = emp.groupby(level=["year", "sector"]).sum()
    world_share = world / world.groupby(level="year").transform("sum")
    world_values = world_share.reindex(share.index.droplevel("region")).to_numpy()
    frame = (share / world_values).to_frame("rca").reset_index()
    frame = frame[frame["region"] != "rest_of_world"].reset_index(drop=True)
    frame["rsca"] = (frame["rca"] - 1.0) / (frame["rca"] + 1.0)
    rng = np.random.default_rng(1000 + seed)
    frame["relatedness_density"] = rng.uniform(0.0, 1.0, len(frame))
    return frame


def periods_frame(spec: pd.DataFrame) -> pd.DataFrame:
    """Period means of rca and rsca."""
    labels = {year: label for label, years in PERIODS.items() for year in years}
    frame = spec.assign(period=spec["year"].map(labels))
    return frame.groupby(["period", "region", "sector"], as_index=False)[["rca", "rsca"]].mean()


def ledger_frame(seed: int) -> pd.DataFrame:
    """Budget ledger of the focal government: year x instrument."""
    rows = []
    for t, year in enumerate(YEARS):
        for k, instrument in enumerate(INSTRUMENTS):
            disbursed = POLICY_BUDGET / len(YEARS) / len(INSTRUMENTS) * (1 + 0.1 * (k - 0.5))
            disbursed += 0.01 * seed * t
            rows.append((year, FOCAL, instrument, 30.0, disbursed, disbursed, 0.0, 1.0))
    columns = ["year", "region", "instrument", "available", "committed", "disbursed"]
    return pd.DataFrame(rows, columns=[*columns, "repaid", "carried_over"])


def clusters_frame() -> pd.DataFrame:
    """Two clusters of the focal region, one a spearhead."""
    rows = []
    for t, year in enumerate(YEARS):
        rows.append((year, FOCAL, "battery_valley", "batteries", True, 10 + t, 200.0, min(t, 4)))
        rows.append((year, FOCAL, "chem_park", "chemicals", False, 30, 900.0, 0))
    columns = ["year", "region", "cluster", "value_chain", "spearhead", "members", "employment"]
    return pd.DataFrame(rows, columns=[*columns, "milestones_reached"])


def indicators(scenario: str, seed: int, employment: pd.DataFrame) -> dict[str, float | None]:
    """summary.json indicators consistent with the employment panel."""
    last = employment[(employment["year"] == YEARS[-1]) & (employment["region"] == FOCAL)]
    first = employment[(employment["year"] == YEARS[0]) & (employment["region"] == FOCAL)]
    total = float(last["employment"].sum())
    policy = scenario != "no_policy"
    return {
        "employment_total": total,
        "employment_growth": total / float(first["employment"].sum()) - 1.0,
        "employment_emerging": _jobs(last, "batteries", "hydrogen"),
        "employment_spearhead": _jobs(last, "batteries") if policy else 0.0,
        "rca_spearhead_last_period": 1.2 + 0.01 * seed if policy else None,
        "specialisations_gained": float(seed % 3 + (1 if policy else 0)),
        "specialisations_lost": 0.0,
        "budget_spent": POLICY_BUDGET if policy else 0.0,
        "budget_spent_all_regions": POLICY_BUDGET if policy else 0.0,
        "rank_productivity": 1.0 if (seed + policy) % 2 else 2.0,
        "rank_employment_growth": 1.0 if policy else 2.0,
        "firms_total": float(last["firms"].sum()),
    }


def _jobs(frame: pd.DataFrame, *sectors: str) -> float:
    return float(frame.loc[frame["sector"].isin(sectors), "employment"].sum())


def write_run(
    run_dir: Path,
    scenario: str,
    seed: int,
    *,
    complete: bool = True,
    policy_files: bool = False,
    overrides: Mapping[str, object] | None = None,
    synthetic: bool = True,
) -> Path:
    """Write one run directory (Hydra layout: ``.hydra/overrides.yaml`` included).

    Args:
        run_dir: Directory to create.
        scenario: Scenario name.
        seed: Seed.
        complete: Whether to write ``_COMPLETE``.
        policy_files: Whether to write ledger.parquet and clusters.parquet.
        overrides: Extra Hydra overrides besides scenario and seed.
        synthetic: The summary's ``synthetic`` flag.

    Returns:
        ``run_dir``.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    employment = employment_frame(scenario, seed)
    spec = specialisation_frame(employment, seed)
    employment.to_parquet(run_dir / "employment.parquet", index=False)
    spec.to_parquet(run_dir / "specialisation.parquet", index=False)
    periods_frame(spec).to_parquet(run_dir / "specialisation_periods.parquet", index=False)
    if policy_files:
        ledger_frame(seed).to_parquet(run_dir / "ledger.parquet", index=False)
        clusters_frame().to_parquet(run_dir / "clusters.parquet", index=False)
    extra = {str(k): v for k, v in (overrides or {}).items()}
    config = {
        "scenario": scenario,
        "seed": seed,
        "economy": {
            "n_firms": int(extra.get("economy.n_firms", 200)),
            "sectors": {name: {"group": group} for name, group in SECTOR_GROUPS.items()},
        },
    }
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    hydra = run_dir / ".hydra"
    hydra.mkdir(exist_ok=True)
    items = [f"scenario={scenario}", f"seed={seed}", *(f"{k}={v}" for k, v in extra.items())]
    (hydra / "overrides.yaml").write_text(yaml.safe_dump(items), encoding="utf-8")
    (hydra / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    summary = {
        "scenario": scenario,
        "seed": seed,
        "focal_region": FOCAL,
        "synthetic": synthetic,
        "years": [YEARS[0], YEARS[-1]],
        "wall_time_s": 0.1,
        "indicators": indicators(scenario, seed, employment),
    }
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    if complete:
        (run_dir / "_COMPLETE").write_text("", encoding="utf-8")
    return run_dir


def make_sweep(
    root: Path,
    scenarios: Iterable[str] = ("no_policy", "targeted"),
    seeds: Iterable[int] = (0, 1, 2),
    policy_scenarios: Iterable[str] = ("targeted",),
    incomplete: Iterable[int] = (),
) -> Path:
    """Write a Hydra multirun sweep: ``root/<job>/`` for every scenario x seed.

    Args:
        root: The sweep directory.
        scenarios: Scenarios, the outer loop of the job numbers.
        seeds: Seeds, the inner loop.
        policy_scenarios: Scenarios whose runs get ledger.parquet and clusters.parquet.
        incomplete: Job numbers written without ``_COMPLETE``.

    Returns:
        ``root``.
    """
    policy, skip, job = set(policy_scenarios), set(incomplete), 0
    seeds = list(seeds)
    for scenario in scenarios:
        for seed in seeds:
            write_run(
                root / str(job),
                scenario,
                seed,
                complete=job not in skip,
                policy_files=scenario in policy,
                overrides={"economy.n_firms": 200},
            )
            job += 1
    (root / "multirun.yaml").write_text("hydra: {}\n", encoding="utf-8")
    return root


def make_small_sweep(root: Path) -> Path:
    """Three runs: ``0`` (no_policy, seed 0) and ``1`` (targeted, seed 0) are complete,
    ``2`` (targeted, seed 1) has no ``_COMPLETE``."""
    make_sweep(root, ("no_policy", "targeted"), (0,))
    write_run(root / "2", "targeted", 1, complete=False, overrides={"economy.n_firms": 200})
    return root
