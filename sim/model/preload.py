"""Every compiled loop loaded for the argument types a run passes, before the run.

The first call of a kernel (:mod:`sim.model.kernels`) in a process loads it from numba's
cache, or compiles it where there is none; the first of all also builds numba's compiler
state. A fork server does it once for all its workers; ``make install`` once for the
machine, so that no run waits for a compilation.
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels
from sim.model.firms import COLUMNS


def _tiny(dtype, writable: bool = True) -> np.ndarray:
    array = np.zeros(2, dtype=dtype)
    array.flags.writeable = writable
    return array


def warm() -> None:
    """Load every kernel for the argument types a run passes (compiled once, then cached).

    The first call of a kernel in a process costs tens of milliseconds (the first of all
    a quarter of a second: numba's compiler state); a fork server calls this once so
    that its workers start with every kernel loaded.
    """
    f, i = _tiny(np.float64), _tiny(np.intp, writable=False)
    n = 2
    for dtype in sorted({np.dtype(d) for d in COLUMNS.values()}, key=str):
        kernels.compact(_tiny(dtype), _tiny(np.intp), 0)
    kernels.keyed_uniform(_tiny(np.uint64), np.uint64(1), np.uint64(2), f.copy())
    kernels.size_ratio(f, i, n, 0.5, f.copy())
    before = kernels.relative_edge(f, f, i, i, f, f, kernels.NONE, 1.0, n, f.copy())
    kernels.relative_edge(f, f, i, i, f, f, f, 1.0, n, f.copy())
    kernels.select_and_shock(f.copy(), f.copy(), before, i, f.copy(), 0.1, 0.6, f.copy(), f)
    kernels.laplace_magnitude(f, f.copy(), f.copy())
    kernels.floor_over(f, 1e-3, 1.0, f.copy())
    kernels.add_into(f.copy(), f)
    kernels.renormalise(f.copy(), f, i, f, f, f, f.copy(), f.copy(), f.copy())
    kernels.partial_adjustment(f.copy(), f, 0.5)
    kernels.settle_accounts(
        f, f, i, i, f, f, kernels.NONE, 0.9, f.copy(), _tiny(np.int16), f.copy()
    )
    kernels.settle_accounts(f, f, i, i, f, f, f, 0.9, f.copy(), _tiny(np.int16), f.copy())
    kernels.cell_sums(i, f, f, n)
    kernels.absorb(f.copy(), f, f, f, i, kernels.NONE, 0.9)
    kernels.absorb(f.copy(), f, f, f, i, f, 0.9)
    kernels.move_productivity(f.copy(), f, f, i, n, 0.1, f, 0.9)
    kernels.flat_tax(f, i, f, f.copy())
    cluster = _tiny(np.int32)
    kernels.member_sums(cluster, f, f, n)
    kernels.of_members(cluster, f, f.copy())


def signatures() -> dict[str, int]:
    """How many argument types each kernel has been loaded for in this process."""
    return {
        name: len(kernel.signatures)
        for name, kernel in sorted(vars(kernels).items())
        if hasattr(kernel, "signatures")
        and not name.startswith("_")
        and name not in ("maximum", "minimum")
    }
