"""The run's headline indicators for the focal region (summary.json, docs/outputs.md)."""

from __future__ import annotations

import numpy as np

from sim.metrics import period_labels, rca, specialisation_changes, whole_periods
from sim.model.observe import Recorder

NAN = float("nan")

#: Top-level keys of summary.json and what each holds (docs/outputs.md is generated from it).
FIELDS = {
    "scenario": "the scenario's name",
    "seed": "the run's seed",
    "focal_region": "the region the indicators describe",
    "synthetic": "whether the economy is the invented default (plots then say so)",
    "economy": "the economy's name",
    "years": "first and last reported year",
    "n_firms_start": "firms drawn at the start of the burn-in (close to `economy.n_firms`)",
    "n_firms_first_year": "firms alive in the model regions in the first reported year",
    "wall_time_s": "seconds from building the model to the end of the simulation",
    "indicators": "the headline indicators below, a flat mapping from name to number",
    "spearhead_sectors": "the focal region's spearhead value chains (empty without)",
    "focal_sectors": "the focal region's `employment` per sector in the last year and "
    "`rca_last_period` per sector in the last whole period (`s3sim-compare` measures the "
    "baseline's spearhead indicators in the scenario's spearheads with them); "
    "`rca_last_period` is null for a sector without statistics",
    "sectors": "the run's sectors, in order (the data mapping's own sectors when it defines "
    "them)",
    "sectors_without_statistics": "sectors the data file has no statistics for (empty for "
    "the synthetic economy and for the data's own sectors); their rca is null or NaN",
}

#: Every indicator of summary.json, in the order written; the last group comes from the
#: policy layer (sim.policy). Focal region unless the name says otherwise.
INDICATORS = {
    "employment_total": "jobs in the focal region, last year",
    "employment_other_regions": "jobs in the other model regions, last year (displacement: "
    "is the focal region's gain another's loss?)",
    "employment_rest_of_world": "jobs in the rest of the world, last year",
    "employment_all_regions": "jobs in all model regions together, last year",
    "employment_growth": "relative change of focal employment, first to last reported year",
    "employment_emerging": "jobs in emerging value chains, last year",
    "employment_spearhead": "jobs in the scenario's spearhead value chains, last year "
    "(0 without spearheads)",
    "rca_spearhead_last_period": "mean rca of the spearhead sectors in the last whole period "
    "(null without spearheads or without a whole period)",
    "specialisations_gained": "sectors with rca below 1 in the first period and at or above 1 "
    "in each of the last two whole periods (null with fewer than three whole periods)",
    "specialisations_lost": "sectors with rca at or above 1 in the first period and below 1 "
    "in each of the last two whole periods (null with fewer than three whole periods)",
    "rank_productivity": "focal region's rank (1 = best) by value added per job, last year",
    "rank_employment_growth": "focal region's rank (1 = best) by employment growth over the "
    "reported years",
    "firms_total": "living firms in the focal region, last year",
    "entry_rate_all_regions": "mean yearly entrants over last year's firms, all model regions "
    "(the model's own counts, spin-off establishments included)",
    "exit_rate_all_regions": "mean yearly exits over last year's firms, all model regions",
    "budget_spent": "money disbursed by the focal government, all years, million EUR",
    "budget_spent_all_regions": "money disbursed by all governments and the coordinator",
    "budget_new_all_regions": "fresh money of all governments over the run (equal across "
    "policy scenarios)",
    "tax_paid": "tax raised from the focal region's firms (0 with `budget.funding: external` "
    "and in `no_policy`)",
    "tax_paid_all_regions": "tax raised from all regions' firms",
    "excess_burden_all_regions": "`(mcpf - 1)` times the tax: the cost of raising it outside "
    "the firms' accounts",
    "net_transfer": "money paid out in the focal region less loans repaid less the tax its "
    "firms paid",
    "received_by_firms": "money received by firms",
    "received_by_clusters": "money received by clusters",
    "received_by_pilots": "money received by shared pilots; the three add up to "
    "`budget_spent_all_regions`",
    "loans_written_off": "repayable loans of failed projects, not repaid",
    "spearheads_focal": "number of spearhead value chains of the focal region",
    "deadweight_share": "share of the focal region's stage payments made with a grant whose "
    "firm could have paid the whole stage from its cash (null without grants)",
    "deadweight_share_all_regions": "the same over all regions",
    "picking_rank": "the focal spearheads against the realised growth of the emerging value "
    "chains: mean rank (1 = none grew faster; null without spearheads)",
    "picking_quality": "mean share of the other emerging value chains the spearheads outgrew "
    "(null without spearheads)",
    "picked_below_emerging_median": "spearheads whose realised growth is below the emerging "
    "median (0 without spearheads)",
}


