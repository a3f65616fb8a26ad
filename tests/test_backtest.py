"""Backtest: errors of the model and the naive forecasts, and the command end to end."""

import numpy as np
import pandas as pd
import pytest

from sim.data import example_path
from sim.metrics import rca
from sim.validation.backtest import Panel, naive_forecasts, score
from sim.validation.backtest_command import main
from sim.validation.backtest_periods import by_period, period_errors

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


# Four years, two regions, two sectors, periods of two years from 2009.
HISTORY = Panel(
    years=[2008, 2009, 2010, 2011],
    regions=["R1", "R2"],
    sectors=["a", "b"],
    employment=np.array(
        [
            [[10.0, 30.0], [30.0, 30.0]],
            [[12.0, 30.0], [30.0, 32.0]],
            [[16.0, 30.0], [30.0, 36.0]],
            [[20.0, 30.0], [30.0, 40.0]],
        ]
    ),  # fmt: skip
    rest=np.zeros((4, 2)),
)


def test_rca_by_period_of_a_perfect_model_and_of_persistence():
    perfect = HISTORY.employment[None, 1:]
    frame = by_period(HISTORY, perfect, np.zeros((1, 3, 2)), length=2)
    assert list(dict.fromkeys(frame["period"])) == ["2009-2010", "2011-2011"]
    assert frame.groupby("period")["whole"].first().tolist() == [True, False]
    yearly = HISTORY.rca()
    by_hand = {"2009-2010": yearly[1:3].mean(axis=0), "2011-2011": yearly[3]}
    for period, values in by_hand.items():
        rows = frame[frame["period"] == period]
        np.testing.assert_allclose(rows["observed_rca"], values.ravel())
        np.testing.assert_allclose(rows["model_rca"], values.ravel())
        np.testing.assert_allclose(rows["persistence_rca"], yearly[0].ravel())
    errors = period_errors(frame).set_index("measure")
    assert list(errors.index) == ["rca 2009-2010", "rca 2011-2011 (partial)"]
    np.testing.assert_allclose(errors["model"], 0.0, atol=1e-12)
    expected = np.abs(by_hand["2009-2010"] - yearly[0]).mean()
    assert errors.loc["rca 2009-2010", "persistence"] == pytest.approx(expected)


def test_a_sector_without_statistics_has_no_period_values():
    panel = Panel(HISTORY.years, HISTORY.regions, [*HISTORY.sectors, "none"],
                  np.concatenate([HISTORY.employment, np.zeros((4, 2, 1))], axis=2),
                  np.zeros((4, 3)))  # fmt: skip
    frame = by_period(panel, panel.employment[None, 1:], np.zeros((1, 3, 3)), length=2)
    none = frame[frame["sector"] == "none"]
    assert not none["statistics"].any()
    assert none.filter(like="_rca").isna().all().all()


@pytest.fixture(scope="module")
def long_example(tmp_path_factory):
    """The backtest of the hand-made long example (BE21-BE24 against BE2), 2008 -> 2009."""
    out = tmp_path_factory.mktemp("backtest")
    code = main(
        [
            "--to", "2009", "--seeds", "2", "--out", str(out),
            f"data.path={example_path('example_long.csv')}", "data.year=2008",
            "data.regions=[BE21,BE22,BE23,BE24]", "data.reference=BE2", "economy.n_firms=400",
        ]
    )  # fmt: skip
    assert code == 0
    return out


def file_rsca_2009() -> pd.DataFrame:
    """RSCA of 2009 computed from the example file with pandas alone (BE2 is the reference)."""
    rows = pd.read_csv(example_path("example_long.csv")).query("year == 2009")
    table = rows.pivot(index="region", columns="sector", values="employment")
    reference = table.loc["BE2"]
    regions = table.drop(index="BE2")
    values = regions.div(regions.sum(axis=1), axis=0) / (reference / reference.sum())
    return (values - 1) / (values + 1)


def test_observed_bars_are_the_files_rsca(long_example):
    from matplotlib.container import BarContainer

    from sim.plots.backtest_bars import plot_backtest_periods

    periods = pd.read_csv(long_example / "backtest_periods.csv")
    assert set(periods["period"]) == {"2009-2009"}
    expected = file_rsca_2009()
    figure = plot_backtest_periods(periods, "BE22")
    ax = figure.axes[0]
    sectors = [label.get_text() for label in ax.get_xticklabels()]
    bars = {c.get_label(): [p.get_height() for p in c.patches]
            for c in ax.containers if isinstance(c, BarContainer)}  # fmt: skip
    observed = dict(zip(sectors, bars["observed 2009-2009"], strict=True))
    for sector in expected.columns:
        assert observed[sector] == pytest.approx(expected.loc["BE22", sector], rel=1e-9)
    missing = [s for s in sectors if s not in expected.columns]
    assert missing and all(np.isnan(observed[s]) for s in missing)  # never drawn as a value
    notes = [t for t in ax.texts if "no statistics" in t.get_text()]
    assert len(notes) == len(missing)
    assert (long_example / "plots" / "backtest_periods_BE22.png").stat().st_size > 0
    errors = pd.read_csv(long_example / "backtest_errors.csv").set_index("measure")
    assert "rca 2009-2009 (partial)" in errors.index
