"""Reading a run directory for validation, with one-line errors on bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

FIRM_COLUMNS = ("year", "firm_id", "region", "sector", "employment", "age")
SPEC_COLUMNS = ("year", "region", "sector", "rca", "rsca", "relatedness_density")
#: Firm-panel columns the statistics use (region and sector are checked, not read).
FIRM_USED = ("year", "firm_id", "employment", "age")
_INT = ("year", "firm_id", "age")
_FLOAT = ("employment", "rca", "rsca", "relatedness_density")


class InputError(Exception):
    """Bad input: the message is one line naming the path and the problem."""


@dataclass(frozen=True)
class RunData:
    """The files of one run directory that validation reads.

    Attributes:
        path: The run directory.
        firms: Firm panel (``firms.parquet``): ``year, firm_id, employment, age``.
        spec: Specialisation panel (``specialisation.parquet``).
        summary: Contents of ``summary.json`` (empty when the file is absent).
    """

    path: Path
    firms: pd.DataFrame
    spec: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Short description: path, scenario and seed when known."""
        extra = [
            f"{key} {self.summary[key]}" for key in ("scenario", "seed") if key in self.summary
        ]
        return f"{self.path}" + (f" ({', '.join(extra)})" if extra else "")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _read_parquet(
    path: Path, columns: tuple[str, ...], keys: list[str], used: tuple[str, ...]
) -> pd.DataFrame:
    """Check that all ``columns`` exist, read the ``used`` ones and coerce their types."""
    try:
        names = pq.read_schema(path).names
    except Exception as exc:  # any reader failure is bad input
        raise InputError(f"cannot read {path}: {_one_line(exc)}") from None
    missing = [c for c in columns if c not in names]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    try:
        frame = pd.read_parquet(path, columns=list(used))
    except Exception as exc:
        raise InputError(f"cannot read {path}: {_one_line(exc)}") from None
    for col in used:
        try:
            if col in _INT:
                frame[col] = frame[col].astype("int64")
            elif col in _FLOAT:
                frame[col] = frame[col].astype("float64")
            else:
                frame[col] = frame[col].astype(str)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{path}: column {col} has bad values ({_one_line(exc)})") from None
    dup = int(frame.duplicated(subset=keys).sum())
    if dup:
        raise InputError(f"{path}: {dup} duplicate ({', '.join(keys)}) rows")
    return frame


def _read_summary(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {_one_line(exc)}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object")
    return data


def load_run(run_dir: Path | str) -> RunData:
    """Read and check one run directory.

    ``firms.parquet`` and ``specialisation.parquet`` are required;
    ``summary.json`` is optional and only its ``scenario`` and ``seed`` are used.

    Args:
        run_dir: The run directory.

    Returns:
        The run's data.

    Raises:
        InputError: A missing directory or file, an unreadable file, a missing
            column, a non-numeric value or duplicate keys.
    """
    run_dir = Path(run_dir)
    if not run_dir.exists():
        raise InputError(f"run directory not found: {run_dir}")
    if not run_dir.is_dir():
        raise InputError(f"not a directory: {run_dir}")
    if not (run_dir / "_COMPLETE").is_file():
        raise InputError(f"{run_dir}: not a finished run (no _COMPLETE): run it again to the end")
    firms_path = run_dir / "firms.parquet"
    if not firms_path.is_file():
        raise InputError(f"firms.parquet not found in {run_dir}: run with output.firm_panel=true")
    spec_path = run_dir / "specialisation.parquet"
    if not spec_path.is_file():
        raise InputError(f"specialisation.parquet not found in {run_dir}")
    firms = _read_parquet(firms_path, FIRM_COLUMNS, ["year", "firm_id"], FIRM_USED)
    spec = _read_parquet(spec_path, SPEC_COLUMNS, ["year", "region", "sector"], SPEC_COLUMNS)
    return RunData(run_dir, firms, spec, _read_summary(run_dir / "summary.json"))


def load_runs(run_dirs: list[Path] | list[str]) -> list[RunData]:
    """Read several run directories, refusing one given twice.

    Args:
        run_dirs: Run directories (at least one).

    Returns:
        One :class:`RunData` per directory, in the given order.

    Raises:
        InputError: No directory, a directory given twice, or bad input in one.
    """
    if not run_dirs:
        raise InputError("no run directory given")
    seen: set[Path] = set()
    runs = []
    for raw in run_dirs:
        run = load_run(raw)
        resolved = run.path.resolve()
        if resolved in seen:
            raise InputError(f"run directory given twice: {run.path}")
        seen.add(resolved)
        runs.append(run)
    return runs
