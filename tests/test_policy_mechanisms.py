"""What each instrument does, against the no-policy run of the same seed.

Each treatment is a scenario whose only instrument with a share (1) is the one
under test, compared with ``no_policy`` on the same seeds. Random streams are
common to both (sim.model.streams), so until the first funded year the two runs are
the same economy: in that year the instrument's effect is exact, firm by firm.
Over the whole run the paths part, and effects are pooled over seeds and
compared with the standard error of the seed-by-seed (paired) differences.

What the pipeline does with a grant (sim.model.pipeline): it lowers what a firm pays
for the stage. A grant never starts a project (starts are drawn before the
year's payments, from knowledge and cash), and it is reserved at the end of a
year for projects already running, so a project's first year is paid by the
firm alone. A firm whose cash cannot cover its own share stalls, and abandons
after ``max_stall`` stalled years; the grant makes that rarer.
"""

import functools

import numpy as np
import pandas as pd
import pytest

from sim.config.assemble import build_model
from sim.model.stages import Cause, Event, Stage
from tests.conftest import compose_config

INSTRUMENTS = ["rd_grant", "demonstrator", "industrialisation", "marketisation"]
INSTRUMENTS += ["cluster_management"]
MECH = [
    "economy.n_firms=8000",
    "years.start=2000",
    "years.end=2007",
    "years.burn_in=5",
    "output.plots=false",
    # each instrument's own mechanism, without the firms' response to the support they
    # come to expect (more starts where grants flow: tests/test_policy_response.py)
    "dynamics.innovation.start_response=0",
    "dynamics.innovation.target_response=0",
    "dynamics.demography.roadmap_entry=0",
]
SEEDS = range(8)
FIRST = 2000  # the first funded year


def only(name: str, rule: str = "bottom_up") -> list[str]:
    """A scenario whose whole budget goes to instrument ``name``."""
    shares = [f"scenario.instruments.{n}.share={int(n == name)}" for n in INSTRUMENTS]
    # money from outside: the instrument alone, without the tax that would fund it
    # (tests/test_policy_funding.py)
    funding = "scenario.budget.funding=external"
    return ["scenario=bottom_up", f"scenario.selection.rule={rule}", funding, *shares]


@functools.cache
def events(treatment: str, seed: int) -> dict[str, np.ndarray]:
    """Project events of a run: ``none`` is no_policy, otherwise only that instrument."""
    scenario = ["scenario=no_policy"] if treatment == "none" else only(treatment)
    model = build_model(compose_config([*MECH, f"seed={seed}", *scenario]))
    model.run()
    chunks = model.recorder._events
    columns = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
    for column in columns.values():  # shared by the tests that read them: read-only
        column.flags.writeable = False
    return columns


def firms_with(ev, stage, event, cause=None, year=None) -> set[int]:
    sel = (ev["stage"] == stage) & (ev["event"] == event)
    if cause is not None:
        sel &= ev["cause"] == cause
    if year is not None:
        sel &= ev["year"] == year
    return set(ev["firm_id"][sel].tolist())


def counts(ev, stage) -> np.ndarray:
    """Starts, completions, stalls and abandonments for money at ``stage``, all years."""
    at = ev["stage"] == stage
    done = (ev["event"] == Event.ADVANCE) | (ev["event"] == Event.SUCCESS)
    return np.array(
        [
            (at & (ev["event"] == Event.START)).sum(),
            (at & done).sum(),
            (at & (ev["event"] == Event.STALL)).sum(),
            (at & (ev["event"] == Event.ABANDON) & (ev["cause"] == Cause.MONEY)).sum(),
        ]
    )


def paired(treatment: str, stage: int):
    """(S, 4) counts without and with the instrument, one row per seed."""
    base = np.array([counts(events("none", s), stage) for s in SEEDS])
    treated = np.array([counts(events(treatment, s), stage) for s in SEEDS])
    return base, treated


def reduction_in_standard_errors(base: np.ndarray, treated: np.ndarray) -> float:
    """Mean paired reduction over its standard error."""
    d = base - treated
    return d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))


@pytest.mark.parametrize(
    ("treatment", "stage"), [("rd_grant", 0), ("demonstrator", 1), ("industrialisation", 2)]
)
def test_in_the_first_funded_year_a_grant_only_removes_shortfalls_at_its_stage(treatment, stage):
    removed = 0
    for seed in SEEDS:
        base, treated = events("none", seed), events(treatment, seed)
        # the same projects start: a grant is no reason to start
        assert firms_with(treated, 0, Event.START, year=FIRST) == firms_with(
            base, 0, Event.START, year=FIRST
        )
        for s in range(4):
            stalls = firms_with(treated, s, Event.STALL, year=FIRST)
            stalls_before = firms_with(base, s, Event.STALL, year=FIRST)
            gave_up = firms_with(treated, s, Event.ABANDON, cause=Cause.MONEY, year=FIRST)
            gave_up_before = firms_with(base, s, Event.ABANDON, cause=Cause.MONEY, year=FIRST)
            if s == stage:
                # lower costs can only let more firms pay
                assert stalls <= stalls_before
                assert gave_up <= gave_up_before
                removed += len(stalls_before - stalls)
            else:
                assert stalls == stalls_before
                assert gave_up == gave_up_before
    assert removed > 0


