"""The README's own examples work as written."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_scenario_example_runs_from_outside_the_checkout(tmp_path):
    """'Writing a scenario': the example file, kept in another folder, runs and changes its mix."""
    section = README.split("### Writing a scenario", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    name = re.search(r"^name: (\w+)$", example, re.M).group(1)
    (tmp_path / "mine" / "scenario").mkdir(parents=True)
    (tmp_path / "mine" / "scenario" / f"{name}.yaml").write_text(example)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            f"scenario={name}",
            f"hydra.searchpath=[file://{tmp_path / 'mine'}]",
            "economy.n_firms=2000",
            "years.start=2012",
            "years.end=2016",
            "years.burn_in=2",
            "output.plots=false",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    ledger = pd.read_parquet(tmp_path / "run" / "ledger.parquet")
    new = ledger.groupby(["year", "instrument"])["new"].sum().unstack()
    shares = new.div(new.sum(axis=1), axis=0)
    # the example's shares before and after its 2015 timeline change
    assert shares.loc[2014, "rd_grant"] == shares.loc[2016, "rd_grant"] > 0.34
    assert shares.loc[2014, "pilot"] == 0 and abs(shares.loc[2015, "pilot"] - 0.05) < 1e-12
    assert abs(shares.loc[2015, "demonstrator"] - 0.25) < 1e-12


def test_the_fit_and_predict_walkthrough_runs_on_the_example(tmp_path, monkeypatch):
    """'Fit one window, predict the next': the README's two commands on the hand-made example.

    Run as written, with a smaller economy and fewer trials appended (later values win).
    """
    import shlex

    import yaml

    from sim.validation.backtest_command import main as backtest
    from sim.validation.calibrate_command import main as calibrate

    section = README.split("### Fit one window, predict the next", 1)[1].split("\n## ", 1)[0]
    ranges = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    example = next(b for b in blocks if "sim/data/examples/example_" in b)
    commands = [shlex.split(line) for line in example.replace("\\\n", " ").splitlines()]
    assert [c[0] for c in commands] == [".venv/bin/s3sim-calibrate", ".venv/bin/s3sim-backtest"]
    (tmp_path / "ranges.yaml").write_text(ranges)
    (tmp_path / "sim" / "data").mkdir(parents=True)
    (tmp_path / "sim" / "data" / "examples").symlink_to(ROOT / "sim" / "data" / "examples")
    monkeypatch.chdir(tmp_path)
    faster = ["economy.n_firms=600", "--trials", "2", "--jobs", "1"]
    assert calibrate([*commands[0][1:], *faster]) == 0
    best = yaml.safe_load((tmp_path / "fit" / "best.yaml").read_text())["parameters"]
    assert set(best) == set(yaml.safe_load(ranges)["parameters"])
    assert backtest([*commands[1][1:], "economy.n_firms=600"]) == 0
    errors = pd.read_csv(tmp_path / "predict" / "backtest_errors.csv")
    assert {"rca", "rca 2009-2009 (partial)"} <= set(errors["measure"])
    assert (tmp_path / "predict" / "plots" / "backtest_periods_BE21.png").is_file()
