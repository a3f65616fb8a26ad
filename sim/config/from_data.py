"""An economy whose initial state comes from a statistics file (``economy=from_data``).

The regions and their employment are read with sim.data; sectors come from the
economy config or, with a mapping of the data's own sectors, from the mapping. How
the model treats that state (anchored, settled) is carried on the economy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from sim.config.limits import Limits
from sim.config.settings import DataSpec, RunSettings
from sim.errors import ConfigError
from sim.model.economy import Economy, EconomySpec, RegionSpec


def check_data_years(settings: RunSettings, data: Mapping[str, Any]) -> None:
    """A run from data starts the year after the data's year (the state at its end)."""
    first = settings.years.start - settings.years.burn_in
    if first != data.get("year", 0) + 1:
        raise ConfigError(
            f"years.start = {settings.years.start} with years.burn_in = {settings.years.burn_in}: "
            f"a run from data.year = {data.get('year')} simulates first the year "
            f"{data.get('year', 0) + 1} (e.g. years.start={data.get('year', 0) + 1} "
            "years.burn_in=0)"
        )


def economy_from_data(spec: EconomySpec, data: DataSpec, limits: Limits | None = None) -> Economy:
    """Regions' employment by sector read from a statistics export (sim.data).

    Sectors (profiles, trends, tags) come from the economy config, or, with a
    mapping of its own sectors, from the mapping (sim.data.own_sectors); the
    regions and their employment, exactly as in the file after mapping, from the
    data. Sectors the file has no statistics for start with no jobs and are marked
    (``Economy.statistics``); under ``data.reference=all`` the reference area is
    closed: no rest of the world, no latent market (sim.model.world.WorldMarkets).
    """
    from sim.data import load_initial_employment, load_mapping
    from sim.data.own_sectors import own_economy_spec, own_relatedness

    limits = limits or Limits()

    for key in ("path", "year"):
        if getattr(data, key) is None:
            raise ConfigError(f"data.{key}: required with economy=from_data")
    if not data.regions:
        raise ConfigError("data.regions: name at least one region of the file")
    mapping = load_mapping(data.mapping)

    def read(regions: list[str]):
        return load_initial_employment(
            data.path,
            mapping,
            year=data.year,
            regions=regions,
            reference=data.reference,
            layout=data.layout,
            unknown_codes=data.unknown_codes,
            missing=data.missing,
            max_bytes=limits.data_bytes,
            max_rows=limits.data_rows,
            filters=data.filters or None,
        )

    init = read(data.regions)
    relatedness = None
    if data.colocation_regions and not (mapping.own_sectors and mapping.relatedness is None):
        raise ConfigError(
            "data.colocation_regions: used only for the co-location relatedness of the data's "
            "own sectors (a mapping with own_sectors: true and no relatedness file)"
        )
    if mapping.own_sectors:
        colocation = read(data.colocation_regions) if data.colocation_regions else init
        spec, relatedness = own_economy_spec(spec, mapping), own_relatedness(mapping, colocation)
    elif list(init.sectors) != list(spec.sectors):
        extra = sorted(set(init.sectors) ^ set(spec.sectors))
        raise ConfigError(
            f"data.mapping: its sectors differ from economy.sectors ({', '.join(extra[:5])})"
        )
    focal = data.focal or init.regions[0]
    if focal not in init.regions:
        raise ConfigError(f"data.focal = {focal!r}: not among data.regions")
    for name in data.vanguard:
        if name not in init.regions:
            raise ConfigError(f"data.vanguard: {name!r} is not among data.regions")
    employment = np.asarray(init.employment, dtype=float)
    rest = np.array(init.rest_of_world, dtype=float)
    regions = {r: RegionSpec(vanguard=r in data.vanguard) for r in init.regions}
    spec = replace(spec, regions=regions, focal_region=focal, synthetic=False)
    economy = Economy.from_spec(
        spec,
        employment=employment,
        rest_of_world=rest,
        regions=list(init.regions),
        relatedness=relatedness,
        statistics=np.array([s not in init.without_statistics for s in spec.sectors]),
        closed=data.reference == "all",
    )
    economy.anchored, economy.settle = data.anchored, data.settle
    return economy
