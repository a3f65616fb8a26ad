"""The model: one simulated year is the timetable of DESIGN.md, step by step."""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.model.competition import compete
from sim.model.demography import exit_and_enter, populate
from sim.model.economy import Economy
from sim.model.expectations import SupportExpectations
from sim.model.knowledge import add_project_rd, learn
from sim.model.observe import Recorder
from sim.model.params import Dynamics
from sim.model.pipeline import Outcome, Support, innovate
from sim.model.prospects import Prospects
from sim.model.regional import RegionalSpecialisation
from sim.model.settle import DataState
from sim.model.streams import Stream, Streams
from sim.model.world import WorldMarkets


class PolicyHooks(Protocol):
    """What the model asks of a policy (sim.policy.Policy); ``None`` means no policy."""

    instrument_names: list[str]

    def setup(self, model: ClusterModel) -> None:
        """Create governments, clusters and the coordinator as agents of ``model``."""

    def tax_revenue(self, model: ClusterModel) -> np.ndarray | None:
        """(R,) money each region raises this year from a tax on its firms' value added."""

    def support(self, model: ClusterModel) -> Support | None:
        """Cost factors and success bonuses of this year's projects."""

    def roadmap_cells(self, model: ClusterModel) -> np.ndarray | None:
        """(R, S) 1 where a region runs a spearhead roadmap in a sector this year, or None."""

    def knowledge_pool(self, model: ClusterModel) -> np.ndarray | None:
        """Extra knowledge per unit of value added for cluster members."""

    def allocate(self, model: ClusterModel, outcome: Outcome) -> None:
        """Step 5: governments allocate the year's budget."""

    def spearhead_sectors(self, region: int) -> list[int]:
        """Spearhead value chains of a region."""

    def frames(self, model: ClusterModel) -> dict[str, pd.DataFrame]:
        """The policy's tables (ledger, clusters), by output name."""

    def indicators(self, model: ClusterModel) -> dict[str, float]:
        """The policy's headline indicators for summary.json."""


