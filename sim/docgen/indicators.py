"""The summary.json part of docs/outputs.md, from the summary's own schema."""

from __future__ import annotations

from sim.docgen.blocks import table
from sim.outputs.summary import FIELDS, INDICATORS


def render(name: str) -> str:
    """The generated block ``summary.fields`` or ``summary.indicators``."""
    if name == "summary.fields":
        return table(["key", "content"], [[f"`{k}`", v] for k, v in FIELDS.items()])
    if name == "summary.indicators":
        return table(["indicator", "meaning"], [[f"`{k}`", v] for k, v in INDICATORS.items()])
    raise KeyError(f"no generated summary block {name!r}")
