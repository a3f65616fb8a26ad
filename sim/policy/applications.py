"""The year's applications: the running projects of every stage, tabulated once per planned year.

For each stage instrument the governments ask which running projects of their regions
are in the instrument's stage and not yet funded. Instead of scanning every running
project region x instrument times, the year's plan tabulates the running projects once,
grouped by stage and region (in firm order within a group), with what a government reads
of them; the governments of a policy take their regions' rows of the stage, still grouped
by region (sim.policy.segments), and leave out those funded since the table was made
(``grant_funder >= 0``). Every column is a function of the project alone, so the rows are
the numbers a scan would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.knowledge import knowledge_intensity
from sim.model.pipeline import stage_cost
from sim.model.stages import N_STAGES
from sim.model.streams import Draw, KeyedDraws
from sim.policy.segments import bounds_of, sums


@dataclass
class Applications:
    """Running projects of one stage that ask for co-financing, grouped by government.

    Attributes:
        index: Positions of the firms.
        due: Next year's stage cost of each project.
        payments_left: Yearly payments left in the stage, next year's included.
        quality: True quality (logit of the stage's success probability).
        spearhead: Whether the project belongs to a spearhead value chain.
        challenge: Whether its target sector serves a challenge area.
        cash: The firm's cash now (what it could pay from next year, as seen today).
        errors: The government's evaluation error of each project for the instrument
            (standard normal, keyed by firm, year and instrument).
        bounds: (G + 1,) government ``g``'s applications are rows ``bounds[g]:bounds[g + 1]``.
    """

    index: np.ndarray
    due: np.ndarray
    payments_left: np.ndarray
    quality: np.ndarray
    spearhead: np.ndarray
    challenge: np.ndarray
    cash: np.ndarray
    errors: np.ndarray
    bounds: np.ndarray

    def total(self, values: np.ndarray, where: np.ndarray) -> np.ndarray:
        """(G,) each government's sum of ``values`` over its rows where ``where`` is true."""
        return sums(values[where], bounds_of(where, self.bounds))


class StageApplicants:
    """Every running project, grouped by stage and region, read once per planned year.

    Args:
        model: The model (firms, economy, markets, the pipeline's parameters).
        running: Positions of the firms running a project, ascending.
        spearheads: Region index -> its spearhead value chains.
        draws: The planned year's keyed draws (evaluation errors).
    """

    def __init__(
        self,
        model,
        running: np.ndarray,
        spearheads: dict[int, list[int]],
        draws: KeyedDraws,
    ):
        firms, economy, p = model.firms, model.economy, model.dynamics.innovation
        self.n_regions = R = economy.n_regions
        stage = firms.project_stage[running].astype(np.intp)
        # stable: within a stage and region the projects keep their firm order
        group = stage * R + firms.region[running]
        order = np.argsort(group, kind="stable")
        idx = running[order]
        self.bounds = np.searchsorted(group[order], np.arange(N_STAGES * R + 1))
        self.draws = draws
        self.keys = firms.key[idx]
        self._errors: dict[int, np.ndarray] = {}
        stages = stage[order]
        target = firms.project_target[idx]
        base = np.asarray(p.success)[stages]
        spearhead_cells = np.zeros((R, economy.n_sectors), dtype=bool)
        for r, sectors in spearheads.items():
            spearhead_cells[r, sectors] = True
        # the columns of Applications, row by row of ``idx``
        self.columns = {
            "index": idx,
            "due": stage_cost(firms.employment[idx], model.markets.technology, p, stages, target),
            "payments_left": np.maximum(
                np.asarray(p.duration)[stages] - firms.project_years[idx], 1
            ),
            "quality": (
                np.log(base / (1.0 - base))
                + p.success_knowledge * knowledge_intensity(firms, idx)
                + p.success_relatedness * (economy.relatedness[firms.sector[idx], target] - 1.0)
            ),
            "spearhead": spearhead_cells[firms.region[idx], target],
            "challenge": economy.challenge.any(axis=1)[target],
            "cash": firms.cash[idx],
        }

    def errors(self, instrument: int, stage: int) -> np.ndarray:
        """Evaluation errors of the rows of ``stage`` for the instrument of index ``instrument``."""
        if instrument not in self._errors:
            rows = self._rows(stage, 0, self.n_regions)
            self._errors[instrument] = self.draws.normal(
                Draw.EVALUATION + instrument, self.keys[rows]
            )
        return self._errors[instrument]

    def of_regions(
        self, stage: int, regions: np.ndarray, grant_funder: np.ndarray, instrument: int
    ) -> Applications:
        """The rows of ``stage`` in ``regions`` not yet funded, grouped by region.

        Args:
            stage: The instrument's stage.
            regions: Region indices, ascending (the governments of a policy).
            grant_funder: The firms' column (rows funded since the table was made drop out).
            instrument: The instrument's index (its evaluation errors).
        """
        at = stage * self.n_regions
        starts, ends = self.bounds[at + regions], self.bounds[at + regions + 1]
        first = self.bounds[at]
        errors = self.errors(instrument, stage)
        bounds = np.zeros(len(regions) + 1, dtype=np.intp)
        np.cumsum(ends - starts, out=bounds[1:])
        if (ends[:-1] == starts[1:]).all():  # the regions' rows are one block: views
            rows = slice(int(starts[0]), int(ends[-1])) if len(regions) else slice(0, 0)
            own = slice(rows.start - first, rows.stop - first)
        else:
            rows = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
            own = rows - first
        columns = {name: column[rows] for name, column in self.columns.items()}
        columns["errors"] = errors[own]
        open_ = grant_funder[columns["index"]] < 0
        if not open_.all():  # leave out the rows funded since
            columns = {name: column[open_] for name, column in columns.items()}
            bounds = bounds_of(open_, bounds)
        return Applications(**columns, bounds=bounds)

    def _rows(self, stage: int, first_region: int, end_region: int) -> slice:
        """The rows of ``stage`` in regions ``first_region`` up to ``end_region`` (excluded)."""
        at = stage * self.n_regions
        return slice(int(self.bounds[at + first_region]), int(self.bounds[at + end_region]))
