"""End to end: a joblib sweep, then s3sim-collect, s3sim-compare and s3sim-report.

Also: a sweep gives the same results with one worker as with two.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from sim.experiments.markup import fmt_number
from tests.test_sweeps_support import (
    SCENARIOS,
    SEEDS,
    TINY,
    assert_same_results,
    reference_sweep,
    run_command,
    run_dirs,
    runs_by_key,
    script,
)

POLICIES = [s for s in SCENARIOS if s != "no_policy"]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    """The nine-run sweep with two joblib workers: (sweep dir, command output)."""
    return reference_sweep(tmp_path_factory, n_jobs=2)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The same nine runs with one joblib worker."""
    return reference_sweep(tmp_path_factory, n_jobs=1)


class _Tables(HTMLParser):
    """The tables of an HTML page as lists of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def comparison_rows(page: str) -> dict[tuple[str, str], dict[str, str]]:
    """Rows of the report's comparison table by (scenario, indicator), cells by header."""
    parser = _Tables()
    parser.feed(page)
    for table in parser.tables:
        header = table[0]
        if {"scenario", "indicator", "mean diff", "CI"} <= set(header):
            rows = [dict(zip(header, row, strict=True)) for row in table[1:]]
            return {(r["scenario"], r["indicator"]): r for r in rows}
    raise AssertionError("report.html has no comparison table")


@pytest.mark.slow
def test_sweep_collect_compare_report(parallel, tmp_path):
    sweep_dir = tmp_path / "sweep"
    shutil.copytree(parallel[0], sweep_dir)  # the shared sweep stays untouched
    assert len(run_dirs(sweep_dir)) == 9
    assert len(runs_by_key(sweep_dir)) == 9

    done = run_command([script("s3sim-collect"), str(sweep_dir)], tmp_path)
    assert "collected 9 runs" in done.output and "0 incomplete" in done.output
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    assert len(runs) == 9
    assert set(zip(runs["scenario"], runs["seed"], strict=True)) == set(
        itertools.product(SCENARIOS, SEEDS)
    )
    assert sorted(runs["run_dir"], key=int) == [str(i) for i in range(9)]
    overrides = {c for c in runs.columns if c.startswith("override.")}
    assert overrides == {f"override.{o.split('=')[0]}" for o in TINY}
    for option in TINY:
        key, value = option.split("=")
        recorded = {yaml.safe_load(v) for v in runs[f"override.{key}"]}  # False or false
        assert recorded == {yaml.safe_load(value)}, key
    assert runs["employment_total"].notna().all()

    panel_dir = sweep_dir / "panel"
    for scenario in SCENARIOS:
        parts = sorted((panel_dir / f"scenario={scenario}").glob("part-*.parquet"))
        assert len(parts) == 3, scenario
    panel = pd.read_parquet(panel_dir)
    assert set(panel["run_id"]) == set(runs["run_dir"])
    for row in runs.itertuples():
        employment = pd.read_parquet(sweep_dir / row.run_dir / "employment.parquet")
        rows = panel[panel["run_id"] == row.run_dir]
        assert set(rows["scenario"].astype(str)) == {row.scenario}
        assert len(rows) == len(employment)
        assert rows["employment"].sum() == pytest.approx(employment["employment"].sum())

    done = run_command(
        [script("s3sim-compare"), str(sweep_dir), "--baseline", "no_policy"], tmp_path
    )
    assert "compared 2 scenarios with no_policy" in done.output
    comparison = pd.read_csv(sweep_dir / "comparison.csv")
    jobs = runs.pivot(index="seed", columns="scenario", values="employment_total")
    cells = {}
    for scenario in POLICIES:
        rows = comparison[
            (comparison["scenario"] == scenario) & (comparison["indicator"] == "employment_total")
        ]
        assert len(rows) == 1, scenario
        cell = cells[scenario] = rows.iloc[0]
        assert cell["baseline"] == "no_policy" and cell["n_pairs"] == 3
        assert math.isfinite(cell["mean_diff"])
        assert cell["ci_low"] <= cell["mean_diff"] <= cell["ci_high"]
        paired = (jobs[scenario] - jobs["no_policy"]).mean()
        assert cell["mean_diff"] == pytest.approx(paired, rel=1e-9, abs=1e-9)

    done = run_command([script("s3sim-report"), str(sweep_dir)], tmp_path)
    html_path = sweep_dir / "report.html"
    assert str(html_path) in done.output
    page = html_path.read_text(encoding="utf-8")
    # self-contained: no external resource of any kind
    assert not re.search(r"<(link|script|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"@import|url\(", page, re.I)
    for attr, value in re.findall(r"""\b(src|href|srcset|poster)\s*=\s*["']([^"']*)""", page):
        assert attr == "src" and value.startswith("data:image/png;base64,"), (attr, value[:80])
    images = re.findall(r"""<img\b[^>]*\bsrc="data:image/png;base64,([A-Za-z0-9+/=]+)""", page)
    assert images and len(images) == len(re.findall(r"<img\b", page))
    for data in images:
        assert base64.b64decode(data, validate=True).startswith(PNG)
    # the comparison written by s3sim-compare, rendered in the report
    table = comparison_rows(page)
    for scenario, cell in cells.items():
        row = table[(scenario, "employment_total")]
        assert row["mean diff"] == fmt_number(cell["mean_diff"])
        assert row["CI"] == f"[{fmt_number(cell['ci_low'])}, {fmt_number(cell['ci_high'])}]"
    # the report writes comparison.csv again: the same numbers (seeded bootstrap)
    pd.testing.assert_frame_equal(pd.read_csv(sweep_dir / "comparison.csv"), comparison)


@pytest.mark.slow
def test_one_or_two_workers_same_results(serial, parallel):
    (serial_dir, serial_log), (parallel_dir, parallel_log) = serial, parallel
    assert "Joblib.Parallel(n_jobs=1," in serial_log
    assert "Joblib.Parallel(n_jobs=2," in parallel_log
    one, two = runs_by_key(serial_dir), runs_by_key(parallel_dir)
    assert sorted(one) == sorted(itertools.product(SCENARIOS, SEEDS))
    assert_same_results(one, two)
