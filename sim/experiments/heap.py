"""Keep freed memory in the process: a study's runs allocate the same arrays year after year.

A year of the model allocates and frees hundreds of temporary arrays of half a megabyte
(one double per firm). glibc's allocator gives large freed blocks back to the system
(``munmap``, or trimming the top of the heap) and the next year faults the same pages in
again, zeroed by the kernel: a process that evaluates four points of a study of the default
economy has about 165,000 page faults. With the thresholds raised (``mallopt``, glibc's
documented tunables ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD``), freed blocks stay in the
heap for the next year: about 110,000 faults, and 1-12 % less time per point in five paired
measurements, 1-5 % with two jobs at once (docs/performance.md). Results are unchanged: only
where memory comes from changes.

The job of a study calls :func:`keep_freed_memory` once; a single run does not (its peak
memory is what the benchmark reports per firm).
"""

from __future__ import annotations

import ctypes

#: glibc's ``mallopt`` parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks up to this size come from the heap, not from their own mapping.
MMAP_THRESHOLD = 64 * 1024 * 1024
#: Free memory at the top of the heap kept up to this size.
TRIM_THRESHOLD = 512 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds; False where the C library has no ``mallopt``."""
    try:  # the symbols the process has loaded, the C library's among them
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and (
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    )
