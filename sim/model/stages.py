"""The pipeline's vocabulary: project stages, project events and causes of abandonment.

The firm columns hold these as small integers (``project_stage``, the events'
``event`` and ``cause``); the enums give them names in code, and the labels
below name them in projects.parquet.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.firms import Firms


class Stage(IntEnum):
    """A project's stage along the value chain (``NO_PROJECT``, -1, means none)."""

    RD = 0
    DEMONSTRATION = 1
    INDUSTRIALISATION = 2
    MARKETISATION = 3


class Event(IntEnum):
    """What happened to a project in a year (one row of projects.parquet)."""

    START = 0
    ADVANCE = 1
    STALL = 2
    ABANDON = 3
    SUCCESS = 4
    PAY = 5


class Cause(IntEnum):
    """Why a project was abandoned (``NONE`` for every other event)."""

    NONE = 0
    MONEY = 1
    FAILURE = 2


N_STAGES = len(Stage)
#: Labels in the outputs, in code order.
STAGES = ("rd", "demonstration", "industrialisation", "marketisation")
EVENTS = tuple(e.name.lower() for e in Event)
CAUSES = ("", "money", "failure")


class EventLog:
    """Collects the year's project events as column chunks (the pipeline's, sim.model.pipeline)."""

    def __init__(self):
        self.chunks: list[dict[str, np.ndarray]] = []

    def add(
        self, firms: Firms, idx: np.ndarray, event: Event, year: int, cause: Cause = Cause.NONE
    ) -> None:
        """One event of the firms at positions ``idx`` (an integer array), as they are now."""
        if len(idx) == 0:
            return
        # integer indexing copies: the rows keep the values of this moment
        self.chunks.append(
            {
                "year": np.full(len(idx), year, dtype=np.int32),
                "firm_id": firms.firm_id[idx],
                "region": firms.region[idx],
                "sector": firms.sector[idx],
                "target_sector": firms.project_target[idx],
                "stage": firms.project_stage[idx].astype(np.int8),
                "event": np.full(len(idx), event, dtype=np.int8),
                "cause": np.full(len(idx), cause, dtype=np.int8),
                "funder": firms.grant_funder[idx],
                "grant": firms.grant[idx],
            }
        )

    def columns(self) -> dict[str, np.ndarray]:
        """The year's events, one array per column (empty without events)."""
        if not self.chunks:
            return {}
        return {k: np.concatenate([c[k] for c in self.chunks]) for k in self.chunks[0]}
