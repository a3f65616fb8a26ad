"""The year's applications: the running projects of each stage, tabulated once per planned year.

For each of its stage instruments a government asks which running projects of its
region are in the instrument's stage and not yet funded. Instead of scanning every
running project region x instrument times, the year's plan tabulates the projects of
a stage once, grouped by region (in firm order within a region), with what a
government reads of them; a government takes its region's rows and leaves out those
funded since the table was made (``grant_funder >= 0``). Every column is a function of
the project alone, so the rows are the numbers a scan would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.knowledge import knowledge_intensity
from sim.model.pipeline import stage_cost
from sim.model.streams import Draw, KeyedDraws


@dataclass
class Applications:
    """Running projects of one stage in one region that ask for co-financing.

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
    """

    index: np.ndarray
    due: np.ndarray
    payments_left: np.ndarray
    quality: np.ndarray
    spearhead: np.ndarray
    challenge: np.ndarray
    cash: np.ndarray
    errors: np.ndarray


class StageApplicants:
    """Every running project of one stage, grouped by region, read once per planned year.

    Args:
        model: The model (firms, economy, markets, the pipeline's parameters).
        running: Positions of the firms running a project, ascending.
        stage: The stage (:class:`sim.model.stages.Stage`).
        spearheads: Region index -> its spearhead value chains.
        draws: The planned year's keyed draws (evaluation errors).
    """

    def __init__(
        self,
        model,
        running: np.ndarray,
        stage: int,
        spearheads: dict[int, list[int]],
        draws: KeyedDraws,
    ):
        firms, economy, p = model.firms, model.economy, model.dynamics.innovation
        at_stage = running[firms.project_stage[running] == stage]
        # stable: within a region the projects keep their firm order
        region = firms.region[at_stage]
        order = np.argsort(region, kind="stable")
        idx = at_stage[order]
        self.bounds = np.searchsorted(region[order], np.arange(economy.n_regions + 1))
        self.draws = draws
        self.keys = firms.key[idx]
        self._errors: dict[int, np.ndarray] = {}
        stages = np.full(len(idx), stage, dtype=np.intp)
        target = firms.project_target[idx]
        base = np.asarray(p.success)[stages]
        spearhead_cells = np.zeros((economy.n_regions, economy.n_sectors), dtype=bool)
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

    def errors(self, instrument: int) -> np.ndarray:
        """Evaluation errors of every row for the instrument of index ``instrument``."""
        if instrument not in self._errors:
            self._errors[instrument] = self.draws.normal(Draw.EVALUATION + instrument, self.keys)
        return self._errors[instrument]

    def of_region(self, region: int, grant_funder: np.ndarray, instrument: int) -> Applications:
        """The region's rows not funded yet (``grant_funder`` is the firms' column now)."""
        rows = slice(self.bounds[region], self.bounds[region + 1])
        errors = self.errors(instrument)[rows]
        open_ = grant_funder[self.columns["index"][rows]] < 0
        if open_.all():  # nothing to leave out: views of the table
            return Applications(
                **{name: column[rows] for name, column in self.columns.items()}, errors=errors
            )
        return Applications(
            **{name: column[rows][open_] for name, column in self.columns.items()},
            errors=errors[open_],
        )