@pytest.mark.parametrize(("treatment", "stage"), [("demonstrator", 1), ("industrialisation", 2)])
def test_stage_support_lowers_stalls_and_abandonment_for_money_at_its_stage(treatment, stage):
    base, treated = paired(treatment, stage)
    # 8 seeds x 8 years of 8,000 firms. Observed (seeds 0-7): demonstrator -60 % stalls
    # (8 standard errors of the paired difference), -64 % abandonments for money (4.7);
    # industrialisation -50 % (10.5) and -57 % (10.2). Asking for 3 standard errors and
    # a quarter less leaves room for changes of the random paths.
    for col, what in ((2, "stalls"), (3, "abandonments for money")):
        assert reduction_in_standard_errors(base[:, col], treated[:, col]) > 3, what
        assert treated[:, col].sum() < 0.75 * base[:, col].sum(), what


def test_rd_grants_lower_rd_stalls_but_start_no_more_projects():
    base, treated = paired("rd_grant", 0)
    starts, done, stalls, _ = base.sum(axis=0)
    starts_t, done_t, stalls_t, _ = treated.sum(axis=0)
    # Starts: ~9,400 over the seeds; the paired seed differences have a standard error
    # of about 0.25 % of that, so 2 % is eight of them. A grant reaches starts only
    # later and indirectly, through cash (a start needs positive cash) and knowledge
    # (with rd_additionality = 1 the firm keeps its own R&D spending and the grant adds
    # to it: tests/test_rd_additionality.py).
    assert starts_t == pytest.approx(starts, rel=0.02)
    # R&D completions move as little: stalls delay a project, and few R&D projects
    # stall long enough to be abandoned (observed +/-0.5 %)
    assert done_t == pytest.approx(done, rel=0.03)
    # R&D stalls: observed -20 % (199 -> 160), 2.7 standard errors of the paired
    # differences. R&D is cheap and a project's first year is never funded, so the
    # effect is small; the exact first-year test above shows its sign firm by firm.
    assert stalls_t < 0.9 * stalls


# ---- cluster management ------------------------------------------------------------
SMALL_CLUSTERS = [
    "economy.n_firms=3000",
    "years.start=2000",
    "years.end=2008",
    "years.burn_in=3",
    "output.plots=false",
]


def only_pilots(rule: str) -> list[str]:
    """A scenario whose whole budget goes to a shared-pilot instrument."""
    pilot = "{_target_: sim.policy.instruments.PilotCoInvestment, share: 1}"
    return [*only("pilot", rule), f"+scenario.instruments.pilot={pilot}"]


def run_model(overrides, config=None):
    config = config or compose_config([*SMALL_CLUSTERS, *overrides])
    model = build_model(config)
    model.run()
    return model


def step_collaboration(c, money, p):
    """One year of a cluster's collaboration (clusters.Cluster.step)."""
    rise = p.management_gain * money / (money + p.management_half) * (1 - c)
    return min(max(c + rise - p.decay * (c - p.base_collaboration), 0.0), 1.0)


def test_cluster_management_raises_collaboration_as_its_money_says():
    model = run_model(only("cluster_management"))
    policy, p = model.policy, model.dynamics.clusters
    frame = policy.frames(model)["clusters"]
    led = policy.ledger
    cm = led.instruments.index("cluster_management")
    regions = model.economy.regions
    n_clusters = pd.Series([c.region for c in policy.clusters]).value_counts()
    for cluster in policy.clusters:
        name = f"{regions[cluster.region]}/{model.economy.sectors[cluster.value_chain]}"
        rows = frame[frame["cluster"] == name]
        c, path = p.base_collaboration, []
        for t in range(len(led.years)):
            # bottom-up: the region's money is split evenly over its clusters
            c = step_collaboration(
                c, led.disbursed[t, cluster.region, cm] / n_clusters[cluster.region], p
            )
            path.append(c)
        assert rows["collaboration"].to_numpy() == pytest.approx(path, rel=1e-12)
    last = frame[frame["year"] == 2008]["collaboration"]
    assert (last > p.base_collaboration + 0.1).all()

    # members draw the success bonus of their cluster's collaboration
    support = policy.support(model)
    member = model.firms.cluster >= 0
    collaboration = np.array([c.collaboration for c in policy.clusters])
    expected = p.success_effect * collaboration[model.firms.cluster[member]]
    assert support.success_bonus[member] == pytest.approx(expected, rel=1e-12)
    assert (support.success_bonus[~member] == 0).all()

    # without policy collaboration stays at its base
    base = run_model(["scenario=no_policy"]).policy.frames(model)["clusters"]
    assert (base["collaboration"] == p.base_collaboration).all()
    assert last.mean() > 2 * p.base_collaboration


