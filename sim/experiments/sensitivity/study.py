"""The settings of a sensitivity study: the ``sensitivity`` section of the composed config."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.config.schema import bounded, parse
from sim.errors import ConfigError

METHODS = ("morris", "sobol")
MODELS = ("s3sim", "ishigami")
DUMMY = "dummy"
"""The parameter key that changes nothing (its index is the estimator's noise floor)."""
KINDS = ("uncertainty", "lever", "control")
MAX_ROWS = 10_000_000
"""The largest sample a study may draw (rows of sample points): beyond it the design alone
fills gigabytes and the study would take years on any machine this model runs on."""


@dataclass(frozen=True)
class Parameter:
    """One uncertain parameter or lever and the range a study explores.

    Attributes:
        key: Dotted config key the value is written to (``dynamics.innovation.cost.2``
            for a list item), or ``dummy``.
        low: Lower end of the uniform range.
        high: Upper end.
        integer: Round the sampled value to an integer.
        kind: ``uncertainty``, ``lever`` or ``control`` (the dummy).
        why: The reason for the range.
    """

    key: str
    low: float
    high: float
    integer: bool = False
    kind: str = "uncertainty"
    why: str = ""


@dataclass(frozen=True)
class Study:
    """A sensitivity study (see experiments/sensitivity_morris.yaml for each key)."""

    method: str = "morris"
    model: str = "s3sim"
    names: Any = "all"
    trajectories: int = bounded(10, 1)
    levels: int = bounded(4, 2)
    base_sample: int = bounded(64, 2)
    sample_seed: int = bounded(0, 0)
    replicates: int = bounded(1, 1)
    baseline: str | None = "no_policy"
    policy: str | None = "targeted"
    reference: str | None = "bottom_up"
    validation_years: int = bounded(8, 2)
    batches: Any = "auto"
    batch: int = bounded(0, 0)
    confidence: float = bounded(0.95, 0.5, 1.0, high_open=True)
    resamples: int = bounded(1000, 10)
    parameters: list[Parameter] = field(default_factory=list)

    def __post_init__(self):
        if self.method not in METHODS:
            raise ConfigError(f"sensitivity.method = {self.method!r}: must be one of {METHODS}")
        if self.model not in MODELS:
            raise ConfigError(f"sensitivity.model = {self.model!r}: must be one of {MODELS}")
        if self.method == "morris" and self.levels % 2:
            raise ConfigError(
                f"sensitivity.levels = {self.levels}: must be even (a Morris step of "
                "levels / (2 (levels - 1)) falls on the grid only then; Morris 1991)"
            )
        jobs = self.batches
        if jobs != "auto" and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
            raise ConfigError(
                f"sensitivity.batches = {jobs!r}: must be auto or a whole number >= 1"
            )
        if jobs != "auto" and self.batch >= jobs:
            raise ConfigError(
                f"sensitivity.batch = {self.batch}: must be below sensitivity.batches = "
                f"{self.batches}"
            )
        if (self.policy is None) != (self.reference is None):
            raise ConfigError("sensitivity.policy and sensitivity.reference: set both or neither")
        if self.model == "s3sim" and self.baseline is None and self.policy is None:
            raise ConfigError(
                "sensitivity.baseline, sensitivity.policy and sensitivity.reference: all null, "
                "the study would measure nothing; name a baseline scenario or a policy pair"
            )

    @property
    def varied(self) -> list[Parameter]:
        """The parameters the study varies, in the order of ``names`` (or of the ranges)."""
        by_key = {p.key: p for p in self.parameters}
        if self.names == "all":
            return list(self.parameters)
        if isinstance(self.names, str) or not isinstance(self.names, list | tuple):
            raise ConfigError(
                f"sensitivity.names = {self.names!r}: must be 'all' or a list of keys"
            )
        unknown = [n for n in self.names if n not in by_key]
        if unknown:
            raise ConfigError(
                f"sensitivity.names: {', '.join(map(str, unknown))} not in sensitivity.parameters "
                "(configs/sensitivity/ranges.yaml)"
            )
        if len(set(self.names)) != len(self.names):
            raise ConfigError("sensitivity.names: a key is named twice")
        return [by_key[n] for n in self.names]

    @property
    def scenarios(self) -> list[str]:
        """The scenarios each sample point runs, each once per replicate."""
        names = [self.baseline, self.reference, self.policy]
        return list(dict.fromkeys(n for n in names if n is not None))

    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds of the varied parameters."""
        varied = self.varied
        if len(varied) < 2:
            raise ConfigError("sensitivity.names: a study needs at least two parameters")
        if self.model == "ishigami" and len(varied) < 3:
            raise ConfigError(
                f"sensitivity.names: {len(varied)} parameters; the ishigami function takes its "
                "x1, x2, x3 from the first three (further ones change nothing)"
            )
        return {
            "num_vars": len(varied),
            "names": [p.key for p in varied],
            "bounds": [[p.low, p.high] for p in varied],
        }


def read_study(config: Mapping[str, Any]) -> Study:
    """The study of a composed config (a plain dict) with its parameters checked."""
    section = config.get("sensitivity")
    if not isinstance(section, Mapping):
        raise ConfigError("sensitivity: missing; run a study with +experiment=sensitivity_morris")
    study = parse(Study, dict(section), "sensitivity")
    seen: set[str] = set()
    for i, p in enumerate(study.parameters):
        where = f"sensitivity.parameters[{i}] ({p.key})"
        if not (math.isfinite(p.low) and math.isfinite(p.high)):
            raise ConfigError(f"{where}: low = {p.low} and high = {p.high} must be finite")
        if not p.low < p.high:
            raise ConfigError(f"{where}: low = {p.low} must be below high = {p.high}")
        if p.key in seen:
            raise ConfigError(f"{where}: the key is listed twice")
        if p.kind not in KINDS:
            raise ConfigError(f"{where}: kind = {p.kind!r}: must be one of {KINDS}")
        if not p.why.strip():
            raise ConfigError(f"{where}: no reason for the range (why: ...)")
        seen.add(p.key)
    d = len(study.problem()["names"])  # names resolve, at least two
    rows = study.trajectories * (d + 1) if study.method == "morris" else study.base_sample * (d + 2)
    if rows > MAX_ROWS:
        size = "trajectories" if study.method == "morris" else "base_sample"
        raise ConfigError(
            f"sensitivity.{size} = {getattr(study, size):,}: {rows:,} sample points with {d} "
            f"parameters, more than {MAX_ROWS:,}"
        )
    return study
