"""The first jobs of a sweep take the config the main process composed to check them.

Hydra composes each job's config twice: in the main process, where the sweeper checks
that every job composes before it launches any, and again in the job's worker. The first
job of each worker starts only once that second composition is done (a quarter to a
third of a second here), while the main process waits. So the configs the check composed
for the first jobs, one per worker, are kept (:class:`Kept`) and travel with the jobs'
tasks: the config loader is part of every task Hydra's joblib launcher sends, and the
kept configs are part of the loader, but only in the first tasks sent (as many as
configs are kept); a later task carries none, and its job composes as before, and so
does a copy of the loader (Hydra copies its singletons into every task). A job that
finds its config kept takes it instead of composing: the same function of the same
config and overrides, composed once (and taken once: the job changes it).

A sensitivity study's jobs also compose the scenarios they run (two or three, a tenth of a
second each, in every job at once). The main process composes them after the check, while
the workers start, and they travel the same way (:meth:`Kept.hand`); on arrival (or at
once, where joblib runs the jobs in the main process) they wait in :data:`HANDED` for the
job's first composition of each (:mod:`sim.config.scenario_group`). Each sweep's check
empties it first: what an earlier sweep of the same process left there is never taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The attribute of Hydra's config loader that holds the kept configs.
ATTRIBUTE = "_s3sim_kept"
#: How many jobs' configs to keep: the workers of the sweep's joblib launcher (its first
#: jobs start at once), set by the main process once its config is composed; 0: none.
LIMIT = {"jobs": 0}


def expect(workers: int) -> None:
    """Keep the configs of the first ``workers`` jobs the sweeper checks (0: none)."""
    LIMIT["jobs"] = max(0, workers)


#: Scenarios composed by the sweep's main process for a study's jobs, by name and search
#: path (sim.config.scenario_group): the first composition of each in this process takes it.
HANDED: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}


def take_scenario(key: tuple[str, tuple[str, ...]]) -> dict[str, Any] | None:
    """The scenario handed to this process under ``key`` (once), or None."""
    return HANDED.pop(key, None)


class Kept:
    """Composed configs of jobs (by their overrides) and scenarios of a study's jobs.

    Pickled whole only ``sends`` times.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sends = limit
        self.configs: dict[tuple[str, ...], Any] = {}
        self.scenarios: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}

    def keep(self, overrides: Sequence[str], config: Any) -> None:
        """Keep the config of one job (up to ``limit`` of them)."""
        if len(self.configs) < self.limit:
            self.configs[tuple(overrides)] = config

    def hand(self, key: tuple[str, tuple[str, ...]], scenario: dict[str, Any], here: bool) -> None:
        """Hand a composed scenario to the jobs (``here``: they run in this process)."""
        self.scenarios[key] = scenario
        if here:
            HANDED[key] = scenario

    def take(self, overrides: Sequence[str]) -> Any | None:
        """The kept config of the job with ``overrides`` (once), or None."""
        return self.configs.pop(tuple(overrides), None)

    def __copy__(self) -> Kept:
        return _arrived(0, {}, {})

    def __deepcopy__(self, memo: dict[int, Any]) -> Kept:
        # Hydra copies its singletons, the loader among them, into every task: the copy
        # composes the job's own configs (its scenarios), and none of them is kept
        return _arrived(0, {}, {})

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if self.sends <= 0 or not (self.configs or self.scenarios):
            return (_arrived, (0, {}, {}))
        self.sends -= 1
        return (_arrived, (self.limit, self.configs, self.scenarios))


def _arrived(
    limit: int,
    configs: dict[tuple[str, ...], Any],
    scenarios: dict[tuple[str, tuple[str, ...]], dict[str, Any]],
) -> Kept:
    kept = Kept(limit)
    kept.sends = 0  # not sent on from a worker
    kept.configs = dict(configs)
    HANDED.update(scenarios)  # the task's job composes them next, in this process
    return kept


def keeping(loader: Any, limit: int) -> Kept | None:
    """Start keeping up to ``limit`` configs the loader composes (0: keep none)."""
    HANDED.clear()  # an earlier sweep's, in a process that runs several: composed anew
    if limit <= 0:
        return None
    kept = Kept(limit)
    setattr(loader, ATTRIBUTE, kept)
    return kept


def kept_for(loader: Any) -> Kept | None:
    """The configs kept for the loader's jobs, if any."""
    return getattr(loader, ATTRIBUTE, None)


__all__ = [
    "ATTRIBUTE",
    "HANDED",
    "LIMIT",
    "Kept",
    "expect",
    "kept_for",
    "keeping",
    "take_scenario",
]
