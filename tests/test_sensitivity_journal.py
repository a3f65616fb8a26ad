"""A study's records read back: a broken or foreign journal or study.json is named, in one line.

The analysis (``s3sim-sensitivity``) and a resumed study read the same files; what a kill
leaves (a last line cut short) is a point to run again, anything else that is not a
point's record, or a point of another design, stops with the file, the line and the fault.
Also: too small a sample for bootstrap intervals says so instead of ranking.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from sim.errors import ConfigError
from sim.experiments.sensitivity.analysis import (
    _out_of_range,
    _tidy,
    _unranked,
    analyse,
    load_study,
)
from sim.experiments.sensitivity.batch import POINTS, STUDY, run_batch
from sim.experiments.sensitivity.journal import study_record
from sim.experiments.sensitivity.study import read_study
from sim.experiments.sweep import SweepError
from tests.test_sensitivity_sharing import ishigami_study


def ishigami(method: str = "sobol", size: int = 4) -> dict:
    config = ishigami_study(size)
    config["sensitivity"] |= {"method": method, "trajectories": size}
    return config


@pytest.fixture
def study(tmp_path):
    """A finished Sobol study of 4 x 5 = 20 points in one job's directory."""
    run_batch(ishigami(), tmp_path / "0")
    return tmp_path


def lines_of(study_dir) -> list[dict]:
    return [json.loads(line) for line in (study_dir / "0" / POINTS).read_text().splitlines()]


def write_lines(study_dir, lines: list[str]) -> None:
    (study_dir / "0" / POINTS).write_text("\n".join(lines) + "\n")


def edited(study_dir, line: int, change) -> None:
    """The journal with its ``line``-th record (from 1) changed by ``change(record)``."""
    records = lines_of(study_dir)
    change(records[line - 1])
    write_lines(study_dir, [json.dumps(r) for r in records])


BROKEN = [
    (lambda r: r.pop("x"), "line 3: row 2: x must be a list of numbers"),
    (lambda r: r.update(x="abc"), "line 3: row 2: x must be a list of numbers"),
    (lambda r: r.update(x=[0.1, 0.2]), "line 3: row 2: x has 2 values, the study varies 3"),
    (lambda r: r.pop("outputs"), "line 3: row 2: outputs must map each output to a number"),
    (lambda r: r.update(outputs={"ishigami": "abc"}), "line 3: row 2: outputs must map"),
    (lambda r: r.update(row=999), "line 3: row = 999: the study has 20 sample points"),
    (lambda r: r.update(row="2"), "line 3: row = '2': must be a whole number >= 0"),
    (lambda r: r.update(seconds="slow"), "line 3: row 2: seconds = 'slow': must be a number"),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN, ids=[b[1][8:40] for b in BROKEN])
def test_a_broken_record_is_named_by_the_analysis_and_by_a_resume(study, change, expected):
    edited(study, 3, change)
    journal = re.escape(str(study / "0" / POINTS))
    with pytest.raises(SweepError, match=rf"^{journal}, {expected}"):
        load_study(study)
    with pytest.raises(ConfigError, match=rf"^{journal}, {expected}"):
        run_batch(ishigami(), study / "0")


def test_only_a_last_line_cut_short_is_a_point_to_run_again(study):
    text = (study / "0" / POINTS).read_text().splitlines()
    write_lines(study, [*text[:-1], text[-1][:25]])  # the kill's cut
    assert load_study(study).missing == [lines_of_row(text[-1])]
    write_lines(study, [text[0], text[1][:25], *text[2:]])  # cut in the middle: an edit
    with pytest.raises(SweepError, match=r"points.jsonl, line 2: not a point's record"):
        load_study(study)


def lines_of_row(line: str) -> int:
    return json.loads(line)["row"]


def test_a_point_of_another_design_is_refused(study):
    edited(study, 1, lambda r: r.update(x=[v + 0.5 for v in r["x"]]))
    with pytest.raises(SweepError, match=r"points.jsonl: row \d+ was evaluated at x = "):
        load_study(study)


