"""Scenario files: the typed policy mix, its budget rules and its timeline.

A scenario (``scenarios/NAME.yaml``, the Hydra group ``scenario``) names a
budget rule, a mix of instruments with their shares of the budget, a selection
rule, and optionally a timeline of changes at given years. Everything is
validated here, and each phase's instruments and selection rule are built here,
once; errors name the scenario file, the key and the problem.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.config.schema import bounded, one_of, parse
from sim.errors import ConfigError
from sim.policy.funding import FUNDING
from sim.policy.instruments import Instrument
from sim.policy.instruments import build as build_instrument
from sim.policy.selection_rules import RULES, BottomUp, SelectionSpec

PICKING = ("entrepreneurial_discovery", "top_down", "random", "largest")
BASES = ("start", "current")
RANKS = ("quality", "additionality")


@dataclass(frozen=True)
class BudgetSpec:
    """How much money each government has per year and what may carry over.

    ``rate`` is the yearly budget as a share of the region's value added in the
    year before the money is paid: fixed at the year before money first flows,
    the last burn-in year or the initial firms without one (``basis: start``,
    identical across scenarios with the same seed, hence budget-neutral
    comparisons), or of each year's previous year (``basis: current``).
    ``funding`` says who pays: a tax on the region's value added charged to its
    firms (``tax``) or money from outside the model (``external``); ``mcpf`` is
    the marginal cost of public funds used to report the excess burden of that
    tax (sim.policy.funding).
    """

    rate: float = bounded(0.0, 0.0, 1.0)
    basis: str = "start"
    funding: str = "tax"
    mcpf: float = bounded(1.3, 1.0, 5.0)
    carry_over_cap: float = bounded(0.25, 0.0, 10.0)
    commitment_cap: float = bounded(0.8, 0.0, 1.0)
    eu_top_up: float = bounded(0.0, 0.0, 10.0)


@dataclass(frozen=True)
class PolicyPhase:
    """The policy mix in force from ``start`` on: its instruments and selection rule, built."""

    start: int
    budget: BudgetSpec
    instruments: list[Instrument]
    selection: SelectionSpec
    rule: BottomUp


@dataclass(frozen=True)
class ScenarioSpec:
    """A whole scenario: its name, the phases of its timeline, where it came from.

    ``instrument_names`` lists every instrument of every phase in order of first
    appearance; an instrument's ``index`` is its position there (ledger columns).
    """

    name: str
    phases: list[PolicyPhase]
    source: str
    instrument_names: list[str]

    def phase_at(self, year: int) -> PolicyPhase | None:
        """The phase in force in ``year`` (None before the first one)."""
        current = None
        for phase in self.phases:
            if phase.start <= year:
                current = phase
        return current


def _merge(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in change.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _instruments(data: Any, where: str, names: list[str]) -> list[Instrument]:
    """Build a phase's instruments; ``names`` (all phases so far) gains the new ones."""
    if not isinstance(data, Mapping) or not data:
        raise ConfigError(f"{where}: must map instrument names to their settings")
    out = []
    total = 0.0
    for name, settings in data.items():
        key = f"{where}.{name}"
        if not isinstance(settings, Mapping):
            raise ConfigError(f"{key}: must be a mapping with _target_ and share")
        share = settings.get("share")
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise ConfigError(f"{key}.share = {share!r}: must be a number in [0, 1]")
        inst = build_instrument(settings, key)  # the class and its settings, before any year runs
        total += share
        if str(name) not in names:
            names.append(str(name))
        inst.name, inst.index = str(name), names.index(str(name))
        out.append(inst)
    if abs(total - 1.0) > 1e-9:
        raise ConfigError(f"{where}.*.share: add up to {total:.6g}, not 1")
    return out


def _phase(start: int, data: Mapping[str, Any], where: str, names: list[str]) -> PolicyPhase:
    unknown = set(data) - {"budget", "instruments", "selection"}
    if unknown:
        raise ConfigError(
            f"{where}.{sorted(unknown)[0]}: unknown key "
            "(expected one of: budget, instruments, selection)"
        )
    budget = parse(BudgetSpec, data.get("budget"), f"{where}.budget")
    one_of(budget.basis, BASES, f"{where}.budget.basis")
    one_of(budget.funding, FUNDING, f"{where}.budget.funding")
    selection = parse(SelectionSpec, data.get("selection"), f"{where}.selection")
    one_of(selection.rule, RULES, f"{where}.selection.rule")
    one_of(selection.rank, RANKS, f"{where}.selection.rank")
    one_of(selection.picking, PICKING, f"{where}.selection.picking")
    instruments = (
        _instruments(data.get("instruments"), f"{where}.instruments", names)
        if budget.rate > 0 or data.get("instruments")
        else []
    )
    return PolicyPhase(start, budget, instruments, selection, RULES[selection.rule](selection))


def parse_scenario(
    data: Mapping[str, Any] | None,
    first_year: int,
    source: str | None = None,
    known: list[str] | None = None,
) -> ScenarioSpec:
    """Validate a composed scenario and expand its timeline into phases.

    Args:
        data: The ``scenario`` config group as a plain mapping.
        first_year: The first reported year; the base mix applies from there.
        source: The scenario's file as messages name it (default ``scenarios/NAME.yaml``).
        known: Instrument names of another scenario of the same run: they keep their
            index, and this scenario's own instruments come after them, so that the
            instruments of both share one numbering (ledger columns, firms' funders).

    Raises:
        ConfigError: Naming ``scenarios/NAME.yaml``, the key and the problem.
    """
    if data is None:
        data = {"name": "no_policy"}
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise ConfigError("scenario: must be a mapping with a 'name'")
    name = data["name"]
    source = source or f"scenarios/{name}.yaml"
    where = f"{source}: scenario"
    unknown = set(data) - {"name", "description", "budget", "instruments", "selection", "timeline"}
    if unknown:
        raise ConfigError(f"{where}.{sorted(unknown)[0]}: unknown key")
    base = {k: data[k] for k in ("budget", "instruments", "selection") if k in data}
    names: list[str] = list(known or [])
    phases = [_phase(first_year, base, where, names)]
    timeline = data.get("timeline") or {}
    if not isinstance(timeline, Mapping):
        raise ConfigError(f"{where}.timeline: must map years to changes of the mix")
    starts = {}
    for year in timeline:
        try:
            starts[year] = int(year)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}.timeline.{year}: the key must be a year") from None
    current = base
    for year in sorted(timeline, key=starts.__getitem__):
        key = f"{where}.timeline.{year}"
        start = starts[year]
        change = timeline[year]
        if not isinstance(change, Mapping):
            raise ConfigError(f"{key}: must be a mapping of changes")
        current = _merge(current, change)
        phases.append(_phase(start, current, key, names))
    return ScenarioSpec(name, phases, source, names)
