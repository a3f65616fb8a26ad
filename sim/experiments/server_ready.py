"""Imported last by a sweep's fork server: the collector's view frozen, orphans quiet.

:func:`sim.experiments.warm_start.start_server` names this module after the model's in
the fork server's preload list. What the server has imported lives as long as it does,
and its workers are forks of it: freezing the collector's view now spares the server a
search of every module's objects when it ends with the command (the command's output
pipes stay open until it has), and each worker the same search of its inherited copy.

A worker the command asked for just before it ended (a config refused, a full disk) may
be forked after the command is gone, and fail to take over loky's queues, which went
with it. The server reports a failing worker through ``sys.excepthook``, onto the
command's own stderr: here the hook says nothing once the command has ended.

The model's compiled loops (:mod:`sim.model.kernels`) are loaded here too: the first
calls of a process cost about a third of a second, which the workers then do not pay.
"""

import gc
import sys

from sim.experiments.orphans import gone, main_pid
from sim.model.preload import warm


def report_unless_orphaned(kind, value, traceback) -> None:
    """``sys.excepthook`` of the server and its workers: silent once the command has ended."""
    pid = main_pid()
    if pid is not None and gone(pid):
        return
    sys.__excepthook__(kind, value, traceback)


sys.excepthook = report_unless_orphaned
warm()  # the compiled loops loaded once here, not in every worker
gc.collect()
gc.freeze()