def rca_by_period(recorder: Recorder, start: int, length: int) -> tuple[list[str], np.ndarray]:
    """Labels and the (P, R, S) mean rca of the model regions per **whole** period.

    A partial last period (the run ends before it does) is left out, so every
    indicator that uses periods rests on ``length`` years each; P may be 0.
    """
    R, S = recorder.economy.n_regions, recorder.economy.n_sectors
    yearly = rca(
        recorder.employment[:, :R], recorder.employment.sum(axis=1), recorder.economy.statistics
    )
    labels = period_labels(recorder.years, start, length)
    whole = whole_periods(recorder.years, start, length)
    names = list(dict.fromkeys(labels[whole]))
    means = [yearly[labels == name].mean(axis=0) for name in names]
    return names, np.stack(means) if means else np.empty((0, R, S))


def rank_of(values: np.ndarray, index: int) -> int:
    """Rank (1 = highest) of ``values[index]`` among ``values``; ties share the best rank."""
    return int(1 + np.count_nonzero(values > values[index]))


def indicators(
    recorder: Recorder,
    start: int,
    length: int,
    spearhead_sectors: np.ndarray | None = None,
    hold: int = 2,
) -> dict[str, float]:
    """Headline indicators of the focal region (see docs/outputs.md for each name).

    Args:
        recorder: The run's observations.
        start: First reported year (periods start there).
        length: Period length in years; only whole periods enter the indicators.
        spearhead_sectors: Indices of the focal region's spearhead value chains.
        hold: Periods a new specialisation must hold (metrics.specialisation_changes).
    """
    e = recorder.economy
    f, R = e.focal, e.n_regions
    emp = recorder.employment[:, :R]
    first, last = emp[0].sum(axis=1), emp[-1].sum(axis=1)
    growth = last / np.maximum(first, 1e-12) - 1.0
    productivity = recorder.value_added[-1, :R].sum(axis=1) / np.maximum(last, 1e-12)
    _, period_rca = rca_by_period(recorder, start, length)
    if len(period_rca) > hold:
        gained, lost = specialisation_changes(period_rca, hold=hold)
        n_gained, n_lost = float(gained[f].sum()), float(lost[f].sum())
    else:
        n_gained = n_lost = NAN
    spear = np.asarray(spearhead_sectors if spearhead_sectors is not None else [], dtype=int)
    return {
        "employment_total": float(last[f]),
        # displacement: is the focal region's gain another's loss?
        "employment_other_regions": float(last.sum() - last[f]),
        "employment_rest_of_world": float(recorder.employment[-1, R:].sum()),
        "employment_all_regions": float(last.sum()),
        "employment_growth": float(growth[f]),
        "employment_emerging": float(emp[-1, f, e.emerging].sum()),
        "employment_spearhead": float(emp[-1, f, spear].sum()),
        "rca_spearhead_last_period": (
            float(period_rca[-1, f, spear].mean()) if len(spear) and len(period_rca) else NAN
        ),
        "specialisations_gained": n_gained,
        "specialisations_lost": n_lost,
        "rank_productivity": float(rank_of(productivity, f)),
        "rank_employment_growth": float(rank_of(growth, f)),
        "firms_total": float(recorder.firms[-1, f].sum()),
        "entry_rate_all_regions": turnover_rate(recorder.entries, recorder.firms[:, :R]),
        "exit_rate_all_regions": turnover_rate(recorder.exits, recorder.firms[:, :R]),
    }


def turnover_rate(events: np.ndarray, firms: np.ndarray) -> float:
    """Mean yearly ``events[t] / firms alive at the end of t - 1``; NaN for a one-year run."""
    if len(events) < 2:
        return NAN
    return float(np.mean(events[1:] / np.maximum(firms[:-1].sum(axis=(1, 2)), 1)))
