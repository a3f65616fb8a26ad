"""Backtest: errors of the model and the naive forecasts, and the command end to end."""

import numpy as np
import pandas as pd
import pytest

from sim.data import example_path
from sim.metrics import rca
from sim.validation.backtest import Panel, naive_forecasts, score
from sim.validation.backtest_command import main

# Two regions, two sectors, two years; no rest of the world.
OBSERVED = Panel(
    years=[2008, 2009],
    regions=["R1", "R2"],
    sectors=["a", "b"],
    employment=np.array([[[10.0, 30.0], [30.0, 30.0]], [[20.0, 30.0], [30.0, 40.0]]]),
    rest=np.zeros((2, 2)),
)


def errors_of(simulated):
    _, errors = score(OBSERVED, simulated[None], np.zeros((1, 2)))
    return errors.set_index("measure")


def test_a_perfect_model_has_no_error():
    errors = errors_of(OBSERVED.employment[-1])
    assert errors["model"].tolist() == [0.0, 0.0, 0.0]


def test_persistence_error_by_hand():
    first, last = OBSERVED.employment
    by_hand = np.abs(rca(first, first.sum(axis=0)) - rca(last, last.sum(axis=0))).mean()
    errors = errors_of(OBSERVED.employment[-1])
    assert errors.loc["rca", "persistence"] == pytest.approx(by_hand)
    # growth: persistence says 0 everywhere; observed 1.0, 0, 0, 1/3
    assert errors.loc["employment growth", "persistence"] == pytest.approx((1 + 1 / 3) / 4)


def test_trend_applies_each_sectors_growth_to_every_region():
    trend = naive_forecasts(OBSERVED)["trend"]
    # sector a grows 40 -> 50 (x1.25), sector b 60 -> 70 (x7/6)
    np.testing.assert_allclose(trend, [[12.5, 35.0], [37.5, 35.0]])


def test_command_on_the_example_file(tmp_path):
    code = main(
        [
            "--to", "2009", "--seeds", "2", "--out", str(tmp_path),
            f"data.path={example_path('example_eurostat_nama_10r_2x10e.csv')}",
            "data.year=2008", "data.regions=[BE21,BE22]", "data.reference=EU27_2020",
            "economy.n_firms=400",
        ]
    )  # fmt: skip
    assert code == 0
    errors = pd.read_csv(tmp_path / "backtest_errors.csv").set_index("measure")
    assert list(errors.columns) == ["model", "persistence", "trend"]
    assert (errors.to_numpy() >= 0).all()
    cells = pd.read_csv(tmp_path / "backtest_cells.csv")
    assert len(cells) == 2 * 26
    assert "| rca |" in (tmp_path / "backtest.md").read_text()
    assert (tmp_path / "plots" / "backtest_rca.png").stat().st_size > 0


def test_command_one_line_error(tmp_path, capsys):
    code = main(["--to", "2009", "--out", str(tmp_path), "data.year=2008"])
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
