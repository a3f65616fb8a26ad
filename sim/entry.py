"""The ``s3sim`` command's first step, taken before Hydra and the model are imported.

A sweep's workers are forks of a server process that imports the model
(:func:`sim.experiments.warm_start.start_server`); the sooner it starts, the sooner the
workers run. The command therefore starts it before it imports anything else (Hydra alone
is a few tenths of a second), then hands over to :func:`sim.cli.main`. ``python -m sim.cli``
starts the server from there instead, a little later.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point of the ``s3sim`` command."""
    from sim.experiments.warm_start import start_server

    start_server(sys.argv[1:])  # a multirun's workers: their imports start now
    from sim.cli import main as command

    command()


__all__ = ["main"]
