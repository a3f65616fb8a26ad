"""A study's job keeps freed memory: the same arrays allocated again fault no page in."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from sim.experiments.heap import keep_freed_memory
    assert keep_freed_memory()
def year():
    # 40 temporaries of one double per firm at 65,000 firms (0.5 MB each), written
    arrays = [np.ones(65_000) for _ in range(40)]
    del arrays
year()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    year()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def test_arrays_allocated_again_reuse_the_freed_memory():
    # 5 years of 40 arrays of 127 pages of 4 KB: about 25,000 faults if each array comes
    # back from the system, none if the freed memory is kept
    plain, kept = faults("plain"), faults("keep")
    assert plain > 10_000
    assert kept < 500
