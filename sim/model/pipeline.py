"""Step 4 of the year: the innovation pipeline, from R&D to the market.

Stages: R&D, demonstration, industrialisation, marketisation. Each firm has at
most one project. A project pays a yearly cost in each stage from the firm's
cash, less any grant a funder reserved for it (the funding seam: the ``grant``
column, filled by the policy). A firm that cannot pay stalls; after
``max_stall`` stalled years it abandons. At the end of a stage the project
succeeds with a probability rising with knowledge and relatedness, or fails.
Costs rise steeply after R&D, so the valley of death between demonstration and
industrialisation comes from the numbers, not from a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.economy import Economy
from sim.model.expectations import observed_rate
from sim.model.firms import NO_PROJECT, Firms
from sim.model.knowledge import knowledge_intensity
from sim.model.params import Innovation
from sim.model.stages import Cause, Event, EventLog, Stage
from sim.model.streams import Draw, KeyedDraws


@dataclass
class Support:
    """What the policy adds to projects this year (all per firm, length n).

    Attributes:
        cost_factor: Multiplier of the stage cost (below 1 with pilot access).
        success_bonus: Added to the logit of the stage success probability.
    """

    cost_factor: np.ndarray
    success_bonus: np.ndarray


@dataclass
class Outcome:
    """What the pipeline did this year.

    Attributes:
        events: Columns of the year's project events (see :class:`Event`).
        paid_grant: (n,) grant money actually used by each firm this year.
        paid_funder: (n,) instrument index of the funder of that grant (-1 for none).
        rd_own: (n,) the firm's own money spent in the R&D stage.
        rd_grant: (n,) grant money spent in the R&D stage.
        new_activity: Region, sector, knowledge intensity and parent key of the
            establishments created by successful diversification projects.
        unaided: (n,) funded firms that paid their stage this year and could have paid
            all of it from their own cash: the grant's deadweight (same state, same draws).
        support_rate: (R * S,) grants reserved over stage costs of the running projects
            of each region and target sector this year (sim.model.expectations).
        support_seen: (R * S,) whether any project ran in the cell this year.
    """

    events: dict[str, np.ndarray]
    paid_grant: np.ndarray
    paid_funder: np.ndarray
    rd_own: np.ndarray
    rd_grant: np.ndarray
    new_activity: dict[str, np.ndarray]
    unaided: np.ndarray | None = None
    support_rate: np.ndarray | None = None
    support_seen: np.ndarray | None = None


def stage_cost(
    employment: np.ndarray,
    technology: np.ndarray,
    p: Innovation,
    stage: np.ndarray,
    target: np.ndarray,
) -> np.ndarray:
    """Yearly cost of the current stage: ``cost[stage] * A_target * max(e, 1) ** elasticity``.

    Args:
        employment: Jobs of the firms running the projects.
        technology: (S,) value added per job of each sector's reference technology.
        p: Pipeline parameters.
        stage: Stage of each project (:class:`Stage`).
        target: Target sector of each project.
    """
    cost = np.asarray(p.cost)[stage]
    return cost * technology[target] * np.maximum(employment, 1.0) ** p.cost_size_elasticity


def target_weights(
    economy: Economy,
    density: np.ndarray,
    demand_growth: np.ndarray,
    p: Innovation,
    expected_support: np.ndarray | None = None,
) -> np.ndarray:
    """(R, S, S) weights of diversification targets t for a firm in region r, sector s.

    ``w_rst = phi_st ** relatedness_weight * (1 + density_weight * density_rt)
    * exp(growth_weight * demand_growth_rt) * (1 + target_response * support_rt)``, zero
    for t == s; ``demand_growth`` is (S,) or, when each region expects its own, (R, S);
    ``support`` is the (R, S) support rate firms expect (sim.model.expectations).
    """
    phi = economy.relatedness.copy()
    np.fill_diagonal(phi, 0.0)
    w = phi[None, :, :] ** p.relatedness_weight
    w = w * (1.0 + p.density_weight * density[:, None, :])
    if expected_support is not None:
        w = w * (1.0 + p.target_response * expected_support[:, None, :])
    growth = np.exp(p.growth_weight * np.asarray(demand_growth))
    return w * (growth[:, None, :] if growth.ndim == 2 else growth[None, None, :])


def _choose(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF choice of one column per row of ``weights`` with uniforms ``u``."""
    cum = np.cumsum(weights, axis=1)
    return np.minimum((cum < (u * cum[:, -1])[:, None]).sum(axis=1), weights.shape[1] - 1)


