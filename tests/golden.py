"""Recorded outputs of small seeded runs: optimisations must leave them unchanged.

``python -m tests.golden`` rewrites tests/data/golden_runs.json; do that only for a
change that is meant to move results, and say why in its commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.config.assemble import build_model
from tests.conftest import SMALL, compose_config

PATH = Path(__file__).parent / "data" / "golden_runs.json"
CASES = {
    "no_policy_seed1": ["scenario=no_policy", "seed=1"],
    "vanguard_seed2": ["scenario=vanguard", "seed=2"],
    "flanders_timeline_seed0": ["scenario=flanders_timeline", "seed=0", "years.end=2016"],
}


def record(overrides: list[str]) -> dict:
    """Employment per year, firms, entries, exits and money of one small run."""
    model = build_model(compose_config([*SMALL, *overrides]))
    rec = model.run()
    ledger = model.policy.ledger
    return {
        "employment_by_year": rec.employment.sum(axis=(1, 2)).tolist(),
        "firms_by_year": rec.firms.sum(axis=(1, 2)).tolist(),
        "entries": rec.entries.tolist(),
        "exits": rec.exits.tolist(),
        "disbursed_by_year": ledger.disbursed.sum(axis=(1, 2)).tolist(),
        "events": int(sum(len(e["year"]) for e in rec._events)),
    }


def main() -> int:
    PATH.write_text(json.dumps({k: record(v) for k, v in CASES.items()}, indent=1) + "\n")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
