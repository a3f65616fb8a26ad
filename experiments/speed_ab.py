"""A/B of the model year: this source tree against another, same configs, same seeds.

An optimisation of the year must leave every result unchanged and should make the
year faster. This script runs the simulated years of both trees alternately, each run
in a fresh interpreter importing ``sim`` from its tree, and prints for every case the
median and minimum CPU seconds of each tree, their ratio, and whether the final states
are identical bit for bit (a SHA-256 over every firm column, the recorder's arrays,
the project events, the ledger and the policy's indicators).

- Varies: the source tree (``--base DIR``, or ``--base-ref REF`` exported with
  ``git archive``; default ``main``).
- Fixed: each case's config and seed (see ``CASES``): 10^4 and 10^5 initial firms under
  ``bottom_up``, the default economy (50,000 firms) under ``no_policy``, ``bottom_up`` and
  ``targeted`` (the two scenarios of a sensitivity study's policy effect),
  and the firm-level core of the Mesa comparison at 10^4 firms (``policy=None``,
  ``start_rate=0``, as experiments/benchmark.py runs it).
- Measured: CPU seconds of the simulated years (process time: a shared machine disturbs
  it less than wall time), not the build; firm-years per second; apart, the seconds a
  process spends loading the compiled loops of its tree (``sim.model.preload``), once.
- Repetitions: ``--reps`` per tree and case (default 3), alternating the trees.

Usage: ``python experiments/speed_ab.py [--base DIR | --base-ref REF] [--reps N] [CASE...]``
(a CASE selects the cases whose name contains it).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORE = ["dynamics.innovation.start_rate=0"]
#: Case name -> (Hydra overrides, whether the model runs without its policy layer).
CASES = {
    "1e4 bottom_up": (["economy.n_firms=10000", "scenario=bottom_up"], False),
    "1e5 bottom_up": (["economy.n_firms=100000", "scenario=bottom_up"], False),
    "1e4 core (Mesa comparison)": (["economy.n_firms=10000", *CORE], True),
    "default no_policy": ([], False),
    "default bottom_up": (["scenario=bottom_up"], False),
    "default targeted": (["scenario=targeted"], False),
}


def probe(name: str) -> dict:
    """Build and run one case with the ``sim`` on the path; its CPU time and state digest."""
    import numpy as np
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.config.assemble import assemble
    from sim.config.paths import config_dir

    overrides, core = CASES[name]
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        config = OmegaConf.to_container(compose("config", overrides=overrides), resolve=False)
    parts = assemble(config)
    if core:
        from sim.model.model import ClusterModel

        y = parts.settings.years
        model = ClusterModel(
            parts.economy, parts.dynamics, seed=0, start=y.start, end=y.end, burn_in=y.burn_in
        )
    else:
        model = parts.model()
    # a tree with compiled loops loads them once per process (from numba's cache), as
    # the fork server of a sweep does for all its workers: a cost of the process, not
    # of the year, reported apart
    t0 = time.process_time()
    try:
        from sim.model.preload import warm
    except ImportError:  # a tree without them
        pass
    else:
        warm()
    load = time.process_time() - t0
    firm_years, t0 = 0, time.process_time()
    while model.year <= model.end:
        firm_years += model.firms.n
        model.step()
    seconds = time.process_time() - t0
    digest = hashlib.sha256()
    firms, rec = model.firms, model.recorder
    arrays = [firms._data[k][: firms.n] for k in sorted(firms._data)]
    arrays += [rec.employment, rec.firms, rec.value_added, rec.density, rec.entries, rec.exits]
    arrays += [events[k] for events in rec._events for k in sorted(events)]
    if model.policy is not None:
        ledger = model.policy.ledger
        ledger = ledger() if callable(ledger) else ledger  # policy_scope=focal: the sum
        arrays += [getattr(ledger, k) for k in ("new", "taxed", "committed", "disbursed")]
        digest.update(repr(sorted(model.policy.indicators(model).items())).encode())
    for a in arrays:
        digest.update(np.ascontiguousarray(a).tobytes())
    return {
        "seconds": seconds,
        "load": load,
        "firm_years": firm_years,
        "digest": digest.hexdigest()[:16],
    }


def run_in(tree: Path, name: str) -> dict:
    """:func:`probe` in a fresh interpreter that imports ``sim`` from ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--probe", name]
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"speed_ab: {name} in {tree} failed: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def export(ref: str) -> Path:
    """The files of git ``ref`` in a temporary directory."""
    out = Path(tempfile.mkdtemp(prefix="speed_ab_"))
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="run only the cases whose name contains these")
    parser.add_argument("--base", type=Path, help="the other source tree")
    parser.add_argument("--base-ref", default="main", help="git ref to export as the base")
    parser.add_argument("--reps", type=int, default=3, help="runs per tree and case")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe)))
        return 0
    base = args.base or export(args.base_ref)
    print(f"base {base}, this tree {ROOT}; CPU seconds of the simulated years, {args.reps} reps")
    for name in CASES:
        if args.cases and not any(c in name for c in args.cases):
            continue
        runs: dict[str, list[dict]] = {"base": [], "this": []}
        for _ in range(args.reps):
            runs["base"].append(run_in(base, name))
            runs["this"].append(run_in(ROOT, name))
        med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
        low = {k: min(r["seconds"] for r in v) for k, v in runs.items()}
        digests = {r["digest"] for v in runs.values() for r in v}
        same = "identical" if len(digests) == 1 else f"DIFFERENT {sorted(digests)}"
        rate = runs["this"][0]["firm_years"] / low["this"] / 1e6
        print(
            f"  {name:<28} median {med['base']:.3f} s -> {med['this']:.3f} s "
            f"(x {med['base'] / med['this']:.2f}); min {low['base']:.3f} s -> "
            f"{low['this']:.3f} s (x {low['base'] / low['this']:.2f}, {rate:.2f} M "
            f"firm-years/s); results {same}"
        )
        loads = {k: statistics.median(r.get("load", 0.0) for r in v) for k, v in runs.items()}
        if any(loads.values()):
            print(
                f"  {'':<28} and once per process, loading compiled loops: "
                f"{loads['base']:.3f} s -> {loads['this']:.3f} s (median)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
