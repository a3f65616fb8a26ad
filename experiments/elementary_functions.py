"""What an elementary function costs as a numpy pass and inside a compiled loop.

The model's year keeps exp, log, log1p and the inverse normal CDF as whole-array passes
between its compiled loops (sim/model/kernels), so that results stay numpy's bit for bit.
Moving them into the loops would fuse passes; this measures what that would cost and
change on this machine.

- Varies: the implementation (numpy's ufunc, or scipy's ``ndtri``, against a numba loop
  calling the C library, or a numba port of the Cephes ``ndtri`` algorithm).
- Fixed: ``--values`` arguments drawn once (seed 0), the same for both.
- Measured: microseconds per pass over the arrays (median of ``--repeats`` batches), their
  ratio, and how many results differ in any bit (of a larger sample for ``ndtri``,
  with its tails and the edges of its branches).

Usage: ``python experiments/elementary_functions.py [--values N] [--repeats K]``
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

import numpy as np
from numba import njit
from scipy.special import ndtri

# Cephes ndtri (Moshier 1989, as in scipy.special): rational approximations of the
# central part in w = y - 1/2, and of the tails in z = sqrt(-2 log y) below and above 8.
P0 = np.array([-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
               1.39312609387279679503e1, -1.23916583867381258016e0])  # fmt: skip
Q0 = np.array([1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
               -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
               1.59056225126211695515e1, -1.18331621121330003142e0])  # fmt: skip
P1 = np.array([4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
               4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
               -1.40256079171354495875e-1, -3.50424626827848203418e-2,
               -8.57456785154685413611e-4])  # fmt: skip
Q1 = np.array([1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
               1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
               -3.80806407691578277194e-2, -9.33259480895457427372e-4])  # fmt: skip
P2 = np.array([3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
               1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
               3.01581553508235416007e-4, 2.65806974686737550832e-6,
               6.23974539184983293730e-9])  # fmt: skip
Q2 = np.array([6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
               2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
               2.89247864745380683936e-6, 6.79019408009981274425e-9])  # fmt: skip
EXP_MINUS_2 = 0.13533528323661269189
SQRT_2PI = 2.50662827463100050242


@njit(inline="always")
def _horner(x, c):
    """c[0] x^n + ... + c[n], one multiplication and one addition a step."""
    acc = c[0]
    for i in range(1, c.shape[0]):
        acc = acc * x + c[i]
    return acc


@njit(inline="always")
def _horner_monic(x, c):
    """x^(n+1) + c[0] x^n + ... + c[n] (the leading coefficient 1 left out of ``c``)."""
    acc = x + c[0]
    for i in range(1, c.shape[0]):
        acc = acc * x + c[i]
    return acc


@njit(error_model="numpy")
def _ndtri_one(p):
    if p <= 0.0:
        return -np.inf if p == 0.0 else np.nan
    if p >= 1.0:
        return np.inf if p == 1.0 else np.nan
    lower = True
    y = p
    if y > 1.0 - EXP_MINUS_2:
        y = 1.0 - y
        lower = False
    if y > EXP_MINUS_2:
        w = y - 0.5
        w2 = w * w
        return (w + w * (w2 * _horner(w2, P0) / _horner_monic(w2, Q0))) * SQRT_2PI
    z = math.sqrt(-2.0 * math.log(y))
    head = z - math.log(z) / z
    t = 1.0 / z
    if z < 8.0:
        tail = t * _horner(t, P1) / _horner_monic(t, Q1)
    else:
        tail = t * _horner(t, P2) / _horner_monic(t, Q2)
    return -(head - tail) if lower else head - tail


def _over_array(scalar):
    """A compiled loop ``out[i] = scalar(x[i])``."""

    @njit(error_model="numpy")
    def loop(x, out):
        for i in range(x.shape[0]):
            out[i] = scalar(x[i])
        return out

    return loop


ndtri_loop = _over_array(_ndtri_one)
exp_loop = _over_array(math.exp)
log_loop = _over_array(math.log)
log1p_loop = _over_array(math.log1p)


def differing_bits(a: np.ndarray, b: np.ndarray) -> int:
    """How many results differ in any bit (two NaNs count as equal)."""
    same = (a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))
    return int((~same).sum())


def per_pass(f, repeats: int, batch: int = 200) -> float:
    """Median microseconds of one call of ``f`` over ``repeats`` batches of calls."""
    f()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(batch):
            f()
        times.append((time.perf_counter() - t0) / batch * 1e6)
    return statistics.median(times)


def ndtri_arguments(rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniforms, their far tails, and the edges of the algorithm's branches."""
    u = rng.random(n)
    edges = [0.0, 1.0, 0.5, EXP_MINUS_2, 1.0 - EXP_MINUS_2, 2.0**-54, 1.0 - 2.0**-53]
    edges += [np.nextafter(EXP_MINUS_2, 1.0), np.nextafter(1.0 - EXP_MINUS_2, 0.0), 5e-324]
    return np.concatenate([u, u * 1e-10, u * 1e-300, 1.0 - u * 1e-12, edges])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=10_000, help="values per pass (10,000)")
    parser.add_argument("--repeats", type=int, default=7, help="batches timed (7)")
    parser.add_argument("--check", type=int, default=1_000_000, help="ndtri arguments compared")
    args = parser.parse_args(argv)
    for name in ("values", "repeats", "check"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} {getattr(args, name)}: must be at least 1")
    rng = np.random.default_rng(0)
    x = rng.random(args.values) * 4.0 - 2.0
    positive = x + 3.0
    p = rng.random(args.values)
    out = np.empty(args.values)
    cases = [
        ("exp", lambda: np.exp(x, out=out), lambda: exp_loop(x, out), x),
        ("log", lambda: np.log(positive, out=out), lambda: log_loop(positive, out), positive),
        ("log1p", lambda: np.log1p(positive, out=out), lambda: log1p_loop(positive, out), positive),
        ("ndtri", lambda: ndtri(p, out=out), lambda: ndtri_loop(p, out), None),
    ]
    reference = {"exp": np.exp, "log": np.log, "log1p": np.log1p}
    compiled = {"exp": exp_loop, "log": log_loop, "log1p": log1p_loop}
    print(f"{args.values:,} values per pass, median of {args.repeats} batches")
    print(f"  {'function':8} {'numpy/scipy':>12} {'numba loop':>12} {'ratio':>7}   bits differ")
    for name, vectorised, loop, arguments in cases:
        a, b = per_pass(vectorised, args.repeats), per_pass(loop, args.repeats)
        if arguments is None:  # ndtri: a larger sample, with tails and branch edges
            arguments = ndtri_arguments(rng, args.check)
            differ = differing_bits(ndtri(arguments), ndtri_loop(arguments, arguments.copy()))
        else:
            differ = differing_bits(reference[name](arguments), compiled[name](arguments, out))
        print(
            f"  {name:8} {a:9.1f} us {b:9.1f} us {b / a:6.2f}x   {differ:,} of {len(arguments):,}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
