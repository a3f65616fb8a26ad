"""Scenarios that share their years before policy simulate them once, with the same results.

A model forked from a policy-free run at the first policy year must continue exactly as
the model built with the policy from the start: every firm column, the recorder's panels,
the project events, the ledger, the policy's tables and indicators, bit for bit.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from sim.config.assemble import build_model
from sim.config.scenario_runs import build_models, fork, shared_part
from sim.data import example_path
from tests.conftest import SMALL, compose_config


def digest(model) -> str:
    """SHA-256 of a finished run's state and outputs."""
    h = hashlib.sha256()
    firms, rec = model.firms, model.recorder
    arrays = [firms._data[k][: firms.n] for k in sorted(firms._data)]
    arrays += [rec.employment, rec.firms, rec.value_added, rec.density, rec.entries, rec.exits]
    arrays += [events[k] for events in rec._events for k in sorted(events)]
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    if model.policy is not None:
        for name, frame in sorted(model.policy.frames(model).items()):
            h.update(name.encode())
            h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        h.update(repr(sorted(model.policy.indicators(model).items())).encode())
    if rec.firm_panel:
        h.update(pd.util.hash_pandas_object(rec.firm_frame(), index=True).to_numpy().tobytes())
    return h.hexdigest()


def straight_and_forked(configs: dict[str, dict]) -> tuple[dict, dict]:
    straight = {}
    for name, config in configs.items():
        model = build_model(config)
        model.run()
        straight[name] = digest(model)
    forked = {}
    for name, model in build_models(configs).items():
        model.run()
        forked[name] = digest(model)
    return straight, forked


CASES = {
    "scenarios": [
        ["scenario=no_policy", "output.firm_panel=true"],
        ["scenario=bottom_up"],
        ["scenario=targeted"],
        ["scenario=vanguard", "budget_scale=2.0"],
        ["scenario=flanders_timeline"],
        ["scenario=targeted", "policy_scope=focal", "policy_others=bottom_up"],
    ],
    "no burn-in": [
        ["scenario=bottom_up", "years.burn_in=0"],
        ["scenario=targeted", "years.burn_in=0"],
    ],
    "one burn-in year": [
        ["scenario=bottom_up", "years.burn_in=1"],
        ["scenario=vanguard", "years.burn_in=1"],
    ],
}


@pytest.mark.parametrize("case", list(CASES))
def test_forked_scenarios_run_as_if_built_with_their_policy(case):
    configs = {
        " ".join(o): compose_config([*SMALL, "economy.n_firms=1500", "seed=4", *o])
        for o in CASES[case]
    }
    straight, forked = straight_and_forked(configs)
    assert forked == straight
    assert len(set(straight.values())) == len(configs)  # the scenarios do differ


def test_runs_from_data_share_their_settling_years():
    data = [
        "economy=from_data",
        f"data.path={example_path('example_long.csv')}",
        "data.year=2008",
        "data.regions=[BE21,BE22,BE23,BE24]",
        "data.reference=BE2",
        "data.settle=3",
        "years.start=2009",
        "years.end=2012",
        "years.burn_in=0",
        "economy.n_firms=1500",
        "output.plots=false",
    ]
    configs = {s: compose_config([*data, f"scenario={s}"]) for s in ("bottom_up", "targeted")}
    straight, forked = straight_and_forked(configs)
    assert forked == straight
    assert len(set(straight.values())) == 2


def test_only_configs_that_differ_in_their_policy_share_their_years():
    base = [*SMALL, "economy.n_firms=1500"]
    a = compose_config([*base, "scenario=bottom_up"])
    b = compose_config([*base, "scenario=targeted", "budget_scale=3", "output.firm_panel=true"])
    c = compose_config([*base, "scenario=bottom_up", "seed=1"])
    d = compose_config([*base, "scenario=bottom_up", "dynamics.competition.selection=1.5"])
    assert shared_part(a) == shared_part(b)
    assert len({shared_part(x) for x in (a, c, d)}) == 3
    models = build_models({"a": a, "b": b, "c": c})
    assert models["a"].year == models["b"].year == models["a"].first_policy_year
    assert models["c"].year == models["c"].built_year < models["c"].first_policy_year  # alone
    assert models["b"].recorder.firm_panel and not models["a"].recorder.firm_panel


def test_a_model_with_a_policy_or_past_the_first_policy_year_is_not_forked():
    config = compose_config([*SMALL, "economy.n_firms=1500", "scenario=bottom_up"])
    with pytest.raises(ValueError, match="already has a policy"):
        fork(build_model(config), None, False)
    from sim.config.assemble import assemble

    parts = assemble(config)
    model = parts.model(with_policy=False)
    model.run_until(model.first_policy_year + 1)
    with pytest.raises(ValueError, match="after the policy's first year"):
        fork(model, parts.policy(), False)


def test_no_hook_of_the_policy_is_called_before_the_first_policy_year():
    model = build_model(compose_config([*SMALL, "economy.n_firms=1500", "scenario=targeted"]))
    called: dict[str, set[int]] = {}
    hooks = ("tax_revenue", "knowledge_pool", "support", "roadmap_cells", "allocate")
    for name in hooks:
        hook = getattr(model.policy, name)

        def recorded(*args, _hook=hook, _name=name):
            called.setdefault(_name, set()).add(model.year)
            return _hook(*args)

        setattr(model.policy, name, recorded)
    model.run()
    assert set(called) == set(hooks)
    for name, years in called.items():
        assert min(years) == model.first_policy_year == model.start - 1, name
