"""The browser dashboard (``s3sim-dashboard``): watch a region transform, explore a sweep.

- :mod:`sim.dashboard.levers`, :mod:`sim.dashboard.live`: a run built from the composed
  config as ``s3sim`` builds it, with its paired no-policy baseline, stepped year by year.
- :mod:`sim.dashboard.sweep_data`: a sweep read from its Parquet files.
- :mod:`sim.dashboard.run_charts`, :mod:`sim.dashboard.sweep_charts`: figures by ``sim.plots``.
- :mod:`sim.dashboard.app`: the Solara pages; :mod:`sim.dashboard.serve`: the command.

Mesa's SolaraViz is not used: it rebuilds a model by calling its class with the page's
keyword parameters, while a run here is assembled from a composed Hydra config (as
``s3sim`` does) and paired with a no-policy baseline, and its parameter widgets have no
place for a lever's own error message. The pages are plain Solara components instead.
"""
