"""Shared look of the plotting functions: palette, labels, reference lines, captions, saving.

The checks of the input frames are in :mod:`sim.plots.inputs`.

Figures are built with :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no global state, no backend selection, safe in worker processes and threads.
"""

from __future__ import annotations

import os
import textwrap
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

SYNTHETIC_CAPTION: str = (
    "Synthetic, stylised economy: simulated data, not statistics of any real region."
)
"""Caption for every figure drawn from the bundled synthetic economy."""

OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe-Ito qualitative palette (colour-blind safe), most distinguishable colours first."""

REST_OF_WORLD = "rest_of_world"
"""Name of the region that stands for the rest of the world in model outputs."""

_CAPTION_FONTSIZE = 7.0
_CAPTION_CHARS_PER_INCH = 16
_SUPXLABEL_FONTSIZE = 12.0
_REFERENCE_GID = "reference"


def qualitative_colours(n: int) -> list[str]:
    """Return ``n`` distinguishable colours, colour-blind safe when ``n`` <= 8.

    Args:
        n: Number of colours.

    Returns:
        Hex colour strings: the Okabe-Ito palette for up to eight categories, otherwise
        ``tab20`` (distinct, though not all pairs are colour-blind safe).
    """
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["tab20"]
    return [to_hex(cmap(i % cmap.N)) for i in range(n)]


def sequential_colours(n: int) -> list[str]:
    """Return ``n`` colours of an ordered (perceptually uniform) palette, for ordinal data.

    Args:
        n: Number of colours.

    Returns:
        Hex colour strings sampled from ``viridis``, stopping short of its pale yellow end.
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["viridis"]
    if n == 1:
        return [to_hex(cmap(0.35))]
    return [to_hex(cmap(x)) for x in np.linspace(0.0, 0.85, n)]


def measure_label(measure: str) -> str:
    """Axis label for a relative-specialisation measure."""
    labels = {
        "rsca": "RSCA = (RCA-1)/(RCA+1), unitless",
        "rca": "RCA (location quotient of employment), unitless",
        "lq": "location quotient of employment (unitless)",
        "relatedness_density": "relatedness density (0 to 1)",
    }
    return labels.get(measure, measure)


def reference_level(measure: str) -> float:
    """Neutral level of a measure: 1 for ratio measures (RCA, LQ), 0 otherwise."""
    return 1.0 if measure.lower() in {"rca", "lq", "location_quotient"} else 0.0


def reference_line(ax: Axes, value: float, *, vertical: bool = False) -> None:
    """Draw a thin grey reference line, tagged so that it is not mistaken for data."""
    style = {"color": "0.35", "linewidth": 0.9, "linestyle": "-", "zorder": 1.5}
    line = ax.axvline(value, **style) if vertical else ax.axhline(value, **style)
    line.set_gid(_REFERENCE_GID)
    line.set_label("_nolegend_")


def median_band(
    ax: Axes, median: pd.Series, lower: pd.Series, upper: pd.Series, colour: str, alpha: float
) -> None:
    """Draw a median line by year over a shaded band, e.g. 10-90 % over seeds.

    Args:
        ax: The axes to draw on.
        median: The median, indexed by year.
        lower: The band's lower edge, indexed by year like ``median``.
        upper: The band's upper edge, indexed by year like ``median``.
        colour: Colour of the line and the band.
        alpha: Opacity of the band, in (0, 1].
    """
    years = median.index.to_numpy()
    ax.fill_between(
        years,
        lower.to_numpy(dtype=float),
        upper.to_numpy(dtype=float),
        color=colour,
        alpha=alpha,
        linewidth=0,
    )
    ax.plot(years, median.to_numpy(dtype=float), color=colour)


def is_reference(artist: object) -> bool:
    """Whether an artist is a reference line drawn by :func:`reference_line`."""
    get_gid = getattr(artist, "get_gid", None)
    return get_gid is not None and get_gid() == _REFERENCE_GID


def new_figure(width: float, height: float) -> Figure:
    """Create a figure with constrained layout, without pyplot."""
    return Figure(figsize=(width, height), layout="constrained")


def rotate_labels(ax: Axes, labels: Sequence[str], positions: Sequence[float]) -> None:
    """Put category labels on the x axis, rotated so that long sector names stay readable."""
    ax.set_xticks(list(positions))
    rotate = len(labels) > 4 or max((len(s) for s in labels), default=0) > 10
    if rotate:
        ax.set_xticklabels(labels, rotation=40, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticklabels(labels)


def add_caption(fig: Figure, caption: str | None, supxlabel: str | None = None) -> None:
    """Draw ``caption`` in small grey text under the axes, reserving space for it.

    Constrained layout places a figure-level x label at the very bottom of the figure,
    where the caption goes, so a figure-level x label is drawn here too: just above the
    caption, with the axes moved up to make room.

    Args:
        fig: Figure with constrained layout.
        caption: Text to draw; ``None`` or an empty string draws nothing.
        supxlabel: Figure-level x label (shared by all panels), if any.
    """
    if not caption:
        if supxlabel:
            fig.supxlabel(supxlabel)
        return
    width, height = fig.get_size_inches()
    chars = max(20, int(width * _CAPTION_CHARS_PER_INCH))
    text = "\n".join(textwrap.wrap(caption, chars)) or caption
    n_lines = text.count("\n") + 1
    strip = (n_lines * _CAPTION_FONTSIZE * 1.35 / 72 + 0.08) / height
    fig.text(
        0.01,
        0.04 / height,
        text,
        ha="left",
        va="bottom",
        fontsize=_CAPTION_FONTSIZE,
        color="0.4",
        gid="caption",
    )
    bottom = strip
    if supxlabel:
        fig.supxlabel(supxlabel, y=strip, va="bottom")
        bottom += (_SUPXLABEL_FONTSIZE * 1.3 / 72 + 0.06) / height
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0.0, bottom, 1.0, 1.0 - bottom))


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 120) -> Path:
    """Write ``fig`` as a PNG file, atomically.

    The image is written to a temporary file in the destination directory and then
    renamed over ``path``, so readers never see a half-written file. Parent directories
    are created as needed.

    Args:
        fig: The figure to write.
        path: Destination file; written as PNG whatever its suffix.
        dpi: Resolution in dots per inch.

    Returns:
        The destination path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=dpi)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
