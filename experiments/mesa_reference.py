"""Reference implementation: the firm-level year of s3sim written as idiomatic Mesa.

One ``mesa.Agent`` per firm holding the same attributes as a row of
``sim.model.firms.Firms``; the agents are stepped with ``model.agents.shuffle_do("step")``
and the other per-firm phases with ``model.agents.do(...)``. Sector and cell
aggregates (shares, mean competitiveness, knowledge pools, employment) are summed
in Python loops over the agents every year, as a Mesa user would write them; no
numpy arithmetic runs over agents. Numpy is only used for region-by-sector
matrices (8 x 26), where the project's own helpers are reused.

The formulas are those of ``sim/model/competition.py`` (the upper bend of the size
distribution included), ``sim/model/knowledge.py``, ``sim/model/demography.py`` and
``sim/model/regional.py`` (presence as a smooth step of rca) with the parameters of
``configs/dynamics/default.yaml`` (passed in as a ``sim.model.params.Dynamics``); world
demand follows the same drawn future of the emerging value chains
(``sim.model.prospects``). The innovation pipeline and the policy
layer are not implemented: compare with ``ClusterModel(..., policy=None)`` run
with ``dynamics.innovation.start_rate=0``, where the pipeline starts no project
and changes nothing.

For a paired comparison the reference starts from the same initial firms
(``sim.model.demography.populate`` on the run's setup stream) and sees the same world
demand path (the run's world stream) as the real model with the same seed; the
firm-level draws (shocks, noise, exit, entry) come from the Mesa model's own
generators, so the two differ only by sampling.
"""

from __future__ import annotations

import bisect
import math
import time
from dataclasses import dataclass

import mesa
import numpy as np

from sim.model.competition import MAX_SHOCK_SCALE, scarcity_premium
from sim.model.demography import PRODUCTIVITY_SPREAD, entry_weights, populate
from sim.model.economy import Economy
from sim.model.params import Dynamics
from sim.model.prospects import Prospects
from sim.model.regional import current_density
from sim.model.streams import Stream, Streams
from sim.model.world import WorldMarkets


class Firm(mesa.Agent):
    """One firm: region, sector, size, market share, productivity, knowledge, money."""

    def __init__(
        self,
        model: ReferenceModel,
        region: int,
        sector: int,
        employment: float,
        share: float,
        productivity: float,
        knowledge: float,
        cash: float,
        value_added: float,
        age: int = 0,
    ):
        super().__init__(model)
        self.region = region
        self.sector = sector
        self.employment = employment
        self.share = share
        self.productivity = productivity
        self.knowledge = knowledge
        self.cash = cash
        self.value_added = value_added
        self.age = age
        self.loss_years = 0
        # this year's intermediate values
        self.edge = 0.0
        self.own_rd = 0.0
        self.log_intensity = 0.0

    def step(self) -> None:
        """Competition: replicator move toward the sector's mean edge, then a Laplace shock."""
        m = self.model
        p = m.competition
        s = self.sector
        fitness = self.share * math.exp(p.selection * (self.edge - m.mean_edge[s]))
        m.fitness_sum[s] += fitness
        b = p.shock_scale * (max(self.employment, 1e-3) / p.reference_size) ** (
            -p.shock_size_elasticity
        )
        b = min(b, MAX_SHOCK_SCALE)
        laplace = m.random.expovariate(1.0)
        if m.random.random() < 0.5:
            laplace = -laplace
        # the sector's rescaling (before / after) and the renormalisation with the
        # rest of the world are one factor per sector, applied in produce()
        self.share = fitness * math.exp(b * laplace + math.log1p(-b * b))
        m.shocked_sum[s] += self.share

    def produce(self) -> None:
        """Value added, partial employment adjustment, wages, own R&D, profit and cash."""
        m = self.model
        p = m.competition
        r, s = self.region, self.sector
        self.share *= m.renormalise[s]
        value_added = self.share * m.demand[s]
        target = value_added / (m.technology[s] * math.exp(self.productivity))
        log_e = math.log(self.employment)
        log_target = math.log(target) if target > 0 else -math.inf
        self.employment = math.exp(log_e + p.adjustment * (log_target - log_e))
        wage = m.region_wage[r] * m.premium[r][s]
        wages = p.wage_share * m.technology[s] * wage * self.employment
        self.own_rd = m.rd_intensity[s] * value_added
        profit = value_added - wages - self.own_rd
        self.cash = ((1.0 - p.payout) * self.cash if self.cash > 0 else self.cash) + profit
        self.loss_years = self.loss_years + 1 if profit < 0 else 0
        self.value_added = value_added
        # the knowledge pool uses the stock before this year's learning
        m.stock[r][s] += self.knowledge
        m.output[r][s] += value_added

    def learn(self) -> None:
        """Knowledge: depreciation, own R&D and the region's related pool."""
        m = self.model
        k = m.knowledge
        va = self.value_added
        self.knowledge = (
            (1.0 - k.depreciation) * self.knowledge
            + self.own_rd
            + k.spillover * m.pool[self.region][self.sector] * va
        )
        self.log_intensity = math.log1p(self.knowledge / max(va, 1e-12))
        m.log_sum[self.sector] += self.log_intensity * va
        m.va_sum[self.sector] += va

    def adapt_or_exit(self) -> None:
        """Productivity follows relative knowledge; then the firm exits or ages a year."""
        m = self.model
        k = m.knowledge
        d = m.demography
        self.productivity = (
            (1.0 - k.productivity_reversion) * self.productivity
            + k.productivity_effect * (self.log_intensity - m.mean_log[self.sector])
            + k.productivity_noise * m.random.gauss(0.0, 1.0)
        )
        hazard = d.infant_hazard * math.exp(-self.age / d.infant_fade)
        if (
            self.employment < d.exit_size
            or self.loss_years >= d.loss_years
            or m.random.random() < hazard
        ):
            m.exited += 1
            self.remove()
            return
        self.age += 1
        m.employment[self.region][self.sector] += self.employment
        m.firm_count[self.region] += 1


