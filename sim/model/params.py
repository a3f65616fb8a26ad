"""Typed behavioural parameters of the firm population (the ``dynamics`` config group).

Defaults live in ``configs/dynamics/default.yaml``; docs/ODD.md gives the
reason or source of each. Ranges are enforced by :func:`sim.config.schema.parse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.schema import bounded, parse
from sim.errors import ConfigError
from sim.model.stages import N_STAGES, STAGES


@dataclass(frozen=True)
class Competition:
    """Competition for sector demand and employment adjustment."""

    selection: float = bounded(0.6, 0.0)
    """(β) [1/yr] Replicator strength: log share growth per unit of competitiveness above the
    sector mean. Source: replicator dynamics (Metcalfe 1994; Dosi et al. 2010); calibrated."""
    shock_scale: float = bounded(0.16, 0.0)
    """(b₀) [log share] Laplace scale of the yearly share shock at `reference_size`. Source:
    Laplace growth rates (Bottazzi & Secchi 2003, 2006); multiplicative growth (Gibrat 1931);
    calibrated."""
    shock_size_elasticity: float = bounded(0.22, 0.0, 1.0)
    """(η) The shock scale falls as size^−η. Source: Stanley et al. 1996 (0.15–0.2); set a
    little higher because partial adjustment flattens the measured slope (the baseline's slope:
    section 11)."""
    reference_size: float = bounded(10.0, 0.0, low_open=True)
    """(e_ref) [jobs] Size at which the shock scale equals `shock_scale`. Source: normalisation
    point: a small firm."""
    adjustment: float = bounded(0.85, 0.0, 1.0, low_open=True)
    """(λ) Share of the log gap to demand-consistent employment closed per year. Source: fast
    but incomplete adjustment (labour hoarding); calibrated."""
    wage_share: float = bounded(0.72, 0.0, 1.0, low_open=True, high_open=True)
    """(ω) Wage per job over the sector's reference value added per job. Source: of the order of
    the labour share of value added in European industry (about two-thirds); leaves a margin for
    R&D and profit; calibrated."""
    congestion: float = bounded(0.3, 0.0, 2.0)
    """(γ) Elasticity of the local wage to the region's RCA in the sector. Source: dispersion
    force (Krugman 1991); gives Galton slope < 1 (Dalum et al. 1998); calibrated."""
    relatedness_advantage: float = bounded(0.3, 0.0)
    """(ρ_d) Competitiveness per unit of relatedness density. Source: related activities raise
    growth and survival (Neffke, Henning & Boschma 2011; Frenken, Van Oort & Verburg 2007);
    calibrated for the relatedness gain ratio."""
    labour_tightness: float = bounded(0.5, 0.0)
    """(κ) Elasticity of the wage premium to the region's employment share over its share at the
    start. Source: a regional labour-force constraint (DESIGN: regions have a labour force);
    bounds regional divergence; calibrated."""
    payout: float = bounded(0.3, 0.0, 1.0)
    """Share of positive cash paid out each year. Source: keeps cash bounded so that financing
    constraints bind; stylised."""
    size_bend: float = bounded(0.005, 0.0, 1.0, low_open=True)
    """(b) Share of its region's jobs beyond which a firm loses competitiveness. Source: upper
    tail thinner than Zipf (Stanley et al. 1995); calibrated so that the largest focal firm holds
    at most 5 % and the top ten at most 20 % of the region's jobs."""
    size_penalty: float = bounded(0.1, 0.0)
    """(μ_b) Competitiveness lost per unit of log size beyond the bend (0: no bend). Source: same;
    calibrated."""


@dataclass(frozen=True)
class Knowledge:
    """Knowledge accumulation, spillovers and their effect on productivity."""

    depreciation: float = bounded(0.15, 0.0, 1.0)
    """(δ) [1/yr] Yearly depreciation of the knowledge stock. Source: conventional 15 %
    (Griliches 1979; Hall, Mairesse & Mohnen 2010)."""
    spillover: float = bounded(0.04, 0.0)
    """(ψ) Weight of the regional relatedness-weighted knowledge pool. Source: spillovers
    weighted by technological proximity (Griliches 1979; Jaffe 1986); small relative to own R&D;
    calibrated."""
    cluster_spillover: float = bounded(0.05, 0.0)
    """Extra pool weight per unit of collaboration among cluster members (times the cluster's
    knowledge intensity). Source: used by the policy layer only; stylised."""
    rd_additionality: float = bounded(1.0, 0.0)
    """(τ) R&D added per euro of an R&D grant beyond replacing the firm's own money (0 full
    crowding out, 1 none, above 1 crowding in). Source: the meta-regression of Dimos & Pugh
    (2016) rejects crowding out of private R&D by subsidies but finds no substantial
    additionality: 1; cf. David, Hall & Toole (2000); a sensitivity lever."""
    productivity_effect: float = bounded(0.04, 0.0)
    """(α) Log productivity per unit of `log(1+k)` above the sector mean. Source: positive
    returns to R&D capital (Hall, Mairesse & Mohnen 2010); calibrated."""
    productivity_reversion: float = bounded(0.08, 0.0, 1.0)
    """(θ) [1/yr] Yearly reversion of `a_i` toward 0 (the reference technology). Source:
    persistent but not permanent productivity gaps (half-life ≈ 8 yr); calibrated."""
    productivity_noise: float = bounded(0.03, 0.0)
    """(ν) [log] Sd of the yearly productivity shock. Source: keeps productivity dispersion
    alive; calibrated."""
    presence_width: float = bounded(0.1, 0.0)
    """(w) Width of the smooth step by which a sector's presence in a region rises around
    RCA = 1: presence `1 / (1 + exp(-(RCA - 1) / w))`, whose relatedness-weighted mean is the
    density (0: Hidalgo et al.'s binary RCA >= 1). Source: a binary threshold makes one cell
    crossing RCA = 1 move every related cell's density by a jump, which sends two runs that
    differ by a grant's worth of jobs apart (docs/ODD.md, "Presence"); narrow enough to keep
    the binary definition's ranking; stylised."""


