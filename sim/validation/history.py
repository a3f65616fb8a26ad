"""A multi-year history written by the model itself, in the long data layout."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.outputs.atomic import write_text

WORLD = "WORLD"
"""The aggregate row of the file: the model regions plus the rest of the world."""


def write_history(config: Mapping[str, Any], path: str | os.PathLike[str]) -> pd.DataFrame:
    """Run ``config`` and write its employment by region, sector and year as a long CSV.

    The years written are ``years.start`` to ``years.end`` and, for a run without
    burn-in, also the initial state as the year before ``years.start`` (a run from
    data starts from the file's state of that year). The aggregate row ``WORLD``
    holds the regions plus the rest of the world, so the file is read with
    ``data.reference=WORLD``.
    """
    from sim.cli import build_model

    model = build_model(dict(config))
    e = model.economy
    initial = np.vstack([e.employment, e.rest_of_world])[None]
    model.run()
    frame = model.recorder.employment_frame()
    if model.burn_in == 0:
        names = [*e.regions, "rest_of_world"]
        first = pd.DataFrame(
            {
                "year": model.start - 1,
                "region": np.repeat(names, e.n_sectors),
                "sector": np.tile(e.sectors, len(names)),
                "employment": initial.ravel(),
            }
        )
        frame = pd.concat([first, frame], ignore_index=True)
    frame["region"] = frame["region"].replace({"rest_of_world": WORLD})
    whole = frame.groupby(["year", "sector"], sort=False)["employment"].sum().reset_index()
    regions = frame[frame["region"] != WORLD]
    whole["region"] = WORLD
    out = pd.concat([regions, whole], ignore_index=True)[["region", "sector", "year", "employment"]]
    out["employment"] = np.round(out["employment"], 1)
    write_text(path, out.to_csv(index=False))
    return out