class ReferenceModel(mesa.Model):
    """The firm population of s3sim as Mesa agents, without pipeline and policy.

    Args:
        economy: The economy's structure and initial employment.
        dynamics: Behavioural parameters (competition, knowledge, demography are used).
        seed: The run's seed (initial firms and world demand as in ``ClusterModel``).
        start: First reported year.
        end: Last simulated year (inclusive).
        burn_in: Years simulated before ``start``.
        n_firms: Number of initial firms (default: the economy's).
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
    ):
        streams = Streams(seed)
        super().__init__(rng=streams.mesa_seed() + 1)
        self.streams = streams
        self.economy = economy
        self.competition = dynamics.competition
        self.presence_width = dynamics.knowledge.presence_width
        self.knowledge = dynamics.knowledge
        self.demography = dynamics.demography
        self.end = end
        self.year = start - burn_in
        # the same drawn future of the emerging value chains as the real model's
        self.prospects = Prospects(
            economy, dynamics.prospects, streams.get(Stream.PROSPECTS), start
        )
        self.markets = WorldMarkets(economy)
        self.rd_intensity = economy.rd_intensity.tolist()
        self.region_wage = economy.wage.tolist()
        initial = populate(
            economy,
            self.markets,
            dynamics,
            n_firms or economy.spec.n_firms,
            streams.get(Stream.SETUP),
        )
        columns = zip(
            initial.region.tolist(),
            initial.sector.tolist(),
            initial.employment.tolist(),
            initial.share.tolist(),
            initial.productivity.tolist(),
            initial.knowledge.tolist(),
            initial.cash.tolist(),
            initial.value_added.tolist(),
            initial.age.tolist(),
            strict=True,
        )
        for region, sector, emp, share, prod, know, cash, va, age in columns:
            Firm(self, region, sector, emp, share, prod, know, cash, va, age)
        self.entered = 0
        self.exited = 0
        self.observe()
        self.region_jobs_start = self.region_jobs / self.region_jobs.sum()

    def step(self) -> None:
        """One simulated year: demand, competition, learning, exit, entry, observation."""
        e = self.economy
        R, S = e.n_regions, e.n_sectors
        markets = self.markets
        # 1. world demand (the same exogenous stream as the real model)
        markets.move(self.streams.get(Stream.WORLD, self.year), self.prospects.trend_in(self.year))
        self.demand = markets.demand.tolist()
        self.technology = markets.technology.tolist()

        # 2. competition: sector aggregates from the agents, then the agents' moves
        p = self.competition
        share = self.region_jobs / self.region_jobs.sum()
        premium = scarcity_premium(self.rca, share / self.region_jobs_start, p)
        self.premium = premium.tolist()
        log_premium = np.log(premium).tolist()
        density = self.density.tolist()
        # the upper bend: a firm beyond size_bend of its region's jobs loses competitiveness
        bend = [max(p.size_bend * jobs, 1e-12) for jobs in self.region_jobs.tolist()]
        before = [0.0] * S
        weighted = [0.0] * S
        for firm in self.agents:
            r, s = firm.region, firm.sector
            firm.edge = (
                firm.productivity
                - p.wage_share * log_premium[r][s]
                + p.relatedness_advantage * density[r][s]
            )
            if p.size_penalty:
                excess = math.log(max(firm.employment, 1e-12) / bend[r])
                firm.edge -= p.size_penalty * max(excess, 0.0)
            before[s] += firm.share
            weighted[s] += firm.share * firm.edge
        self.mean_edge = [w / max(b, 1e-300) for w, b in zip(weighted, before, strict=True)]
        self.fitness_sum = [0.0] * S
        self.shocked_sum = [0.0] * S
        self.agents.shuffle_do("step")
        row = markets.row_share.tolist()
        self.renormalise = [0.0] * S
        for s in range(S):
            rescale = before[s] / max(self.fitness_sum[s], 1e-300)
            total = rescale * self.shocked_sum[s] + row[s]
            if total == 0:
                total = 1.0
            self.renormalise[s] = rescale / total
            row[s] /= total
        markets.row_share = np.array(row)
        markets.row_employment = markets.row_share * markets.demand / markets.technology
        self.stock = [[0.0] * S for _ in range(R)]
        self.output = [[0.0] * S for _ in range(R)]
        self.agents.do("produce")

        # 3. learning: the region's relatedness-weighted pool, then knowledge
        stock, output = np.array(self.stock), np.array(self.output)
        related_stock = stock @ e.relatedness
        related_output = output @ e.relatedness
        pool = np.divide(
            related_stock, related_output, out=np.zeros_like(stock), where=related_output > 0
        )
        self.pool = pool.tolist()
        self.log_sum = [0.0] * S
        self.va_sum = [0.0] * S
        self.agents.do("learn")
        self.mean_log = [a / max(b, 1e-12) for a, b in zip(self.log_sum, self.va_sum, strict=True)]

        # 3 (productivity) and 6 (exit): exit does not read productivity
        d = self.demography
        self.exited = 0
        self.employment = [[0.0] * S for _ in range(R)]
        self.firm_count = [0] * R
        self.agents.do("adapt_or_exit")

        # 6. entry: Poisson entrants per region, sector by relatedness and growth
        weights = entry_weights(e, np.array(self.employment), self.density, markets.growth, d)
        cumulative = np.cumsum(weights, axis=1).tolist()
        arrivals = self.rng.poisson(d.entry_rate * np.array(self.firm_count)).tolist()
        mean_extra = max(d.entrant_size - d.exit_size, 1e-9)
        for r, count in enumerate(arrivals):
            for _ in range(count):
                s = min(bisect.bisect_left(cumulative[r], self.random.random()), S - 1)
                size = d.exit_size + self.random.expovariate(1.0 / mean_extra)
                productivity = PRODUCTIVITY_SPREAD * self.random.gauss(0.0, 1.0) - 0.05
                va = self.technology[s] * math.exp(productivity) * size
                share = va / max(self.demand[s], 1e-12)
                Firm(self, r, s, size, share, productivity, 0.0, 0.1 * va, va)
        self.entered = sum(arrivals)

        # 7. observation: specialisation and density for next year
        self.observe()
        self.year += 1

    def observe(self) -> None:
        """Rca, relatedness density and jobs per region of the current employment."""
        e = self.economy
        employment = [[0.0] * e.n_sectors for _ in range(e.n_regions)]
        for firm in self.agents:
            employment[firm.region][firm.sector] += firm.employment
        employment = np.array(employment)
        self.rca, self.density = current_density(
            e, employment, self.markets.row_employment, self.presence_width
        )
        self.region_jobs = employment.sum(axis=1)

    def total_employment(self) -> float:
        """Jobs of all living firms."""
        return sum(firm.employment for firm in self.agents)

    def mean_log_size(self) -> float:
        """Mean log employment of the living firms."""
        sizes = [math.log(firm.employment) for firm in self.agents]
        return sum(sizes) / max(len(sizes), 1)


@dataclass
class RunStats:
    """Timing and aggregate results of one run (the same for both implementations).

    Attributes:
        seconds: Time of the simulated years (model building excluded).
        firm_years: Sum over simulated years of the firms alive at the start of the year.
        employment_growth: log(total jobs at the end / total jobs at the start).
        firm_ratio: Firms at the end over firms at the start.
        entry_rate: Mean over years of entrants / firms at the start of the year.
        exit_rate: Mean over years of exits / firms at the start of the year.
        mean_log_size: Mean log employment of the firms at the end.
    """

    seconds: float
    firm_years: int
    employment_growth: float
    firm_ratio: float
    entry_rate: float
    exit_rate: float
    mean_log_size: float


STATISTICS = ("employment_growth", "firm_ratio", "entry_rate", "exit_rate", "mean_log_size")


def run_reference(
    economy: Economy,
    dynamics: Dynamics,
    *,
    seed: int,
    start: int,
    end: int,
    burn_in: int,
    n_firms: int,
) -> RunStats:
    """Build the reference model, simulate every year, and return time and aggregates."""
    model = ReferenceModel(
        economy, dynamics, seed=seed, start=start, end=end, burn_in=burn_in, n_firms=n_firms
    )
    n0 = len(model.agents)
    jobs0 = model.total_employment()
    firm_years = 0
    entry, exit_ = [], []
    elapsed = 0.0
    while model.year <= end:
        n = len(model.agents)
        t0 = time.perf_counter()
        model.step()
        elapsed += time.perf_counter() - t0
        firm_years += n
        entry.append(model.entered / n)
        exit_.append(model.exited / n)
    return RunStats(
        seconds=elapsed,
        firm_years=firm_years,
        employment_growth=math.log(model.total_employment() / jobs0),
        firm_ratio=len(model.agents) / n0,
        entry_rate=sum(entry) / len(entry),
        exit_rate=sum(exit_) / len(exit_),
        mean_log_size=model.mean_log_size(),
    )
