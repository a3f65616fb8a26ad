"""The economy's structure: sectors, regions, relatedness and the initial employment.

An :class:`Economy` is built once from the ``economy`` config group and then
read by every mechanism as plain numpy arrays indexed by region and sector.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config.schema import bounded, parse
from sim.errors import ConfigError
from sim.metrics import cosine_relatedness
from sim.metrics.relatedness import without_markets

SECTOR_GROUPS = ("mature_manufacturing", "other_industry", "services", "emerging")
GROUP_LABELS = {
    "mature_manufacturing": "mature manufacturing",
    "other_industry": "other industry",
    "services": "services",
    "emerging": "emerging value chains",
}
REST_OF_WORLD = "rest_of_world"


@dataclass(frozen=True)
class SectorSpec:
    """One sector as configured (see configs/economy/default.yaml for units)."""

    group: str
    world_share: float = bounded(0.0, 0.0, 1.0)
    demand_growth: float = bounded(0.0, -0.5, 0.5)
    productivity_growth: float = bounded(0.0, -0.5, 0.5)
    demand_volatility: float = bounded(0.0, 0.0, 1.0)
    rd_intensity: float = bounded(0.0, 0.0, 1.0)
    va_per_job: float = bounded(50.0, 0.0, low_open=True)
    profile: list[float] = bounded([], 0.0)
    challenges: list[str] = field(default_factory=list)
    eu_priorities: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RegionSpec:
    """One region as configured: size, wage level, initiative membership, sector tilt."""

    jobs: float = bounded(100000.0, 0.0, low_open=True)
    wage: float = bounded(1.0, 0.0, low_open=True)
    vanguard: bool = False
    tilt: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RestOfWorldSpec:
    """The exogenous rest of the world that completes the reference area."""

    scale: float = bounded(9.0, 0.0)


@dataclass(frozen=True)
class EconomySpec:
    """The whole ``economy`` config group."""

    name: str
    sectors: dict[str, SectorSpec]
    regions: dict[str, RegionSpec]
    focal_region: str
    capabilities: list[str]
    n_firms: int = bounded(50000, 1)
    synthetic: bool = True
    description: str = ""
    challenge_areas: list[str] = field(default_factory=list)
    eu_priority_areas: list[str] = field(default_factory=list)
    rest_of_world: RestOfWorldSpec = field(default_factory=RestOfWorldSpec)
    source: str = "synthetic"

    @classmethod
    def from_config(cls, data) -> EconomySpec:
        """Parse and cross-check the ``economy`` config group."""
        spec = parse(cls, data, "economy")
        spec.check()
        return spec

    def check(self) -> None:
        """Cross-field rules: names, profile lengths, shares that add up."""
        if not self.sectors:
            raise ConfigError("economy.sectors: at least one sector is needed")
        if not self.regions:
            raise ConfigError("economy.regions: at least one region is needed")
        if self.source not in ("synthetic", "data"):
            raise ConfigError(f"economy.source = {self.source!r}: must be synthetic or data")
        if self.source == "data":
            return self._check_sectors()
        if REST_OF_WORLD in self.regions:
            raise ConfigError(f"economy.regions.{REST_OF_WORLD}: the name is reserved")
        if self.focal_region not in self.regions:
            raise ConfigError(
                f"economy.focal_region = {self.focal_region!r}: not a region "
                f"(regions: {', '.join(self.regions)})"
            )
        for name, r in self.regions.items():
            for sector, factor in r.tilt.items():
                if sector not in self.sectors:
                    raise ConfigError(f"economy.regions.{name}.tilt.{sector}: unknown sector")
                if not factor > 0:
                    raise ConfigError(
                        f"economy.regions.{name}.tilt.{sector} = {factor}: must be > 0"
                    )
        self._check_sectors()

    def _check_sectors(self) -> None:
        k = len(self.capabilities)
        for name, s in self.sectors.items():
            where = f"economy.sectors.{name}"
            if s.group not in SECTOR_GROUPS:
                raise ConfigError(
                    f"{where}.group = {s.group!r}: must be one of {', '.join(SECTOR_GROUPS)}"
                )
            if len(s.profile) != k:
                raise ConfigError(
                    f"{where}.profile: has {len(s.profile)} weights, economy.capabilities has {k}"
                )
            if sum(s.profile) <= 0:
                raise ConfigError(f"{where}.profile: all weights are zero")
            for key, known, values in (
                ("challenges", self.challenge_areas, s.challenges),
                ("eu_priorities", self.eu_priority_areas, s.eu_priorities),
            ):
                for v in values:
                    if v not in known:
                        raise ConfigError(f"{where}.{key}: unknown area {v!r}")
        total = sum(s.world_share for s in self.sectors.values())
        if abs(total - 1.0) > 1e-6:
            raise ConfigError(f"economy.sectors.*.world_share: add up to {total:.6g}, not 1")


@dataclass
class Economy:
    """Arrays describing regions and sectors, indexed [region] and [sector].

    Attributes:
        sectors: Sector names, in config order.
        regions: Model region names (the rest of the world is not among them).
        relatedness: (S, S) cosine similarity of capability profiles, diagonal 1.
        employment: (R, S) initial jobs by region and sector.
        rest_of_world: (S,) initial jobs of the rest of the world.
        statistics: (S,) whether the initial employment of a sector is known (False
            for a sector a data file has no statistics for; all True when synthetic).
        closed: Whether the reference area is the model regions alone (from data with
            ``data.reference=all``): no rest of the world exists to serve a market.
        anchored: Whether the initial state is the economy's equilibrium (from data with
            ``data.anchored=true``): the congestion premium and the relatedness advantage
            act on the departures from the initial rca and density (docs/ODD.md 6).
        settle: Settling years before the first year (from data, ``data.settle``): the
            drawn firms run with the data's cells restored after each (sim.model.settle).
    """

    spec: EconomySpec
    sectors: list[str]
    regions: list[str]
    group: np.ndarray
    world_share: np.ndarray
    demand_growth: np.ndarray
    productivity_growth: np.ndarray
    demand_volatility: np.ndarray
    rd_intensity: np.ndarray
    va_per_job: np.ndarray
    relatedness: np.ndarray
    challenge: np.ndarray
    eu_priority: np.ndarray
    wage: np.ndarray
    vanguard: np.ndarray
    employment: np.ndarray
    rest_of_world: np.ndarray
    focal: int
    statistics: np.ndarray | None = None
    closed: bool = False
    anchored: bool = False
    settle: int = 0

    def __post_init__(self) -> None:
        if self.statistics is None:
            self.statistics = np.ones(len(self.sectors), dtype=bool)

    @property
    def n_regions(self) -> int:
        """Number of model regions."""
        return len(self.regions)

    @property
    def n_sectors(self) -> int:
        """Number of sectors."""
        return len(self.sectors)

    @property
    def emerging(self) -> np.ndarray:
        """Boolean mask of the emerging value chains."""
        return self.group == SECTOR_GROUPS.index("emerging")

    def sector_index(self, name: str, where: str) -> int:
        """Index of sector ``name``; ConfigError naming ``where`` if unknown."""
        try:
            return self.sectors.index(name)
        except ValueError:
            raise ConfigError(
                f"{where}: unknown sector {name!r} (sectors of this economy: "
                f"{', '.join(self.sectors)})"
            ) from None

    def region_index(self, name: str, where: str) -> int:
        """Index of region ``name``; ConfigError naming ``where`` if unknown."""
        try:
            return self.regions.index(name)
        except ValueError:
            raise ConfigError(f"{where}: unknown region {name!r}") from None

    def sector_groups(self) -> dict[str, str]:
        """Map each sector to its readable group label (for plots)."""
        return {
            s: GROUP_LABELS[SECTOR_GROUPS[g]] for s, g in zip(self.sectors, self.group, strict=True)
        }

    @classmethod
    def from_spec(
        cls,
        spec: EconomySpec,
        employment: np.ndarray | None = None,
        rest_of_world: np.ndarray | None = None,
        regions: list[str] | None = None,
        relatedness: np.ndarray | None = None,
        statistics: np.ndarray | None = None,
        closed: bool = False,
    ) -> Economy:
        """Build the arrays; employment defaults to the synthetic, tilted mix.

        Args:
            spec: The validated economy config.
            employment: (R, S) initial jobs to use instead of the synthetic mix
                (e.g. read from data); ``regions`` then names its rows.
            rest_of_world: (S,) jobs of the rest of the world to go with it.
            regions: Region names for the rows of ``employment``.
            relatedness: (S, S) relatedness to use instead of the profiles' cosine
                (the data's own sectors).
            statistics: (S,) whether each sector's initial employment is known.
            closed: The reference area is the model regions alone (no rest of world).
        """
        sectors = list(spec.sectors)
        secs = [spec.sectors[s] for s in sectors]

        def col(name):
            return np.array([getattr(s, name) for s in secs], dtype=float)

        world_share = col("world_share")
        if employment is None:
            regions = list(spec.regions)
            tilt = np.array([[spec.regions[r].tilt.get(s, 1.0) for s in sectors] for r in regions])
            mix = world_share * tilt
            mix /= mix.sum(axis=1, keepdims=True)
            jobs = np.array([spec.regions[r].jobs for r in regions])
            employment = jobs[:, None] * mix
            rest_of_world = spec.rest_of_world.scale * jobs.sum() * world_share
        regions = list(regions)
        profiles = np.array([s.profile for s in secs], dtype=float)
        region_specs = [spec.regions.get(r, RegionSpec()) for r in regions]
        focal = regions.index(spec.focal_region) if spec.focal_region in regions else 0
        return cls(
            spec=spec,
            sectors=sectors,
            regions=regions,
            group=np.array([SECTOR_GROUPS.index(s.group) for s in secs]),
            world_share=world_share,
            demand_growth=col("demand_growth"),
            productivity_growth=col("productivity_growth"),
            demand_volatility=col("demand_volatility"),
            rd_intensity=col("rd_intensity"),
            va_per_job=col("va_per_job") / 1000.0,  # million EUR per job
            relatedness=without_markets(
                cosine_relatedness(profiles) if relatedness is None else relatedness,
                closed and np.asarray(employment).sum(axis=0) <= 0,
            ),
            challenge=np.array([[a in s.challenges for a in spec.challenge_areas] for s in secs]),
            eu_priority=np.array(
                [[a in s.eu_priorities for a in spec.eu_priority_areas] for s in secs]
            ),
            wage=np.array([r.wage for r in region_specs]),
            vanguard=np.array([r.vanguard for r in region_specs]),
            employment=np.asarray(employment, dtype=float),
            rest_of_world=np.asarray(rest_of_world, dtype=float),
            focal=focal,
            statistics=None if statistics is None else np.asarray(statistics, dtype=bool),
            closed=closed,
        )
