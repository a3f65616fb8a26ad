"""Shared fixtures: composed configs of a small economy, built without the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.config.paths import config_dir
from sim.model.preload import warm

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """Compile the model's loops (or load them from numba's cache) before any test runs.

    On a clean checkout the first compilation takes seconds; without this, the first
    tests to run a model, or a sweep a test starts with a deadline, would pay for it.
    """
    warm()


def compose_config(overrides: list[str] | None = None) -> dict:
    """The composed config as a plain dict, with ``overrides`` applied."""
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose(config_name="config", overrides=overrides or [])
    return OmegaConf.to_container(cfg, resolve=False)


#: A hand-made economy: two regions, three sectors (one emerging), two capabilities.
HAND_SPEC = {
    "name": "hand",
    "focal_region": "north",
    "capabilities": ["a", "b"],
    "sectors": {
        "s0": {"group": "mature_manufacturing", "world_share": 0.5, "profile": [1.0, 0.0]},
        "s1": {"group": "services", "world_share": 0.3, "profile": [1.0, 1.0]},
        "s2": {"group": "emerging", "world_share": 0.2, "profile": [0.0, 1.0]},
    },
    "regions": {"north": {"jobs": 1000.0}, "south": {"jobs": 500.0}},
}

SMALL = [
    "economy.n_firms=3000",
    "years.start=2000",
    "years.end=2012",
    "years.burn_in=5",
    "output.plots=false",
]


@pytest.fixture
def small_config() -> dict:
    """A small economy (3,000 firms, 13 reported years) that runs in well under a second."""
    return compose_config(SMALL)
