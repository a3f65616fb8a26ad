"""The Run page: pick a scenario and its levers, then step, run or reset and watch year by year.

Changing a lever rebuilds the run (the model and its paired no-policy baseline) from the
composed config, as ``s3sim`` would build it. While running, the simulation goes on year
after year in a thread of the server, and the charts are drawn in a separate process from
a snapshot of the run, at their own pace (:mod:`sim.dashboard.playback`), so drawing never
holds the simulation up.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import solara

from sim.dashboard import playback, run_charts
from sim.dashboard.controls import LeverPanel
from sim.dashboard.levers import (
    Levers,
    check,
    compose_config,
    default_shares,
    scenario_defaults,
    scenario_names,
)
from sim.dashboard.live import LiveRun

TITLES = {
    "specialisation": "Relative specialisation by sector and period",
    "employment": "Employment by sector group",
    "spearheads": "Spearhead value chains, with and without policy",
    "budget": "Budget by instrument",
    "roadmaps": "Roadmap milestones",
}


def levers_for(scenario: str, base: Levers | None = None) -> Levers:
    """Levers of ``scenario`` at its own defaults, keeping the economy and seed of ``base``."""
    spec = scenario_defaults(scenario)
    selection = spec.get("selection") or {}
    base = base or Levers()
    return replace(
        base,
        scenario=scenario,
        shares=default_shares(spec),
        rule=str(selection.get("rule", "")),
        picking=str(selection.get("picking", "")),
        spearheads=selection.get("spearheads"),
        policy_scope=str(spec.get("policy_scope", "")) if "policy_scope" in spec else "",
    )


levers = solara.reactive(None)
live = solara.reactive(None)
images = solara.reactive({})
charted = solara.reactive({})
"""The year each chart shows (the charts are drawn in turn while running)."""
running = solara.reactive(False)
failure = solara.reactive("")
speed = solara.reactive("")
tick = solara.reactive(0)
"""Counts redraws: the status reads it, so every redraw re-renders the status."""


def show(drawn: dict[str, bytes | str | int]) -> None:
    """Put drawn charts on the page, in place of their former drawings."""
    images.set(images.value | drawn)
    charted.set(charted.value | {name: drawn["year"] for name in drawn if name in TITLES})
    tick.set(tick.value + 1)


def redraw(run: LiveRun) -> None:
    """Draw every chart of ``run`` here and now."""
    show(run_charts.render(run_charts.gather(run)))


def rebuild(choice: Levers) -> None:
    """Build a fresh run from ``choice``; a bad setting becomes a one-line message."""
    running.set(False)
    speed.set("")
    if check(choice):
        return
    try:
        run = LiveRun.build(choice)
    except (ValueError, OSError) as exc:  # ConfigError and data errors are ValueErrors
        failure.set(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        live.set(None)
        images.set({})
        charted.set({})
        return
    failure.set("")
    live.set(run)
    redraw(run)


def play(cancel: threading.Event) -> None:
    """While ``running``: simulate year after year; draw in the painter process meanwhile."""
    run = live.value
    if not running.value or run is None:
        return
    playback.play(
        run,
        lambda: running.value and not cancel.is_set(),
        show,
        lambda rate: speed.set(f"{rate:.1f} simulated years/s"),
    )
    if live.value is run:  # not rebuilt meanwhile: draw every chart of where it stopped
        redraw(run)
    running.set(False)


@solara.component
def Status(run: LiveRun | None):
    """Where the run is: the last simulated year and the reported years done."""
    if run is None:
        return solara.Text("No run.")
    model = run.model
    total = len(model.recorder.years)
    phase = "burn-in" if model.year < model.start else f"{run.reported} of {total} reported years"
    text = (
        f"Year {model.year - 1} ({phase}) - scenario {run.levers.scenario}, "
        f"seed {run.levers.seed}, {model.economy.spec.n_firms} firms at the start"
    )
    if run.baseline is not None:
        text += ", paired with no_policy on the same seed"
    solara.Text(text, classes=["run-status"])
    solara.Text(f"redraws: {tick.value}", style={"display": "none"})
    if speed.value:
        solara.Text(speed.value, classes=["run-speed"])
    if charted.value:
        first, last = min(charted.value.values()), max(charted.value.values())
        shown = f"{first} to {last}" if first < last else str(last)
        solara.Text(f"charts of {shown}", classes=["run-charted"])


@solara.component
def Charts():
    """The charts of the current year."""
    shown = images.value
    # the seed chart spans the page (a bar group per sector); the others two per row
    with solara.ColumnsResponsive([12, 6, 6, 6, 6]):
        for name, title in TITLES.items():
            with solara.Card(title, classes=[f"chart-{name}"]):
                item = shown.get(name)
                if isinstance(item, bytes):
                    solara.Image(item, width="100%")
                elif item:
                    solara.Info(item, dense=True)


@solara.component
def RunPage():
    """The Run page."""
    scenarios = solara.use_memo(scenario_names, [])
    root = solara.use_memo(lambda: compose_config([]), [])

    def apply():
        # ready the drawing process before the first run
        playback.painter().submit(run_charts.warm_up)
        if levers.value is None:
            levers.set(levers_for("targeted"))
        else:
            rebuild(levers.value)

    solara.use_effect(apply, [levers.value])
    solara.use_thread(play, dependencies=[running.value], intrusive_cancel=False)

    def step():
        if live.value is not None and not running.value:
            live.value.step(1)
            redraw(live.value)

    run = live.value
    with solara.Sidebar():
        with solara.Card("Levers"):
            if levers.value is not None:
                LeverPanel(
                    levers,
                    scenarios,
                    lambda s: levers.set(levers_for(s, levers.value)),
                    has_scope="policy_scope" in root,
                    firms=int(root["economy"]["n_firms"]),
                )
    with solara.Column():
        solara.Title("s3sim: run")
        with solara.Row():
            solara.Button("Step", on_click=step, disabled=run is None or running.value)
            solara.Button(
                "Run",
                on_click=lambda: running.set(True),
                disabled=run is None or running.value or run.finished,
                color="primary",
            )
            solara.Button("Pause", on_click=lambda: running.set(False), disabled=not running.value)
            solara.Button("Reset", on_click=lambda: rebuild(levers.value))
        if failure.value:
            solara.Error(failure.value, classes=["run-failure"])
        Status(run)
        Charts()