@dataclass(frozen=True)
class Innovation:
    """The four-stage innovation pipeline."""

    start_rate: float = bounded(0.05, 0.0, 1.0)
    """(s₀) [1/yr] Start probability at `k = knowledge_half` (maximum 2 s₀). Source: a few
    percent of firms start a project each year; calibrated."""
    knowledge_half: float = bounded(0.5, 0.0, low_open=True)
    """(k_½) Knowledge intensity at half the maximum start probability. Source: about the
    steady-state intensity `κ/δ` of R&D-intensive sectors."""
    diversification: float = bounded(0.35, 0.0, 1.0)
    """(q) Probability that a project targets another sector. Source: stylised: most projects
    upgrade the own activity."""
    relatedness_weight: float = bounded(4.0, 0.0)
    """(ξ) Exponent on `φ_st` in target choice. Source: diversification follows relatedness
    (Hidalgo et al. 2007; Neffke, Henning & Boschma 2011); calibrated."""
    density_weight: float = bounded(2.0, 0.0)
    """(χ) Weight of the region's density in the target. Source: same sources; calibrated."""
    growth_weight: float = bounded(5.0, 0.0)
    """(ζ) Weight of the target's demand growth. Source: firms move toward growing markets;
    stylised."""
    duration: list[int] = bounded([2, 2, 2, 1], 1, 20)
    """[years] Years per stage (R&D, demonstration, industrialisation, marketisation). Source:
    stylised seven-year path to market."""
    cost: list[float] = bounded([0.04, 0.12, 0.45, 0.2], 0.0)
    """[× target `A_t` per year] Yearly stage cost per job^`cost_size_elasticity`. Source: costs
    rise steeply after R&D, so the valley of death can emerge (Auerswald & Branscomb 2003)."""
    cost_size_elasticity: float = bounded(0.8, 0.0, 1.5)
    """(ε_c) How stage cost scales with firm size. Source: less than proportional: projects
    weigh more on small firms."""
    success: list[float] = bounded([0.55, 0.65, 0.75, 0.8], 0.0, 1.0, low_open=True, high_open=True)
    """Base success probability at the end of each stage (for `φ = 1`, `k = 0`). Source: risk
    falls along the chain; stylised."""
    success_knowledge: float = bounded(0.15, 0.0)
    """(β_k) Logit per unit of knowledge intensity. Source: absorptive capacity; stylised."""
    success_relatedness: float = bounded(1.0, 0.0)
    """(β_φ) Logit per unit of relatedness; enters as `β_φ (φ_st − 1)`. Source: unrelated
    diversification fails more often (Neffke et al. 2011)."""
    max_stall: int = bounded(2, 0, 20)
    """[years] Stalled years tolerated; the next stall abandons. Source: stylised."""
    upgrade_gain: float = bounded(0.12, 0.0)
    """[log productivity] Gain from a successful upgrade. Source: stylised; eroded by
    reversion."""
    new_activity_size: float = bounded(5.0, 0.0, low_open=True)
    """[jobs] Size of the establishment of a successful diversification. Source: a small new
    establishment."""
    start_response: float = bounded(1.0, 0.0)
    """(η_s) Relative rise of the start probability per unit of the support rate firms expect in
    their own region and sector (the share of project costs grants covered there lately; 0: firms
    ignore policy). Source: subsidies move firms across the extensive margin of R&D
    (Arqué-Castells & Mohnen 2015) and expected subsidies enter the decision to apply (Takalo,
    Tanayama & Toivanen 2013); the size is stylised: with a quarter of costs covered, starts rise
    by a quarter; a sensitivity lever."""
    target_response: float = bounded(2.0, 0.0)
    """(η_t) Relative rise of a diversification target's weight per unit of the support rate
    expected for projects aiming at it. Source: as `start_response`; stylised; a sensitivity
    lever."""

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
    """[1/yr] Expected entrants over the region's firms after exit. Source: OECD business
    demography (several percent a year); calibrated so that the measured entry rate (section 11)
    lies in its range."""
    entry_density_weight: float = bounded(0.6, 0.0, 1.0)
    """(κ_e) Share of entry allocated by relatedness density (rest by employment). Source:
    relatedness-driven diversification (Hidalgo et al. 2007; Neffke et al. 2011); calibrated."""
    entry_growth_weight: float = bounded(4.0, 0.0)
    """(γ_e) Entry tilt toward growing demand. Source: stylised."""
    entrant_size: float = bounded(2.0, 0.0, low_open=True)
    """[jobs] Mean size of an entrant (shifted exponential). Source: entrants are small (OECD
    business demography)."""
    exit_size: float = bounded(0.8, 0.0)
    """(e_min) [jobs] Firms below this exit; also the minimum entrant size. Source: cut-off of
    the size distribution."""
    loss_years: int = bounded(3, 1, 50)
    """(L_max) [years] Consecutive loss years before exit. Source: persistent losses end a firm;
    stylised."""
    infant_hazard: float = bounded(0.12, 0.0, 1.0)
    """(h₀) Extra exit probability at age 0. Source: liability of newness (Stinchcombe 1965);
    calibrated so that one-year survival of entrants lies in the OECD range."""
    infant_fade: float = bounded(2.0, 0.0, low_open=True)
    """(τ_h) [years] E-folding time of the infant hazard. Source: hazard fades over the first
    years."""
    roadmap_entry: float = bounded(0.5, 0.0)
    """(η_e) Relative rise of the entry weight of a sector in which the region runs a spearhead
    roadmap (entry stays a share of the region's firms; 0: entrants ignore roadmaps). Source:
    a public roadmap signals demand and support to start-ups, as cluster programmes intend
    (Foray 2015); the size is stylised; a sensitivity lever."""


