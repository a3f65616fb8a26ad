"""Regional specialisation, diversity and relatedness metrics.

Pure numpy functions (arrays in, arrays out) plus tidy pandas wrappers:

* :mod:`sim.metrics.structure`: RCA, RSCA, Krugman index, Herfindahl, entropy,
  related/unrelated variety, counts and changes of specialisations.
* :mod:`sim.metrics.relatedness`: cosine relatedness, co-occurrence proximity
  and relatedness density.
* :mod:`sim.metrics.panels`: period labels (whole and partial periods), period means and RCA
  panels.

Invalid input raises :class:`ValueError` with a one-line message naming the
argument and the problem.
"""

from sim.metrics.panels import (
    period_labels,
    period_means,
    period_windows,
    rca_frame,
    whole_periods,
)
from sim.metrics.relatedness import cosine_relatedness, proximity, relatedness_density
from sim.metrics.structure import (
    count_specialisations,
    entropy,
    herfindahl,
    krugman_index,
    rca,
    related_unrelated_variety,
    rsca,
    specialisation_changes,
)

__all__ = [
    "cosine_relatedness",
    "count_specialisations",
    "entropy",
    "herfindahl",
    "krugman_index",
    "period_labels",
    "period_means",
    "period_windows",
    "proximity",
    "rca",
    "rca_frame",
    "related_unrelated_variety",
    "relatedness_density",
    "rsca",
    "specialisation_changes",
    "whole_periods",
]
