"""End-to-end tests of s3sim-validate on small synthetic run directories."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.validation import validate_runs, write_report
from sim.validation.command import main
from sim.validation.targets import COLUMNS, TARGETS
from sim.validation.writer import render_json

ROOT = Path(__file__).resolve().parents[1]
YEARS = list(range(2000, 2020))
NAMES = [*TARGETS, "n_firms", "n_years", "n_runs"]


def fake_firms(rng: np.random.Generator, laplace: bool = True, n0: int = 3000) -> pd.DataFrame:
    """Firm panel: Pareto(1.06) sizes, Laplace growth with sd ~ size^-0.2, ~9 % turnover.

    Each year a firm exits with probability 0.08 (0.2 in its first year) and the
    survivors grow by exp(g), g Laplace (or normal) with scale 0.12 size^-0.2;
    0.09 x the population enters with Pareto sizes and age 0.
    """
    ids, size = np.arange(n0), (1 - rng.random(n0)) ** (-1 / 1.06)
    age, next_id, frames = rng.integers(1, 30, n0), n0, []
    for year in YEARS:
        frames.append(pd.DataFrame({"year": year, "firm_id": ids, "employment": size, "age": age}))
        n = ids.size
        keep = rng.random(n) >= np.where(age == 0, 0.2, 0.08)
        scale = 0.12 * size**-0.2
        g = rng.laplace(0, scale) if laplace else rng.normal(0, scale * math.sqrt(2))
        m = rng.binomial(n, 0.09)
        ids = np.concatenate([ids[keep], np.arange(next_id, next_id + m)])
        size = np.concatenate([(size * np.exp(g))[keep], (1 - rng.random(m)) ** (-1 / 1.06)])
        age = np.concatenate([age[keep] + 1, np.zeros(m, dtype=int)])
        next_id += m
    firms = pd.concat(frames, ignore_index=True)
    return firms.assign(region="r0", sector="s0")


def fake_spec(rng: np.random.Generator, pull: float = 0.15, n_rs: int = 360) -> pd.DataFrame:
    """Specialisation panel: ln rca follows an AR(1) (0.9) pulled up by relatedness density.

    ``z' = 0.9 z + pull (d - 0.5) + N(0, 0.2)``, ``rca = exp(z)``,
    ``rsca = tanh(z / 2)``. With ``pull = 0.15`` the lag-8 correlation of rsca is
    ~0.7 and gains rise with density; with ``pull = 0`` it is ~0.9^8 = 0.43 and
    gains do not depend on density.
    """
    d = rng.random(n_rs)
    z = pull * (d - 0.5) / 0.1 + rng.normal(0, 0.2 / math.sqrt(1 - 0.81), n_rs)
    frames = []
    for year in YEARS:
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "region": [f"r{i % 6}" for i in range(n_rs)],
                    "sector": [f"s{i // 6}" for i in range(n_rs)],
                    "rca": np.exp(z),
                    "rsca": np.tanh(z / 2),
                    "relatedness_density": d,
                }
            )
        )
        z = 0.9 * z + pull * (d - 0.5) + rng.normal(0, 0.2, n_rs)
    return pd.concat(frames, ignore_index=True)


def write_run(path: Path, seed: int, good: bool = True, last_year: int = 2019) -> Path:
    """A fake run directory; ``good=False`` has normal growth and no relatedness pull."""
    rng = np.random.default_rng(seed)
    path.mkdir(parents=True)
    firms = fake_firms(rng, laplace=good)
    spec = fake_spec(rng, pull=0.15 if good else 0.0)
    firms[firms["year"] <= last_year].to_parquet(path / "firms.parquet")
    spec[spec["year"] <= last_year].to_parquet(path / "specialisation.parquet")
    summary = {"scenario": "baseline", "seed": seed, "indicators": {}}
    (path / "summary.json").write_text(json.dumps(summary))
    (path / "_COMPLETE").write_text("complete\n")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("runs")
    return {
        "good0": write_run(base / "good0", 0),
        "good1": write_run(base / "good1", 1),
        "bad": write_run(base / "bad", 0, good=False),
        "short": write_run(base / "short", 2, last_year=2004),
    }


def read_json(path: Path) -> dict:
    def no_constants(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(path.read_text(), parse_constant=no_constants)


def test_good_run_passes(runs, tmp_path):
    out = tmp_path / "report"
    assert main([str(runs["good0"]), "--out", str(out), "--quiet"]) == 0
    doc = read_json(out / "validation.json")
    assert doc["all_passed"] and doc["failed"] == []
    assert [s["name"] for s in doc["statistics"]] == NAMES
    assert all(s["passed"] for s in doc["statistics"])
    assert {s["pooled_runs"] for s in doc["statistics"]} == {1}
    gain = next(s for s in doc["statistics"] if s["name"] == "relatedness_gain_ratio")
    quintiles = gain["details"]["quintiles"]
    assert [q["quintile"] for q in quintiles] == [1, 2, 3, 4, 5]
    assert quintiles[-1]["p"] >= 2 * quintiles[0]["p"]
    md = (out / "validation.md").read_text()
    assert "all 9 statistics pass" in md and "FAIL" not in md
    for name in NAMES:
        assert f"| `{name}` |" in md
    assert "seed 0" in md and "relatedness quintile" in md
    assert sorted(p.name for p in out.iterdir()) == ["validation.json", "validation.md"]


def test_report_defaults_to_first_run_dir(runs, capsys):
    assert main([str(runs["good1"])]) == 0
    assert (runs["good1"] / "validation.md").is_file()
    assert (runs["good1"] / "validation.json").is_file()
    assert "PASS  firm_size_tail_hill" in capsys.readouterr().out


def test_bad_run_fails_as_designed(runs, tmp_path):
    assert main([str(runs["bad"]), "--out", str(tmp_path), "-q"]) == 1
    doc = read_json(tmp_path / "validation.json")
    # Normal growth gives beta ~ 1.8; without the relatedness pull ln rca is a
    # plain AR(1) (lag-8 correlation ~ 0.43) and gains do not rise with density.
    expected = {"growth_subbotin_shape", "rca_galton_correlation", "relatedness_gain_ratio"}
    assert set(doc["failed"]) == expected
    assert not doc["all_passed"]
    assert {s["name"] for s in doc["statistics"] if not s["passed"]} == expected
    md = (tmp_path / "validation.md").read_text()
    assert "3 of 9 statistics fail" in md and md.count("**FAIL**") == 3


def test_pooling_counts_contributing_runs(runs, tmp_path):
    table = validate_runs([runs["good0"], runs["good1"], runs["short"]])
    assert list(table.columns) == list(COLUMNS)
    pooled = dict(zip(table["name"], table["pooled_runs"], strict=True))
    # The short run (2000-2004) has no t + 8 or t + 5 pairs.
    assert pooled["rca_galton_slope"] == 2 and pooled["relatedness_gain_ratio"] == 2
    assert pooled["firm_size_tail_hill"] == 3 and pooled["entry_rate"] == 3
    values = dict(zip(table["name"], table["value"], strict=True))
    assert values["n_runs"] == 3 and values["n_years"] == 20
    assert "pooled over 3 run(s)" in table.set_index("name").at["growth_subbotin_shape", "note"]
    row = table.set_index("name").loc["rca_galton_correlation"]
    assert row["low"] == 0.6 and row["high"] is None
    md_path, json_path = write_report(table, tmp_path)
    assert md_path.name == "validation.md" and json_path.name == "validation.json"
    assert len(read_json(json_path)["runs"]) == 3


def test_missing_directory_is_bad_input(tmp_path, capsys):
    missing = tmp_path / "nope"
    assert main([str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "not found" in err
    assert "Traceback" not in err


def test_missing_firm_panel_is_bad_input(runs, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "_COMPLETE").write_text("complete\n")  # a finished run, with bad files
    (run / "specialisation.parquet").write_bytes(
        (runs["good0"] / "specialisation.parquet").read_bytes()
    )
    assert main([str(runs["good0"]), str(run)]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith(
        f"firms.parquet not found in {run}: run with output.firm_panel=true"
    )
    assert err.count("\n") == 1


def test_missing_column_and_corrupt_file_are_bad_input(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "_COMPLETE").write_text("complete\n")  # a finished run, with bad files
    pd.DataFrame({"year": [2000], "firm_id": [1]}).to_parquet(run / "firms.parquet")
    (run / "specialisation.parquet").write_text("not parquet")
    assert main([str(run)]) == 2
    assert "missing column(s) region, sector, employment, age" in capsys.readouterr().err
    pd.DataFrame({c: [1] for c in ["year", "firm_id", "employment", "age"]}).assign(
        region="r", sector="s"
    ).to_parquet(run / "firms.parquet")
    assert main([str(run)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err and "specialisation.parquet" in err


def test_json_is_strict_for_infinite_and_missing_values():
    table = pd.DataFrame(
        [
            ["relatedness_gain_ratio", math.inf, 2.0, None, True, "q1 0", 1],
            ["rca_galton_slope", math.nan, 0.0, 1.0, False, "not computable", 0],
        ],
        columns=list(COLUMNS),
    )
    doc = json.loads(render_json(table), parse_constant=lambda name: pytest.fail(name))
    assert [s["value"] for s in doc["statistics"]] == ["inf", None]
    assert doc["failed"] == ["rca_galton_slope"]


def test_module_entry_point(tmp_path):
    missing = tmp_path / "nope"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.validation", str(missing)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"s3sim-validate: error: run directory not found: {missing}"
