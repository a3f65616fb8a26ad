"""Documentation that cannot drift from the code.

The parameter tables of docs/ODD.md, the summary.json tables of docs/outputs.md
and every figure quoted from docs/bench.json are generated (``python -m
sim.docgen``); these tests fail when a file differs from what the code and the
figures file say, and read ODD's tables independently of the generator.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re

import pytest
import yaml

from sim.cli import run
from sim.config.settings import RunSettings
from sim.docgen.__main__ import ROOT, generate, stale_files
from sim.docgen.blocks import BLOCK, INLINE
from sim.model.params import Dynamics
from sim.outputs.summary import FIELDS, INDICATORS
from tests.conftest import SMALL, compose_config

ODD = ROOT / "docs" / "ODD.md"
SECTIONS = {
    "competition": "10.1",
    "knowledge": "10.2",
    "innovation": "10.3",
    "demography": "10.4",
    "clusters": "10.5",
    "pilots": "10.5",
    "prospects": "10.5b",
}


def test_generated_parts_equal_the_code_and_the_figures_file():
    assert stale_files() == [], "run: python -m sim.docgen (or make bench for figures)"


def test_a_hand_edit_of_a_generated_table_is_caught():
    text = ODD.read_text("utf-8")
    edited = text.replace("| `selection` (β) | 0.6 |", "| `selection` (β) | 0.7 |")
    assert edited != text
    assert generate(edited) == text


def odd_table(section: str) -> dict[str, str]:
    """Key -> default cell of the tables in ODD section ``section`` (e.g. "10.1")."""
    text = ODD.read_text("utf-8")
    start = text.index(f"### {section} ")
    end = min(i for i in (text.find("\n### ", start + 1), text.find("\n## ", start)) if i > 0)
    rows = re.findall(r"^\| `([\w.]+)`[^|]* \| ([^|]+) \|", text[start:end], re.MULTILINE)
    return {key: cell.strip() for key, cell in rows}


def cell_value(cell: str):
    return ast.literal_eval(cell.replace(",", "") if "[" not in cell else cell)


@pytest.mark.parametrize("group", list(SECTIONS))
def test_odd_parameter_table_equals_the_defaults(group):
    table = odd_table(SECTIONS[group])
    defaults = dataclasses.asdict(getattr(Dynamics(), group))
    with (ROOT / "configs" / "dynamics" / "default.yaml").open(encoding="utf-8") as f:
        configured = yaml.safe_load(f)[group]
    prefix = f"{group}." if group in ("clusters", "pilots") else ""
    for name, value in defaults.items():
        key = prefix + name
        assert key in table, f"ODD section {SECTIONS[group]} has no row for {key}"
        assert cell_value(table[key]) == pytest.approx(value), key
        assert configured[name] == pytest.approx(value), key
    rows = {k for k in table if not prefix or k.startswith(prefix)}
    assert rows == {prefix + name for name in defaults}


def test_documented_constants_are_read_from_the_code():
    from sim.docgen.constants import documented_constants
    from sim.model import competition, expectations

    rows = {
        name.split("`")[1]: (value, meaning) for name, value, meaning in documented_constants(ROOT)
    }
    assert float(rows["MAX_SHOCK_SCALE"][0]) == competition.MAX_SHOCK_SCALE
    assert float(rows["ADAPTATION"][0]) == expectations.ADAPTATION
    assert rows["ADAPTATION"][1].startswith("Weight of this year's observed support rate")
    # an undocumented number (no #: comment) is not a documented constant
    assert "N_STAGES" not in rows


def test_odd_run_settings_equal_the_defaults():
    table = odd_table("10.7")
    settings = RunSettings()
    for key in ("seed", "budget_scale", "years.start", "years.end", "years.burn_in"):
        value = settings
        for part in key.split("."):
            value = getattr(value, part)
        assert cell_value(table[key]) == value, key
    assert cell_value(table["periods.length"]) == settings.periods.length


def test_a_run_writes_exactly_the_documented_summary(tmp_path):
    out = run(compose_config([*SMALL, "scenario=targeted", "years.end=2004"]), tmp_path)
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary) == list(FIELDS)
    assert list(summary["indicators"]) == list(INDICATORS)


#: Decimal numbers and percentages that the figure sections may state without quoting
#: docs/bench.json, each a fact of the setup rather than a measurement.
NOT_MEASURED = {"0.01": "the equivalence test's p threshold", "3.1": "the economy's M jobs"}
FIGURE = re.compile(r"\d+\.\d+|\d+ ?%")


def figure_sections() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    performance = (ROOT / "docs" / "performance.md").read_text("utf-8")
    start = readme.index("## Performance")
    return {
        "README.md": readme[start : readme.index("\n## ", start + 1)],
        "docs/performance.md": performance[: performance.index("## Analysis at commit")],
    }


@pytest.mark.parametrize("name", ["README.md", "docs/performance.md"])
def test_every_measured_figure_is_quoted_from_the_figures_file(name):
    text = figure_sections()[name]
    assert BLOCK.search(text), f"{name}: no generated block of figures"
    bare = INLINE.sub("", BLOCK.sub("", text))
    bare = re.sub(r"```.*?```", "", bare, flags=re.DOTALL)
    stray = [m for m in FIGURE.findall(bare) if m not in NOT_MEASURED and "±" not in m]
    stray = [m for m in stray if f"±{m}" not in bare]
    assert not stray, f"{name}: figures typed by hand instead of quoted: {stray}"


def test_odd_economy_keys_equal_the_default_economy():
    table = odd_table("10.6")
    with (ROOT / "configs" / "economy" / "default.yaml").open(encoding="utf-8") as f:
        economy = yaml.safe_load(f)
    assert cell_value(table["n_firms"]) == economy["n_firms"]
    assert cell_value(table["rest_of_world.scale"]) == economy["rest_of_world"]["scale"]
    assert table["focal_region"] == f"`{economy['focal_region']}`"


def test_the_studys_targets_and_printout_join_the_benchmarks(tmp_path):
    from sim.docgen.bench import BENCH, render

    figures = json.loads((ROOT / BENCH).read_text(encoding="utf-8"))
    figures["sweep_study"] = {
        "targets": [{"target": "study T", "goal": "< 1 min", "value": "2 min", "pass": False}],
        "report": "sweep throughput printout\n",
    }
    (tmp_path / BENCH).parent.mkdir(parents=True)
    (tmp_path / BENCH).write_text(json.dumps(figures), encoding="utf-8")
    assert "| study T | < 1 min | 2 min | missed |" in render("bench.targets", tmp_path)
    report = render("bench.report", tmp_path)
    assert "sweep throughput printout" in report
    assert report.index(figures["report"].splitlines()[0]) < report.index("sweep throughput")