def starters(
    firms: Firms,
    n_sectors: int,
    p: Innovation,
    draws: KeyedDraws,
    expected_support: np.ndarray | None,
) -> np.ndarray:
    """Positions of the idle firms with positive cash that start a project this year.

    ``P(start) = min(2 start_rate k / (k + knowledge_half) * (1 + start_response * x_rs), 1)``
    with ``k`` the knowledge intensity and ``x`` the support the firm expects in its cell.
    """
    if p.start_rate == 0.0:  # every chance is 0: nobody starts, nothing to draw
        return np.zeros(0, dtype=np.intp)
    idle = (firms.project_stage == NO_PROJECT) & (firms.cash > 0)
    intensity = knowledge_intensity(firms)
    p_start = 2.0 * p.start_rate * intensity
    intensity += p.knowledge_half
    p_start /= intensity
    if expected_support is not None:
        response = 1.0 + p.start_response * expected_support.ravel()  # per cell
        p_start *= response.take(firms.cell(n_sectors))
    np.minimum(p_start, 1.0, out=p_start)
    # a chance of 0 needs no draw (uniforms are above 0)
    candidates = np.flatnonzero(idle & (p_start > 0))
    chance = draws.uniform(Draw.START, firms.key[candidates])
    return candidates[chance < p_start[candidates]]


