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

Kernels are compiled on first use and cached beside their modules (``cache=True``);
:func:`sim.model.preload.warm` loads them all, which a sweep's fork server does once for
its workers (:mod:`sim.experiments.server_ready`).
"""

from __future__ import annotations

from sim.model.kernels.basics import (
    NONE,
    add_into,
    compact,
    floor_over,
    keyed_uniform,
    maximum,
    minimum,
)
from sim.model.kernels.learning import (
    absorb,
    cell_sums,
    member_sums,
    move_productivity,
    of_members,
)
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

__all__ = [
    "NONE",
    "absorb",
    "add_into",
    "cell_sums",
    "compact",
    "flat_tax",
    "floor_over",
    "keyed_uniform",
    "laplace_magnitude",
    "maximum",
    "member_sums",
    "minimum",
    "move_productivity",
    "of_members",
    "partial_adjustment",
    "relative_edge",
    "renormalise",
    "select_and_shock",
    "settle_accounts",
    "size_ratio",
]
