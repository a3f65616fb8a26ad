"""A run's folder and the manifest of the files it wrote: a run never touches anything else.

``_MANIFEST`` lists, one relative path a line, every file a run of this folder
wrote; a name is added *before* its file is written, so even a run killed
mid-write left nothing unlisted. Re-running removes only listed files (and
their temporary siblings ``.NAME.*.tmp``); a folder without a manifest that
holds anything but Hydra's own ``.hydra/`` and ``*.log`` is refused.
``_COMPLETE`` carries the SHA-256 of each listed file, so a resumed sweep
re-checks a finished run before skipping it.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from sim.errors import ConfigError

MANIFEST = "_MANIFEST"
COMPLETE = "_COMPLETE"
#: Entries of a folder that Hydra writes itself before a run starts.
HYDRA_OWN = (".hydra",)
#: System folders no run writes into.
SYSTEM_ROOTS = ("/proc", "/sys", "/dev")

_recording: contextvars.ContextVar[Path | None] = contextvars.ContextVar("run_folder", default=None)


class RunFolderError(ConfigError):
    """A run folder cannot be used; the one-line message says how to proceed."""


def _hydra_own(entry: Path) -> bool:
    return entry.name in HYDRA_OWN or (entry.is_file() and entry.suffix == ".log")


def foreign_entries(folder: Path) -> list[str]:
    """What a folder without a manifest holds besides Hydra's own files."""
    if not folder.is_dir() or (folder / MANIFEST).is_file():
        return []
    return sorted(e.name for e in folder.iterdir() if not _hydra_own(e))


def _check_place(folder: Path, key: str) -> Path:
    resolved = folder.resolve()
    if any(resolved == Path(r) or Path(r) in resolved.parents for r in SYSTEM_ROOTS):
        raise RunFolderError(f"{key} = {folder}: a system folder; choose a folder for outputs")
    if resolved.exists() and not resolved.is_dir():
        raise RunFolderError(f"{key} = {folder}: is a file, not a folder")
    existing = resolved
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise RunFolderError(f"{key} = {folder}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise RunFolderError(f"{key} = {folder}: {existing} is not writable")
    return resolved


def check_run_folder(folder: Path, key: str = "hydra.run.dir") -> bool:
    """Refuse a run folder that is a file, not writable, or holds files no run wrote.

    Returns:
        Whether the folder does not exist yet (the run will create it).
    """
    resolved = _check_place(folder, key)
    foreign = foreign_entries(resolved)
    if foreign:
        raise RunFolderError(
            f"{key} = {folder}: holds files no s3sim run wrote ({', '.join(foreign[:3])}); "
            "choose a new or empty folder (nothing was changed)"
        )
    return not resolved.exists()


def check_sweep_folder(folder: Path, key: str = "hydra.sweep.dir") -> None:
    """Refuse a sweep folder holding files of something other than an s3sim sweep."""
    resolved = _check_place(folder, key)
    if not resolved.is_dir() or (resolved / "multirun.yaml").is_file():
        return
    if not any(resolved.iterdir()) or any(resolved.glob(f"*/{MANIFEST}")):
        return
    if any(any(resolved.glob(f"*/{mark}")) for mark in (".hydra", COMPLETE)):
        return  # jobs of a sweep (killed before Hydra's multirun.yaml, or copied)
    names = sorted(e.name for e in resolved.iterdir())
    raise RunFolderError(
        f"{key} = {folder}: holds files no s3sim sweep wrote ({', '.join(names[:3])}); "
        "choose a new or empty folder (nothing was changed)"
    )


def own_files(folder: Path) -> list[str]:
    """The files listed in the folder's manifest (relative POSIX paths, in order)."""
    try:
        lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return list(dict.fromkeys(line for line in lines if line and ".." not in line.split("/")))


def claim(folder: Path) -> None:
    """Make ``folder`` a run folder: refused if it holds foreign files, else a manifest."""
    check_run_folder(folder, "run folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).touch()


def clear(folder: Path) -> None:
    """Remove the files this folder's runs wrote, their temporary siblings, and no other."""
    emptied = set()
    for rel in own_files(folder):
        path = folder / rel
        path.unlink(missing_ok=True)
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            tmp.unlink(missing_ok=True)
        emptied.add(path.parent)
    for parent in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        if parent != folder and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
    (folder / COMPLETE).unlink(missing_ok=True)


@contextlib.contextmanager
def recording(folder: Path) -> Iterator[None]:
    """Within the block, every file written through :func:`note_write` is listed first."""
    token = _recording.set(folder.resolve())
    try:
        yield
    finally:
        _recording.reset(token)


def note_write(path: Path) -> None:
    """List ``path`` in the manifest of the folder being recorded (before writing it).

    Raises:
        RunFolderError: The path is outside the folder being recorded.
    """
    folder = _recording.get()
    if folder is None:
        return
    resolved = Path(path).resolve()
    if folder not in resolved.parents:
        raise RunFolderError(f"{path}: outside the run folder {folder}; a run writes only there")
    rel = resolved.relative_to(folder).as_posix()
    if rel not in own_files(folder):
        with open(folder / MANIFEST, "a", encoding="utf-8") as handle:
            handle.write(rel + "\n")


def digest(path: Path) -> str:
    """SHA-256 of a file, hex."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def completion_text(folder: Path) -> str:
    """The text of ``_COMPLETE``: one ``sha256  path`` line per listed file that exists."""
    lines = ["complete"]
    for rel in own_files(folder):
        if rel != COMPLETE and (folder / rel).is_file():
            lines.append(f"{digest(folder / rel)}  {rel}")
    return "\n".join(lines) + "\n"


def verify(folder: Path) -> bool:
    """Whether every file ``_COMPLETE`` lists is there with its recorded SHA-256."""
    try:
        lines = (folder / COMPLETE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    for line in lines[1:]:
        expected, _, rel = line.partition("  ")
        path = folder / rel
        if not path.is_file() or digest(path) != expected:
            return False
    return True
