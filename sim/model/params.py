"""Typed behavioural parameters of the firm population (the ``dynamics`` config group).

Defaults live in ``configs/dynamics/default.yaml``; docs/ODD.md gives the
reason or source of each. Ranges are enforced by :func:`sim.config.schema.parse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.schema import bounded, parse
from sim.errors import ConfigError

N_STAGES = 4
STAGES = ("rd", "demonstration", "industrialisation", "marketisation")


@dataclass(frozen=True)
class Competition:
    """Competition for sector demand and employment adjustment."""

    selection: float = bounded(0.6, 0.0)
    shock_scale: float = bounded(0.16, 0.0)
    shock_size_elasticity: float = bounded(0.22, 0.0, 1.0)
    reference_size: float = bounded(10.0, 0.0, low_open=True)
    adjustment: float = bounded(0.85, 0.0, 1.0, low_open=True)
    wage_share: float = bounded(0.72, 0.0, 1.0, low_open=True, high_open=True)
    congestion: float = bounded(0.3, 0.0, 2.0)
    relatedness_advantage: float = bounded(0.3, 0.0)
    labour_tightness: float = bounded(0.5, 0.0)
    payout: float = bounded(0.3, 0.0, 1.0)
    size_bend: float = bounded(0.005, 0.0, 1.0, low_open=True)
    size_penalty: float = bounded(0.1, 0.0)


@dataclass(frozen=True)
class Knowledge:
    """Knowledge accumulation, spillovers and their effect on productivity."""

    depreciation: float = bounded(0.15, 0.0, 1.0)
    spillover: float = bounded(0.04, 0.0)
    cluster_spillover: float = bounded(0.05, 0.0)
    rd_additionality: float = bounded(1.0, 0.0)
    productivity_effect: float = bounded(0.04, 0.0)
    productivity_reversion: float = bounded(0.08, 0.0, 1.0)
    productivity_noise: float = bounded(0.03, 0.0)


@dataclass(frozen=True)
class Innovation:
    """The four-stage innovation pipeline."""

    start_rate: float = bounded(0.05, 0.0, 1.0)
    knowledge_half: float = bounded(0.5, 0.0, low_open=True)
    diversification: float = bounded(0.35, 0.0, 1.0)
    relatedness_weight: float = bounded(4.0, 0.0)
    density_weight: float = bounded(2.0, 0.0)
    growth_weight: float = bounded(5.0, 0.0)
    duration: list[int] = bounded([2, 2, 2, 1], 1, 20)
    cost: list[float] = bounded([0.04, 0.12, 0.45, 0.2], 0.0)
    cost_size_elasticity: float = bounded(0.8, 0.0, 1.5)
    success: list[float] = bounded([0.55, 0.65, 0.75, 0.8], 0.0, 1.0, low_open=True, high_open=True)
    success_knowledge: float = bounded(0.15, 0.0)
    success_relatedness: float = bounded(1.0, 0.0)
    max_stall: int = bounded(2, 0, 20)
    upgrade_gain: float = bounded(0.12, 0.0)
    new_activity_size: float = bounded(5.0, 0.0, low_open=True)

    def __post_init__(self):
        for name in ("duration", "cost", "success"):
            if len(getattr(self, name)) != N_STAGES:
                raise ConfigError(
                    f"dynamics.innovation.{name}: needs {N_STAGES} values "
                    f"({', '.join(STAGES)}), got {len(getattr(self, name))}"
                )


@dataclass(frozen=True)
class Demography:
    """Entry and exit of firms."""

    entry_rate: float = bounded(0.085, 0.0, 1.0)
    entry_density_weight: float = bounded(0.6, 0.0, 1.0)
    entry_growth_weight: float = bounded(4.0, 0.0)
    entrant_size: float = bounded(2.0, 0.0, low_open=True)
    exit_size: float = bounded(0.8, 0.0)
    loss_years: int = bounded(3, 1, 50)
    infant_hazard: float = bounded(0.12, 0.0, 1.0)
    infant_fade: float = bounded(2.0, 0.0, low_open=True)


@dataclass(frozen=True)
class Clusters:
    """Clusters: which exist, how they collaborate, what management support does."""

    min_members: int = bounded(5, 1)
    base_collaboration: float = bounded(0.1, 0.0, 1.0)
    management_gain: float = bounded(0.3, 0.0, 1.0)
    management_half: float = bounded(0.5, 0.0, low_open=True)
    decay: float = bounded(0.2, 0.0, 1.0)
    success_effect: float = bounded(0.5, 0.0)
    demonstrator_cost_cut: float = bounded(0.3, 0.0, 1.0)
    demonstrator_half: float = bounded(1.0, 0.0, low_open=True)


@dataclass(frozen=True)
class Pilots:
    """Shared pilot facilities of the cross-regional initiative."""

    cost_cut: float = bounded(0.3, 0.0, 1.0)
    success_effect: float = bounded(0.5, 0.0)
    capacity_half: float = bounded(5.0, 0.0, low_open=True)
    depreciation: float = bounded(0.1, 0.0, 1.0)


@dataclass(frozen=True)
class Prospects:
    """The prior over the emerging value chains' long-run demand growth and its forecasts."""

    take_off: float = bounded(0.5, 0.0, 1.0)
    fizzle_growth: float = bounded(0.01, -0.5, 0.5)
    spread: float = bounded(0.02, 0.0, 0.5)
    forecast_noise: float = bounded(0.04, 0.0, 1.0)


@dataclass(frozen=True)
class Dynamics:
    """All behavioural parameters of the firm population."""

    competition: Competition = field(default_factory=Competition)
    knowledge: Knowledge = field(default_factory=Knowledge)
    innovation: Innovation = field(default_factory=Innovation)
    demography: Demography = field(default_factory=Demography)
    clusters: Clusters = field(default_factory=Clusters)
    pilots: Pilots = field(default_factory=Pilots)
    prospects: Prospects = field(default_factory=Prospects)

    @classmethod
    def from_config(cls, data) -> Dynamics:
        """Parse the ``dynamics`` config group."""
        return parse(cls, data, "dynamics")
