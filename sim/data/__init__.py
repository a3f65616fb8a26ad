"""Start the model from published statistics: regional employment by activity.

Reads Eurostat and OECD SDMX-CSV exports and a plain long CSV, maps NACE Rev. 2
codes to model sectors with an editable YAML mapping, and builds the initial
employment of the model regions (and of the rest of the reference area).
See docs/data.md.

Example::

    from sim.data import example_path, load_initial_employment

    init = load_initial_employment(
        example_path("example_eurostat_nama_10r_2x10e.csv"),
        example_path("nace_mapping.yaml"),
        year=2008,
        regions=["BE21", "BE22", "BE23", "BE24"],
        reference="EU27_2020",
    )
"""

from pathlib import Path

from sim.data.data_errors import DataError
from sim.data.initial import (
    MISSING_RULES,
    UNKNOWN_RULES,
    InitialEmployment,
    load_initial_employment,
)
from sim.data.mapping import (
    MappingEntry,
    SectorMapping,
    default_mapping_path,
    examples_dir,
    load_mapping,
)
from sim.data.nace import A10, A21, A38, divisions, normalise, render
from sim.data.readers import (
    Observations,
    detect_layout,
    read_eurostat,
    read_long,
    read_observations,
    read_oecd,
)


def example_path(name: str) -> Path:
    """Path of an example file shipped in ``sim/data/examples`` (e.g. ``"example_long.csv"``)."""
    return examples_dir() / name


__all__ = [
    "A10",
    "A21",
    "A38",
    "MISSING_RULES",
    "UNKNOWN_RULES",
    "DataError",
    "InitialEmployment",
    "MappingEntry",
    "Observations",
    "SectorMapping",
    "default_mapping_path",
    "detect_layout",
    "divisions",
    "example_path",
    "examples_dir",
    "load_initial_employment",
    "load_mapping",
    "normalise",
    "read_eurostat",
    "read_long",
    "read_observations",
    "read_oecd",
    "render",
]