def test_collaboration_decays_once_management_money_stops():
    config = compose_config([*SMALL_CLUSTERS, "scenario=bottom_up"])
    change = {"instruments": {"cluster_management": {"share": 0.0}, "rd_grant": {"share": 0.3}}}
    config["scenario"]["timeline"] = {2004: change}
    model = run_model([], config)
    policy, p = model.policy, model.dynamics.clusters
    cm = policy.ledger.instruments.index("cluster_management")
    assert policy.ledger.disbursed[4:, :, cm].sum() == 0.0  # nothing paid from 2004 on
    frame = policy.frames(model)["clusters"].pivot(index="year", columns="cluster")
    c = frame["collaboration"]
    # from 2004 on each year only decays toward the base: c' = c - decay (c - base)
    expected = c.loc[2003:2007].to_numpy() * (1 - p.decay) + p.decay * p.base_collaboration
    assert c.loc[2004:2008].to_numpy() == pytest.approx(expected, rel=1e-12)


# ---- shared pilots -------------------------------------------------------------------
def test_pilot_access_lowers_demonstration_costs_in_every_consortium_region():
    model = run_model(only_pilots("vanguard"))
    policy, e, pp = model.policy, model.economy, model.dynamics.pilots
    pilots = list(policy.coordinator.pilots.values())
    assert pilots
    led = policy.ledger
    pilot = led.instruments.index("pilot")
    consortia = {r: [pl for pl in pilots if r in pl.regions] for r in range(e.n_regions)}
    for pl in pilots:
        assert len(pl.regions) >= 2 and e.vanguard[pl.regions].all()
        # capacity: each year's contributions (a region splits its pilot money over its
        # consortia), depreciated by 10 % a year since, the last plan being for 2008
        capacity = 0.0
        for t in range(len(led.years)):
            capacity *= 1 - pp.depreciation
            capacity += sum(led.disbursed[t, r, pilot] / len(consortia[r]) for r in pl.regions)
        assert pl.capacity == pytest.approx(capacity, rel=1e-9)
        assert pl.capacity > 0
    # regions outside every consortium put no money in
    for r, mine in consortia.items():
        if not mine:
            assert led.disbursed[:, r, pilot].sum() == 0.0

    # access of every region to every target sector: the best pilot it shares
    regions = np.repeat(np.arange(e.n_regions), e.n_sectors)
    targets = np.tile(np.arange(e.n_sectors), e.n_regions)
    access = policy.coordinator.access(regions, targets, e.eu_priority)
    for r, s, a in zip(regions, targets, access, strict=True):
        effects = [
            pl.capacity / (pl.capacity + pp.capacity_half)
            for pl in consortia[r]
            if e.eu_priority[s, pl.area]
        ]
        assert a == pytest.approx(max(effects, default=0.0), rel=1e-12)

    # a demonstration project of one firm per region, aimed at each pilot's area
    assert all(c.demonstration_cost_factor() == 1.0 for c in policy.clusters)
    firms = model.firms
    for pl in pilots:
        target = int(np.flatnonzero(e.eu_priority[:, pl.area])[0])
        probe = np.array([np.flatnonzero(firms.region == r)[0] for r in range(e.n_regions)])
        firms.project_stage[probe] = Stage.DEMONSTRATION
        firms.project_target[probe] = target
        factor = policy.support(model).cost_factor[probe]
        for r in range(e.n_regions):
            best = max(
                (q.effect(pp.capacity_half) for q in consortia[r] if e.eu_priority[target, q.area]),
                default=0.0,
            )
            assert factor[r] == pytest.approx(1 - pp.cost_cut * best, rel=1e-12)
            if r in pl.regions:
                assert factor[r] < 1.0
            elif not consortia[r]:
                assert factor[r] == 1.0
        # the pilots cut demonstration costs only
        firms.project_stage[probe] = Stage.INDUSTRIALISATION
        assert (policy.support(model).cost_factor[probe] == 1.0).all()


def test_pilot_money_outside_a_vanguard_phase_is_not_spent():
    model = run_model(only_pilots("targeted"))
    led = model.policy.ledger
    assert not model.policy.coordinator.pilots
    assert led.disbursed.sum() == 0.0 and led.committed.sum() == 0.0
    # a quarter of each year's money carries over, the rest lapses
    assert led.carried_over[-1].sum() == pytest.approx(0.25 * led.new[-1].sum(), rel=1e-12)
    assert led.lapsed.sum() == pytest.approx(led.new.sum() - led.carried_over[-1].sum(), rel=1e-12)
