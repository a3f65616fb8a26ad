"""Averages over the runs of a scenario, read run by run (never all runs at once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.experiments.progress import progress
from sim.experiments.sweep import read_yaml


def mean_over_runs(
    run_dirs: Sequence[Path],
    file_name: str,
    keys: list[str],
    values: list[str],
    *,
    missing_as_zero: bool = False,
    desc: str | None = None,
) -> tuple[pd.DataFrame | None, int]:
    """Mean of ``values`` by ``keys`` over the runs that have ``file_name``.

    Files are read one at a time and summed into a running total, so memory holds one
    run's table plus the totals.

    Args:
        run_dirs: Run directories of one scenario.
        file_name: File to read in each run, e.g. ``"specialisation_periods.parquet"``.
        keys: Grouping columns.
        values: Columns to average.
        missing_as_zero: Whether a key absent from a run counts as 0 for that run (for
            flows such as disbursements) rather than being left out of its mean.
        desc: Label of the progress bar.

    Returns:
        The means (None when no run has the file with these columns) and the number of
        runs read.
    """
    total: pd.DataFrame | None = None
    count: pd.Series | None = None
    n_read = 0
    for run_dir in progress(run_dirs, desc=desc):
        path = Path(run_dir) / file_name
        if not path.is_file() or not {*keys, *values} <= set(pq.read_schema(path).names):
            continue
        frame = pd.read_parquet(path, columns=[*keys, *values])
        # min_count=1: a value missing in a run (rca of a sector without statistics)
        # stays missing instead of summing to 0
        sums = frame.groupby(keys, observed=True)[values].sum(min_count=1)
        ones = pd.Series(1, index=sums.index)
        total = sums if total is None else total.add(sums, fill_value=0.0)
        count = ones if count is None else count.add(ones, fill_value=0)
        n_read += 1
    if total is None or count is None:
        return None, 0
    means = total.div(n_read if missing_as_zero else count, axis=0)
    return means.reset_index(), n_read


def panel_rows(
    panel_dir: Path,
    region: str,
    columns: list[str],
    scenario: str | None = None,
) -> pd.DataFrame:
    """Read ``columns`` of the rows of ``region`` (and ``scenario``) from the panel.

    Only the named columns are read and the filter is pushed down to the Parquet files.

    Args:
        panel_dir: The panel dataset written by ``collect``.
        region: Region to keep.
        columns: Columns to read; ``scenario`` (the partition key) may be among them.
        scenario: Scenario to keep; all when None.

    Returns:
        The rows, as a pandas frame.
    """
    partitioning = ds.partitioning(pa.schema([("scenario", pa.string())]), flavor="hive")
    dataset = ds.dataset(panel_dir, format="parquet", partitioning=partitioning)
    condition = pc.field("region") == region
    if scenario is not None:
        condition = condition & (pc.field("scenario") == scenario)
    return dataset.to_table(columns=columns, filter=condition).to_pandas()


def sector_groups(config: Mapping[str, Any], employment_path: Path | None) -> dict[str, str]:
    """Map sectors to groups: config ``economy.sectors.<name>.group``, else a column.

    Args:
        config: A run's composed configuration.
        employment_path: A run's employment.parquet, searched for a ``sector_group``
            column when the configuration names no groups.

    Returns:
        Sector to group; empty when neither source has groups.
    """
    sectors = (config.get("economy") or {}).get("sectors")
    groups: dict[str, str] = {}
    if isinstance(sectors, Mapping):
        items: Iterable[tuple[Any, Any]] = sectors.items()
    elif isinstance(sectors, list):
        items = [(s.get("name"), s) for s in sectors if isinstance(s, Mapping)]
    else:
        items = []
    for name, spec in items:
        if isinstance(spec, Mapping) and spec.get("group") is not None and name is not None:
            groups[str(name)] = str(spec["group"])
    if groups or employment_path is None or not employment_path.is_file():
        return groups
    if "sector_group" not in pq.read_schema(employment_path).names:
        return {}
    frame = pd.read_parquet(employment_path, columns=["sector", "sector_group"])
    frame = frame.dropna().drop_duplicates("sector")
    return dict(zip(frame["sector"].astype(str), frame["sector_group"].astype(str), strict=True))


def spearhead_sectors(config_paths: Iterable[Path], sectors: Iterable[str]) -> list[str]:
    """Sectors named as spearheads in the configurations, when they can be told.

    Looks for lists under keys ``spearhead_sectors`` or ``spearheads`` anywhere in each
    configuration; names that are not sectors are looked up in a ``value_chains`` mapping
    (value chain to a list of sectors, or to a mapping with ``sectors``).

    Args:
        config_paths: config.yaml files, e.g. one per policy scenario.
        sectors: The known sectors.

    Returns:
        The spearhead sectors in order of appearance; empty when none are known.
    """
    known = {str(s) for s in sectors}
    found: list[str] = []
    for path in config_paths:
        config = read_yaml(path)
        chains = _find_key(config, ("value_chains",))
        for names in _find_lists(config, ("spearhead_sectors", "spearheads")):
            for name in names:
                if name in known:
                    found.append(name)
                elif isinstance(chains, Mapping) and name in chains:
                    members = chains[name]
                    if isinstance(members, Mapping):
                        members = members.get("sectors", [])
                    found += [str(s) for s in members or [] if str(s) in known]
    return list(dict.fromkeys(found))


def _find_key(node: Any, names: tuple[str, ...]) -> Any:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in names:
                return value
            hit = _find_key(value, names)
            if hit is not None:
                return hit
    return None


def _find_lists(node: Any, names: tuple[str, ...]) -> list[list[str]]:
    out: list[list[str]] = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in names and isinstance(value, list):
                out.append([str(v) for v in value if isinstance(v, str | int)])
            else:
                out += _find_lists(value, names)
    return out
