"""Figures of simulation outputs, drawn from tidy pandas frames.

Every plotting function takes tidy frames (columns documented per function), returns a
:class:`matplotlib.figure.Figure` and never writes a file; :func:`save_figure` writes a
figure as PNG, atomically. Figures are built without ``pyplot``, so no backend needs to
be selected and the functions are safe in worker processes. Pass
:data:`SYNTHETIC_CAPTION` as ``caption`` when the economy is the bundled synthetic one.

Missing required columns and empty frames raise :class:`ValueError` with a one-line
message naming the function, the missing columns and the columns present.
"""

from sim.plots._common import OKABE_ITO, SYNTHETIC_CAPTION, save_figure
from sim.plots.budgets_and_roadmaps import plot_budget_by_instrument, plot_roadmap_progress
from sim.plots.differences import plot_paired_differences
from sim.plots.outcomes import plot_comparison_forest, plot_employment_by_group
from sim.plots.rsca import plot_rsca_heatmap, plot_specialisation_by_period

__all__ = [
    "OKABE_ITO",
    "SYNTHETIC_CAPTION",
    "plot_budget_by_instrument",
    "plot_comparison_forest",
    "plot_employment_by_group",
    "plot_paired_differences",
    "plot_roadmap_progress",
    "plot_rsca_heatmap",
    "plot_specialisation_by_period",
    "save_figure",
]
