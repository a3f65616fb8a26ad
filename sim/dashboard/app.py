"""The dashboard's Solara app: the Run page at ``/`` and the Sweep page at ``/sweep``.

Start it with ``s3sim-dashboard`` (or ``solara run sim.dashboard.app``).
"""

from __future__ import annotations

import solara

from sim.dashboard.run_page import RunPage
from sim.dashboard.sweep_page import SweepPage

routes = [
    solara.Route(path="/", component=RunPage, label="Run"),
    solara.Route(path="sweep", component=SweepPage, label="Sweep"),
]
