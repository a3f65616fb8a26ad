"""The policy: governments, instruments, selection rules, clusters, roadmaps and pilots."""

from sim.policy.policy import Policy
from sim.policy.scenario import ScenarioSpec, parse_scenario

__all__ = ["Policy", "ScenarioSpec", "parse_scenario"]
