"""The compiled loops (sim.model.kernels) give the bits of the numpy passes they replace.

Each test writes the numpy expression out, as the model computed it before the loops
existed, and compares bit for bit (NaN equal to NaN) on arrays with awkward values:
zeros, negative zeros, infinities, NaN, tiny and huge magnitudes.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numba import njit

from sim.model import kernels
from sim.model.firms import COLUMNS
from sim.model.streams import GOLDEN, _mix, _mix_int, fold

# awkward values make NaN on purpose: numpy's warnings about them say nothing here
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

AWKWARD = [0.0, -0.0, 1e-300, 1e-12, 1e-3, 0.5, 1.0, 3.0, 1e12, np.inf, -np.inf, np.nan, -2.5]


def same(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), strict=True)


def sums(index, weights, size):
    """np.bincount as floats (with no firms at all numpy gives integer zeros)."""
    return np.bincount(index, weights, size).astype(np.float64)


def floats(n, rng, awkward=True):
    """Signed lognormal values; up to 1,000 of them, with the awkward ones among them.

    (Among many, one NaN would make its whole sector's sums NaN and hide the rest.)
    """
    x = rng.lognormal(0.0, 2.0, n) * rng.choice([-1.0, 1.0], n)
    if awkward and n <= 1000:
        x[: len(AWKWARD)] = AWKWARD[:n]
        rng.shuffle(x)
    return x


@pytest.fixture
def rng():
    return np.random.default_rng(20261202)


def index(n, k, rng):
    i = rng.integers(0, k, n).astype(np.intp)
    i.flags.writeable = False  # as Firms hands them out
    return i


def places(n, R, S, rng):
    """Sector, region and region-sector cell of ``n`` firms."""
    sector, region = index(n, S, rng), index(n, R, rng)
    return sector, region, region * S + sector


@given(
    keys=arrays(np.uint64, st.integers(0, 300)),
    seed=st.integers(0, 2**40),
    draw=st.integers(0, 200),
    year=st.integers(-5000, 5000),
)
@settings(max_examples=60, deadline=None)
def test_the_keyed_uniform_is_the_splitmix_hash_of_numpy_words(keys, seed, draw, year):
    counter = fold(seed, draw, year)
    x = _mix(keys ^ np.uint64(counter))
    x ^= np.uint64(_mix_int(counter ^ GOLDEN))
    x = _mix(x) >> np.uint64(11)
    expected = (x.astype(np.float64) + 0.5) * 2.0**-53
    got = kernels.keyed_uniform(keys, np.uint64(counter), np.uint64(_mix_int(counter ^ GOLDEN)),
                                np.empty(len(keys)))  # fmt: skip
    same(got, expected)
    assert ((got > 0) & (got < 1)).all()


def test_maximum_and_minimum_are_numpys_with_nan_and_signed_zeros():
    values = np.array(AWKWARD)
    a, b = np.meshgrid(values, values)
    a, b = a.ravel(), b.ravel()

    @njit
    def both(a, b, high, low):
        for i in range(a.shape[0]):
            high[i] = kernels.maximum(a[i], b[i])
            low[i] = kernels.minimum(a[i], b[i])

    high, low = np.empty(len(a)), np.empty(len(a))
    both(a, b, high, low)
    same(high, np.maximum(a, b))
    same(low, np.minimum(a, b))
    # signed zeros: the bit patterns, not only the values
    same(np.signbit(high), np.signbit(np.maximum(a, b)))
    same(np.signbit(low), np.signbit(np.minimum(a, b)))


@pytest.mark.parametrize("n", [0, 1, 7, 40, 5000])
def test_competition_kernels_match_the_numpy_passes(n, rng):
    S, R = 6, 4
    sector, region, cell = places(n, R, S, rng)
    employment = np.abs(floats(n, rng))
    productivity, share = floats(n, rng), np.abs(floats(n, rng))
    labour_cost, related = floats(R * S, rng, False), floats(R * S, rng, False)
    penalty = np.abs(floats(n, rng))

    # size_ratio: the diseconomies of scale before their log
    jobs = sums(region, employment, R)
    expected = np.maximum(employment, 1e-12) / np.maximum(0.3 * jobs, 1e-12).take(region)
    same(kernels.size_ratio(employment, region, R, 0.3, np.empty(n)), expected)

    # relative_edge, with and without the penalty
    for pen in (penalty, kernels.NONE):
        edge = productivity - labour_cost.take(cell)
        edge += related.take(cell)
        if len(pen):
            edge -= pen
        before = sums(sector, share, S)
        mean = sums(sector, share * edge, S) / np.maximum(before, 1e-300)
        edge -= mean.take(sector)
        edge *= 1.7
        got = np.empty(n)
        got_before = kernels.relative_edge(
            productivity, share, cell, sector, labour_cost, related, pen, 1.7, S, got
        )
        same(got, edge)
        same(got_before, before)

    # select_and_shock
    fitness, scale, u = np.abs(floats(n, rng)), np.abs(floats(n, rng)), rng.random(n)
    before = sums(sector, share, S)
    v = u - 0.5
    magnitude = np.abs(v)
    magnitude *= -2.0
    f = fitness * share
    new_share = f * (before / np.maximum(sums(sector, f, S), 1e-300)).take(sector)
    b = np.minimum(scale * 0.25, 0.6)
    shock = np.copysign(magnitude, v) * b
    got_f, got_share, got_scale, got_shock = fitness.copy(), share.copy(), scale.copy(), np.empty(n)
    got_v = np.empty(n)
    kernels.laplace_magnitude(u, got_v, got_shock)
    same(got_v, v)
    same(got_shock, magnitude)
    kernels.select_and_shock(got_f, got_share, before, sector, got_scale, 0.25, 0.6, got_shock, v)
    same(got_share, new_share)
    same(got_shock, shock)
    same(got_scale, -np.square(b))

    # floor_over and add_into
    same(
        kernels.floor_over(employment, 1e-3, 12.5, np.empty(n)), np.maximum(employment, 1e-3) / 12.5
    )
    a = productivity.copy()
    kernels.add_into(a, share)
    same(a, productivity + share)

    # renormalise
    growth, row = np.abs(floats(n, rng)), np.abs(floats(S, rng, False))
    row[0] = 0.0
    demand, technology = np.abs(floats(S, rng, False)), np.abs(floats(S, rng, False))
    pexp = np.abs(floats(n, rng))
    s2 = share * growth
    total = sums(sector, s2, S) + row
    total[total == 0] = 1.0
    s2 /= total.take(sector)
    va = s2 * demand.take(sector)
    target = pexp * technology.take(sector)
    target = va / target
    got_share, got_pexp, got_va, got_row = share.copy(), pexp.copy(), np.empty(n), np.empty(S)
    kernels.renormalise(
        got_share, growth, sector, row, demand, technology, got_pexp, got_va, got_row
    )
    same(got_share, s2)
    same(got_va, va)
    same(got_pexp, target)
    same(got_row, row / total)

    # partial_adjustment
    log_t, log_e = floats(n, rng), floats(n, rng)
    got = log_t.copy()
    kernels.partial_adjustment(got, log_e, 0.35)
    same(got, (log_t - log_e) * 0.35 + log_e)


@pytest.mark.parametrize("n", [0, 3, 40, 5000])
@pytest.mark.parametrize("taxed", [False, True])
def test_settling_the_accounts_matches_the_numpy_passes(n, taxed, rng):
    S, R = 5, 3
    sector, region, cell = places(n, R, S, rng)
    va, employment = floats(n, rng), np.abs(floats(n, rng))
    per_job, rd = floats(R * S, rng, False), np.abs(floats(S, rng, False))
    cash = floats(n, rng)
    loss_years = rng.integers(0, 5, n).astype(np.int16)
    revenue = np.abs(floats(R, rng, False))
    revenue[0] = 0.0
    tax = kernels.flat_tax(va, region, revenue, np.empty(n)) if taxed else kernels.NONE

    wages = per_job.take(cell) * employment
    own_rd = rd.take(sector) * va
    profit = va - wages
    profit -= own_rd
    if taxed:
        base = sums(region, va, R)
        rate = np.divide(revenue, base, out=np.zeros(R), where=base > 0)
        expected_tax = rate.take(region) * va
        same(tax, expected_tax)
        profit -= expected_tax
    expected_cash = cash.copy()
    np.multiply(expected_cash, 0.8, out=expected_cash, where=expected_cash > 0)
    expected_cash += profit
    expected_loss = (loss_years + np.int16(1)) * (profit < 0)

    got_cash, got_loss, got_rd = cash.copy(), loss_years.copy(), np.empty(n)
    kernels.settle_accounts(
        va, employment, cell, sector, per_job, rd, tax, 0.8, got_cash, got_loss, got_rd
    )
    same(got_rd, own_rd)
    same(got_cash, expected_cash)
    same(got_loss, expected_loss.astype(np.int16))


@pytest.mark.parametrize("n", [0, 4, 40, 5000])
@pytest.mark.parametrize("extra", [False, True])
def test_learning_kernels_match_the_numpy_passes(n, extra, rng):
    S, R = 4, 3
    sector, region, cell = places(n, R, S, rng)
    knowledge, va, own_rd = np.abs(floats(n, rng)), np.abs(floats(n, rng)), np.abs(floats(n, rng))
    pool = np.abs(floats(R * S, rng, False))
    extra_pool = np.abs(floats(n, rng)) if extra else kernels.NONE

    a, b = kernels.cell_sums(cell, knowledge, va, R * S)
    same(a, sums(cell, knowledge, R * S))
    same(b, sums(cell, va, R * S))

    absorbed = pool.take(cell)
    if extra:
        absorbed += extra_pool
    absorbed *= va
    expected = knowledge * 0.9
    expected += own_rd
    expected += absorbed
    got = knowledge.copy()
    kernels.absorb(got, va, own_rd, pool, cell, extra_pool, 0.9)
    same(got, expected)

    productivity, log_k, noise = floats(n, rng), np.abs(floats(n, rng)), floats(n, rng)
    mean = sums(sector, log_k * va, S) / np.maximum(sums(sector, va, S), 1e-12)
    moved = log_k - mean.take(sector)
    moved *= 0.2
    expected = productivity * 0.95
    expected += moved
    expected += noise
    got = productivity.copy()
    kernels.move_productivity(got, log_k, va, sector, S, 0.2, noise, 0.95)
    same(got, expected)


@pytest.mark.parametrize("n", [0, 5, 40, 5000])
def test_sums_over_cluster_members_are_bincounts_without_the_firms_in_none(n, rng):
    k = 7
    cluster = rng.integers(-1, k, n).astype(np.int32)  # -1: in no cluster
    a, b = floats(n, rng), np.abs(floats(n, rng))
    slot = np.add(cluster, 1, dtype=np.intp)
    count, sum_a, sum_b = kernels.member_sums(cluster, a, b, k)
    same(count, np.bincount(slot, minlength=k + 1)[1:].astype(np.int64))
    same(sum_a, sums(slot, a, k + 1)[1:])
    same(sum_b, sums(slot, b, k + 1)[1:])
    weight = floats(k, rng, False)
    padded = np.zeros(k + 1)
    padded[1:] = weight
    same(kernels.of_members(cluster, weight, np.empty(n)), padded.take(slot))


def test_a_cluster_index_beyond_the_clusters_is_an_error_not_a_stray_write():
    with pytest.raises(IndexError, match="beyond the clusters"):
        kernels.member_sums(np.array([0, 3], np.int32), np.ones(2), np.ones(2), 3)


def test_a_division_by_zero_gives_numpys_inf_not_an_exception():
    # error_model="numpy": a kernel dividing by zero goes on, as numpy's passes did
    out = kernels.floor_over(np.array([1.0, -1.0, 0.0]), -np.inf, 0.0, np.empty(3))
    same(out, np.array([np.inf, -np.inf, np.nan]))


def test_warming_loads_every_kernel_a_run_calls():
    # in a fresh process: after warm(), seeded runs of every golden case load no kernel
    # for argument types of their own (the fork server's workers would pay for them)
    code = """
from sim.model.preload import signatures, warm
warm()
before = signatures()
from tests.golden import CASES, record
for case in CASES.values():
    record(case)
after = signatures()
assert all(before.values()), before
assert before == after, {k: (before[k], after[k]) for k in before if before[k] != after[k]}
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("dtype", sorted({np.dtype(d).str for d in COLUMNS.values()}))
@pytest.mark.parametrize("leaving", ["none", "all", "first", "last", "random"])
def test_compacting_a_column_in_place_is_taking_the_kept_rows(dtype, leaving, rng):
    n = 300
    column = (rng.random(n) * 1000).astype(dtype)
    mask = {
        "none": np.ones(n, bool),
        "all": np.zeros(n, bool),
        "first": np.arange(n) != 0,
        "last": np.arange(n) != n - 1,
        "random": rng.random(n) < 0.7,
    }[leaving]
    kept = np.flatnonzero(mask)
    first = int(np.argmin(mask)) if len(kept) < n else len(kept)
    expected = column.copy()
    expected[: len(kept)] = column[kept]
    kernels.compact(column, kept, first)
    same(column, expected)
