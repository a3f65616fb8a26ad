"""What a runs.parquet was collected from, and its atomic writing.

s3sim-collect records in the table's schema metadata a digest of the sweep it read
(:func:`sweep_source`); the tools read the table back only while the digest still
matches the sweep, so a table collected from another sweep into the same ``--out``, or
before a run was edited, is collected again instead of served stale.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.sweep import relative

#: Key of the schema metadata of runs.parquet that records what it was collected from.
SOURCE_KEY = b"s3sim.sweep_source"


def sweep_source(sweep_dir: Path, complete: list[Path]) -> str:
    """A digest of the sweep a runs.parquet is collected from.

    The sweep's resolved path and, for each complete run, the name, size and
    modification time of each of its files. runs.parquet is read again only while
    this is unchanged: another sweep collected into the same ``--out``, or a run's
    file edited after collecting, collects anew.
    """
    digest = hashlib.sha256(str(sweep_dir.resolve()).encode())
    for run in sorted(complete, key=lambda p: relative(p, sweep_dir)):
        digest.update(relative(run, sweep_dir).encode() + b"\0")
        for entry in sorted(os.scandir(run), key=lambda e: e.name):
            if entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                digest.update(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def write_parquet_atomic(
    frame: pd.DataFrame, path: Path, metadata: dict[bytes, bytes] | None = None
) -> None:
    """Write ``frame`` to ``path`` through a temporary file, with schema ``metadata``."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if metadata:
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
