"""Which moments a calibration fits, with which weight: the ``moments`` block of its YAML.

Two kinds of moment:

* **data moments** (:data:`sim.validation.calibrate.GROUPS`): growth by region and
  sector, its dispersion, the change of RCA over the window and the reversion of
  RCA (the slope of the change of log RCA on log RCA, scaled by its standard error
  in the file); their targets are the file's values;
* **stylised facts** (:data:`FACTS`, the rows of ``s3sim-validate``: Hill tail
  exponent, Subbotin shape, volatility-size slope, entry, exit, entrant survival,
  Galton slope and correlation, relatedness gain ratio), computed on the
  candidate's runs pooled over the seeds exactly as ``s3sim-validate`` pools run
  directories; their target is the range of :data:`sim.validation.targets.TARGETS`
  or a value (or ``[low, high]``) given in the YAML.

A fact's error is its distance to the target range (0 inside it), scaled by the
range's width (by the bound for a one-sided range, by the value for a point),
so a fact that misses its range by the range's width weighs like a data group
that misses by one spread of its targets. A fact that cannot be computed for a
candidate (e.g. a Galton lag longer than the window) counts as that distance.

The block, e.g.::

    moments:
      region_growth: 1.0               # weight; the target comes from the file
      rca_change: 2.0
      firm_size_tail_hill: 0.5         # target: the validation range [0.8, 1.3]
      entry_rate: {weight: 1.0, target: 0.09}

Without the block, the first four data moments weigh 1 each (``rca_reversion`` is
chosen explicitly); a moment not listed weighs 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.errors import ConfigError
from sim.validation.targets import TARGETS

DATA = ("region_growth", "sector_growth", "growth_dispersion", "rca_change", "rca_reversion")
FACTS = tuple(TARGETS)


@dataclass(frozen=True)
class Moment:
    """One fitted moment: its weight and, for a stylised fact, its target range.

    Attributes:
        weight: Its weight in the objective (> 0).
        low: Lower end of a fact's target (None: no lower end; unused for data moments).
        high: Upper end of a fact's target (None: no upper end).
    """

    weight: float
    low: float | None = None
    high: float | None = None

    def distance(self, value: float) -> float:
        """The value minus the nearest point of the target range (0 inside it)."""
        if self.low is not None and value < self.low:
            return value - self.low
        if self.high is not None and value > self.high:
            return value - self.high
        return math.nan if math.isnan(value) else 0.0

    def scale(self) -> float:
        """The range's width, else the size of its one bound (1 when that is 0)."""
        if self.low is not None and self.high is not None and self.high > self.low:
            return self.high - self.low
        bound = self.low if self.low is not None else self.high
        return abs(bound) if bound else 1.0

    def error(self, value: float) -> float:
        """Scaled squared distance; a fact not computable misses by one scale."""
        d = self.distance(value) / self.scale()
        return 1.0 if math.isnan(d) else d * d


DEFAULT = {name: Moment(1.0) for name in DATA[:4]}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _target(name: str, value: Any, where: str) -> tuple[float | None, float | None]:
    if value is None:
        target = TARGETS[name]
        return target.low, target.high
    if _number(value):
        return float(value), float(value)
    if isinstance(value, list) and len(value) == 2 and all(map(_number, value)):
        if value[0] <= value[1]:
            return float(value[0]), float(value[1])
    raise ConfigError(f"{where}.target = {value!r}: a number or [low, high]")


def parse_moments(spec: Mapping[str, Any], where: str) -> dict[str, Moment]:
    """The ``moments`` block of a calibration file (module docstring); DEFAULT without it."""
    block = spec.get("moments") if isinstance(spec, Mapping) else None
    if block is None:
        return dict(DEFAULT)
    if not isinstance(block, Mapping) or not block:
        raise ConfigError(f"{where}: moments must be a mapping of moment: weight")
    chosen = {}
    for name, entry in block.items():
        at = f"{where}: moments.{name}"
        if name not in DATA and name not in FACTS:
            raise ConfigError(f"{at}: unknown moment; known: {', '.join((*DATA, *FACTS))}")
        entry = entry if isinstance(entry, Mapping) else {"weight": entry}
        unknown = set(entry) - {"weight", "target"}
        if unknown:
            raise ConfigError(f"{at}: unknown key(s) {', '.join(map(str, sorted(unknown)))}")
        weight = entry.get("weight", 1.0)
        if not _number(weight) or weight < 0:
            raise ConfigError(f"{at}: weight = {weight!r}: must be a number >= 0")
        if name in DATA and "target" in entry:
            raise ConfigError(f"{at}: the target of a data moment is the file's value")
        low, high = (None, None) if name in DATA else _target(name, entry.get("target"), at)
        if weight > 0:
            chosen[str(name)] = Moment(float(weight), low, high)
    if not chosen:
        raise ConfigError(f"{where}: moments: give at least one moment a weight > 0")
    return chosen


def facts_of(selection: Mapping[str, Moment]) -> tuple[str, ...]:
    """The stylised facts among the chosen moments, in table order."""
    return tuple(name for name in FACTS if name in selection)
