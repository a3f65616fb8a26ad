"""Documentation generated from the code, so that it cannot drift from it.

``python -m sim.docgen`` rewrites the generated parts of README.md and docs/*.md:
the parameter tables of docs/ODD.md (from the typed config defaults and their
docstrings, :mod:`sim.docgen.parameters`), the indicator list of docs/outputs.md
(from the summary's own schema, :mod:`sim.docgen.indicators`) and every figure
quoted from docs/bench.json, the file ``make bench`` writes
(:mod:`sim.docgen.bench`). ``--check`` changes nothing and exits 1 when a file is
stale; tests/test_docs.py runs the same check.
"""
