"""What this process knows of Hydra's compositions: the config files, the sweep jobs.

Where each config file came from, and whether the composition under way is a
sweep job's. The hooks of :mod:`sim.config.hydra_hooks` fill these as Hydra reads files; the
checks of :mod:`sim.config.composed` and the assembly point read them to name
files in messages.
"""

from __future__ import annotations

from pathlib import Path

from sim.config.paths import config_dir

#: Where each config file Hydra read came from, by Hydra's config path (``scenario/x``).
SOURCES: dict[str, str] = {}
_JOBS = {"depth": 0}


def shown(config_path: str) -> str:
    """The file a config came from, for messages.

    Relative to the project when inside it (``scenarios/x.yaml``), else its
    absolute path; ``config_path.yaml`` when unknown.
    """
    path = SOURCES.get(config_path)
    if path is None:
        return f"{config_path}.yaml"
    root = config_dir().resolve().parent
    full = Path(path)
    return full.relative_to(root).as_posix() if root in full.parents else path


def enter_job() -> None:
    """Compose as a sweep job: a refused config raises instead of ending the process."""
    _JOBS["depth"] += 1


def leave_job() -> None:
    """Back to composing the command's own config."""
    _JOBS["depth"] -= 1


def in_sweep_job() -> bool:
    """Whether the composition under way is a sweep job's."""
    return _JOBS["depth"] > 0
