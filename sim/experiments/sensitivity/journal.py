"""A study's record and its journals of points: what a resume and the analysis read.

Each job of a study writes ``study.json`` (the study's settings, its size and a digest of
the config its runs depend on) and appends each finished point to ``points.jsonl``. A
study resumed in the same sweep directory must be the same study: :func:`check_resume`
refuses another one in the main process, before Hydra writes anything, and each job
checks again (:func:`finished_points`). Nothing here imports the model.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.config.scenario_group import compose_scenario as compose_group_scenario
from sim.errors import ConfigError
from sim.experiments.sensitivity.study import Study, read_study
from sim.experiments.sweep import natural_key
from sim.outputs.manifest import MANIFEST

POINTS = "points.jsonl"
STUDY = "study.json"


#: Sections of the config that change no run's outputs: a study may resume with others.
NOT_OUTPUTS = ("output", "limits")


def study_record(
    study: Study,
    n_rows: int,
    base: Mapping[str, Any],
    scenarios: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """What a batch directory says about its study (the analysis checks that all agree).

    Besides the study's own settings, the record holds a digest of everything else the
    runs depend on (``config_sha256``): the composed config of each scenario the study
    runs (the base config with the scenario in place) or, where none is given, the base
    config; the ``output`` and ``limits`` sections are left out. A study resumed with
    another calendar, economy or scenario file is then refused instead of mixing points
    of two studies. The contents of data files (``data.path``) are not digested.
    """
    # how the points are shared out among jobs changes no point's outputs: not recorded, so
    # that a study may resume with another number of jobs
    skip = ("batch", "batches", "parameters")
    fields = {k: v for k, v in vars(study).items() if k not in skip}
    fields["names"] = study.problem()["names"]
    runs = dict(scenarios) if scenarios else {"": base}
    depends = {
        name: {k: v for k, v in config.items() if k not in (*NOT_OUTPUTS, "sensitivity")}
        for name, config in sorted(runs.items())
    }
    text = json.dumps(depends, sort_keys=True, default=str, allow_nan=True)
    return fields | {
        "parameters": [vars(p) for p in study.varied],
        "rows": n_rows,
        "scenarios": study.scenarios if study.model == "s3sim" else [],
        "seed": int(base.get("seed", 0)),
        "economy": (base.get("economy") or {}).get("name"),
        "n_firms": (base.get("economy") or {}).get("n_firms"),
        "config_sha256": hashlib.sha256(text.encode()).hexdigest()
        if study.model == "s3sim"
        else None,
    }


def read_points(
    path: Path, width: int | None = None, rows: int | None = None
) -> dict[int, dict[str, Any]]:
    """Finished rows of a journal; its last line, if a kill cut it short, is ignored.

    Args:
        path: The journal (``points.jsonl``).
        width: Values of each point's ``x`` (the study's parameters), if known.
        rows: Sample points of the study, if known (every row must be below).

    Raises:
        ConfigError: If a complete line is not a point's record, naming the file and line.
    """
    done: dict[int, dict[str, Any]] = {}
    if not path.is_file():
        return done
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: unreadable journal of points ({exc})") from None
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except ValueError:
            if number == len(lines):  # cut short by a kill: that point runs again
                continue
            raise ConfigError(
                f"{path}, line {number}: not a point's record (cut or edited); delete the "
                "line (its point runs again) or start the study in a new sweep directory"
            ) from None
        problem = _record_problem(record, width, rows)
        if problem:
            raise ConfigError(f"{path}, line {number}: {problem}")
        done[record["row"]] = record
    return done


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _record_problem(record: Any, width: int | None, rows: int | None) -> str | None:
    """What is wrong with one journal record, or None."""
    if not isinstance(record, dict):
        return "not a point's record (a JSON object with row, x and outputs)"
    row, x, outputs = record.get("row"), record.get("x"), record.get("outputs")
    if not isinstance(row, int) or isinstance(row, bool) or row < 0:
        return f"row = {row!r}: must be a whole number >= 0"
    if rows is not None and row >= rows:
        return f"row = {row}: the study has {rows} sample points (rows 0 to {rows - 1})"
    if not isinstance(x, list) or not all(_number(v) for v in x):
        return f"row {row}: x must be a list of numbers"
    if width is not None and len(x) != width:
        return f"row {row}: x has {len(x)} values, the study varies {width} parameters"
    if not isinstance(outputs, dict) or not all(v is None or _number(v) for v in outputs.values()):
        return f"row {row}: outputs must map each output to a number (or null)"
    if "seconds" in record and not _number(record["seconds"]):
        return f"row {row}: seconds = {record['seconds']!r}: must be a number"
    return None


def finished_points(sweep_dir: Path, record: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The points finished in the journals of every job of the study in ``sweep_dir``.

    Raises:
        ConfigError: If a job's directory there belongs to another study.
    """
    done: dict[int, dict[str, Any]] = {}
    for job in find_batches(sweep_dir):
        differs = _differences(job / STUDY, record)
        if differs:
            raise ConfigError(
                f"{job}: holds points of another study (it differs in {differs}); resume "
                "with the same settings or use a new sweep directory"
            )
        done = read_points(job / POINTS, len(record["names"]), record["rows"]) | done
    return done


def find_batches(sweep_dir: Path) -> list[Path]:
    """Directories below ``sweep_dir`` (itself included) that hold a study.json."""
    found = []
    for root, dirs, files in os.walk(sweep_dir):
        if STUDY in files:
            found.append(Path(root))
            dirs[:] = []
        else:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
    return sorted(found, key=natural_key)


def compose_scenario(base: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``base`` with the scenario group ``name`` composed by Hydra in place of its own."""
    return {**base, "scenario": compose_group_scenario(name)}


def _differences(path: Path, record: dict[str, Any]) -> str:
    """The keys in which the study recorded at ``path`` differs from ``record`` ('' if none)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{STUDY}, unreadable"
    if not isinstance(stored, dict):
        return f"{STUDY}, not a study's record"
    ours = json.loads(json.dumps(record))
    keys = sorted(k for k in stored.keys() | ours.keys() if stored.get(k) != ours.get(k))
    names = {"config_sha256": "the config of its runs: calendar, economy, scenarios or more"}
    return ", ".join(names.get(k, k) for k in keys)


def check_resume(config: Mapping[str, Any], sweep_dir: Path) -> None:
    """Refuse a study whose sweep directory already holds points of another study.

    Args:
        config: The command's composed config (plain dict, resolved, without ``hydra``).
        sweep_dir: The study's sweep directory.

    Raises:
        ConfigError: If a job's directory there records another study.
    """
    if not find_batches(sweep_dir):
        if sweep_dir.is_dir() and any(sweep_dir.glob(f"*/{MANIFEST}")):
            raise ConfigError(
                f"hydra.sweep.dir = {sweep_dir}: holds the runs of a sweep, not a study; use "
                "a new sweep directory (nothing was changed)"
            )
        return
    from sim.experiments.sensitivity.design import sample

    study = read_study(config)
    base = {k: v for k, v in config.items() if k != "sensitivity"}
    scenarios = None
    if study.model == "s3sim":
        scenarios = {name: compose_scenario(base, name) for name in study.scenarios}
    finished_points(sweep_dir, study_record(study, len(sample(study)), base, scenarios))
