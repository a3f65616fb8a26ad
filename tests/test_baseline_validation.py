"""The no-policy baseline reproduces the stylised facts of sim.validation.

Two seeded runs of the default economy with 20,000 initial firms (instead of
50,000) over the default years 1998-2030, pooled by ``validate_runs`` as
``s3sim-validate`` does. Every statistic with a target must pass.

Why this size and two seeds: run alone, the relatedness-gain profile (five
quintile probabilities that must rise with at most one small dip) is the
noisiest statistic, because it rests on the 8 x 26 region-sectors rather than on
the firms. At the default size it failed the "rising" rule for 4 of seeds 0-19
run alone; at 20,000 firms all of seeds 0-19 passed alone, and pooled pairs of
seeds passed every target as well. Pooling two runs halves the variance of the
pooled statistics, which keeps this test clear of its bounds (closest: the RSCA
Galton correlation, 0.74-0.86 against > 0.6 in the pooled pairs checked).
"""

import pytest

from sim.cli import run
from sim.validation import validate_runs
from sim.validation.targets import TARGETS
from tests.conftest import compose_config

N_FIRMS = 20_000
SEEDS = (0, 1)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    root = tmp_path_factory.mktemp("baseline")
    dirs = [
        run(
            compose_config(
                [
                    f"economy.n_firms={N_FIRMS}",
                    f"seed={seed}",
                    "output.firm_panel=true",
                    "output.plots=false",
                ]
            ),
            root / f"seed{seed}",
        )
        for seed in SEEDS
    ]
    return validate_runs(dirs)


def test_baseline_passes_every_validation_target(table):
    rows = table.set_index("name")
    assert set(TARGETS) <= set(rows.index)
    assert rows.loc["n_runs", "value"] == len(SEEDS)
    assert not table.attrs["warnings"]
    targeted = rows.loc[list(TARGETS)]
    # every target row is computed from both runs, over the whole reported period
    assert (targeted["pooled_runs"] == len(SEEDS)).all()
    assert rows.loc["n_years", "value"] == 2030 - 1998 + 1
    failed = targeted[~targeted["passed"]]
    assert failed.empty, "\n" + failed[["value", "low", "high", "note"]].to_string()
