# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint install bench docs clean dashboard

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,slurm,ray,dashboard]'
	$(BIN)/python -c 'from sim.model.preload import warm; warm()'  # compile the model's loops once
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m sim.demo

lint: $(STAMP)
	$(BIN)/ruff check sim tests experiments
	$(BIN)/ruff format --check sim tests experiments

# The browser tests drive Debian's Chromium; they fail, saying so, where it cannot be installed.
$(CHROMIUM):
	-command -v apt-get >/dev/null && (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium))

test: lint | $(CHROMIUM)
	$(BIN)/python -m pytest -n 2

dashboard: $(STAMP)
	$(BIN)/s3sim-dashboard --sweep outputs/demo/sweep

# figures into docs/bench.json, then README.md and docs/performance.md quote them anew
bench: $(STAMP)
	$(BIN)/python experiments/benchmark.py --out docs/bench.json
	$(BIN)/python experiments/sweep_benchmark.py --out docs/.sweep_bench.json
	$(BIN)/python -m sim.docgen --add-figures sweep_study docs/.sweep_bench.json
	rm -f docs/.sweep_bench.json

# rewrite the generated parts of README.md and docs/ (tests/test_docs.py checks them)
docs: $(STAMP)
	$(BIN)/python -m sim.docgen

clean:
	rm -rf outputs multirun .pytest_cache
