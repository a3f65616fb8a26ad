"""Bounds on what one command may cost, and run-wide checks across config groups.

The bounds are the ``limits`` keys of the root config (configs/config.yaml), so
each one-line error names the key to raise: ``limits.sweep_runs=50000``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.config.schema import bounded, parse
from sim.errors import ConfigError

log = logging.getLogger("s3sim")

#: Largest seed: the sweep tools keep seeds as signed 64-bit integers.
MAX_SEED = 2**63 - 1
#: A firm's mean initial size must be at least this many times the exit size, or
#: most firms exit in the burn-in and ``economy.n_firms`` would silently not hold.
MIN_SIZE_OVER_EXIT = 2.5


@dataclass(frozen=True)
class Limits:
    """Resource bounds of a command (README "Bad input")."""

    sweep_runs: int = bounded(10_000, 1)
    simulated_years: int = bounded(150, 1)
    data_bytes: int = bounded(1_000_000_000, 1)
    data_rows: int = bounded(20_000_000, 1)


def read_limits(data: Mapping[str, Any] | None) -> Limits:
    """The ``limits`` group of a composed config."""
    return parse(Limits, data or {}, "limits")


def check_run(config: Mapping[str, Any], settings: Any) -> None:
    """Run-wide rules over settings and scenario, before any economy is built.

    Args:
        config: The composed config as a plain mapping.
        settings: Its :class:`~sim.config.settings.RunSettings`.
    """
    limits = read_limits(config.get("limits"))
    years = settings.years
    simulated = years.burn_in + years.end - years.start + 1
    if simulated > limits.simulated_years:
        raise ConfigError(
            f"years: {simulated} simulated years (years.burn_in + years.start..years.end) exceed "
            f"limits.simulated_years = {limits.simulated_years} (the firm population grows "
            "over long horizons; raise it with limits.simulated_years=N)"
        )
    if settings.seed > MAX_SEED:
        raise ConfigError(f"seed = {settings.seed}: must be <= {MAX_SEED} (2^63 - 1)")
    scenario = config.get("scenario")
    if isinstance(scenario, Mapping):
        check_timeline(scenario, years.start - years.burn_in, years.end)
        check_budget(scenario, settings.budget_scale)


def check_timeline(scenario: Mapping[str, Any], first: int, end: int) -> None:
    """Timeline years fall within the simulated years; entries after the run are reported.

    An entry takes effect from its year, so one from before the reported years is
    history already in force at the start (flanders_timeline in a run from 2011);
    one from before the first simulated year ``first`` is refused, and one after
    ``end`` is logged as not applying (a scenario file serves runs of any length).
    """
    timeline = scenario.get("timeline")
    if not isinstance(timeline, Mapping):
        return
    for year in timeline:
        try:
            value = int(year)
        except (TypeError, ValueError):
            continue  # the scenario parser names a key that is not a year
        if value < first:
            raise ConfigError(
                f"scenario.timeline.{year}: before the first simulated year {first} "
                "(years.start - years.burn_in); it would govern the whole run: put it in the "
                "scenario's base mix instead"
            )
        if value > end:
            log.warning("scenario.timeline.%s: after years.end = %d; it does not apply", year, end)


def check_budget(scenario: Mapping[str, Any], budget_scale: float) -> None:
    """A yearly budget is at most the region's value added: rate x budget_scale <= 1."""
    timeline = scenario.get("timeline")
    changes = list(timeline.values()) if isinstance(timeline, Mapping) else []
    budgets = [c.get("budget") for c in [scenario, *changes] if isinstance(c, Mapping)]
    rates = [b.get("rate") for b in budgets if isinstance(b, Mapping)]
    for rate in rates:  # the scenario's parser names any rate that is not a number
        if isinstance(rate, int | float) and not isinstance(rate, bool) and rate * budget_scale > 1:
            raise ConfigError(
                f"budget_scale = {budget_scale:g}: with scenario.budget.rate = {rate:g} the yearly "
                "budget exceeds the region's value added (rate x budget_scale must be <= 1)"
            )


def check_firms(n_firms: int, jobs: float, exit_size: float) -> None:
    """Firms of a mean size near the exit size would mostly exit: refuse, naming the bound."""
    if exit_size <= 0:
        return  # no exit by size (exit_size = 0 is allowed): no bound on the firms
    bound = jobs / (MIN_SIZE_OVER_EXIT * exit_size)
    if n_firms > bound:
        raise ConfigError(
            f"economy.n_firms = {n_firms:,}: {jobs / n_firms:.2g} jobs per firm in an economy of "
            f"{jobs:,.0f} jobs, below {MIN_SIZE_OVER_EXIT} x dynamics.demography.exit_size = "
            f"{MIN_SIZE_OVER_EXIT * exit_size:g} (most would exit in the burn-in); "
            f"at most {int(bound):,} firms, or more jobs in economy.regions"
        )
