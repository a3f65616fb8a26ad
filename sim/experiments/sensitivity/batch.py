"""One job of a study: evaluate a batch of sample points in one process, resumably.

Each job of ``s3sim -m +experiment=sensitivity_*`` (``sensitivity.batch = 0 ..
batches - 1``) draws the study's sample (the same in every job), takes its share of the
rows and evaluates them one after the other, so imports, config composition and worker
start-up are paid once per job instead of once per run. Every finished row is appended to
``points.jsonl`` in the job's directory and flushed: a killed job, started again with the
same command and sweep directory, skips the rows it has finished and evaluates the rest.
``study.json`` (the study's settings and its size) and ``_COMPLETE`` are written last.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.assemble import compose_scenario as compose_group_scenario
from sim.errors import ConfigError
from sim.experiments.sensitivity.design import batch_rows, sample
from sim.experiments.sensitivity.evaluate import PointEvaluator
from sim.experiments.sensitivity.study import Study, read_study
from sim.outputs.atomic import is_complete, mark_complete, write_json, write_text

POINTS = "points.jsonl"
STUDY = "study.json"
log = logging.getLogger("s3sim")


def study_record(study: Study, n_rows: int, base: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch directory says about its study (the analysis checks that all agree)."""
    fields = {k: v for k, v in vars(study).items() if k not in ("batch", "parameters")}
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
) -> Path:
    """Evaluate the batch ``sensitivity.batch`` of the study in ``config``.

    Args:
        config: The composed config (plain dict) with its ``sensitivity`` section.
        out_dir: The job's directory.
        scenarios: Composed config of each scenario the study runs (default: composed
            here with Hydra from the config's own search path).

    Returns:
        The job's directory.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)  # mesa logs every step at INFO
    study = read_study(config)
    base = {k: v for k, v in config.items() if k != "sensitivity"}
    x = sample(study)
    record = study_record(study, len(x), base)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if is_complete(out_dir) and _same_study(out_dir / STUDY, record):
        log.info("%s is complete; skipped", out_dir)
        return out_dir
    journal = out_dir / POINTS
    done = read_points(journal)
    if done and not _same_study(out_dir / STUDY, record):
        raise ConfigError(f"{out_dir}: holds points of another study; use a new sweep directory")
    write_json(out_dir / STUDY, record)
    # a line cut short by a kill is dropped, so that the next one starts on a line of its own
    write_text(journal, "".join(json.dumps(done[r], allow_nan=True) + "\n" for r in sorted(done)))
    rows = batch_rows(len(x), study.batches, study.batch)
    todo = [r for r in rows if r not in done or not np.allclose(done[r]["x"], x[r])]
    if study.model == "s3sim" and scenarios is None:
        scenarios = {name: compose_scenario(base, name) for name in study.scenarios}
    evaluate = PointEvaluator(study, scenarios or {})
    with journal.open("a", encoding="utf-8") as sink:
        for r in todo:
            t0 = time.perf_counter()
            outputs = evaluate(x[r])
            line = {"row": r, "x": x[r].tolist(), "outputs": outputs}
            line["seconds"] = round(time.perf_counter() - t0, 4)
            sink.write(json.dumps(line, allow_nan=True) + "\n")
            sink.flush()
    mark_complete(out_dir)
    return out_dir


def compose_scenario(base: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``base`` with the scenario group ``name`` composed by Hydra in place of its own."""
    return {**base, "scenario": compose_group_scenario(name)}


def _same_study(path: Path, record: dict[str, Any]) -> bool:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stored == json.loads(json.dumps(record))