@dataclass(frozen=True)
class Clusters:
    """Clusters: which exist, how they collaborate, what management support does."""

    min_members: int = bounded(5, 1)
    """[firms] Firms of a value chain in a region needed for a cluster to form. Source: stylised
    (section 8.5)."""
    base_collaboration: float = bounded(0.1, 0.0, 1.0)
    """Collaboration intensity of a cluster without management support. Source: stylised
    (section 8.5)."""
    management_gain: float = bounded(0.3, 0.0, 1.0)
    """[1/yr] Yearly rise of collaboration toward 1 at full management support. Source: stylised
    (section 8.3)."""
    management_half: float = bounded(0.5, 0.0, low_open=True)
    """[million EUR] Management support giving half the full rise. Source: stylised (section
    8.3)."""
    decay: float = bounded(0.2, 0.0, 1.0)
    """[1/yr] Yearly decay of collaboration toward its base. Source: stylised (section 8.3)."""
    success_effect: float = bounded(0.5, 0.0)
    """[logit] Stage success gained per unit of collaboration. Source: stylised (section
    8.5)."""
    demonstrator_cost_cut: float = bounded(0.3, 0.0, 1.0)
    """Largest cut of members' demonstration cost by a collective demonstrator. Source: stylised
    (section 8.3)."""
    demonstrator_half: float = bounded(1.0, 0.0, low_open=True)
    """[million EUR] Collective demonstrator money giving half that cut. Source: stylised
    (section 8.3)."""


@dataclass(frozen=True)
class Pilots:
    """Shared pilot facilities of the cross-regional initiative."""

    cost_cut: float = bounded(0.3, 0.0, 1.0)
    """Largest cut of the demonstration cost with access to a shared pilot. Source: stylised
    (section 8.6)."""
    success_effect: float = bounded(0.5, 0.0)
    """[logit] Demonstration success gained with full pilot access. Source: stylised (section
    8.6)."""
    capacity_half: float = bounded(5.0, 0.0, low_open=True)
    """[million EUR] Pilot capacity giving half the full effect. Source: stylised (section
    8.6)."""
    depreciation: float = bounded(0.1, 0.0, 1.0)
    """[1/yr] Yearly depreciation of a pilot facility's capacity. Source: stylised (section
    8.6)."""


@dataclass(frozen=True)
class Prospects:
    """The prior over the emerging value chains' long-run demand growth and its forecasts."""

    take_off: float = bounded(0.5, 0.0, 1.0)
    """Probability that an emerging value chain keeps its configured trend over the reported
    years. Source: stylised prior: some take off, some fizzle."""
    fizzle_growth: float = bounded(0.01, -0.5, 0.5)
    """[log/yr] Long-run demand growth of a chain that fizzles. Source: stylised: about the
    growth of mature demand."""
    spread: float = bounded(0.02, 0.0, 0.5)
    """[log/yr] Sd of the drawn trend around either. Source: stylised."""
    forecast_noise: float = bounded(0.04, 0.0, 1.0)
    """[log/yr] Sd of a region's forecast error while the chain is as small as at the start.
    Source: stylised; a sensitivity lever."""


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
