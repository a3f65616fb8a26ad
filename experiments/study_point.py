"""Seconds per point of a sensitivity study of the default economy, in one process.

What a study's worker spends on each point, without the launcher: the points of a small
Morris design are evaluated one after the other, as a job evaluates its claimed points.

- Varies: the sample points (a Morris design of ``sensitivity_morris`` with two
  parameters and the dummy, two trajectories).
- Policy: each point runs the study's scenarios (``bottom_up`` and ``targeted``) on the
  default economy (50,000 firms, 1998-2030 after a 10-year burn-in), no baseline.
- Fixed: the study's seed (one replicate per point).
- Measured: wall and CPU seconds per point, the mean of ``--points`` points after one
  warm-up point; with ``--profile``, cProfile of as many more points.

Usage: ``python experiments/study_point.py [--points N] [--profile]``; run it from the
tree whose ``sim`` is measured and alternate trees to compare them on a shared machine.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import cProfile  # noqa: E402
import logging  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

NAMES = "[scenario.selection.evaluation_noise,dynamics.knowledge.productivity_noise,dummy]"
OVERRIDES = [
    "+experiment=sensitivity_morris",
    f"sensitivity.names={NAMES}",
    "sensitivity.trajectories=2",
    "sensitivity.baseline=null",
]


def evaluator():
    """The study's point evaluator and its sample points."""
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.config.paths import config_dir
    from sim.experiments.sensitivity.batch import compose_scenario
    from sim.experiments.sensitivity.design import sample
    from sim.experiments.sensitivity.evaluate import PointEvaluator
    from sim.experiments.sensitivity.study import read_study

    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        config = OmegaConf.to_container(compose("config", overrides=OVERRIDES), resolve=True)
        study = read_study(config)
        base = {k: v for k, v in config.items() if k != "sensitivity"}
        scenarios = {name: compose_scenario(base, name) for name in study.scenarios}
    return PointEvaluator(study, scenarios), sample(study)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=3, help="points timed (default 3)")
    parser.add_argument("--profile", action="store_true", help="then profile as many more")
    args = parser.parse_args(argv)
    if args.points < 1:
        parser.error(f"--points {args.points}: must be at least 1")
    logging.getLogger("MESA").setLevel(logging.WARNING)
    evaluate, points = evaluator()
    if len(points) < 2 * args.points + 1:
        sys.exit(f"study_point: --points {args.points}: the design has {len(points)} points")
    evaluate(points[0])  # warm-up: imports and caches
    wall, cpu = time.perf_counter(), time.process_time()
    for x in points[1 : args.points + 1]:
        evaluate(x)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"per point {wall / args.points:.3f} s wall, {cpu / args.points:.3f} s CPU")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for x in points[args.points + 1 : 2 * args.points + 1]:
            evaluate(x)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(70)
    return 0


if __name__ == "__main__":
    sys.exit(main())
