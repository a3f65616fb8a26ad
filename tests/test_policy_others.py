"""Under ``policy_scope=focal`` the other regions may run a scenario of their own.

Two policies then govern complementary regions of one run (sim.policy.policies).
Where the regions do not interact through the policy (no shared pilots), the
split must be invisible: every region running the same scenario under its own
policy is the same run as every region under one policy. And the machinery must
reproduce the one-policy run of ``policy_others=no_policy`` exactly when the
others' policy is ``no_policy``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sim.cli import run
from sim.config.assemble import assemble
from sim.errors import ConfigError
from sim.model.streams import Stream
from sim.policy.clusters import ClusterPool
from sim.policy.policies import Policies
from sim.policy.policy import Policy
from tests.conftest import SMALL, compose_config

TABLES = ("employment", "specialisation", "ledger", "projects")


def outputs(path) -> dict[str, pd.DataFrame]:
    frames = {name: pd.read_parquet(path / f"{name}.parquet") for name in TABLES}
    clusters = pd.read_parquet(path / "clusters.parquet")
    frames["clusters"] = clusters.sort_values(["year", "cluster"]).reset_index(drop=True)
    return frames


def assert_same_run(a, b) -> None:
    left, right = outputs(a), outputs(b)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True, obj=name)


@pytest.mark.parametrize(("scenario", "seed"), [("bottom_up", 1), ("targeted", 2)])
def test_every_region_under_its_own_policy_is_the_one_policy_run(tmp_path, scenario, seed):
    common = [*SMALL, f"scenario={scenario}", f"seed={seed}", "output.plots=false"]
    together = run(compose_config(common), tmp_path / "all")
    split = run(
        compose_config([*common, "policy_scope=focal", f"policy_others={scenario}"]),
        tmp_path / "split",
    )
    ledger = pd.read_parquet(split / "ledger.parquet")
    assert (ledger.groupby("region")["disbursed"].sum() > 0).all()  # every region spent
    assert_same_run(together, split)


@pytest.mark.parametrize("scenario", ["targeted", "vanguard"])
def test_two_policies_reproduce_one_when_the_others_have_none(scenario):
    a = assemble(compose_config([*SMALL, f"scenario={scenario}", "policy_scope=focal", "seed=3"]))
    nothing = assemble(compose_config([*SMALL, "scenario=no_policy", "seed=3"])).scenario
    one = a.model()  # one policy, only the focal region has a budget
    y, focal = a.settings.years, np.zeros(a.economy.n_regions, dtype=bool)
    focal[a.economy.focal] = True
    pool = ClusterPool()
    names = a.scenario.instrument_names
    others = replace(nothing, instrument_names=names)
    two = Policies(
        [
            Policy(a.scenario, y.start, y.end, governs=focal, pool=pool),
            Policy(others, y.start, y.end, governs=~focal, pool=pool, stream=Stream.POLICY_OTHERS),
        ]
    )
    split = type(one)(
        a.economy, a.dynamics, seed=3, start=y.start, end=y.end, burn_in=y.burn_in, policy=two
    )
    one.run()
    split.run()
    assert one.policy.indicators(one) == split.policy.indicators(split)
    np.testing.assert_array_equal(one.recorder.employment, split.recorder.employment)
    led_one, led_two = one.policy.ledger, two.ledger()
    for name in ("new", "committed", "disbursed", "taxed", "repaid", "carried_over", "lapsed"):
        np.testing.assert_array_equal(getattr(led_one, name), getattr(led_two, name), name)


def test_each_policy_spends_only_on_its_own_regions(tmp_path):
    overrides = [*SMALL, "scenario=targeted", "policy_scope=focal", "policy_others=bottom_up"]
    out = run(compose_config([*overrides, "seed=4", "output.plots=false"]), tmp_path / "r")
    config = compose_config(SMALL)
    focal = config["economy"]["focal_region"]
    ledger = pd.read_parquet(out / "ledger.parquet")
    clusters = pd.read_parquet(out / "clusters.parquet")
    # targeted names spearheads in the focal region only; bottom_up names none
    assert set(clusters.loc[clusters["spearhead"], "region"]) == {focal}
    # money is never overspent, and every unit is accounted for, region by region
    assert (ledger["disbursed"] <= ledger["committed"] + 1e-9).all()
    left = ledger["available"] - ledger["disbursed"] + ledger["repaid"]
    np.testing.assert_allclose(left, ledger["carried_over"] + ledger["lapsed"], atol=1e-9)
    spent = ledger.groupby("region")["disbursed"].sum()
    assert (spent > 0).all()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["policy_scope=focal", "policy_others=nowhere"], "policy_others = 'nowhere': no such"),
        (["policy_others=bottom_up"], "policy_others = 'bottom_up': the other regions' scenario"),
        (["policy_scope=focal", "policy_others='../x'"], "policy_others = '../x': must name"),
    ],
)
def test_bad_policy_others_stops_with_one_line(overrides, message):
    with pytest.raises(ConfigError) as err:
        assemble(compose_config([*SMALL, *overrides]))
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)
