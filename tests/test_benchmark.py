"""experiments/benchmark.py --quick runs end to end and prints every row of its table.

A smoke test, not a timed test: no speed, memory or efficiency is asserted (the
targets may print PASS, MISS or SKIP), only that every figure is measured and shown.
Also: experiments/sweep_benchmark.py counts the CPU time of a command's orphaned
descendants (the sweep's fork server and its workers), and takes out of a study's
efficiency exactly what its runs cost each other; experiments/machine_sharing.py times its
loops alone and in pairs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "experiments" / "benchmark.py"

pytestmark = pytest.mark.slow

#: Rows of the table and how many times each appears: three sizes plus the largest
#: with scaled jobs, five statistics of the reference comparison, six targets.
SIZE = r"[\d,]+ firms(, jobs x\d+)?"
ROWS = {
    r"^scenario: (bottom_up|no_policy) \(": 1,
    r"^calendar: \d{4}-\d{4} \(\d+ simulated years": 1,
    rf"^  firm-years/s at {SIZE} +[\d.]+ [kM] +\(median of \d+": 4,
    r"^  phase shares at +demand +compete +knowledge +innovation +policy +entry/exit +observe"
    r" +other$": 1,
    rf"^  {SIZE}( +\d+\.\d%){{8}}$": 4,
    r"^  peak memory per firm at [\d,]+ firms +-?\d+ B peak RSS \((VmHWM|ru_maxrss)\) - baseline; "
    r"\d+ B tracemalloc peak$": 3,
    r"^  scaling [\d,]+ -> [\d,]+ firms +time x \d+\.\d\d +\(firm-years x": 1,
    r"^  scaling [\d,]+ -> [\d,]+ firms, jobs x\d+ +time x \d+\.\d\d +\(firm-years x": 1,
    r"^  scaling 20 -> 40 simulated years at [\d,]+ +time x \d+\.\d\d": 1,
    r"^  mesa reference firm-years/s +[\d.]+ [kM]": 1,
    r"^  real core firm-years/s +[\d.]+ [kM]": 1,
    r"^  speed-up over the reference +x \d+\.\d$": 1,
    r"^  equivalence \(paired t-test per statistic\) +(indistinguishable|DIFFERENT)": 1,
    r"^    (employment_growth|firm_ratio|entry_rate|exit_rate|mean_log_size) +real .* p = ": 5,
    r"^  default run \([\d,]+ firms, sim\.cli\.run\) +\d+\.\d\d s": 1,
    r"^  whole command \(s3sim hydra\.run\.dir=\.\.\.\) +\d+\.\d\d s \(median of \d+\)$": 1,
    r"^  sweep efficiency \(": 1,
    r"^  firm-years/s at [\d,]+ firms +>= 2 M .* (PASS|MISS)$": 1,
    r"^  speed-up over the Mesa reference +>= x 100 .* (PASS|MISS)$": 1,
    r"^  default run, build to outputs written +<= 2 s .*whole command .* (PASS|MISS)$": 1,
    r"^  peak memory per firm at [\d,]+ firms +<= 300 B .* (PASS|MISS)$": 1,
    r"^  \d+x the firms \(jobs x\d+\) costs +<= x 12 the time .* (PASS|MISS)$": 1,
    r"^  sweep efficiency +>= 90 % .* (PASS|MISS|SKIP)$": 1,
}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,  # a guard against a hang, not a speed check
    )
    return done, out


def test_quick_benchmark_exits_cleanly(quick):
    done, _ = quick
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("pattern", list(ROWS))
def test_quick_benchmark_prints_the_row(quick, pattern):
    done, _ = quick
    lines = done.stdout.splitlines()
    found = [line for line in lines if re.search(pattern, line)]
    assert len(found) == ROWS[pattern], f"{pattern!r} in:\n{done.stdout}"


def test_quick_benchmark_saves_every_figure(quick):
    _, out = quick
    figures = json.loads(out.read_text())
    for key in ("throughput", "memory", "scaling", "reference", "default_run", "targets"):
        assert key in figures
    assert len(figures["targets"]) == 6
    assert figures["reference"]["ratio"] > 0


@pytest.mark.skipif(sys.platform != "linux", reason="the child subreaper is Linux's")
def test_the_sweep_benchmark_counts_the_cpu_of_orphaned_descendants():
    # a sweep's workers are forks of a fork server that outlives the command: the
    # benchmark must count them as its own children; here a grandchild whose parent
    # has ended burns 0.3 s of CPU (without adoption the figure is about the parent's)
    code = (
        "import resource, subprocess, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'experiments')!r})\n"
        "from sweep_benchmark import adopt_orphans, reap_orphans\n"
        "burn = ('import os, time\\nif os.fork() == 0:\\n    t = time.process_time()\\n'\n"
        "        '    while time.process_time() - t < 0.3:\\n        pass\\n')\n"
        "adopt_orphans()\n"
        "before = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "subprocess.run([sys.executable, '-c', burn], check=True)\n"
        "reap_orphans()\n"
        "after = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) >= 0.3


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.8969, "89.7 %"), (0.8995, "89.95 %"), (0.9, "90 %"), (0.9049, "90 %"), (0.87, "87 %")],
)
def test_an_efficiency_is_shown_on_its_side_of_the_target(value, shown):
    sys.path.insert(0, str(ROOT / "experiments"))
    try:
        from sweep_timeline import percent
    finally:
        sys.path.remove(str(ROOT / "experiments"))
    assert percent(value, 0.90) == shown


def _experiments(name: str):
    sys.path.insert(0, str(ROOT / "experiments"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(ROOT / "experiments"))


def test_the_launchers_efficiency_takes_out_only_what_the_runs_cost_each_other():
    efficiency_without_sharing = _experiments("sweep_timeline").efficiency_without_sharing
    one = {"wall": 40.0, "points": 34.0}
    # the points as fast side by side: the measured efficiency, 40 / (2 x 22)
    assert efficiency_without_sharing(one, {"wall": 22.0, "points": 34.0}) == 40.0 / 44.0
    # 3.4 worker-s more of points with two workers (x 1.1): those 3.4 s come out of 2 T2
    two = {"wall": 23.7, "points": 37.4}
    assert efficiency_without_sharing(one, two) == pytest.approx(40.0 / (47.4 - 3.4))
    assert one["wall"] / (2 * two["wall"]) < efficiency_without_sharing(one, two)


def test_the_machines_sharing_is_timed_alone_and_in_pairs():
    machine_sharing = _experiments("machine_sharing")
    assert machine_sharing.ratio([1.0, 1.2], [1.1, 1.3, 1.2, 1.4]) == pytest.approx(1.25 / 1.1)
    measured = machine_sharing.measure(rounds=1, scale=0.02)
    assert set(measured) == {"memory", "cpu"}
    for m in measured.values():
        assert len(m["alone"]) == 1 and len(m["pair"]) == 2  # one lone process, one pair
        assert all(t > 0 for t in m["alone"] + m["pair"])
        assert m["ratio"] == pytest.approx(sum(m["pair"]) / 2 / m["alone"][0])
    assert "two memory-bound loops x " in machine_sharing.describe(measured)


def test_the_sweep_benchmark_runs_end_to_end_and_reports_every_figure(tmp_path):
    out = tmp_path / "sweep.json"
    script = ROOT / "experiments" / "sweep_benchmark.py"
    done = subprocess.run(
        [sys.executable, str(script), "--quick", "--repeats", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text())
    for line in (
        r"^ +8 runs: T1 +[\d.]+ s, T2 +[\d.]+ s, efficiency",
        r"^ +48 runs: T1 +[\d.]+ s, T2 +[\d.]+ s, efficiency",
        r"^  a second process.s cost on this machine.*two memory-bound loops x [\d.]+ "
        r"\(1 alone, 1 in pairs\), "
        r"two cpu-bound loops x [\d.]+",
        r"^  efficiency had the runs been as fast .*: [\d.]+ % \(8 runs\), [\d.]+ % \(48 runs\)$",
        r"^  study efficiency, 48 runs on 2 workers +>= 90 %",
    ):
        assert re.search(line, done.stdout, re.MULTILINE), (line, done.stdout)
    assert set(figures["machine_sharing"]) == {"memory", "cpu"}
    assert set(figures["efficiency_without_sharing"]) == {"8", "48"}
    assert all(t["pass"] is None for t in figures["targets"])  # --quick is not a benchmark


def test_elementary_functions_prints_each_and_the_cephes_port_keeps_scipys_bits(capsys):
    elementary = _experiments("elementary_functions")
    assert elementary.main(["--values", "500", "--repeats", "1", "--check", "20000"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[2:]}
    assert set(rows) == {"exp", "log", "log1p", "ndtri"}
    # the port is the same arithmetic as scipy's ndtri, in the same order: every bit agrees,
    # on uniforms, on both far tails and on the edges of its three branches
    assert rows["ndtri"][-3:] == ["0", "of", "80,010"]
    # NaN where scipy gives NaN, and the infinities at 0 and 1
    edges = np.array([0.0, 1.0, -0.5, 1.5, np.nan])
    assert (
        elementary.differing_bits(
            elementary.ndtri_loop(edges, np.empty(5)), elementary.ndtri(edges)
        )
        == 0
    )
