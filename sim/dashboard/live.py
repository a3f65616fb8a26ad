"""A run watched year by year: the chosen scenario and, paired with it, no policy on its seed.

Both models are assembled by the project's own assembly function from a config composed
by Hydra, as ``s3sim`` does, so the page shows exactly what the command would write. The
frames below read the models' observations of the years simulated so far.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.dashboard.levers import BASELINE, Levers, compose_config
from sim.metrics import period_means, rca
from sim.model.economy import REST_OF_WORLD
from sim.model.model import ClusterModel


def assemble(overrides: list[str]) -> tuple[dict[str, Any], ClusterModel]:
    """The composed config and the model built from it, as the ``s3sim`` command builds it."""
    from sim.cli import build_model

    config = compose_config(overrides)
    return config, build_model(config)


@dataclass
class LiveRun:
    """A model (and its paired no-policy baseline) advanced year by year.

    Attributes:
        levers: The choices it was built from.
        config: The composed config of the scenario's run.
        model: The scenario's model.
        baseline: The same economy and seed without policy; None when the scenario is
            itself the baseline.
        step_seconds: Wall time spent stepping the models so far.
    """

    levers: Levers
    config: dict[str, Any]
    model: ClusterModel
    baseline: ClusterModel | None
    step_seconds: float = 0.0

    @classmethod
    def build(cls, levers: Levers) -> LiveRun:
        """Assemble the scenario's model and, for a policy scenario, its paired baseline."""
        config, model = assemble(levers.overrides())
        baseline = None
        if levers.scenario != BASELINE:
            baseline = assemble(levers.baseline().overrides())[1]
        return cls(levers, config, model, baseline)

    @property
    def year(self) -> int:
        """The next year to simulate."""
        return self.model.year

    @property
    def finished(self) -> bool:
        """Whether the last reported year has been simulated."""
        return self.model.year > self.model.end

    @property
    def focal(self) -> str:
        """The focal region's name."""
        economy = self.model.economy
        return economy.regions[economy.focal]

    @property
    def reported(self) -> int:
        """Reported years simulated so far."""
        return int(np.clip(self.model.year - self.model.start, 0, len(self.model.recorder.years)))

    def step(self, years: int = 1) -> int:
        """Simulate up to ``years`` years (both models); return how many were simulated."""
        done = 0
        began = time.perf_counter()
        while done < years and not self.finished:
            self.model.step()
            if self.baseline is not None:
                self.baseline.step()
            done += 1
        self.step_seconds += time.perf_counter() - began
        return done

    # ---- what the charts read ---------------------------------------------------
    def employment(self, model: ClusterModel | None = None) -> pd.DataFrame:
        """Employment of the model regions by year and sector, reported years so far."""
        model = model or self.model
        frame = model.recorder.employment_frame()
        years = model.recorder.years[: self.reported]
        return frame[frame["year"].isin(years) & (frame["region"] != REST_OF_WORLD)]

    def periods(self) -> pd.DataFrame:
        """The focal region's rca and rsca by period so far (a running period is partial)."""
        rec, economy = self.model.recorder, self.model.economy
        t = self.reported
        if t == 0:
            return pd.DataFrame(columns=["period", "region", "sector", "rca", "rsca"])
        jobs = rec.employment[:t]
        f = economy.focal
        values = np.stack(
            [
                rca(jobs[i, : economy.n_regions], jobs[i].sum(axis=0), economy.statistics)[f]
                for i in range(t)
            ]
        )
        values[:, ~economy.statistics] = np.nan  # no statistics: no specialisation value
        frame = pd.DataFrame(
            {
                "year": np.repeat(rec.years[:t], economy.n_sectors),
                "region": self.focal,
                "sector": np.tile(economy.sectors, t),
                "rca": values.ravel(),
            }
        )
        frame["rsca"] = (frame["rca"] - 1.0) / (frame["rca"] + 1.0)
        length = int(self.config.get("periods", {}).get("length", 4))
        return period_means(frame, ["rca", "rsca"], self.model.start, length)

    def spearhead_sectors(self) -> list[str]:
        """The focal region's spearhead value chains (empty before they are picked)."""
        policy, economy = self.model.policy, self.model.economy
        if policy is None:
            return []
        return [economy.sectors[s] for s in policy.spearhead_sectors(economy.focal)]

    def chains(self, sectors: list[str]) -> pd.DataFrame:
        """Focal jobs in ``sectors`` by year: ``year``, ``sector``, ``run`` (scenario/baseline)."""
        parts = []
        for name, model in (("scenario", self.model), ("no policy", self.baseline)):
            if model is None:
                continue
            rows = self.employment(model)
            rows = rows[(rows["region"] == self.focal) & rows["sector"].isin(sectors)]
            parts.append(rows[["year", "sector", "employment"]].assign(run=name))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def policy_frames(self) -> dict[str, pd.DataFrame]:
        """The ledger and the clusters of the years so far (empty without policy)."""
        policy = self.model.policy
        if policy is None:
            return {}
        frames = policy.frames(self.model)
        last = self.model.start + self.reported - 1
        return {
            name: frame[frame["year"] <= last] if "year" in frame else frame
            for name, frame in frames.items()
        }
