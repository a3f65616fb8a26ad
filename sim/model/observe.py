"""Step 7 of the year: observation into preallocated arrays, turned into frames once at the end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics import rca
from sim.model.economy import REST_OF_WORLD, Economy
from sim.model.firms import Firms
from sim.model.stages import CAUSES, EVENTS
from sim.model.world import WorldMarkets


class Recorder:
    """Year-by-year observations of one run.

    Args:
        economy: The economy (names and sizes).
        years: The reported years, in order.
        firm_panel: Whether to keep every firm's state every year.
    """

    def __init__(self, economy: Economy, years: np.ndarray, firm_panel: bool = False):
        self.economy = economy
        self.years = np.asarray(years)
        shape = (len(years), economy.n_regions + 1, economy.n_sectors)
        self.employment = np.zeros(shape)
        self.firms = np.zeros(shape, dtype=np.int64)
        self.value_added = np.zeros(shape)
        self.density = np.zeros((len(years), economy.n_regions, economy.n_sectors))
        self.entries = np.zeros(len(years), dtype=np.int64)
        self.exits = np.zeros(len(years), dtype=np.int64)
        self.firm_panel = firm_panel
        self._panel: list[dict[str, np.ndarray]] = []
        self._events: list[dict[str, np.ndarray]] = []

    def observe(
        self,
        t: int,
        firms: Firms,
        markets: WorldMarkets,
        density: np.ndarray,
        employment: np.ndarray | None = None,
    ) -> None:
        """Record year index ``t`` (employment, firms, value added, density, firm panel).

        ``employment``: the firms' (R, S) jobs when already summed (the year's
        stock-taking, sim.model.regional), else summed here.
        """
        e = self.economy
        R, S = e.n_regions, e.n_sectors
        if employment is None:
            employment = firms.by_cell(firms.employment, R, S)
        self.employment[t, :R] = employment
        self.employment[t, R] = markets.row_employment
        self.firms[t, :R] = firms.by_cell(None, R, S)
        self.value_added[t, :R] = firms.by_cell(firms.value_added, R, S)
        self.value_added[t, R] = markets.row_share * markets.demand
        self.density[t] = density
        if self.firm_panel:
            self._panel.append(
                {
                    "year": np.full(firms.n, self.years[t], dtype=np.int32),
                    "firm_id": firms.firm_id.copy(),
                    "region": firms.region.copy(),
                    "sector": firms.sector.copy(),
                    "employment": firms.employment.copy(),
                    "age": firms.age.copy(),
                }
            )

    def add_events(self, events: dict[str, np.ndarray]) -> None:
        """Keep one year's project events."""
        if events:
            self._events.append(events)

    # ---- frames, built once at the end -------------------------------------------
    def _regions(self) -> list[str]:
        return [*self.economy.regions, REST_OF_WORLD]

    def employment_frame(self) -> pd.DataFrame:
        """Tidy employment panel: year, region, sector, employment, firms, value_added."""
        idx = pd.MultiIndex.from_product(
            [self.years, self._regions(), self.economy.sectors], names=["year", "region", "sector"]
        )
        frame = pd.DataFrame(
            {
                "employment": self.employment.ravel(),
                "firms": self.firms.ravel(),
                "value_added": self.value_added.ravel(),
            },
            index=idx,
        ).reset_index()
        return frame

    def specialisation_frame(self) -> pd.DataFrame:
        """Tidy rca, rsca and relatedness density of the model regions per year.

        ``statistics`` is False for a sector the data has no statistics for; its
        rca and rsca are NaN there (no specialisation value, docs/outputs.md).
        """
        R = self.economy.n_regions
        reference = self.employment.sum(axis=1)
        # over the sectors with statistics, as the data defines it (all in a synthetic run)
        values = rca(self.employment[:, :R], reference, self.economy.statistics)
        known = np.broadcast_to(self.economy.statistics, values.shape)
        values = np.where(known, values, np.nan)
        idx = pd.MultiIndex.from_product(
            [self.years, self.economy.regions, self.economy.sectors],
            names=["year", "region", "sector"],
        )
        return pd.DataFrame(
            {
                "rca": values.ravel(),
                "rsca": ((values - 1.0) / (values + 1.0)).ravel(),
                "relatedness_density": self.density.ravel(),
                "statistics": known.ravel(),
            },
            index=idx,
        ).reset_index()

    def firm_frame(self) -> pd.DataFrame | None:
        """The firm panel (None unless ``firm_panel``)."""
        if not self.firm_panel:
            return None
        cols = {k: np.concatenate([c[k] for c in self._panel]) for k in self._panel[0]}
        frame = pd.DataFrame(cols)
        frame["region"] = pd.Categorical.from_codes(frame["region"], self.economy.regions)
        frame["sector"] = pd.Categorical.from_codes(frame["sector"], self.economy.sectors)
        return frame

    def project_frame(self) -> pd.DataFrame:
        """Project events: year, firm_id, region, sector, target_sector, stage, event, cause, ..."""
        columns = [
            "year",
            "firm_id",
            "region",
            "sector",
            "target_sector",
            "stage",
            "event",
            "cause",
            "funder",
            "grant",
        ]
        if not self._events:
            return pd.DataFrame({c: [] for c in columns})
        cols = {k: np.concatenate([c[k] for c in self._events]) for k in columns}
        frame = pd.DataFrame(cols)
        sectors, regions = self.economy.sectors, self.economy.regions
        frame["region"] = pd.Categorical.from_codes(frame["region"], regions)
        frame["sector"] = pd.Categorical.from_codes(frame["sector"], sectors)
        frame["target_sector"] = pd.Categorical.from_codes(frame["target_sector"], sectors)
        frame["event"] = pd.Categorical.from_codes(frame["event"], EVENTS)
        frame["cause"] = pd.Categorical.from_codes(frame["cause"], CAUSES)
        return frame