def innovate(
    firms: Firms,
    economy: Economy,
    technology: np.ndarray,
    density: np.ndarray,
    demand_growth: np.ndarray,
    p: Innovation,
    draws: KeyedDraws,
    year: int,
    support: Support | None = None,
    expected_support: np.ndarray | None = None,
) -> Outcome:
    """Start, finance and advance projects for one year.

    Args:
        firms: The firm population (project columns, cash, productivity updated).
        economy: Relatedness and sector arrays.
        technology: (S,) value added per job of the reference technology.
        density: (R, S) relatedness density of each region in each sector.
        demand_growth: (S,) or (R, S) the demand growth firms expect (log per year).
        p: Pipeline parameters.
        draws: This year's keyed draws (starts, targets and stage outcomes by firm key).
        year: The simulated year (recorded on events).
        support: Policy effects on cost and success, or None without policy.
        expected_support: (R, S) the support rate firms expect for a project in each
            region and target sector (sim.model.expectations); None: firms expect none.

    Returns:
        The year's :class:`Outcome`.
    """
    n = firms.n
    log = EventLog()
    starting = starters(firms, economy.n_sectors, p, draws, expected_support)
    target = firms.sector[starting].copy()
    diversify = draws.uniform(Draw.DIVERSIFY, firms.key[starting]) < p.diversification
    movers = starting[diversify]
    if len(movers):
        weights = target_weights(economy, density, demand_growth, p, expected_support)
        rows = weights[firms.region[movers], firms.sector[movers]]
        target[diversify] = _choose(rows, draws.uniform(Draw.TARGET, firms.key[movers]))
    firms.project_target[starting] = target
    firms.project_stage[starting] = Stage.RD
    firms.project_years[starting] = 0
    firms.project_stall[starting] = 0
    firms.project_start[starting] = year
    log.add(firms, starting, Event.START, year)

    # finance this year's stage of every running project (new ones included)
    active = np.flatnonzero(firms.project_stage >= 0)
    stage = firms.project_stage[active].astype(np.intp)
    tgt = firms.project_target[active]
    due = stage_cost(firms.employment[active], technology, p, stage, tgt)
    if support is not None:
        due = due * support.cost_factor[active]
    grant = np.minimum(firms.grant[active], due)
    own = due - grant
    n_cells = economy.n_regions * economy.n_sectors
    target_cell = firms.region[active].astype(np.intp) * economy.n_sectors + tgt
    support_rate, support_seen = observed_rate(target_cell, grant, due, n_cells)
    pays = (own <= 0.0) | (firms.cash[active] >= own)  # a fully funded stage proceeds
    unaided = np.zeros(n, dtype=bool)
    unaided[active] = pays & (grant > 0) & (firms.cash[active] >= due)
    paid_grant = np.zeros(n)
    rd_own = np.zeros(n)
    rd_grant = np.zeros(n)
    payers = active[pays]
    paid_grant[payers] = grant[pays]
    firms.cash[payers] -= own[pays]
    in_rd = pays & (stage == Stage.RD)
    rd_own[active[in_rd]] = own[in_rd]
    rd_grant[active[in_rd]] = grant[in_rd]
    firms.grant[active] = np.where(pays, grant, 0.0)  # events record the grant actually paid
    firms.project_years[payers] += 1
    firms.project_stall[payers] = 0

    stallers = active[~pays]
    firms.project_stall[stallers] += 1
    log.add(firms, stallers, Event.STALL, year)
    given_up = stallers[firms.project_stall[stallers] > p.max_stall]
    log.add(firms, given_up, Event.ABANDON, year, Cause.MONEY)
    firms.project_stage[given_up] = NO_PROJECT

    # stage ends: success moves on, failure abandons
    duration = np.asarray(p.duration)
    ends = firms.project_years[payers] >= duration[firms.project_stage[payers]]
    ending = payers[ends]
    # the events of a stage's end carry its last grant; the other paid grants get a row
    log.add(firms, payers[~ends & (firms.grant[payers] > 0)], Event.PAY, year)
    st = firms.project_stage[ending].astype(np.intp)
    base = np.asarray(p.success)[st]
    logit = np.log(base / (1.0 - base))
    logit += p.success_knowledge * knowledge_intensity(firms, ending)
    logit += p.success_relatedness * (
        economy.relatedness[firms.sector[ending], firms.project_target[ending]] - 1.0
    )
    if support is not None:
        logit += support.success_bonus[ending]
    chance = draws.uniform(Draw.STAGE, firms.key[ending])
    succeeds = chance < 1.0 / (1.0 + np.exp(-logit))
    failed = ending[~succeeds]
    log.add(firms, failed, Event.ABANDON, year, Cause.FAILURE)
    firms.project_stage[failed] = NO_PROJECT

    passed = ending[succeeds]
    finished = passed[firms.project_stage[passed] == Stage.MARKETISATION]
    advancing = passed[firms.project_stage[passed] < Stage.MARKETISATION]
    log.add(firms, advancing, Event.ADVANCE, year)
    firms.project_stage[advancing] += 1
    firms.project_years[advancing] = 0
    log.add(firms, finished, Event.SUCCESS, year)

    upgrade = finished[firms.project_target[finished] == firms.sector[finished]]
    firms.productivity[upgrade] += p.upgrade_gain
    spin = finished[firms.project_target[finished] != firms.sector[finished]]
    new_activity = {
        "region": firms.region[spin].copy(),
        "sector": firms.project_target[spin].copy(),
        # the new establishment starts with its parent's knowledge intensity
        "intensity": knowledge_intensity(firms, spin),
        "parent": firms.key[spin].copy(),
    }
    firms.project_stage[finished] = NO_PROJECT
    paid_funder = np.full(n, -1, dtype=np.int16)
    funded = payers[paid_grant[payers] > 0]
    paid_funder[funded] = firms.grant_funder[funded]
    # a reserved grant is for one year's payment only
    firms.grant[:] = 0.0
    firms.grant_funder[:] = -1
    return Outcome(
        log.columns(),
        paid_grant,
        paid_funder,
        rd_own,
        rd_grant,
        new_activity,
        unaided,
        support_rate,
        support_seen,
    )
