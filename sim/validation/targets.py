"""Target ranges of the stylised facts and the table's row layout."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Columns of the validation table, in order.
COLUMNS = ("name", "value", "low", "high", "passed", "note", "pooled_runs")


@dataclass(frozen=True)
class Target:
    """A target interval; a ``None`` bound is absent (one-sided target).

    Attributes:
        low: Lower bound or None.
        high: Upper bound or None.
        open_low: The lower bound is exclusive.
        open_high: The upper bound is exclusive.
        source: Where the range comes from.
    """

    low: float | None
    high: float | None
    open_low: bool = False
    open_high: bool = False
    source: str = ""

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the target (NaN never does)."""
        if value is None or math.isnan(value):
            return False
        if self.low is not None and (value <= self.low if self.open_low else value < self.low):
            return False
        if self.high is not None and (value >= self.high if self.open_high else value > self.high):
            return False
        return True

    def text(self) -> str:
        """The target in interval notation, e.g. ``[0.8, 1.3]``, ``(0, 1)``, ``> 0.6``."""
        if self.low is not None and self.high is not None:
            left = "(" if self.open_low else "["
            right = ")" if self.open_high else "]"
            return f"{left}{self.low:g}, {self.high:g}{right}"
        if self.low is not None:
            return f"{'>' if self.open_low else '>='} {self.low:g}"
        if self.high is not None:
            return f"{'<' if self.open_high else '<='} {self.high:g}"
        return "info"


_OECD = "OECD business demography: entry and exit rates of several percent a year"

#: Target of every statistic, by row name. Rows not listed are information only.
TARGETS: dict[str, Target] = {
    "firm_size_tail_hill": Target(0.8, 1.3, source="Axtell 2001: ~1.06 for US firms"),
    "growth_subbotin_shape": Target(
        0.7, 1.3, source="Stanley et al. 1996; Bottazzi & Secchi 2003: Laplace, beta = 1"
    ),
    "growth_volatility_size_slope": Target(0.10, 0.30, source="Stanley et al. 1996: ~0.15-0.2"),
    "entry_rate": Target(0.05, 0.15, source=_OECD),
    "exit_rate": Target(0.05, 0.15, source=_OECD),
    "entrant_survival_1y": Target(0.65, 0.90, source="OECD business demography"),
    "rca_galton_slope": Target(
        0.0, 1.0, open_low=True, open_high=True, source="Galtonian regression of RSCA"
    ),
    "rca_galton_correlation": Target(0.6, None, open_low=True, source="persistent specialisation"),
    "relatedness_gain_ratio": Target(
        2.0, None, source="Hidalgo et al. 2007; Boschma, Minondo & Navarro 2013"
    ),
}


def target_text(name: str) -> str:
    """Human-readable target of a row (``info`` for information rows)."""
    target = TARGETS.get(name)
    if target is None:
        return "info"
    if name == "relatedness_gain_ratio":
        return f"{target.text()} and rising"
    return target.text()
