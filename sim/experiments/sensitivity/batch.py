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
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.heap import keep_freed_memory
from sim.experiments.sensitivity.claims import PointClaims
from sim.experiments.sensitivity.design import sample
from sim.experiments.sensitivity.evaluate import PointEvaluator
from sim.experiments.sensitivity.journal import (
    POINTS,
    STUDY,
    compose_scenario,
    find_batches,
    finished_points,
    read_points,
    study_record,
)
from sim.experiments.sensitivity.study import read_study
from sim.outputs.atomic import COMPLETE_MARKER, mark_complete, write_json, write_text

__all__ = ["POINTS", "STUDY", "compose_scenario", "find_batches", "read_points", "run_batch"]
log = logging.getLogger("s3sim")


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
    if study.model == "s3sim" and scenarios is None:
        scenarios = {name: compose_scenario(base, name) for name in study.scenarios}
    record = study_record(study, len(x), base, scenarios if study.model == "s3sim" else None)
    out_dir = Path(out_dir)
    sweep_dir = out_dir.parent if sweep_dir is None else Path(sweep_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    journal = out_dir / POINTS
    done = finished_points(sweep_dir, record)
    (out_dir / COMPLETE_MARKER).unlink(missing_ok=True)  # an earlier launch's: running again
    write_json(out_dir / STUDY, record)
    # a line cut short by a kill is dropped, so that the next one starts on a line of its own
    own = read_points(journal, x.shape[1], len(x))
    write_text(journal, "".join(json.dumps(own[r], allow_nan=True) + "\n" for r in sorted(own)))
    todo = [r for r in range(len(x)) if r not in done or not np.allclose(done[r]["x"], x[r])]
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
