"""Parameter tables of docs/ODD.md from the typed config defaults and their docstrings.

Each field of a config dataclass carries its default and range (:func:`bounded`)
and, right below it, a docstring of the form ``(symbol) [unit] Meaning. Source:
reason.`` (symbol and unit optional). The economy's sectors and regions come from
the default economy config, configs/economy/default.yaml.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from sim.docgen.blocks import table
from sim.model import params

#: The dynamics groups of section 10, in the order of their tables.
GROUPS = {
    "competition": params.Competition,
    "knowledge": params.Knowledge,
    "innovation": params.Innovation,
    "demography": params.Demography,
    "clusters": params.Clusters,
    "pilots": params.Pilots,
    "prospects": params.Prospects,
}
DOC = re.compile(r"^(?:\((?P<symbol>[^)]+)\) )?(?:\[(?P<unit>[^\]]+)\] )?(?P<rest>.+)$", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class FieldDoc:
    """A config field's documentation, parsed from its docstring."""

    symbol: str
    unit: str
    meaning: str
    source: str


def field_docs(cls: type) -> dict[str, FieldDoc]:
    """The parsed docstrings of the fields of dataclass ``cls``, by field name.

    Raises:
        ValueError: A field without a docstring.
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body
    docs: dict[str, FieldDoc] = {}
    for node, after in zip(body, body[1:], strict=False):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                docs[node.target.id] = parse_doc(" ".join(str(after.value.value).split()))
    missing = [
        f.name
        for f in dataclasses.fields(cls)
        if f.name not in docs and not dataclasses.is_dataclass(_default(f))
    ]
    if missing:
        raise ValueError(f"{cls.__name__}: fields without a docstring: {', '.join(missing)}")
    return docs


def parse_doc(text: str) -> FieldDoc:
    """Split ``(symbol) [unit] Meaning. Source: reason.`` into its parts."""
    match = DOC.match(text)
    assert match is not None  # the pattern matches any non-empty text
    meaning, _, source = match.group("rest").partition(" Source: ")
    return FieldDoc(
        match.group("symbol") or "",
        match.group("unit") or "",
        meaning.rstrip("."),
        source.rstrip("."),
    )


def number(value: Any) -> str:
    """A default as the table prints it: 50,000; 0.6; [2, 2, 2, 1]; true."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(number(v) for v in value) + "]"
    return repr(value)


def value_range(field: dataclasses.Field) -> str:
    """The allowed range of a field, from its :func:`bounded` metadata."""
    rng = field.metadata.get("range")
    if rng is None:
        return ""
    low, high, low_open, high_open = rng
    if low is not None and high is not None:
        text = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    elif low is not None:
        text = f"{'>' if low_open else '≥'} {low:g}"
    else:
        text = f"{'<' if high_open else '≤'} {high:g}"
    return text + (" each" if isinstance(_default(field), list) else "")


def _default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    return field.default_factory()


def parameter_table(cls: type, prefix: str = "") -> str:
    """The table of one config dataclass: key, default, unit / range, meaning, source.

    Fields that are config dataclasses themselves (nested groups) are left out.
    """
    docs = field_docs(cls)
    rows = []
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(_default(f)):
            continue
        d = docs[f.name]
        key = f"`{prefix}{f.name}`" + (f" ({d.symbol})" if d.symbol else "")
        unit = ", ".join(x for x in (d.unit, value_range(f)) if x)
        rows.append([key, number(_default(f)), unit, d.meaning, d.source])
    return table(["key", "default", "unit / range", "meaning", "source or reason"], rows)


def sector_table(economy: dict[str, Any]) -> str:
    """The sectors of an economy config: group, shares, growth, R&D, VA per job, profile."""
    groups = {"mature_manufacturing": "MM", "other_industry": "OI", "services": "SV"}
    groups["emerging"] = "EM"
    short = " ".join(c[:4] for c in economy["capabilities"])
    rows = []
    for name, s in economy["sectors"].items():
        profile = " ".join(f"{v:g}".removeprefix("0") or "0" for v in s["profile"])
        values = [s.get(k, 0) for k in ("world_share", "demand_growth", "productivity_growth")]
        values += [s.get(k, 0) for k in ("demand_volatility", "rd_intensity", "va_per_job")]
        rows.append([f"`{name}`", groups[s["group"]], *(f"{v:g}" for v in values), profile])
    header = ["sector", "grp", "w_s", "μ_s", "π_s", "σ_s", "κ_s", "VA/job"]
    return table([*header, f"profile ({short})"], rows)


def region_table(economy: dict[str, Any]) -> str:
    """The regions of an economy config: jobs, wage level, initiative, sector tilt."""
    rows = []
    for name, r in economy["regions"].items():
        focal = " (focal)" if name == economy["focal_region"] else ""
        tilt = ", ".join(f"{s} {v:g}" for s, v in (r.get("tilt") or {}).items())
        vanguard = "yes" if r.get("vanguard") else "no"
        rows.append([f"`{name}`{focal}", f"{r['jobs']:,.0f}", f"{r['wage']:.2f}", vanguard, tilt])
    return table(["region", "jobs", "wage", "vanguard", "tilt"], rows)


def tag_lines(economy: dict[str, Any]) -> str:
    """Which sectors serve each challenge area and each EU priority area."""

    def serving(areas: list[str], key: str) -> str:
        return "; ".join(
            f"{area} ({', '.join(n for n, s in economy['sectors'].items() if area in s[key])})"
            for area in areas
        )

    return (
        f"Challenge areas: {serving(economy['challenge_areas'], 'challenges')}.\n\n"
        f"EU priority areas: {serving(economy['eu_priority_areas'], 'eu_priorities')}.\n"
    )


def run_table() -> str:
    """The top-level run settings (seed, budget scale, years, periods, outputs)."""
    from sim.config import settings

    parts = [("", settings.RunSettings), ("years.", settings.Years)]
    parts += [("periods.", settings.Periods), ("output.", settings.Output)]
    tables = [parameter_table(cls, prefix).splitlines(keepends=True) for prefix, cls in parts]
    return "".join(tables[0] + [row for t in tables[1:] for row in t[2:]])


def render(name: str, root: Path) -> str:
    """The generated block ``name`` of docs/ODD.md.

    ``dynamics.GROUP`` is a parameter table; ``economy.sectors`` and
    ``economy.regions`` the default economy's tables.
    """
    kind, _, part = name.partition(".")
    if kind == "dynamics":
        prefix = f"{part}." if part in ("clusters", "pilots") else ""
        return parameter_table(GROUPS[part], prefix)
    if kind == "economy":
        economy = yaml.safe_load((root / "configs/economy/default.yaml").read_text("utf-8"))
        tables = {"sectors": sector_table, "regions": region_table, "tags": tag_lines}
        return tables[part](economy)
    if name == "run":
        return run_table()
    raise KeyError(f"no generated parameter block {name!r}")
