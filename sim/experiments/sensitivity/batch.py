"""One job of a study: evaluate sample points in one process until none is left, resumably.

Each job of ``s3sim -m +experiment=sensitivity_*`` (``sensitivity.batch = 0 ..
batches - 1``; ``batches: auto`` is one job per worker of the launcher) draws the study's
sample (the same in every job) and evaluates one point after the other, so imports, config
composition and worker start-up are paid once per job instead of once per run. Which job
evaluates which point is settled as they go (:mod:`.claims`): a job takes the next point no
job has finished or claimed, so the jobs finish together however the points' costs differ,
and a point's outputs depend on the point and the seed alone, not on the job.

Every finished point is appended to ``points.jsonl`` in the job's directory and flushed: a
killed study, started again with the same command and sweep directory, skips the points
finished in any job's journal and evaluates the rest. ``study.json`` (the study's settings
and its size) is written first and ``_COMPLETE`` last.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.scenario_group import compose_scenario as compose_group_scenario
from sim.errors import ConfigError
from sim.experiments.heap import keep_freed_memory
from sim.experiments.sensitivity.claims import PointClaims
from sim.experiments.sensitivity.design import sample
from sim.experiments.sensitivity.evaluate import PointEvaluator
from sim.experiments.sensitivity.study import Study, read_study
from sim.experiments.sweep import natural_key
from sim.outputs.atomic import COMPLETE_MARKER, mark_complete, write_json, write_text

POINTS = "points.jsonl"
STUDY = "study.json"
log = logging.getLogger("s3sim")


def study_record(study: Study, n_rows: int, base: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch directory says about its study (the analysis checks that all agree)."""
    # how the points are shared out among jobs changes no point's outputs: not recorded, so
    # that a study may resume with another number of jobs
    skip = ("batch", "batches", "parameters")
    fields = {k: v for k, v in vars(study).items() if k not in skip}
    fields["names"] = study.problem()["names"]
    return fields | {
        "parameters": [vars(p) for p in study.varied],
        "rows": n_rows,
        "scenarios": study.scenarios if study.model == "s3sim" else [],
        "seed": int(base.get("seed", 0)),
        "economy": (base.get("economy") or {}).get("name"),
        "n_firms": (base.get("economy") or {}).get("n_firms"),
    }


def read_points(path: Path) -> dict[int, dict[str, Any]]:
    """Finished rows of a journal; a line cut short by a kill is ignored."""
    done: dict[int, dict[str, Any]] = {}
    if not path.is_file():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            done[int(record["row"])] = record
        except (ValueError, KeyError, TypeError):
            continue
    return done


def run_batch(
    config: Mapping[str, Any],
    out_dir: str | Path,
    scenarios: Mapping[str, dict[str, Any]] | None = None,
    sweep_dir: str | Path | None = None,
) -> Path:
    """Evaluate sample points of the study in ``config`` until every point is claimed.

    Args:
        config: The composed config (plain dict) with its ``sensitivity`` section.
        out_dir: The job's directory.
        scenarios: Composed config of each scenario the study runs (default: composed
            here with Hydra from the config's own search path).
        sweep_dir: The study's directory, whose jobs share the points (default: the parent
            of ``out_dir``).

    Returns:
        The job's directory.

    Raises:
        ConfigError: If the sweep directory holds points of another study.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)  # mesa logs every step at INFO
    keep_freed_memory()  # the points allocate the same arrays over and over
    study = read_study(config)
    base = {k: v for k, v in config.items() if k != "sensitivity"}
    x = sample(study)
    record = study_record(study, len(x), base)
    out_dir = Path(out_dir)
    sweep_dir = out_dir.parent if sweep_dir is None else Path(sweep_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    journal = out_dir / POINTS
    done = finished_points(sweep_dir, record)
    (out_dir / COMPLETE_MARKER).unlink(missing_ok=True)  # an earlier launch's: running again
    write_json(out_dir / STUDY, record)
    # a line cut short by a kill is dropped, so that the next one starts on a line of its own
    own = read_points(journal)
    write_text(journal, "".join(json.dumps(own[r], allow_nan=True) + "\n" for r in sorted(own)))
    todo = [r for r in range(len(x)) if r not in done or not np.allclose(done[r]["x"], x[r])]
    if todo and study.model == "s3sim" and scenarios is None:
        scenarios = {name: compose_scenario(base, name) for name in study.scenarios}
    evaluate = PointEvaluator(study, scenarios or {}) if todo else None
    claims = PointClaims(sweep_dir)
    with journal.open("a", encoding="utf-8") as sink:
        for r in todo:
            if not claims.claim(r):
                continue
            t0 = time.perf_counter()
            outputs = evaluate(x[r])
            line = {"row": r, "x": x[r].tolist(), "outputs": outputs}
            line["seconds"] = round(time.perf_counter() - t0, 4)
            sink.write(json.dumps(line, allow_nan=True) + "\n")
            sink.flush()
    mark_complete(out_dir)
    return out_dir


def finished_points(sweep_dir: Path, record: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The points finished in the journals of every job of the study in ``sweep_dir``.

    Raises:
        ConfigError: If a job's directory there belongs to another study.
    """
    done: dict[int, dict[str, Any]] = {}
    for job in find_batches(sweep_dir):
        if not _same_study(job / STUDY, record):
            raise ConfigError(f"{job}: holds points of another study; use a new sweep directory")
        done = read_points(job / POINTS) | done
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


def _same_study(path: Path, record: dict[str, Any]) -> bool:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stored == json.loads(json.dumps(record))
