"""Compiled loops of the firms' hot path (numba), bit for bit what numpy's passes give.

A year of the firm core is a few dozen passes over the firm columns: gathers from
region-sector tables, per-sector sums, element-wise arithmetic, the keyed hash. Each
numpy pass reads and writes whole arrays, so at 10^5 firms the year is bound by memory
traffic and by the number of calls, not by arithmetic. The kernels here fuse those
passes into one loop per stretch of the computation.

Results stay the same bits as the numpy passes they replace:

- Elementary functions (exp, log, log1p, power) are *not* in the kernels: numpy's
  vectorised versions and the C library's differ in the last bit for a few per cent of
  arguments. The callers apply them to whole arrays between two kernels.
- Every kernel does the arithmetic of the numpy expression it replaces in the same
  order, one rounding per operation (numba does not contract ``a * b + c`` into a fused
  multiply-add without ``fastmath``, which no kernel uses).
- Sums per sector or region run over the firms in position order, as ``np.bincount``
  does.
- Division by zero gives inf or NaN, as in numpy (``error_model="numpy"``), not an
  exception.
- :func:`maximum` and :func:`minimum` follow ``np.maximum`` and ``np.minimum``:
  a NaN in either argument is the result, and of two equal arguments (0 and -0) the
  second, as numpy's loops give on x86-64 (``tests/test_kernels.py`` checks the bits).

``tests/test_kernels.py`` checks each kernel against its numpy expression, and
``tests/test_regression.py`` checks whole runs against their recorded outputs.

Kernels are compiled on first use and cached beside their modules (``cache=True``); a
sweep's workers fork from a server that has loaded them already
(:mod:`sim.experiments.server_ready`).
"""

from __future__ import annotations

import numpy as np

from sim.model.kernels.basics import (
    NONE,
    add_into,
    compact,
    floor_over,
    keyed_uniform,
    maximum,  # noqa: F401 (callers and tests use it from here)
    minimum,  # noqa: F401
)
from sim.model.kernels.learning import absorb, cell_sums, move_productivity
from sim.model.kernels.market import (
    flat_tax,
    laplace_magnitude,
    partial_adjustment,
    relative_edge,
    renormalise,
    select_and_shock,
    settle_accounts,
    size_ratio,
)


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
    from sim.model.firms import COLUMNS  # the firms' module uses the kernels

    f, i = _tiny(np.float64), _tiny(np.intp, writable=False)
    n = 2
    for dtype in set(COLUMNS.values()):
        compact(_tiny(dtype), _tiny(np.intp), 0)
    keyed_uniform(_tiny(np.uint64), np.uint64(1), np.uint64(2), f.copy())
    size_ratio(f, i, n, 0.5, f.copy())
    before = relative_edge(f, f, i, i, f, f, NONE, 1.0, n, f.copy())
    relative_edge(f, f, i, i, f, f, f, 1.0, n, f.copy())
    select_and_shock(f.copy(), f.copy(), before, i, f.copy(), 0.1, 0.6, f.copy(), f)
    laplace_magnitude(f, f.copy(), f.copy())
    floor_over(f, 1e-3, 1.0, f.copy())
    add_into(f.copy(), f)
    renormalise(f.copy(), f, i, f, f, f, f.copy(), f.copy(), f.copy())
    partial_adjustment(f.copy(), f, 0.5)
    settle_accounts(f, f, i, i, f, f, NONE, 0.9, f.copy(), _tiny(np.int16), f.copy())
    settle_accounts(f, f, i, i, f, f, f, 0.9, f.copy(), _tiny(np.int16), f.copy())
    cell_sums(i, f, f, n)
    absorb(f.copy(), f, f, f, i, NONE, 0.9)
    absorb(f.copy(), f, f, f, i, f, 0.9)
    move_productivity(f.copy(), f, f, i, n, 0.1, f, 0.9)
    flat_tax(f, i, f, f.copy())


def signatures() -> dict[str, int]:
    """How many argument types each kernel has been loaded for in this process."""
    return {
        name: len(kernel.signatures)
        for name, kernel in sorted(globals().items())
        if hasattr(kernel, "signatures")
        and not name.startswith("_")
        and name not in ("maximum", "minimum")
    }
