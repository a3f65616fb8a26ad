"""The ``s3sim-dashboard`` command: serve the dashboard on this machine and print its address."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the dashboard until interrupted (the server replaces this process)."""
    parser = argparse.ArgumentParser(
        prog="s3sim-dashboard",
        description="Serve the s3sim dashboard (Run and Sweep pages) in the browser.",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--sweep", type=Path, default=None, help="sweep folder the Sweep page starts with"
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port = {args.port}: must be 1 to 65535")
    env = dict(os.environ)
    if args.sweep is not None:
        env["S3SIM_SWEEP"] = str(args.sweep.resolve())
    address = f"http://{args.host}:{args.port}"
    print(f"s3sim-dashboard: Run page {address}/  Sweep page {address}/sweep  (Ctrl-C stops it)")
    sys.stdout.flush()
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-open",
        "--log-level",
        "warning",
    ]
    # the server takes this process's place: stopping it stops the server
    os.execve(sys.executable, command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
