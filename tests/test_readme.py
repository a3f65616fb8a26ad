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
