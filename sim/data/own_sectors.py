"""An economy with the data's own sectors (``own_sectors: true`` in the mapping).

A mapping may define its own sectors (e.g. the ten A*10 groups) instead of the
model's 26 default sectors. Each own sector is made of NACE divisions; its
attributes are those of the default sectors it covers, and its relatedness comes
from the data (co-location across the file's regions) or from a matrix the user
supplies (:mod:`sim.data.relatedness_matrix`). See docs/data.md and docs/ODD.md.

Attributes of an own sector ``o`` (trend, volatility, productivity growth, R&D
intensity, value added per job, capability profile) are means over the default
sectors ``d`` weighted by ``w_od = world_share_d * |N_o & N_d| / |N_d|``, where
``N`` is a sector's set of NACE divisions (default sectors through the default
mapping): the part of ``d``'s world jobs that falls inside ``o``. The own sector's
world share is ``sum_d w_od``, renormalised over the own sectors; its group is the
group with the largest weight; it carries a challenge or EU-priority tag when the
default sectors with that tag hold at least half of its weight.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from sim.data.data_errors import DataError

if TYPE_CHECKING:
    from sim.data.initial import InitialEmployment
    from sim.data.mapping import SectorMapping
    from sim.model.economy import EconomySpec

_NUMERIC = (
    "demand_growth",
    "productivity_growth",
    "demand_volatility",
    "rd_intensity",
    "va_per_job",
)
TAG_SHARE = 0.5
"""Share of an own sector's weight that default sectors with a tag must hold to pass it on."""


def coverage_weights(smap: SectorMapping, default: SectorMapping, shares: np.ndarray) -> np.ndarray:
    """``w_od``: world jobs of default sector ``d`` inside own sector ``o`` (see module doc).

    Args:
        smap: The own sectors' mapping.
        default: The default sectors' mapping (``economy.sectors`` order).
        shares: (D,) world shares of the default sectors.

    Returns:
        Weights, shape (own sectors, default sectors).

    Raises:
        DataError: An own sector covers no division of any default sector.
    """

    def divisions(m: SectorMapping, sector: str) -> frozenset[int]:
        return frozenset().union(*(e.divisions for e in m.entries if e.sector == sector))

    own = [divisions(smap, o) for o in smap.sectors]
    base = [divisions(default, d) for d in default.sectors]
    weights = np.zeros((len(own), len(base)))
    for i, n_o in enumerate(own):
        for j, n_d in enumerate(base):
            if n_d:
                weights[i, j] = shares[j] * len(n_o & n_d) / len(n_d)
        if weights[i].sum() <= 0:
            raise DataError(
                f"sector {smap.sectors[i]}: its codes cover no division of the default "
                "sectors with a world share, so it has no trend, productivity or R&D intensity",
                smap.source,
            )
    return weights


def own_economy_spec(spec: EconomySpec, smap: SectorMapping) -> EconomySpec:
    """The economy config with the mapping's own sectors in place of the default ones.

    Args:
        spec: The economy config (its sectors are the default sectors).
        smap: A mapping with ``own_sectors``.

    Raises:
        DataError: The default mapping does not list ``economy.sectors``, or an own
            sector covers none of their divisions.
    """
    from sim.data.mapping import default_mapping_path, load_mapping
    from sim.model.economy import SECTOR_GROUPS, SectorSpec

    default = load_mapping(None)
    if list(default.sectors) != list(spec.sectors):
        raise DataError(
            "own sectors take their attributes from economy.sectors through the default "
            f"mapping, whose sectors differ from economy.sectors ({default_mapping_path()})",
            smap.source,
        )
    secs = [spec.sectors[d] for d in default.sectors]
    shares = np.array([s.world_share for s in secs])
    weights = coverage_weights(smap, default, shares)
    mean = weights / weights.sum(axis=1, keepdims=True)
    world = weights.sum(axis=1) / weights.sum()
    groups = np.array([SECTOR_GROUPS.index(s.group) for s in secs])
    profiles = np.array([s.profile for s in secs], dtype=float)
    sectors = {}
    for o, name in enumerate(smap.sectors):
        by_group = np.bincount(groups, weights=mean[o], minlength=len(SECTOR_GROUPS))
        sectors[name] = SectorSpec(
            group=SECTOR_GROUPS[int(np.argmax(by_group))],
            world_share=float(world[o]),
            profile=[float(v) for v in mean[o] @ profiles],
            challenges=_tags(mean[o], [s.challenges for s in secs], spec.challenge_areas),
            eu_priorities=_tags(mean[o], [s.eu_priorities for s in secs], spec.eu_priority_areas),
            **{k: float(mean[o] @ np.array([getattr(s, k) for s in secs])) for k in _NUMERIC},
        )
    return replace(spec, sectors=sectors)


def _tags(weights: np.ndarray, tags: list[list[str]], areas: list[str]) -> list[str]:
    return [
        a
        for a in areas
        if sum(w for w, t in zip(weights, tags, strict=True) if a in t) >= TAG_SHARE
    ]


def own_relatedness(smap: SectorMapping, init: InitialEmployment) -> np.ndarray:
    """The own sectors' relatedness: the mapping's matrix, else co-location in the data."""
    from sim.data.relatedness_matrix import colocation_relatedness, read_relatedness

    if smap.relatedness is not None:
        return read_relatedness(smap.relatedness, list(smap.sectors))
    return colocation_relatedness(
        np.asarray(init.employment), np.asarray(init.rest_of_world), init.source
    )
