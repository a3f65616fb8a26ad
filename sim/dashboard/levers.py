"""The Run page's settings: what a user can change, checked field by field, as Hydra overrides.

The dashboard builds its model exactly as the ``s3sim`` command does: the root config is
composed by Hydra with command-line style overrides, then handed to the project's
assembly function. :class:`Levers` holds the page's choices and turns them into those
overrides; :func:`check` says, per field, what is wrong with a choice, so the page can show
the message beside the control instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.config.paths import config_dir
from sim.policy.scenario import PICKING
from sim.policy.selection_rules import RULES

BASELINE = "no_policy"
SHARE_TOLERANCE = 1e-6
"""How far the instrument shares may add up from 1 (the scenario files' own rule)."""


@dataclass(frozen=True)
class DataChoice:
    """An initial state read from a statistics export (``economy=from_data``, docs/data.md)."""

    path: str = ""
    mapping: str = ""
    year: int = 2008
    regions: str = ""
    reference: str = "all"
    focal: str = ""

    def overrides(self) -> list[str]:
        """The ``data.*`` overrides; the run starts the year after the data's year."""
        regions = [r.strip() for r in self.regions.split(",") if r.strip()]
        items = [
            "economy=from_data",
            f"data.path={self.path}",
            f"data.year={self.year}",
            f"data.regions=[{','.join(regions)}]",
            f"data.reference={self.reference}",
            f"years.start={self.year + 1}",
            "years.burn_in=0",
        ]
        if self.mapping:
            items.append(f"data.mapping={self.mapping}")
        if self.focal:
            items.append(f"data.focal={self.focal}")
        return items


@dataclass(frozen=True)
class Levers:
    """The choices of the Run page.

    Attributes:
        scenario: A scenario of ``scenarios/``.
        seed: The run's seed (the paired baseline uses the same).
        budget_scale: Multiplies the scenario's budget rate.
        shares: Instrument name to share of the budget; empty keeps the scenario's.
        rule: Selection rule; empty keeps the scenario's.
        picking: Picking rule of spearheads; empty keeps the scenario's.
        spearheads: Spearhead clusters per region; None keeps the scenario's.
        policy_scope: ``focal`` or ``all`` where the config has the key; empty keeps it.
        n_firms: Initial firms; None keeps the economy's.
        data: An initial state from data, or None for the default economy.
    """

    scenario: str = "targeted"
    seed: int = 0
    budget_scale: float = 1.0
    shares: Mapping[str, float] = field(default_factory=dict)
    rule: str = ""
    picking: str = ""
    spearheads: int | None = None
    policy_scope: str = ""
    n_firms: int | None = None
    data: DataChoice | None = None

    def overrides(self) -> list[str]:
        """Hydra overrides of these choices, as the command line would take them."""
        items = [f"scenario={self.scenario}", f"seed={self.seed}"]
        items.append(f"budget_scale={self.budget_scale!r}")
        if self.n_firms is not None:
            items.append(f"economy.n_firms={self.n_firms}")
        if self.data is not None:
            items += self.data.overrides()
        if self.scenario == BASELINE:
            return items
        items += [f"scenario.instruments.{k}.share={v!r}" for k, v in self.shares.items()]
        for key, value in (("rule", self.rule), ("picking", self.picking)):
            if value:
                items.append(f"scenario.selection.{key}={value}")
        if self.spearheads is not None:
            items.append(f"scenario.selection.spearheads={self.spearheads}")
        if self.policy_scope:
            items.append(f"policy_scope={self.policy_scope}")
        return items

    def baseline(self) -> Levers:
        """The same economy and seed without policy: the paired counterfactual."""
        return replace(self, scenario=BASELINE, shares={}, rule="", picking="", spearheads=None)


def compose_config(overrides: list[str]) -> dict[str, Any]:
    """The root config composed by Hydra with ``overrides``, as a plain dict."""
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose(config_name="config", overrides=overrides)
    return OmegaConf.to_container(cfg, resolve=True)


def scenario_names() -> list[str]:
    """The scenarios a user can pick (every file of ``scenarios/`` but the shared base)."""
    folder = config_dir() / "scenario"
    names = sorted(p.stem for p in folder.glob("*.yaml") if p.stem != "policy_base")
    return [BASELINE, *(n for n in names if n != BASELINE)]


def scenario_defaults(scenario: str) -> dict[str, Any]:
    """The composed ``scenario`` group of ``scenario``: its instruments and selection."""
    return compose_config([f"scenario={scenario}"]).get("scenario") or {}


def default_shares(scenario: Mapping[str, Any]) -> dict[str, float]:
    """Instrument name to share, as the scenario file sets them."""
    instruments = scenario.get("instruments") or {}
    return {str(k): float(v.get("share", 0.0)) for k, v in instruments.items()}


def check(levers: Levers) -> dict[str, str]:
    """What is wrong with the choices, by field (``shares``, ``seed``, ...); empty when fine."""
    problems: dict[str, str] = {}
    if levers.seed < 0:
        problems["seed"] = f"seed = {levers.seed}: must be >= 0"
    if not math.isfinite(levers.budget_scale) or levers.budget_scale < 0:
        problems["budget_scale"] = f"budget scale = {levers.budget_scale}: must be >= 0"
    if levers.n_firms is not None and levers.n_firms < 1:
        problems["n_firms"] = f"firms = {levers.n_firms}: must be at least 1"
    if levers.spearheads is not None and not 0 <= levers.spearheads <= 50:
        problems["spearheads"] = f"spearheads = {levers.spearheads}: must be 0 to 50"
    if levers.rule and levers.rule not in RULES:
        problems["rule"] = f"selection rule {levers.rule!r}: must be one of {', '.join(RULES)}"
    if levers.picking and levers.picking not in PICKING:
        problems["picking"] = f"picking {levers.picking!r}: must be one of {', '.join(PICKING)}"
    if levers.shares and levers.scenario != BASELINE:
        bad = [k for k, v in levers.shares.items() if not (math.isfinite(v) and 0 <= v <= 1)]
        total = sum(levers.shares.values())
        if bad:
            problems["shares"] = f"shares of {', '.join(bad)}: each must be between 0 and 1"
        elif abs(total - 1.0) > SHARE_TOLERANCE:
            problems["shares"] = f"instrument shares add up to {total:.4g}: they must add up to 1"
    if levers.data is not None:
        if not levers.data.path:
            problems["data"] = "data file: give the path of a statistics export"
        elif not levers.data.regions.strip():
            problems["data"] = "data regions: name at least one region of the file"
    return problems
