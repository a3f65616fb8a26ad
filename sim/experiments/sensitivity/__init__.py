"""Global sensitivity analysis: which assumptions and levers drive the answer.

A study (``experiments/sensitivity_morris.yaml``, ``experiments/sensitivity_sobol.yaml``)
draws its sample points with SALib (:mod:`.design`), runs them in batches through the Hydra
launchers (:mod:`.batch`: one job evaluates many points in one process), and analyses the
outputs with SALib (:mod:`.analysis`) into a report with intervals (:mod:`.report`,
``s3sim-sensitivity``).
"""
