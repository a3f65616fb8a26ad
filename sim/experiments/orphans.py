"""A sweep's workers end when the sweep's main process ends, however it ends.

Launchers such as joblib (loky) and submitit's local executor run jobs in
child processes of the sweep's main process. If that process is killed
(``kill -9``, an out-of-memory kill, a closed terminal), nothing tells the
workers, and they would go on computing runs no one collects. The main process
names itself in the environment its workers inherit (:func:`mark_main`); a
daemon thread in each worker on the same host exits the worker as soon as that
process is gone, even when it died before the worker's first job.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

#: Environment variable naming the sweep's main process, ``host:pid``.
MAIN = "S3SIM_SWEEP_MAIN"
#: Seconds between two looks at the main process.
INTERVAL = 0.5

_guard: dict[str, threading.Thread | None] = {"thread": None}


def mark_main() -> None:
    """Name this process as a sweep's main process, for the workers it starts."""
    os.environ[MAIN] = f"{socket.gethostname()}:{os.getpid()}"


def main_pid() -> int | None:
    """The sweep's main process named by :func:`mark_main`, if on this host; else None."""
    host, _, pid = os.environ.get(MAIN, "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    return int(pid)


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return state in ("Z", "X")


def _watch(main: int) -> None:
    event = threading.Event()
    while True:
        if gone(main):
            os._exit(3)  # no cleanup: the sweep this worker served is gone
        event.wait(INTERVAL)


def end_with_main() -> None:
    """In a worker of a sweep on the main process's host, exit when that process ends.

    Idempotent (one watcher thread per process); nothing happens on another host
    (a SLURM job) or outside a sweep.
    """
    pid = main_pid()
    if pid is None or pid == os.getpid():
        return
    thread = _guard["thread"]
    if thread is not None and thread.is_alive():
        return
    thread = threading.Thread(target=_watch, args=(pid,), name="sweep-guard", daemon=True)
    thread.start()
    _guard["thread"] = thread
