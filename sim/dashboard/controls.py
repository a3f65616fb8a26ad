"""The Run page's controls: one widget per lever, with its problem shown beside it."""

from __future__ import annotations

from dataclasses import replace

import solara

from sim.dashboard.levers import BASELINE, DataChoice, Levers, check
from sim.policy.scenario import PICKING
from sim.policy.selection_rules import RULES

ECONOMIES = ("default", "from data")
EXAMPLE_DATA = DataChoice(
    path="sim/data/examples/example_eurostat_nama_10r_2x10e.csv",
    mapping="sim/data/examples/nace_mapping.yaml",
    year=2008,
    regions="BE21,BE22,BE23,BE24",
    reference="EU27_2020",
    focal="BE21",
)
"""The README's example files (made by hand, not statistics), offered when 'from data' is picked."""


@solara.component
def Problem(problems: dict[str, str], key: str):
    """The problem of one lever, if any, as a red line under its control."""
    if key in problems:
        solara.Error(problems[key], dense=True, classes=[f"problem-{key}"])


@solara.component
def LeverPanel(
    levers: solara.Reactive[Levers],
    scenarios: list[str],
    on_scenario: callable,
    has_scope: bool,
    firms: int,
):
    """Every lever of the Run page, bound to ``levers``.

    Args:
        levers: The page's choices.
        scenarios: The scenarios to choose from.
        on_scenario: Called with a newly picked scenario (to load its defaults).
        has_scope: Whether the config knows ``policy_scope`` (offered only then).
        firms: The economy's own number of initial firms.
    """
    value = levers.value
    problems = check(value)

    def set_field(**changes):
        levers.set(replace(levers.value, **changes))

    solara.Select("scenario", value=value.scenario, values=scenarios, on_value=on_scenario)
    solara.Select(
        "economy",
        value="default" if value.data is None else "from data",
        values=list(ECONOMIES),
        on_value=lambda v: set_field(data=None if v == "default" else EXAMPLE_DATA),
    )
    if value.data is not None:
        DataFields(value.data, lambda data: set_field(data=data))
        Problem(problems, "data")
    else:
        solara.InputInt(
            "firms", value=value.n_firms or firms, on_value=lambda v: set_field(n_firms=v)
        )
        Problem(problems, "n_firms")
    solara.InputInt("seed", value=value.seed, on_value=lambda v: set_field(seed=v))
    Problem(problems, "seed")
    solara.SliderFloat(
        "budget scale",
        value=value.budget_scale,
        min=0.0,
        max=4.0,
        step=0.1,
        on_value=lambda v: set_field(budget_scale=float(v)),
        thumb_label="always",
    )
    Problem(problems, "budget_scale")
    if value.scenario == BASELINE:
        solara.Info("no_policy: no budget, no instruments, no spearheads.", dense=True)
        return
    solara.Text("Instrument shares (must add up to 1)", style={"font-weight": "bold"})
    for name, share in value.shares.items():
        solara.InputFloat(
            f"share {name}",
            value=share,
            on_value=lambda v, n=name: set_field(shares={**levers.value.shares, n: float(v)}),
            dense=True,
        )
    Problem(problems, "shares")
    solara.Select(
        "selection rule", value=value.rule, values=list(RULES), on_value=lambda v: set_field(rule=v)
    )
    solara.Select(
        "picking rule",
        value=value.picking,
        values=list(PICKING),
        on_value=lambda v: set_field(picking=v),
    )
    solara.SliderInt(
        "spearheads",
        value=value.spearheads if value.spearheads is not None else 2,
        min=0,
        max=6,
        on_value=lambda v: set_field(spearheads=int(v)),
        thumb_label="always",
    )
    if has_scope:
        solara.Select(
            "policy scope",
            value=value.policy_scope or "focal",
            values=["focal", "all"],
            on_value=lambda v: set_field(policy_scope=v),
        )


@solara.component
def DataFields(data: DataChoice, on_data: callable):
    """The fields of an initial state from data."""

    def set_data(**changes):
        on_data(replace(data, **changes))

    solara.InputText("data file", value=data.path, on_value=lambda v: set_data(path=v))
    solara.InputText("NACE mapping", value=data.mapping, on_value=lambda v: set_data(mapping=v))
    solara.InputInt("data year", value=data.year, on_value=lambda v: set_data(year=v))
    solara.InputText(
        "regions (comma-separated)", value=data.regions, on_value=lambda v: set_data(regions=v)
    )
    solara.InputText("reference", value=data.reference, on_value=lambda v: set_data(reference=v))
    solara.InputText("focal region", value=data.focal, on_value=lambda v: set_data(focal=v))
