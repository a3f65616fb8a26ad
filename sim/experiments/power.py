"""Power of a paired comparison: the smallest detectable effect and the seeds a precision needs.

Pure functions of the paired differences ``d = scenario - baseline`` over seeds. The
mean difference over ``n`` seeds is tested with the paired (one-sample) t test, whose
power at a true mean ``delta`` follows the noncentral t distribution with ``n - 1``
degrees of freedom and noncentrality ``delta sqrt(n) / sd_d`` (Cohen 1988, ch. 2).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

#: Power and two-sided level of the minimal detectable effect.
POWER, ALPHA = 0.8, 0.05
#: Largest number of seeds :func:`seeds_needed` reports (beyond it: "more than").
MAX_SEEDS = 1_000_000


def minimal_detectable_effect(
    sd_diff: float, n: int, alpha: float = ALPHA, power: float = POWER
) -> float:
    """Smallest true mean difference found non-zero with probability ``power``.

    The ``delta`` at which the two-sided paired t test at level ``alpha`` rejects
    ``delta = 0`` with probability ``power`` (noncentral t; about
    ``(t_{1-alpha/2, n-1} + t_{power, n-1}) sd_d / sqrt(n)``). NaN for fewer than two pairs.

    Args:
        sd_diff: Standard deviation over seeds of the paired differences.
        n: Number of pairs (seeds).
        alpha: Two-sided level.
        power: Probability of detecting an effect of that size.
    """
    if n < 2 or not math.isfinite(sd_diff):
        return math.nan
    if sd_diff == 0:
        return 0.0
    df = n - 1
    critical = stats.t.ppf(1 - alpha / 2, df)

    def shortfall(effect: float) -> float:
        shift = effect * math.sqrt(n)  # in units of sd_d
        reject = stats.nct.sf(critical, df, shift) + stats.nct.cdf(-critical, df, shift)
        # scipy's noncentral t gives NaN far in the tail, where rejection is certain
        return (1.0 if math.isnan(reject) else reject) - power

    # the shifted central t gives a value within a few percent: bracket around it
    guess = critical + stats.t.ppf(power, df)
    effect = optimize.brentq(shortfall, 0.5 * guess / math.sqrt(n), 2.0 * guess / math.sqrt(n))
    return float(effect * sd_diff)


def seeds_needed(sd_diff: float, half_width: float, confidence: float = 0.95) -> float:
    """Fewest seeds whose t interval of the mean difference has at most ``half_width``.

    Smallest ``n >= 2`` with ``t_{(1+c)/2, n-1} * sd_d / sqrt(n) <= half_width``; NaN
    when ``sd_diff`` is unknown, ``inf`` beyond :data:`MAX_SEEDS`.
    """
    if not (math.isfinite(sd_diff) and math.isfinite(half_width)) or half_width <= 0:
        return math.nan
    if sd_diff == 0:
        return 2.0
    q = (1 + confidence) / 2
    n = max(2, math.ceil((stats.norm.ppf(q) * sd_diff / half_width) ** 2))
    # the normal quantile gives a lower bound; t exceeds it by O(1/n): a few steps
    while n <= MAX_SEEDS:
        if stats.t.ppf(q, n - 1) * sd_diff / math.sqrt(n) <= half_width:
            return float(n)
        n += 1
    return math.inf


def pairing_gain(scenario: np.ndarray, baseline: np.ndarray) -> float:
    """How many times pairing divides the variance of a difference: ``(var_s + var_b) / var_d``.

    About 1 when the two runs of a seed share nothing (pairing then buys nothing), large
    when they share their random numbers; NaN with fewer than two pairs, ``inf`` when
    every difference is the same.
    """
    if len(scenario) < 2:
        return math.nan
    var_d = float(np.var(scenario - baseline, ddof=1))
    var_sum = float(np.var(scenario, ddof=1) + np.var(baseline, ddof=1))
    if var_d == 0:
        return math.inf if var_sum > 0 else math.nan
    return var_sum / var_d


@dataclass(frozen=True)
class TargetHalfWidth:
    """A wanted interval half-width: in indicator units, or relative to the baseline mean.

    Attributes:
        value: The number given (a percentage when ``relative``).
        relative: Whether it is ``value`` % of the absolute baseline mean.
    """

    value: float
    relative: bool

    def in_units(self, baseline_mean: float) -> float:
        """The half-width in indicator units for an indicator with this baseline mean."""
        if not self.relative:
            return self.value
        return self.value / 100.0 * abs(baseline_mean)

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.relative else f"{self.value:g}"


_NUMBER = r"(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"


def parse_target_half_width(text: str) -> TargetHalfWidth:
    """Read ``--target-half-width``: ``X`` (indicator units) or ``X%`` of the baseline mean.

    Raises:
        ValueError: One line naming the option and the allowed values.
    """
    raw = str(text).strip()
    match = re.fullmatch(_NUMBER + r"(%?)", raw)
    value = float(raw.rstrip("%")) if match else math.nan
    if not match or not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"--target-half-width = {text!r}: must be a positive number in the indicator's "
            "units (e.g. 5000) or a positive percentage of the baseline mean (e.g. 1%)"
        )
    return TargetHalfWidth(value, raw.endswith("%"))


def seeds_to_detect(sd_diff: float, effect: float, alpha: float = ALPHA, power: float = POWER):
    """Fewest seeds at which a true mean difference ``effect`` is detected with ``power``.

    Smallest ``n >= 2`` with ``minimal_detectable_effect(sd_diff, n) <= |effect|``; NaN
    when unknown, ``inf`` beyond :data:`MAX_SEEDS` (or for a zero effect).
    """
    if not (math.isfinite(sd_diff) and math.isfinite(effect)):
        return math.nan
    if effect == 0:
        return math.inf
    if sd_diff == 0:
        return 2.0
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    n = max(2, math.ceil((z * sd_diff / abs(effect)) ** 2))  # normal bound: t needs more
    while n <= MAX_SEEDS:
        if minimal_detectable_effect(sd_diff, n, alpha, power) <= abs(effect):
            return float(n)
        n += 1 if n < 100 else n // 100
    return math.inf
