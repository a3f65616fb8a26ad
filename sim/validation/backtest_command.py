r"""The ``s3sim-backtest`` command: run from the state of year Y0 of a file to Y1 and score it.

Example (the invented example file, 2008 -> 2009, three seeds)::

    s3sim-backtest --to 2009 --seeds 3 --out backtest \
        data.path=sim/data/examples/example_eurostat_nama_10r_2x10e.csv \
        data.year=2008 'data.regions=[BE21,BE22,BE23,BE24]' data.reference=EU27_2020

The positional arguments are overrides of the run's config, as for ``s3sim``
(``scenario=...``, ``data.mapping=...``); ``economy=from_data`` and the years are
set from ``data.year`` and ``--to``. ``--config FILE`` adds a config file written by
``s3sim-calibrate`` (its keys are applied before the overrides). Writes
``backtest_cells.csv`` (one row per region and sector, Y1), ``backtest_periods.csv``
(RCA and RSCA by reporting period, region and sector: file, model, persistence, trend),
``backtest_errors.csv`` and ``backtest.md`` (mean absolute errors of the model,
persistence and trend: growth and RCA in Y1, RCA of each period),
``plots/backtest_rca.png`` (trajectories) and ``plots/backtest_periods_<region>.png``
(the seed chart's bars by period, the file's value beside each of the model's).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from hydra import compose, initialize_config_dir

from sim.config.params_file import apply_params_file
from sim.config.paths import config_dir
from sim.config.settings import to_container
from sim.errors import ConfigError
from sim.experiments.markup import markdown_table
from sim.outputs.atomic import write_text
from sim.validation.backtest import observed_panel, score
from sim.validation.backtest_periods import by_period, period_errors


def compose_config(overrides: list[str], extra: dict[str, Any] | None, to: int) -> dict[str, Any]:
    """The run config: economy from data, years from data.year + 1 to ``to``."""
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        config = to_container(compose("config", overrides=["economy=from_data", *overrides]))
    # the file's values now, so that a calibration's candidates are not overwritten later
    config = {**apply_params_file(config, overrides), "params_file": None}
    for dotted, value in (extra or {}).items():
        node = config
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    for dotted in overrides:  # the command line wins over the calibrated file
        key, _, _ = dotted.partition("=")
        if key.lstrip("+~") in (extra or {}):
            raise ConfigError(f"{key}: set both in --config and on the command line")
    data = config.get("data") or {}
    for key in ("path", "year", "regions"):
        if not data.get(key):
            raise ConfigError(f"data.{key}: required (the backtest starts from the file's state)")
    year = data["year"]
    if to <= year:
        raise ConfigError(f"--to {to}: must be after data.year = {year}")
    config["years"] = {**config["years"], "start": year + 1, "end": to, "burn_in": 0}
    config["output"] = {**config["output"], "plots": False, "firm_panel": False}
    return config


def simulate(config: dict[str, Any], seeds: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Employment by seed, year (Y0+1..Y1), region and sector; and the rest of the world.

    Sectors the file has no statistics for are 0, as in the file: the model's jobs
    there (the rest of the world's latent markets, entrants) must not enter the
    totals of an RCA that is compared with the file's.
    """
    from sim.cli import build_model

    runs = []
    for seed in seeds:
        model = build_model({**config, "seed": seed})
        model.run()
        runs.append(model.recorder.employment * model.economy.statistics)
    stacked = np.stack(runs)
    return stacked[:, :, :-1], stacked[:, :, -1]


def write_period_plots(periods: pd.DataFrame, folder: Path, seeds: int) -> list[Path]:
    """One bar chart by period per region: ``backtest_periods_<region>.png``."""
    from sim.plots import save_figure
    from sim.plots.backtest_bars import plot_backtest_periods

    caption = f"Model: mean of {seeds} seeds per period. Observed: the data file."
    return [
        save_figure(
            plot_backtest_periods(periods, region, caption=caption),
            folder / f"backtest_periods_{re.sub(r'[^A-Za-z0-9_-]', '_', str(region))}.png",
        )
        for region in dict.fromkeys(periods["region"])
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="s3sim-backtest", description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="config overrides (data.path=..., ...)")
    parser.add_argument("--to", type=int, required=True, help="last year Y1")
    parser.add_argument(
        "--seeds",
        type=int,
        default=10,
        help="number of seeds (0..n-1); the forecast is their mean, and a few seeds leave "
        "much of a single run's noise in it (docs/data.md)",
    )
    parser.add_argument("--config", type=Path, help="a config file from s3sim-calibrate")
    parser.add_argument("--out", type=Path, default=Path("backtest"), help="output folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the backtest; one-line errors, exit status 2."""
    args = _parser().parse_intermixed_args(argv)
    try:
        extra = None
        if args.config is not None:
            extra = yaml.safe_load(args.config.read_text(encoding="utf-8"))
            extra = (extra or {}).get("parameters", extra)
        config = compose_config(list(args.overrides), extra, args.to)
        data = config["data"]
        years = list(range(data["year"], args.to + 1))
        observed = observed_panel(data, years)
        simulated, rest = simulate(config, list(range(args.seeds)))
        cells, errors = score(observed, simulated[:, -1], rest[:, -1])
        periods = by_period(observed, simulated, rest, config["periods"]["length"])
        errors = pd.concat([errors, period_errors(periods)], ignore_index=True)
    except (ConfigError, ValueError, OSError) as exc:
        print(f"s3sim-backtest: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    write_text(args.out / "backtest_cells.csv", cells.to_csv(index=False))
    write_text(args.out / "backtest_periods.csv", periods.to_csv(index=False))
    write_text(args.out / "backtest_errors.csv", errors.to_csv(index=False))
    title = f"Backtest {years[0]} -> {years[-1]}, {args.seeds} seeds, scenario "
    title += str((config.get("scenario") or {}).get("name", "no_policy"))
    table = markdown_table(errors.round(3))
    write_text(args.out / "backtest.md", f"# {title}\n\n{table}\n")
    from sim.plots.trajectories import rca_trajectories

    rca_trajectories(observed, simulated, rest, args.out / "plots" / "backtest_rca.png")
    write_period_plots(periods, args.out / "plots", args.seeds)
    print(f"{title}\n{table}\ns3sim-backtest: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
