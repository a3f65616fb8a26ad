"""Sample points of a study (SALib's samplers) and their split into batches."""

from __future__ import annotations

import warnings

import numpy as np

from sim.experiments.sensitivity.study import Study


def sample(study: Study) -> np.ndarray:
    """The study's sample points, one row per point, one column per varied parameter.

    Morris: ``trajectories`` one-at-a-time trajectories on a ``levels`` grid (Morris 1991;
    Campolongo, Cariboni & Saltelli 2007), ``trajectories (D + 1)`` rows. Sobol: the
    Saltelli scheme on a scrambled Sobol' sequence without second-order terms,
    ``base_sample (D + 2)`` rows. Integer parameters are rounded. The sample is a function
    of the study alone (``sample_seed``), so every batch job draws the same one.
    """
    problem = study.problem()
    if study.method == "morris":
        from SALib.sample import morris

        x = morris.sample(
            problem, N=study.trajectories, num_levels=study.levels, seed=study.sample_seed
        )
    else:
        from SALib.sample import sobol

        with warnings.catch_warnings():  # a base sample that is not a power of 2 is allowed
            warnings.simplefilter("ignore", UserWarning)
            x = sobol.sample(
                problem, study.base_sample, calc_second_order=False, seed=study.sample_seed
            )
    x = np.asarray(x, dtype=float)
    for j, p in enumerate(study.varied):
        if p.integer:
            x[:, j] = np.rint(x[:, j])
    return x


def batch_rows(n_rows: int, batches: int, batch: int) -> range:
    """The rows of batch ``batch`` among ``batches`` contiguous, near-equal batches."""
    size, extra = divmod(n_rows, batches)
    start = batch * size + min(batch, extra)
    return range(start, start + size + (batch < extra))
