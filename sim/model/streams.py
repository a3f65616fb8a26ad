"""Random streams: every draw comes from a numpy Generator derived from one seed.

Each purpose has its own stream and each simulated year its own child, keyed
by ``SeedSequence(seed, spawn_key=(purpose, year))``. So the exogenous world
(demand shocks) is the same in every scenario run with the same seed, policy
draws never shift firm draws, and a change in one year's number of draws
does not shift the draws of later years.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """The independent purposes that draw random numbers."""

    WORLD = 0  # world demand shocks: common to all scenarios
    SETUP = 1  # the initial firm population
    FIRMS = 2  # competition shocks, productivity noise
    INNOVATION = 3  # project starts, targets, stage outcomes
    DEMOGRAPHY = 4  # entry and exit
    POLICY = 5  # evaluation noise, random picking
    MESA = 6  # the mesa.Model's own generator
    PROSPECTS = 7  # the emerging value chains' long-run prospects and forecast errors


class Streams:
    """Generators for one run.

    Args:
        seed: The run's seed (a non-negative integer).
    """

    def __init__(self, seed: int):
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed = {seed!r}: must be a non-negative integer")
        self.seed = int(seed)

    def get(self, purpose: Stream, year: int = 0) -> np.random.Generator:
        """The generator for ``purpose`` in ``year`` (same arguments, same draws)."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=(int(purpose), int(year)))
        return np.random.default_rng(sequence)

    def mesa_seed(self) -> int:
        """An integer seed for the mesa.Model's own generator."""
        return int(self.get(Stream.MESA).integers(2**31 - 1))
