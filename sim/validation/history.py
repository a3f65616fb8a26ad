"""A multi-year history written by the model itself, in the long data layout."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
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


def held_out_history(
    folder: str | os.PathLike[str],
    n_firms: int,
    to: int,
    seed: int = 99,
    overrides: Sequence[str] = (),
    year: int = 2000,
    burn_in: int = 3,
) -> list[str]:
    """Write a history the model made, for tests of backtests and calibrations.

    ``state.csv``: the state of the default synthetic economy in ``year`` (after
    ``burn_in`` years, seed 98). ``history.csv``: ``year + 1`` .. ``to`` run from that
    state with ``overrides`` (e.g. true parameter values) and ``seed``, which the
    forecasts to be tested should not use.

    Returns:
        The overrides that start a run from the history's state of ``year``:
        ``data.path``, ``data.year``, ``data.regions``, ``data.reference`` and
        ``economy.n_firms``.
    """
    from hydra import compose, initialize_config_dir

    from sim.config.paths import config_dir
    from sim.config.settings import to_container
    from sim.validation.backtest_command import compose_config

    folder = Path(folder)
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        synthetic = to_container(
            compose("config", overrides=[f"economy.n_firms={n_firms}", f"years.start={year}",
                                         f"years.end={year}", f"years.burn_in={burn_in}",
                                         "seed=98"])
        )  # fmt: skip
    state = write_history(synthetic, folder / "state.csv")
    regions = ",".join(r for r in state["region"].unique() if r != WORLD)
    data = [f"data.year={year}", f"data.regions=[{regions}]", f"data.reference={WORLD}",
            f"economy.n_firms={n_firms}"]  # fmt: skip
    start = [f"data.path={folder / 'state.csv'}", *data, *overrides, f"seed={seed}"]
    write_history(compose_config(start, None, to), folder / "history.csv")
    return [f"data.path={folder / 'history.csv'}", *data]
