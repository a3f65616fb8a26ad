"""Random numbers: common to every scenario run with the same seed, down to the firm.

Two kinds of randomness derive from the run's seed:

- **Streams** (numpy Generators keyed by ``SeedSequence(seed, spawn_key=(purpose,
  year))``) for draws that belong to the whole economy: world demand shocks, the
  initial firm population (drawn before any policy acts), random picking of
  spearheads.
- **Keyed draws** for everything a firm draws: a uniform is a pure function
  ``u = H(seed, draw, year, key)`` of the firm's persistent key (the ``key`` column
  of :class:`sim.model.firms.Firms`), never of its position in the arrays nor of
  the other firms. When policy makes one firm exit or enter, every other firm
  still receives its own numbers, so two scenarios with the same seed differ only
  through what policy did.

``H`` is the splitmix64 finaliser (Steele, Lea and Flood 2014, the output function of
Java's ``SplittableRandom``) applied twice, with wrap-around multiplication of 64-bit
words: the (seed, draw, year) counter is folded into one word once per call, then each
firm costs two finaliser passes, in one compiled loop (``sim.model.kernels``: about a
nanosecond per firm, a seventh of the same passes over numpy uint64 arrays). numpy's
counter-based bit generators (Philox, and Threefry elsewhere) take one key per generator
object and so do not vectorise over tens of thousands of firm keys. Other distributions
come from keyed uniforms through their inverse CDF.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from scipy.special import ndtri, pdtr, pdtrik

from sim.model import kernels

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / golden ratio, odd: multiplying by it is a bijection
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = (np.uint64(k) for k in (30, 27, 31))


class Stream(IntEnum):
    """The purposes that draw from numpy Generators (economy-wide draws)."""

    WORLD = 0  # world demand shocks: common to all scenarios
    SETUP = 1  # the initial firm population
    POLICY = 5  # random picking of spearheads (the year being planned)
    MESA = 6  # the mesa.Model's own generator
    PROSPECTS = 7  # the emerging value chains' long-run prospects and forecast errors
    POLICY_OTHERS = 8  # random picking of the other regions' policy (policy_scope=focal)


class Draw(IntEnum):
    """The uses of keyed draws: no two uses in one year share a number."""

    SHOCK = 1  # competition: Laplace shock of the market share
    PRODUCTIVITY = 2  # knowledge: productivity noise
    START = 3  # pipeline: a project starts
    DIVERSIFY = 4  # pipeline: the project targets another sector
    TARGET = 5  # pipeline: which sector
    STAGE = 6  # pipeline: the stage ends in success
    EXIT = 7  # demography: infant mortality
    ENTRY_COUNT = 8  # demography: entrants of a region and sector (keyed by the cell)
    ENTRANT_SIZE = 9  # demography: an entrant's jobs
    ENTRANT_PRODUCTIVITY = 10  # demography: an entrant's (or spin-off's) productivity
    EVALUATION = 100  # policy: evaluation noise of instrument i is draw 100 + i


class Origin(IntEnum):
    """How a firm came to be: the first word of its key."""

    INITIAL = 1  # keyed by its index in the initial population
    ENTRANT = 2  # keyed by (year, region, sector, ordinal among the cell's entrants)
    SPIN_OFF = 3  # keyed by (parent key, year)
    CELL = 4  # not a firm: a region-sector cell (entry counts)


def _mix_int(x: int) -> int:
    """The splitmix64 finaliser on a Python int (a bijection of 64-bit words)."""
    x &= MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser on a uint64 array, in place (wrap-around arithmetic)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def fold(*words: int) -> int:
    """One 64-bit word from several integers: ``h <- mix(h ^ (w * GOLDEN))`` word by word."""
    h = 0
    for w in words:
        h = _mix_int(h ^ ((int(w) * GOLDEN) & MASK))
    return h


def fold_array(head: int | np.ndarray, *words: np.ndarray | int) -> np.ndarray:
    """Vectorised :func:`fold` continuing from ``head``: one uint64 per element."""
    h = np.array(head, dtype=np.uint64, copy=True)
    h = np.atleast_1d(h)
    for w in words:
        w = np.asarray(w).astype(np.uint64) * np.uint64(GOLDEN)
        h = _mix(h ^ w)
    return h


def initial_keys(n: int) -> np.ndarray:
    """Keys of the initial firms, from their index in the initial population."""
    return fold_array(fold(Origin.INITIAL), np.arange(n))


def entrant_keys(year: int, region: np.ndarray, sector: np.ndarray, ordinal: np.ndarray):
    """Keys of entrants: (year, region, sector, ordinal among the cell's entrants)."""
    return fold_array(fold(Origin.ENTRANT, year), region, sector, ordinal)


def spin_off_keys(parent: np.ndarray, year: int) -> np.ndarray:
    """Keys of establishments spun off by ``parent`` firms in ``year``."""
    return fold_array(fold(Origin.SPIN_OFF), parent, np.full(len(parent), year))


def cell_keys(n_cells: int) -> np.ndarray:
    """Keys of the region-sector cells (``region * n_sectors + sector``)."""
    return fold_array(fold(Origin.CELL), np.arange(n_cells))


class KeyedDraws:
    """The firms' random numbers of one year: pure functions of (seed, draw, year, key).

    Args:
        seed: The run's seed.
        year: The simulated year.
    """

    def __init__(self, seed: int, year: int):
        self.seed, self.year = int(seed), int(year)

    def uniform(self, draw: int, keys: np.ndarray) -> np.ndarray:
        """Uniforms in (0, 1), one per key; the same key always gets the same number."""
        counter = fold(self.seed, draw, self.year)
        keys = np.ascontiguousarray(keys, dtype=np.uint64)
        second = np.uint64(_mix_int(counter ^ GOLDEN))
        return kernels.keyed_uniform(keys, np.uint64(counter), second, np.empty(len(keys)))

    def normal(self, draw: int, keys: np.ndarray) -> np.ndarray:
        """Standard normal deviates (inverse CDF of keyed uniforms)."""
        return ndtri(self.uniform(draw, keys))

    def laplace(self, draw: int, keys: np.ndarray) -> np.ndarray:
        """Laplace(0, 1) deviates: ``-sign(v) log(1 - 2|v|)`` with ``v = u - 1/2``."""
        v = self.uniform(draw, keys)
        v -= 0.5
        magnitude = np.abs(v)
        magnitude *= -2.0
        np.log1p(magnitude, out=magnitude)  # <= 0: the deviate is it with the sign of v
        return np.copysign(magnitude, v, out=magnitude)

    def exponential(self, draw: int, keys: np.ndarray) -> np.ndarray:
        """Exponential(1) deviates: ``-log(u)``."""
        u = self.uniform(draw, keys)
        return np.negative(np.log(u, out=u), out=u)


#: Margin, in probability, below which the Poisson quantile defers to scipy's root finder.
POISSON_MARGIN = 1e-3


def poisson_quantile(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The smallest k with ``P(N <= k) >= u``, N ~ Poisson(``mean``): ``poisson.ppf(u, mean)``.

    scipy.stats.poisson.ppf inverts the CDF with a root finder (``pdtrik``, relative
    tolerance about 1e-8) and then checks ``k - 1`` with the CDF ``pdtr``, which costs
    more than the rest of a year's entry. Here k steps from a normal approximation
    (Cornish-Fisher) with ``pdtr`` alone. The two answers agree unless the root
    finder's error reaches the distance between ``u`` and ``pdtr(k - 1)``; where that
    distance is below :data:`POISSON_MARGIN` (about one cell in a thousand), scipy's own
    formula decides, so the counts are scipy's to the last one.

    Args:
        u: Probabilities in (0, 1).
        mean: Poisson means (>= 0), same shape.
    """
    u, mean = np.asarray(u, dtype=float), np.asarray(mean, dtype=float)
    z = ndtri(u)
    k = np.maximum(np.round(mean + np.sqrt(mean) * z + (z * z - 1.0) / 6.0), 0.0)
    low = pdtr(k, mean) < u
    while low.any():
        k[low] += 1.0
        low[low] = pdtr(k[low], mean[low]) < u[low]
    below = pdtr(np.maximum(k - 1.0, 0.0), mean)
    high = (k > 0) & (below >= u)
    while high.any():
        k[high] -= 1.0
        below[high] = pdtr(np.maximum(k[high] - 1.0, 0.0), mean[high])
        high[high] = (k[high] > 0) & (below[high] >= u[high])
    near = (k > 0) & (u - below < POISSON_MARGIN)
    if near.any():
        root = np.ceil(pdtrik(u[near], mean[near]))
        less = np.maximum(root - 1.0, 0.0)
        k[near] = np.where(pdtr(less, mean[near]) >= u[near], less, root)
    return k


class Streams:
    """The random numbers of one run.

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

    def keyed(self, year: int) -> KeyedDraws:
        """The firms' keyed draws of ``year``."""
        return KeyedDraws(self.seed, year)

    def mesa_seed(self) -> int:
        """An integer seed for the mesa.Model's own generator."""
        return int(self.get(Stream.MESA).integers(2**31 - 1))