class ClusterModel(mesa.Model):
    """Regions, sectors and firms over simulated years, with an optional policy.

    Args:
        economy: The economy's structure and initial employment.
        dynamics: Behavioural parameters of firms.
        seed: The run's seed; all randomness derives from it.
        start: First reported year.
        end: Last reported year (inclusive).
        burn_in: Years simulated before ``start`` and not reported.
        n_firms: Number of initial firms (default: the economy's).
        firm_panel: Keep every firm's state every reported year.
        policy: The policy (governments, clusters, the coordinator as Mesa agents),
            or None for a run without any policy agents.
    """

    def __init__(
        self,
        economy: Economy,
        dynamics: Dynamics,
        *,
        seed: int = 0,
        start: int = 1998,
        end: int = 2030,
        burn_in: int = 10,
        n_firms: int | None = None,
        firm_panel: bool = False,
        policy: PolicyHooks | None = None,
    ):
        self.streams = Streams(seed)
        super().__init__(rng=self.streams.mesa_seed())
        self.economy = economy
        self.dynamics = dynamics
        self.start, self.end, self.burn_in = start, end, burn_in
        self.year = start - burn_in - economy.settle
        self.markets = WorldMarkets(economy)
        self.prospects = Prospects(
            economy, dynamics.prospects, self.streams.get(Stream.PROSPECTS), start
        )
        self.firms = populate(
            economy,
            self.markets,
            dynamics,
            n_firms or economy.spec.n_firms,
            self.streams.get(Stream.SETUP),
        )
        self.initial_firms = self.firms.n  # drawn; economy.n_firms only approximately
        self.specialisation = RegionalSpecialisation(
            economy, self.firms, self.markets, dynamics.knowledge.presence_width
        )
        self.expectations = SupportExpectations(economy.n_regions, economy.n_sectors)
        self.recorder = Recorder(economy, np.arange(start, end + 1), firm_panel)
        self.policy = None
        self.outcome: Outcome | None = None
        self.own_rd = np.zeros(self.firms.n)
        self.exited = 0
        self.entered = 0
        self._data_state: DataState | None = None
        if economy.settle:
            self.settle_firms(economy.settle)
        self.built_year = self.year  # after settling: the first year it steps
        self.policy = policy
        if policy is not None:
            policy.setup(self)

    @property
    def first_policy_year(self) -> int:
        """The first year the policy is consulted.

        Its first budget is allocated at the end of the last burn-in year, for the first
        reported year. Before it, the runs of the same economy, dynamics, seed and years
        are the same whatever their policy (sim.config.scenario_runs simulates those
        years once for several scenarios).
        """
        return self.start - 1

    def _policy(self) -> PolicyHooks | None:
        """The policy, from :attr:`first_policy_year` on; None before it."""
        return self.policy if self.year >= self.first_policy_year else None

    def run_until(self, year: int) -> None:
        """Simulate the years before ``year`` (none if the model is already there)."""
        while self.year < year:
            self.step()

    def settle_firms(self, years: int) -> None:
        """Settling years of a run from data, before the policy starts (sim.model.settle).

        The firm dynamics run ``years`` years, each ending with the data's cells and
        world markets restored, so that the first simulated year starts from the data
        with a population whose ages, loss records and productivities have settled.
        """
        self._data_state = DataState(self.economy, self.firms, self.markets)
        for _ in range(years):
            self.step()
        self._data_state = None
        self.exited = self.entered = 0

    def step(self) -> None:
        """One simulated year."""
        self.move_world_demand()
        self.compete_for_demand()
        self.learn()
        self.innovate()
        self.allocate_budgets()
        self.enter_and_exit()
        self.take_stock()
        self.observe()
        self.year += 1

    def run(self, progress: bool = False) -> Recorder:
        """Simulate from the burn-in to the last reported year; return the observations.

        Args:
            progress: Show a progress bar over the simulated years (on stderr).
        """
        years = range(self.year, self.end + 1)
        for _ in tqdm(years, desc="years", unit="yr", disable=not progress, leave=False):
            self.step()
        return self.recorder

    # ---- the year, in order ------------------------------------------------------
    def move_world_demand(self) -> None:
        """1. World demand per sector moves (trend + shock, the exogenous stream)."""
        if self.year == self.start:
            self.prospects.begin(self.markets.demand)
        trend = self.prospects.trend_in(self.year)
        self.markets.move(self.streams.get(Stream.WORLD, self.year), trend)

    def compete_for_demand(self) -> None:
        """2. Firms compete for sector demand; employment follows with partial adjustment."""
        policy = self._policy()
        tax = policy.tax_revenue(self) if policy is not None else None
        self.own_rd = compete(
            self.firms,
            self.markets,
            self.economy,
            self.dynamics.competition,
            self.streams.keyed(self.year),
            self.specialisation.rca,
            self.specialisation.density,
            self.specialisation.tightness(),
            tax,
            self.specialisation.start,
        )

    def learn(self) -> None:
        """3. Knowledge from own R&D and spillovers; productivity follows knowledge."""
        policy = self._policy()
        pool = policy.knowledge_pool(self) if policy is not None else None
        learn(
            self.firms,
            self.economy,
            self.dynamics.knowledge,
            self.streams.keyed(self.year),
            self.own_rd,
            pool,
        )

    def innovate(self) -> None:
        """4. Projects start, are financed, stall, advance, fail or reach the market."""
        policy = self._policy()
        support = policy.support(self) if policy is not None else None
        self.outcome = innovate(
            self.firms,
            self.economy,
            self.markets.technology,
            self.specialisation.density,
            self.prospects.expected_growth(self.year, self.markets.demand, self.markets.growth),
            self.dynamics.innovation,
            self.streams.keyed(self.year),
            self.year,
            support,
            self.expectations.rate,
        )
        self.expectations.update(self.outcome)
        add_project_rd(
            self.firms,
            self.outcome.rd_own,
            self.outcome.rd_grant,
            self.dynamics.knowledge.rd_additionality,
        )

    def allocate_budgets(self) -> None:
        """5. Governments allocate the year's budget (commitments first)."""
        # the first allocation, at the end of the last burn-in year, funds the first
        # reported year; the allocation at the end of the last year only settles it
        policy = self._policy()
        if policy is not None:
            policy.allocate(self, self.outcome)

    def enter_and_exit(self) -> None:
        """6. Exit of small, loss-making and infant firms; entry by growth and relatedness."""
        policy = self._policy()
        self.exited, self.entered = exit_and_enter(
            self.firms,
            self.markets,
            self.economy,
            self.specialisation.density,
            self.outcome.new_activity,
            self.dynamics.demography,
            self.dynamics.innovation,
            self.streams.keyed(self.year),
            policy.roadmap_cells(self) if policy is not None else None,
        )

    def take_stock(self) -> None:
        """The regions' specialisation and jobs after the year's turnover (read next year)."""
        if self._data_state is not None:
            self._data_state.restore(self.firms, self.markets)
        self.specialisation.update(self.firms, self.markets)

    def observe(self) -> None:
        """7. Employment, firms, specialisation, project events and the firm panel."""
        if self.year < self.start:
            return
        t = self.year - self.start
        s = self.specialisation  # taken just before: its jobs are the firms' now
        self.recorder.observe(t, self.firms, self.markets, s.density, s.employment)
        self.recorder.entries[t] = self.entered
        self.recorder.exits[t] = self.exited
        self.recorder.add_events(self.outcome.events)
