"""The selection of a load: the rules and regions asked for, and why a selection is empty."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sim.data.data_errors import DataError, show
from sim.data.readers import Observations


def check_choice(value: str, allowed: Sequence[str], name: str, source: str) -> None:
    """Raise a DataError unless ``value`` (the argument ``name``) is one of ``allowed``."""
    if value not in allowed:
        raise DataError(f"{name}={value!r} is not one of {', '.join(allowed)}", source)


def listing(items: Iterable[object], limit: int = 30) -> str:
    """Items joined by commas, cut after ``limit`` with the count."""
    items = [str(i) for i in items]
    more = f", ... ({len(items)} in all)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def region_list(regions: Iterable[str], reference: str, source: str) -> list[str]:
    """The model regions asked for, checked: a non-empty list without repeats or the reference."""
    if isinstance(regions, str):
        raise DataError(f"regions must be a list of region codes, not {regions!r}", source)
    wanted = [str(r).strip() for r in regions]
    if not wanted:
        raise DataError("empty selection: no regions asked for", source)
    for i, region in enumerate(wanted):
        if region in wanted[:i]:
            raise DataError(f"region {region} is asked for twice", source)
    if reference in wanted:
        raise DataError(f"the reference area {reference} is also a model region", source)
    return wanted


def explain_absent(
    obs: Observations, year: int, areas: list[str], filters: Mapping[str, object] | None
) -> None:
    """Raise the error that says why a region has no rows in ``year`` (whole file read)."""
    frame, source = obs.frame, obs.source
    if frame.empty:
        kept = " that pass the filters" if filters else ""
        raise DataError(f"empty selection: the file holds no observations{kept}", source)
    years = sorted(set(frame["year"].tolist()))
    if year not in years:
        raise DataError(f"year {year} is not in the file; years present: {listing(years)}", source)
    present = list(dict.fromkeys(frame["region"].tolist()))
    for region in areas:
        if region not in present:
            raise DataError(
                f"region {show(region)} is not in the file; regions present: {listing(present)}",
                source,
            )
    in_year = set(frame.loc[frame["year"] == year, "region"].tolist())
    region = next((r for r in areas if r not in in_year), areas[0])
    raise DataError(f"empty selection: no rows for region {region} in {year}", source)