BAD_RECORDS = [
    ("[1, 2]", "not a study's record (a JSON object)"),
    ('{"method": "sobol"', "unreadable study record"),
    ('{"method": "sobol"}', "no names, parameters, rows: not a study's record"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_RECORDS)
def test_a_broken_study_record_is_named(study, text, expected):
    (study / "0" / STUDY).write_text(text)
    with pytest.raises(SweepError, match=re.escape(f"{study / '0' / STUDY}: {expected}")):
        load_study(study)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("method", "fast", r"sensitivity.method = 'fast': must be one of"),
        ("rows", 7, r"rows = 7, but the study it describes has 20 sample points"),
        ("base_sample", 8, r"rows = 20, but the study it describes has 40 sample points"),
        ("levels", "four", r"sensitivity.levels"),
    ],
)
def test_an_edited_study_record_is_named(study, key, value, expected):
    path = study / "0" / STUDY
    record = json.loads(path.read_text())
    path.write_text(json.dumps(record | {key: value}))
    with pytest.raises(SweepError, match=rf"^{re.escape(str(path))}: {expected}"):
        load_study(study)


def test_too_few_units_for_the_bootstrap_rank_nothing(tmp_path):
    run_batch(ishigami("morris", size=3), tmp_path / "0")
    table, warnings = analyse(load_study(tmp_path))
    assert "only 3 trajectories: too few for bootstrap intervals (at least 10)" in warnings[0]
    assert not table["separated"].any() and (table["resolved_top"] == 0).all()
    assert any("intervals too wide to rank" in w for w in warnings)


def test_a_sobol_index_outside_zero_one_beyond_its_interval_is_reported():
    indices = {
        "S1": np.array([1.5, 0.2, 0.9]),
        "S1_conf": np.array([0.1, 0.1, 0.2]),  # 0.9 + 0.2 reaches past 1: not reported
        "ST": np.array([-0.5, 0.5, 1.05]),
        "ST_conf": np.array([0.2, 0.1, 0.1]),
    }
    found = _out_of_range("y", ["a", "b", "c"], indices)
    assert len(found) == 2
    assert found[0].startswith("y: S1 of a = 1.5 ± 0.1, outside [0, 1]")
    assert found[1].startswith("y: ST of a = -0.5 ± 0.2, outside [0, 1]")


def test_the_record_digests_what_the_runs_depend_on():
    section = ishigami()["sensitivity"] | {"model": "s3sim", "baseline": "no_policy"}
    study = read_study({"sensitivity": section})
    base = {"seed": 0, "years": {"end": 2020}, "output": {"plots": False}, "limits": {"a": 1}}

    def digest(**changes):
        config = {**base, **changes}
        return study_record(study, 20, config, {"bottom_up": config})["config_sha256"]

    assert digest() == digest(output={"plots": True}) == digest(limits={"a": 2})
    assert digest() != digest(years={"end": 2021})
    assert digest() != digest(scenario={"budget": 1.0})


def ranked(mu_star, conf):
    indices = {"mu_star": np.array(mu_star), "mu_star_conf": np.array(conf)}
    indices["sigma"] = indices["mu_star"]
    rows = pd.DataFrame(_tidy("y", list("abcd"), indices, "morris", {}))
    return rows[rows["index"] == "mu_star"].set_index("parameter")


def test_parameters_without_any_effect_tie_and_need_no_order():
    # a and b are resolved, and b lies clear of c and d, which changed y at no point
    part = ranked([0.5, 0.2, 0.0, 0.0], [0.1, 0.05, 0.0, 0.0])
    assert list(part["no_effect"]) == [False, False, True, True]
    assert part["resolved_top"].iloc[0] == 2 and _unranked("y", part) == []
    # with an effect, however small, d must be told apart from c: the warning stands
    part = ranked([0.5, 0.2, 0.0, 1e-9], [0.1, 0.05, 0.0, 1e-9])
    assert list(part["no_effect"]) == [False, False, True, False]
    assert _unranked("y", part) == [
        "y: intervals too wide to rank the parameters: 2 of the first 3 places clear of the "
        "next parameter's interval; add sample points"
    ]
    # b's interval reaches down to zero: it is not told apart from the parameters without effect
    part = ranked([0.9, 0.2, 0.0, 0.0], [0.1, 0.25, 0.0, 0.0])
    assert "1 of the first 2 places" in _unranked("y", part)[0]


def test_a_sobol_base_sample_not_a_power_of_two_is_named(tmp_path):
    run_batch(ishigami("sobol", size=12), tmp_path / "0")
    _, warnings = analyse(load_study(tmp_path))
    assert any(w.startswith("base_sample = 12 is not a power of 2") for w in warnings)
    run_batch(ishigami("sobol", size=16), tmp_path / "16" / "0")
    _, warnings = analyse(load_study(tmp_path / "16"))
    assert not any("power of 2" in w for w in warnings)
