import html
import json
import re

import pytest

plots = pytest.importorskip("sim.plots", exc_type=ImportError)

from sim.experiments import compare_runs, load_runs, report  # noqa: E402
from sim.experiments.commands import report_main as main  # noqa: E402
from sim.experiments.tables import format_comparison  # noqa: E402
from tests.fake_sweep import make_sweep  # noqa: E402

N = 999
BASE64_IMG = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """no_policy and targeted (ledger, clusters) and bottom_up (neither), 3 seeds each."""
    root = tmp_path_factory.mktemp("report") / "sweep"
    make_sweep(root, ("no_policy", "targeted", "bottom_up"), (0, 1, 2), ("targeted",), (8,))
    path = report(root, n_resamples=N)
    return root, path, path.read_text(encoding="utf-8")


def test_html_is_self_contained(sweep):
    _, path, text = sweep
    assert path.name == "report.html"
    assert text.count('<img src="data:image/png;base64,') >= 6
    assert not re.search(r'<img(?![^>]*src="data:image/png;base64,)', text)
    without_images = BASE64_IMG.sub("", text)
    assert "http" not in without_images
    assert "<link" not in text and "<script" not in text and "@import" not in text
    assert "<style>" in text


def test_html_states_the_economy_and_the_configuration(sweep):
    root, _, text = sweep
    assert html.escape(plots.SYNTHETIC_CAPTION) in text
    assert "synthetic, stylised economy: simulated data, not statistics of any real region" in text
    assert "economy.n_firms" in text and "<details>" in text
    assert "3 scenarios, 3 distinct seeds" in text
    assert "Incomplete runs skipped (no _COMPLETE): 1 (8)" in text


def test_html_holds_the_comparison_values(sweep):
    root, _, text = sweep
    runs, _, _ = load_runs(root)
    table = format_comparison(compare_runs(runs, n_resamples=N).table)
    row = table[(table["scenario"] == "targeted") & (table["indicator"] == "employment_total")]
    row = row.iloc[0]
    cells = "".join(f"<td>{html.escape(row[c])}</td>" for c in ("mean diff", "CI", "half-width"))
    assert cells in text
    assert "<td>50.00</td>" in text  # the fake policy adds 50 jobs
    # Job 8 (bottom_up, seed 2) is incomplete: the baseline run of seed 2 is unpaired.
    assert "no_policy run without a bottom_up run of this seed" in text


def test_missing_policy_files_leave_notes(sweep):
    _, _, text = sweep
    assert "bottom_up: no ledger.parquet, budget plot skipped." in text
    assert "bottom_up: no clusters.parquet with spearheads, skipped." in text
    assert "s3sim-validate RUN_DIR" in text


def test_markdown_twin_links_plot_files(sweep):
    root, _, _ = sweep
    text = (root / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((report_plots/[^)]+\.png)\)", text)
    assert len(links) >= 6
    assert all((root / link).is_file() for link in links)
    assert "| targeted | employment_total | 3 | 50.00 |" in text
    assert "| bottom_up | employment_total | 2 | 50.00 |" in text
    assert "base64" not in text


def test_validation_table_and_command_line(tmp_path, capsys):
    root = make_sweep(tmp_path / "sweep", ("no_policy",), (0, 1), ())
    doc = {
        "all_passed": False,
        "statistics": [
            {"name": "firm_size_tail", "value": 1.1, "low": 0.8, "high": 1.3, "passed": True},
            {"name": "entry_rate", "value": 0.2, "low": 0.05, "high": 0.15, "passed": False},
        ],
    }
    (root / "0" / "validation.json").write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(root), "--out", str(out), "--n-resamples", str(N)]) == 0
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "1 of 2 checks passed" in text and "entry_rate" in text
    assert "Only the baseline was run" in text
    assert (out / "report.md").is_file()
    assert main([str(tmp_path / "absent")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "absent" in err[0]


def test_the_report_says_how_often_spearheads_included_a_loser():
    import numpy as np
    import pandas as pd

    from sim.experiments.verdict import picking_sentence

    runs = pd.DataFrame(
        {
            "scenario": ["no_policy"] * 3 + ["targeted"] * 3,
            "seed": [1, 2, 3] * 2,
            "picked_below_emerging_median": [0.0, 0.0, 0.0, 1.0, 0.0, 2.0],
            "picking_quality": [np.nan] * 3 + [0.4, 0.8, 0.3],
        }
    )
    text = picking_sentence(runs)
    assert "`targeted` in 2 of 3 seeds (picking quality 0.50)" in text
    assert "no_policy" not in text
    assert picking_sentence(runs[runs["scenario"] == "no_policy"]) == ""
    assert picking_sentence(runs.drop(columns="picking_quality")) == ""


def test_the_mark_follows_the_interval_not_its_half_width():
    import pandas as pd

    base = {
        "scenario": "targeted",
        "indicator": "employment_total",
        "n_pairs": 5,
        "p_wilcoxon": 0.06,
        "baseline_mean": 100.0,
        "scenario_mean": 90.0,
        "note": "",
    }
    rows = [  # an asymmetric interval that excludes 0 although its half-width exceeds |mean|
        {**base, "mean_diff": -768.5, "ci_low": -2009.0, "ci_high": -215.3, "ci_half_width": 896.8},
        {**base, "mean_diff": -48.5, "ci_low": -569.4, "ci_high": 472.5, "ci_half_width": 520.9},
        {**base, "mean_diff": 10.0, "ci_low": 2.0, "ci_high": 18.0, "ci_half_width": 8.0},
    ]
    marks = format_comparison(pd.DataFrame(rows))["half-width"].str.endswith("*").tolist()
    assert marks == [False, True, False]


def test_figures_whose_names_a_file_name_cannot_tell_apart_get_files_of_their_own(tmp_path):
    import matplotlib.pyplot as plt
    import pandas as pd

    from sim.experiments.figures import FigureContext

    ctx = FigureContext(pd.DataFrame(), tmp_path, tmp_path, tmp_path, "no_policy", None, None)
    paths = []
    for name in ("budget_mix a", "budget_mix_a", "budget_mix/a"):
        fig, ax = plt.subplots()
        ax.set_title(name)
        (image,) = ctx.figure(name, lambda fig=fig: fig, f"scenario {name}")
        paths.append(image.path)
    assert [p.name for p in paths] == [
        "budget_mix_a.png",
        "budget_mix_a_2.png",
        "budget_mix_a_3.png",
    ]
    assert len({p.read_bytes() for p in paths}) == 3  # three figures, none drawn over
