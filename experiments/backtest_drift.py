"""Why a run from data moves RCA in its first year: the drift by year, and what removes it.

Varies: one mechanism at a time is switched off or scaled (ablations below), and the
number of firms; the economy starts from the hand-made long example file
(``sim/data/examples/example_long.csv``, BE21-BE24 against BE2, state of 2008) and
runs 2009-2014 under ``no_policy``, by default anchored and settled (``data.anchored``,
``data.settle``; docs/ODD.md section 6). Fixed: everything else of the default config.
Measured: for each simulated year t, the mean absolute change of RCA from t - 1 over
the region-sector cells with statistics (the first year's change is from the file's
2008 state), pooled as the mean over seeds 0-2; and, for reference, the same yearly
change in the synthetic default economy after its burn-in (its own steady state).
The file's own change 2008 -> 2009 is printed too. Invented numbers: the point is
the model's own movement, not a fit.

    .venv/bin/python experiments/backtest_drift.py [--seeds 3] [--firms 50000]
"""

from __future__ import annotations

import argparse

import numpy as np
from hydra import compose, initialize_config_dir

from sim.config.assemble import build_model
from sim.config.paths import config_dir
from sim.config.settings import to_container
from sim.data import example_path
from sim.metrics import rca
from sim.validation.backtest import observed_panel

DATA = [
    "economy=from_data", f"data.path={example_path('example_long.csv')}", "data.year=2008",
    "data.regions=[BE21,BE22,BE23,BE24]", "data.reference=BE2", "years.start=2009",
    "years.end=2014", "years.burn_in=0", "output.plots=false",
]  # fmt: skip
ABLATIONS = {
    "default (anchored, settled 10 years)": [],
    "drawn start (anchored=false, settle=0)": ["data.anchored=false", "data.settle=0"],
    "anchored, not settled (settle=0)": ["data.settle=0"],
    "settled, not anchored (anchored=false)": ["data.anchored=false"],
    "no growth shocks (shock_scale=0)": ["dynamics.competition.shock_scale=0"],
    "no selection (selection=0)": ["dynamics.competition.selection=0"],
    "no entry (entry_rate=0)": ["dynamics.demography.entry_rate=0"],
    "no infant deaths (infant_hazard=0)": ["dynamics.demography.infant_hazard=0"],
    "small exit size (exit_size=0.05)": ["dynamics.demography.exit_size=0.05"],
    "no projects (start_rate=0)": ["dynamics.innovation.start_rate=0"],
    "no productivity noise": ["dynamics.knowledge.productivity_noise=0"],
    "no congestion premium (congestion=0)": ["dynamics.competition.congestion=0"],
    "no relatedness advantage": ["dynamics.competition.relatedness_advantage=0"],
    "no labour tightness": ["dynamics.competition.labour_tightness=0"],
    "late loss exits (loss_years=50)": ["dynamics.demography.loss_years=50"],
    "full adjustment (adjustment=1)": ["dynamics.competition.adjustment=1"],
    "no upper size bend (size_penalty=0)": ["dynamics.competition.size_penalty=0"],
    "all four: selection, congestion, infant, loss_years=50": [
        "dynamics.competition.selection=0",
        "dynamics.competition.congestion=0",
        "dynamics.demography.infant_hazard=0",
        "dynamics.demography.loss_years=50",
    ],
}


#: Ablations also measured in the synthetic economy's own steady state.
STEADY = ("no selection (selection=0)", "no congestion premium (congestion=0)")


def config(overrides: list[str]) -> dict:
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return to_container(compose("config", overrides=overrides))


def yearly_drift(cfg: dict, seeds: int, skip: int = 0) -> tuple[np.ndarray, float, float]:
    """Mean over seeds of the yearly mean |change of RCA| (cells with statistics).

    Also, means over seeds, the OLS slope of the first year's change of log RCA on
    the log RCA at its start (cells with statistics and jobs: the mean reversion) and
    the standard deviation of that log RCA (the dispersion of specialisation). The
    first ``skip`` years are left out (before the burn-in of a synthetic run).
    """
    out, slopes, spreads = [], [], []
    for seed in range(seeds):
        model = build_model({**cfg, "seed": seed})
        e = model.economy
        start = np.vstack([e.employment, e.rest_of_world])
        model.run()
        history = np.concatenate([start[None], model.recorder.employment])
        R = e.n_regions
        values = np.stack([rca(h[:R], h.sum(axis=0)) for h in history])
        known = np.broadcast_to(e.statistics, values.shape[1:])
        change = np.abs(np.diff(values, axis=0))
        out.append([step[known].mean() for step in change])
        a, b = values[skip], values[skip + 1]
        ok = known & (a > 0) & (b > 0)
        x, y = np.log(a[ok]), np.log(b[ok]) - np.log(a[ok])
        slopes.append(np.polyfit(x, y, 1)[0])
        spreads.append(x.std())
    return np.mean(out, axis=0)[skip:], float(np.mean(slopes)), float(np.mean(spreads))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--firms", type=int, default=50_000)
    args = parser.parse_args()
    data = config(DATA)["data"]
    seen = observed_panel(data, [2008, 2009])
    values = seen.rca()
    known = np.broadcast_to(seen.employment[0].sum(axis=0) + seen.rest[0] > 0, values.shape[1:])
    ok = known & (values[0] > 0)
    print(f"file, 2008 -> 2009: {np.abs(values[1] - values[0])[known].mean():.4f}, "
          f"sd of log RCA in 2008 {np.log(values[0][ok]).std():.2f}")  # fmt: skip
    print("mean |change of RCA| by simulated year (2009 is the change from the file's 2008)")
    print("slope: of the first year's change of log RCA on log RCA (mean reversion);")
    print("sd: of log RCA at the start of that year (dispersion of specialisation)")
    years = "".join(f"{y:>8}" for y in range(2009, 2015))
    print(f"{'run':<60}{years}   slope      sd")
    rows = [(name, [*DATA, f"economy.n_firms={args.firms}", *extra])
            for name, extra in ABLATIONS.items()]  # fmt: skip
    rows += [(f"default, n_firms={n}", [*DATA, f"economy.n_firms={n}"])
             for n in (5_000, 200_000) if n != args.firms]  # fmt: skip
    for name, overrides in rows:
        drift, slope, spread = yearly_drift(config(overrides), args.seeds)
        cells = "".join(f"{d:8.4f}" for d in drift)
        print(f"{name:<60}{cells}{slope:8.3f}{spread:8.2f}", flush=True)
    steady = [f"economy.n_firms={args.firms}", "years.start=2009", "years.end=2014"]
    for name, extra in (("default", []), *((k, ABLATIONS[k]) for k in STEADY)):
        # the first column compares with the state before the burn-in: not shown
        drift, slope, spread = yearly_drift(config([*steady, *extra]), args.seeds, skip=1)
        cells = "".join(f"{d:8.4f}" for d in drift)
        print(f"{'synthetic after burn-in, ' + name:<60}{cells}        {slope:8.3f}{spread:8.2f}")


if __name__ == "__main__":
    main()
