"""Atomic file writing: a reader never sees a partial file.

Every writer writes to a temporary file in the target's directory and renames
it over the target (``os.replace`` is atomic on POSIX within one filesystem).
Inside a run (:func:`sim.outputs.manifest.recording`) the target is listed in
the run's manifest first. Files get the usual mode (0666 less the umask), as
plots do, not the 0600 of a temporary file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.outputs.manifest import COMPLETE, completion_text, note_write

if TYPE_CHECKING:  # a frame comes from the caller: importing pandas here costs every command
    import pandas as pd

COMPLETE_MARKER = COMPLETE


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # read once: setting the umask is not thread-safe


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path``."""
    path = Path(path)
    note_write(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write text atomically."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(path: str | os.PathLike, data: Any) -> Path:
    """Write JSON atomically (NaN written as null)."""
    text = json.dumps(_nan_to_none(data), indent=2, sort_keys=False)
    return write_text(path, text + "\n")


def write_parquet(path: str | os.PathLike, frame: pd.DataFrame) -> Path:
    """Write a frame as Parquet atomically, without the index."""
    return atomic_write(path, lambda p: frame.to_parquet(p, index=False))


def mark_complete(run_dir: str | os.PathLike) -> Path:
    """Write the completion marker, the last file of every finished run, with the
    SHA-256 of each file the run listed in its manifest."""
    return write_text(Path(run_dir) / COMPLETE_MARKER, completion_text(Path(run_dir)))


def is_complete(run_dir: str | os.PathLike) -> bool:
    """Whether a run directory holds a finished result."""
    return (Path(run_dir) / COMPLETE_MARKER).is_file()


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_to_none(v) for v in value]
    return value
