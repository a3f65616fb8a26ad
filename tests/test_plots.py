"""Tests of sim.plots: the content drawn, labels, captions, saving and input validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from sim.plots import (
    SYNTHETIC_CAPTION,
    plot_budget_by_instrument,
    plot_comparison_forest,
    plot_employment_by_group,
    plot_paired_differences,
    plot_roadmap_progress,
    plot_rsca_heatmap,
    plot_specialisation_by_period,
    save_figure,
)
from sim.plots._common import is_reference

PERIODS = ["1998-2001", "2002-2005", "2006-2009"]
SECTORS = ["chemicals", "textiles", "ICT services", "offshore wind"]


# --------------------------------------------------------------------------- helpers


def texts_of(fig: Figure) -> str:
    """All text drawn in a figure (titles, labels, legends, ticks, captions), one string."""
    parts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return "\n".join(p for p in parts if isinstance(p, str))


def legend_texts(fig: Figure) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


def data_lines(ax) -> list:
    return [line for line in ax.lines if not is_reference(line)]


def has_caption(fig: Figure, caption: str) -> bool:
    return any(t.get_text().replace("\n", " ") == caption for t in fig.texts)


@pytest.fixture
def periods() -> pd.DataFrame:
    rows = []
    for p_index, period in enumerate(PERIODS):
        for region, shift in [("flanders", 0.0), ("wallonia", -0.3)]:
            for s_index, sector in enumerate(SECTORS):
                value = round(-0.6 + 0.3 * s_index + 0.1 * p_index + shift, 3)
                rows.append(dict(period=period, region=region, sector=sector, rsca=value))
    frame = pd.DataFrame(rows)
    frame["rca"] = (1 + frame["rsca"]) / (1 - frame["rsca"])
    return frame


@pytest.fixture
def spec() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for scenario in ["baseline", "bottom_up"]:
        for seed in range(5):
            for sector in SECTORS:
                for year in range(2000, 2006):
                    rows.append(
                        dict(
                            scenario=scenario,
                            seed=seed,
                            year=year,
                            region="flanders",
                            sector=sector,
                            rca=float(rng.uniform(0.5, 2.0)),
                        )
                    )
    return pd.DataFrame(rows)


@pytest.fixture
def ledger() -> pd.DataFrame:
    rows = []
    for year in (2020, 2021, 2022):
        for region in ("flanders", "wallonia"):
            for k, instrument in enumerate(("grant", "loan", "cluster support")):
                rows.append(
                    dict(
                        year=year,
                        region=region,
                        instrument=instrument,
                        disbursed=float(year - 2019 + k + (region == "wallonia")),
                        available=10.0,
                    )
                )
    return pd.DataFrame(rows)


@pytest.fixture
def comparison() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["bottom_up", "top_down", "bottom_up", "top_down"],
            "indicator": ["employment_total", "employment_total", "budget_spent", "budget_spent"],
            "mean_diff": [120.0, -40.0, 3.5, 1.0],
            "ci_low": [100.0, -70.0, np.nan, 0.5],
            "ci_high": [150.0, -10.0, np.nan, 2.0],
            "p_value": [0.01, 0.2, np.nan, 0.04],
        }
    )


@pytest.fixture
def clusters() -> pd.DataFrame:
    rows = []
    for year in range(2015, 2020):
        rows.append(
            dict(
                year=year,
                region="flanders",
                cluster="chem_cluster",
                value_chain="circular chemistry",
                spearhead=True,
                milestones_reached=year - 2015,
                milestones_planned=min(4, 2 * (year - 2015)),
            )
        )
        rows.append(
            dict(
                year=year,
                region="flanders",
                cluster="wind_cluster",
                value_chain="offshore wind",
                spearhead=True,
                milestones_reached=(year - 2015) // 2,
                milestones_planned=year - 2015,
            )
        )
        rows.append(
            dict(
                year=year,
                region="flanders",
                cluster="textile_cluster",
                value_chain="textiles",
                spearhead=False,
                milestones_reached=0,
                milestones_planned=0,
            )
        )
    return pd.DataFrame(rows)


GROUPS = {
    "chemicals": "mature manufacturing",
    "textiles": "mature manufacturing",
    "ICT services": "services",
    "offshore wind": "emerging value chains",
}


@pytest.fixture
def employment() -> pd.DataFrame:
    rows = []
    for year in (2000, 2001, 2002):
        for r_index, region in enumerate(("flanders", "wallonia", "rest_of_world")):
            for s_index, sector in enumerate(SECTORS):
                jobs = 1000.0 * (s_index + 1) + 100.0 * (year - 2000) + 10.0 * r_index
                rows.append(dict(year=year, region=region, sector=sector, employment=jobs))
    return pd.DataFrame(rows)


# --------------------------------------------------------------- specialisation bars


def test_specialisation_bars_heights_and_layout(periods: pd.DataFrame) -> None:
    fig = plot_specialisation_by_period(periods, "flanders", caption=SYNTHETIC_CAPTION)
    ax = fig.axes[0]
    patches = ax.patches
    assert len(patches) == len(SECTORS) * len(PERIODS)
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(containers) == len(PERIODS)
    assert [c.get_label() for c in containers] == PERIODS

    # Default order: by the last-period value, highest first.
    flanders = periods[periods["region"] == "flanders"]
    last = flanders[flanders["period"] == PERIODS[-1]].set_index("sector")["rsca"]
    expected_order = list(last.sort_values(ascending=False).index)
    assert [t.get_text() for t in ax.get_xticklabels()] == expected_order

    for container, period in zip(containers, PERIODS, strict=True):
        values = flanders[flanders["period"] == period].set_index("sector")["rsca"]
        heights = [bar.get_height() for bar in container]
        np.testing.assert_allclose(heights, values.loc[expected_order].to_numpy())
    # Bars of one period sit inside their sector's group, left to right by period.
    centres = np.array([[b.get_x() + b.get_width() / 2 for b in c] for c in containers])
    assert np.all(np.diff(centres, axis=0) > 0)
    np.testing.assert_allclose(centres.mean(axis=0), np.arange(len(SECTORS)), atol=1e-9)

    references = [line for line in ax.lines if is_reference(line)]
    assert len(references) == 1 and set(references[0].get_ydata()) == {0.0}
    assert legend_texts(fig) == PERIODS
    assert "flanders" in ax.get_title()
    assert "RSCA" in ax.get_ylabel()
    assert ax.get_xlabel() == "sector"
    assert has_caption(fig, SYNTHETIC_CAPTION)


def test_specialisation_bars_rca_given_sectors_and_title(periods: pd.DataFrame) -> None:
    chosen = ["offshore wind", "chemicals"]
    fig = plot_specialisation_by_period(
        periods, "wallonia", measure="rca", sectors=chosen, title="Wallonia, RCA"
    )
    ax = fig.axes[0]
    assert len(ax.patches) == len(chosen) * len(PERIODS)
    assert [t.get_text() for t in ax.get_xticklabels()] == chosen
    first = [c for c in ax.containers if isinstance(c, BarContainer)][0]
    rows = periods[(periods["region"] == "wallonia") & (periods["period"] == PERIODS[0])]
    expected = rows.set_index("sector")["rca"].loc[chosen].to_numpy()
    np.testing.assert_allclose([b.get_height() for b in first], expected)
    references = [line for line in ax.lines if is_reference(line)]
    assert set(references[0].get_ydata()) == {1.0}
    assert ax.get_title() == "Wallonia, RCA"
    assert "RCA" in ax.get_ylabel()
    assert not fig.texts  # no caption requested


def test_specialisation_bars_periods_sorted_chronologically(periods: pd.DataFrame) -> None:
    shuffled = periods.sample(frac=1.0, random_state=3)
    fig = plot_specialisation_by_period(shuffled, "flanders")
    assert legend_texts(fig) == PERIODS


def test_a_partial_last_period_is_marked_and_not_the_default(periods: pd.DataFrame) -> None:
    partial = periods[periods["period"] == PERIODS[0]].assign(period="2010-2010", rsca=0.9)
    frame = pd.concat([periods.assign(whole=True), partial.assign(whole=False)])
    fig = plot_specialisation_by_period(frame, "flanders")
    assert legend_texts(fig) == [*PERIODS, "2010-2010 (partial)"]
    hatches = [bar.get_hatch() for bar in fig.axes[0].containers[-1]]
    assert set(hatches) == {"///"}
    assert {bar.get_hatch() for bar in fig.axes[0].containers[0]} == {None}
    # the heatmap shows the last whole period unless told otherwise
    heatmap = plot_rsca_heatmap(frame)
    assert PERIODS[-1] in heatmap.axes[0].get_title()


def test_specialisation_bars_errors(periods: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="region 'atlantis'"):
        plot_specialisation_by_period(periods, "atlantis")
    with pytest.raises(ValueError, match="unobtainium"):
        plot_specialisation_by_period(periods, "flanders", sectors=["unobtainium"])
    with pytest.raises(ValueError, match="missing required columns.*rca_x"):
        plot_specialisation_by_period(periods, "flanders", measure="rca_x")
    two = pd.concat([periods.assign(scenario="a"), periods.assign(scenario="b")])
    with pytest.raises(ValueError, match="exactly one scenario"):
        plot_specialisation_by_period(two, "flanders")


# -------------------------------------------------------------- paired differences


def test_paired_differences_draw_medians_and_bands_per_scenario_and_sector(spec) -> None:
    base = spec[spec["scenario"] == "baseline"]
    diff = spec[spec["scenario"] == "bottom_up"].merge(
        base[["seed", "year", "sector", "rca"]], on=["seed", "year", "sector"], suffixes=("", "_b")
    )
    diff["diff"] = diff["rca"] - diff["rca_b"]
    two = pd.concat([diff, diff.assign(scenario="targeted", diff=-diff["diff"])])
    sectors = ["chemicals", "textiles"]
    fig = plot_paired_differences(two, "flanders", sectors, baseline="no_policy")
    panels = fig.axes
    assert len(panels) == 4  # two scenarios x two sectors
    assert [ax.get_title() for ax in panels[:2]] == sectors
    assert [panels[0].get_ylabel(), panels[2].get_ylabel()] == ["bottom_up", "targeted"]
    grouped = two.groupby(["scenario", "sector", "year"])["diff"]
    for ax, (scenario, sector) in zip(
        panels, [(s, c) for s in ("bottom_up", "targeted") for c in sectors], strict=True
    ):
        (line,) = data_lines(ax)
        np.testing.assert_allclose(line.get_ydata(), grouped.median().loc[(scenario, sector)])
        (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
        ys = band.get_paths()[0].vertices[:, 1]
        assert ys.min() == pytest.approx(grouped.quantile(0.1).loc[(scenario, sector)].min())
        assert ys.max() == pytest.approx(grouped.quantile(0.9).loc[(scenario, sector)].max())
        references = [line for line in ax.lines if is_reference(line)]
        assert len(references) == 1 and set(references[0].get_ydata()) == {0.0}
    assert "no_policy" in texts_of(fig) and "median over seeds" in legend_texts(fig)


def test_paired_differences_errors(spec: pd.DataFrame) -> None:
    diff = spec.assign(diff=spec["rca"])
    with pytest.raises(ValueError, match="biotech"):
        plot_paired_differences(diff, "flanders", ["biotech"])
    with pytest.raises(ValueError, match="empty"):
        plot_paired_differences(diff, "flanders", [])
    with pytest.raises(ValueError, match="band"):
        plot_paired_differences(diff, "flanders", ["textiles"], band=(0.9, 0.1))
    with pytest.raises(ValueError, match="plot_paired_differences.*'year'"):
        plot_paired_differences(diff.drop(columns="year"), "flanders", ["textiles"])


# --------------------------------------------------------------------------- heatmap


def test_heatmap_array_equals_pivot(periods: pd.DataFrame) -> None:
    fig = plot_rsca_heatmap(periods, caption=SYNTHETIC_CAPTION)
    ax = fig.axes[0]
    image = ax.images[0]
    last = periods[periods["period"] == PERIODS[-1]]
    expected = last.pivot(index="region", columns="sector", values="rsca")
    expected = expected.loc[["flanders", "wallonia"], SECTORS]
    np.testing.assert_allclose(np.asarray(image.get_array()), expected.to_numpy())
    assert image.norm.vmin == -1.0 and image.norm.vmax == 1.0
    assert [t.get_text() for t in ax.get_xticklabels()] == SECTORS
    assert [t.get_text() for t in ax.get_yticklabels()] == ["flanders", "wallonia"]
    assert PERIODS[-1] in ax.get_title()
    colourbar_axes = [a for a in fig.axes if a is not ax]
    assert len(colourbar_axes) == 1 and "RSCA" in colourbar_axes[0].get_ylabel()
    assert has_caption(fig, SYNTHETIC_CAPTION)


def test_heatmap_chosen_period_and_missing_cells(periods: pd.DataFrame) -> None:
    rows = periods[~((periods["region"] == "wallonia") & (periods["sector"] == "textiles"))]
    fig = plot_rsca_heatmap(rows.assign(scenario="baseline"), period=PERIODS[0])
    array = fig.axes[0].images[0].get_array()
    assert array.mask[1, 1] and not array.mask[0, 1]
    expected = periods[(periods["period"] == PERIODS[0]) & (periods["region"] == "flanders")]
    np.testing.assert_allclose(array[0].data, expected["rsca"].to_numpy())
    assert PERIODS[0] in fig.axes[0].get_title()


def test_heatmap_errors(periods: pd.DataFrame) -> None:
    two = pd.concat([periods.assign(scenario="a"), periods.assign(scenario="b")])
    with pytest.raises(ValueError, match="exactly one scenario"):
        plot_rsca_heatmap(two)
    with pytest.raises(ValueError, match="1900-1903"):
        plot_rsca_heatmap(periods, period="1900-1903")
    with pytest.raises(ValueError, match="empty"):
        plot_rsca_heatmap(periods.iloc[0:0])


# ---------------------------------------------------------------------------- budget


def test_budget_stacked_bars_sum_to_totals(ledger: pd.DataFrame) -> None:
    fig = plot_budget_by_instrument(ledger, caption=SYNTHETIC_CAPTION)
    ax = fig.axes[0]
    years = [2020, 2021, 2022]
    instruments = ["grant", "loan", "cluster support"]
    assert len(ax.patches) == len(years) * len(instruments)
    totals = ledger.groupby("year")["disbursed"].sum()
    tops: dict[float, float] = {}
    sums: dict[float, float] = {}
    for bar in ax.patches:
        year = round(bar.get_x() + bar.get_width() / 2)
        sums[year] = sums.get(year, 0.0) + bar.get_height()
        tops[year] = max(tops.get(year, 0.0), bar.get_y() + bar.get_height())
    for year in years:
        assert sums[year] == pytest.approx(totals[year])
        assert tops[year] == pytest.approx(totals[year])
    grants = [c for c in ax.containers if c.get_label() == "grant"][0]
    expected = ledger[ledger["instrument"] == "grant"].groupby("year")["disbursed"].sum()
    np.testing.assert_allclose([b.get_height() for b in grants], expected.to_numpy())

    available = [line for line in ax.lines if line.get_label() == "available"]
    assert len(available) == 1
    np.testing.assert_allclose(available[0].get_ydata(), [60.0, 60.0, 60.0])
    assert ax.get_ylabel() == "disbursed (million EUR)"
    assert ax.get_xlabel() == "year"
    assert "all regions" in ax.get_title()
    assert set(instruments) <= set(legend_texts(fig))
    assert has_caption(fig, SYNTHETIC_CAPTION)


def test_budget_one_region_without_available(ledger: pd.DataFrame) -> None:
    rows = ledger.drop(columns="available")
    fig = plot_budget_by_instrument(rows, region="wallonia")
    ax = fig.axes[0]
    assert not ax.lines
    totals = rows[rows["region"] == "wallonia"].groupby("year")["disbursed"].sum()
    stacked = {}
    for bar in ax.patches:
        year = round(bar.get_x() + bar.get_width() / 2)
        stacked[year] = max(stacked.get(year, 0.0), bar.get_y() + bar.get_height())
    assert stacked == pytest.approx(totals.to_dict())
    assert "wallonia" in ax.get_title()


def test_budget_errors(ledger: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="plot_budget_by_instrument.*'disbursed'.*present"):
        plot_budget_by_instrument(ledger.drop(columns="disbursed"))
    with pytest.raises(ValueError, match="atlantis"):
        plot_budget_by_instrument(ledger, region="atlantis")


# ---------------------------------------------------------------------------- forest


def test_forest_points_and_intervals(comparison: pd.DataFrame) -> None:
    fig = plot_comparison_forest(comparison, caption=SYNTHETIC_CAPTION)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["employment_total", "budget_spent"]
    for ax in panels:
        indicator = ax.get_title()
        errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(errorbars) == 2
        expected = comparison[comparison["indicator"] == indicator].set_index("scenario")
        for container, row in zip(errorbars, (0, 1), strict=True):
            scenario = container.get_label()
            data_line = container.lines[0]
            assert data_line.get_xdata()[0] == pytest.approx(expected.loc[scenario, "mean_diff"])
            assert data_line.get_ydata()[0] == row
            low, high = expected.loc[scenario, ["ci_low", "ci_high"]]
            if np.isnan(low):
                assert not container.has_xerr
            else:
                assert container.has_xerr
                segment = container.lines[2][0].get_segments()[0]
                assert sorted(segment[:, 0]) == pytest.approx([low, high])
        zero = [line for line in ax.lines if is_reference(line)]
        assert len(zero) == 1 and set(zero[0].get_xdata()) == {0.0}
    labels = [t.get_text() for t in panels[0].get_yticklabels()]
    assert labels == ["bottom_up", "top_down"]
    assert "difference of means" in texts_of(fig)
    assert has_caption(fig, SYNTHETIC_CAPTION)


def test_forest_errors(comparison: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="plot_comparison_forest.*ci_low"):
        plot_comparison_forest(comparison.drop(columns=["ci_low"]))
    with pytest.raises(ValueError, match="several rows"):
        plot_comparison_forest(pd.concat([comparison, comparison]))


# --------------------------------------------------------------------------- roadmap


def test_roadmap_lines_per_spearhead_cluster(clusters: pd.DataFrame) -> None:
    fig = plot_roadmap_progress(clusters, caption=SYNTHETIC_CAPTION)
    ax = fig.axes[0]
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(solid) == 2 and len(dashed) == 2
    for line, dash, cluster in zip(solid, dashed, ["chem_cluster", "wind_cluster"], strict=True):
        rows = clusters[clusters["cluster"] == cluster].sort_values("year")
        assert cluster in line.get_label()
        np.testing.assert_array_equal(line.get_xdata(), rows["year"].to_numpy())
        np.testing.assert_allclose(line.get_ydata(), rows["milestones_reached"].to_numpy())
        np.testing.assert_allclose(dash.get_ydata(), rows["milestones_planned"].to_numpy())
        assert dash.get_color() == line.get_color()
    legend = legend_texts(fig)
    assert not any("textile_cluster" in t for t in legend)
    assert "planned" in legend and "reached" in legend
    assert "milestones" in ax.get_ylabel() and ax.get_xlabel() == "year"
    assert has_caption(fig, SYNTHETIC_CAPTION)


def test_roadmap_without_plan_and_without_spearheads(clusters: pd.DataFrame) -> None:
    fig = plot_roadmap_progress(clusters.drop(columns="milestones_planned"))
    assert len(fig.axes[0].lines) == 2
    empty = plot_roadmap_progress(clusters.assign(spearhead=False))
    ax = empty.axes[0]
    assert not ax.lines
    assert [t.get_text() for t in ax.texts] == ["no spearhead clusters in this run"]


def test_roadmap_errors(clusters: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="plot_roadmap_progress.*spearhead"):
        plot_roadmap_progress(clusters.drop(columns="spearhead"))


# ------------------------------------------------------------------------ employment


def stack_tops(ax) -> list[dict[float, float]]:
    """For each stacked area, the upper edge y at each x."""
    tops = []
    for collection in ax.collections:
        vertices = collection.get_paths()[0].vertices
        top: dict[float, float] = {}
        for x, y in vertices:
            top[round(float(x))] = max(top.get(round(float(x)), -np.inf), float(y))
        tops.append(top)
    return tops


def test_employment_stack_by_group(employment: pd.DataFrame) -> None:
    fig = plot_employment_by_group(employment, GROUPS, caption=SYNTHETIC_CAPTION)
    ax = fig.axes[0]
    order = ["mature manufacturing", "services", "emerging value chains"]
    assert len(ax.collections) == len(order)
    assert [c.get_label() for c in ax.collections] == order

    model = employment[employment["region"] != "rest_of_world"]
    by_group = (
        model.assign(group=model["sector"].map(GROUPS))
        .groupby(["year", "group"])["employment"]
        .sum()
        .unstack()[order]
    )
    cumulative = by_group.cumsum(axis=1)
    for top, group in zip(stack_tops(ax), order, strict=True):
        assert top == pytest.approx(cumulative[group].to_dict())
    totals = model.groupby("year")["employment"].sum()
    assert stack_tops(ax)[-1] == pytest.approx(totals.to_dict())
    assert ax.get_ylabel() == "employment (jobs)"
    assert "all model regions" in ax.get_title()
    assert set(order) == set(legend_texts(fig))
    assert has_caption(fig, SYNTHETIC_CAPTION)


def test_employment_one_region(employment: pd.DataFrame) -> None:
    fig = plot_employment_by_group(employment, GROUPS, region="rest_of_world")
    totals = employment[employment["region"] == "rest_of_world"].groupby("year")["employment"]
    assert stack_tops(fig.axes[0])[-1] == pytest.approx(totals.sum().to_dict())
    assert "rest_of_world" in fig.axes[0].get_title()


def test_employment_errors(employment: pd.DataFrame) -> None:
    partial = {k: v for k, v in GROUPS.items() if k != "offshore wind"}
    with pytest.raises(ValueError, match="offshore wind"):
        plot_employment_by_group(employment, partial)
    with pytest.raises(ValueError, match="plot_employment_by_group.*'employment'"):
        plot_employment_by_group(employment.drop(columns="employment"), GROUPS)
    with pytest.raises(ValueError, match="empty"):
        plot_employment_by_group(employment.iloc[0:0], GROUPS)
    with pytest.raises(ValueError, match="atlantis"):
        plot_employment_by_group(employment, GROUPS, region="atlantis")


# ------------------------------------------------------------- validation, saving


def test_missing_columns_message_is_one_line(periods: pd.DataFrame) -> None:
    with pytest.raises(ValueError) as info:
        plot_rsca_heatmap(periods.drop(columns=["rsca", "sector"]))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("plot_rsca_heatmap")
    assert "['sector', 'rsca']" in message
    assert "present" in message and "'period'" in message


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (plot_specialisation_by_period, ("flanders",)),
        (plot_paired_differences, ("flanders", ["textiles"])),
        (plot_rsca_heatmap, ()),
        (plot_budget_by_instrument, ()),
        (plot_comparison_forest, ()),
        (plot_roadmap_progress, ()),
        (plot_employment_by_group, (GROUPS,)),
    ],
)
def test_every_function_rejects_empty_and_incomplete_frames(func, args) -> None:
    with pytest.raises(ValueError, match=func.__name__):
        func(pd.DataFrame({"unrelated": [1]}), *args)
    with pytest.raises(ValueError):
        func(pd.DataFrame(), *args)


def test_save_figure_writes_png_atomically(tmp_path, periods: pd.DataFrame) -> None:
    fig = plot_rsca_heatmap(periods, caption=SYNTHETIC_CAPTION)
    target = tmp_path / "nested" / "dir" / "heatmap.png"
    result = save_figure(fig, target, dpi=40)
    assert result == target
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in target.parent.iterdir()] == ["heatmap.png"]
    # Overwriting replaces the file and still leaves no temporary file behind.
    save_figure(fig, str(target), dpi=30)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in target.parent.iterdir()] == ["heatmap.png"]


def test_save_figure_failure_leaves_no_temporary_file(tmp_path, monkeypatch) -> None:
    fig = Figure()

    def broken(path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"\x89PNG partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        save_figure(fig, tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []
