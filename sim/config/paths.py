"""Where the project's Hydra configs are, in a source checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

from sim.config import study_jobs

_PACKAGE = Path(__file__).resolve().parent.parent


def config_dir() -> Path:
    """The primary config folder.

    In a checkout (editable install) it is the top-level ``configs/`` beside the
    package; a built wheel carries a copy as ``sim/_configs`` (see setup.py).
    Scenarios are the config group ``scenario``: ``configs/scenario`` links to
    the top-level ``scenarios/`` folder.
    """
    for candidate in (_PACKAGE.parent / "configs", _PACKAGE / "_configs"):
        if (candidate / "config.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"no configs/config.yaml beside or inside {_PACKAGE}")


# ${study_jobs:...} in the study experiments resolves wherever the configs found here are
# composed: the command, its sweep workers, and scripts or tests using Hydra's compose API
study_jobs.register()
