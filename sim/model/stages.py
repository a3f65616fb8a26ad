"""The pipeline's vocabulary: project stages, project events and causes of abandonment.

The firm columns hold these as small integers (``project_stage``, the events'
``event`` and ``cause``); the enums give them names in code, and the labels
below name them in projects.parquet.
"""

from __future__ import annotations

from enum import IntEnum


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
