"""Evaluate one sample point: write its values into the config, run, measure the outputs.

Outputs of the model (``sensitivity.model = s3sim``):

* ``baseline.*``: the validation statistics of the baseline scenario (``no_policy``),
  computed with the functions of :mod:`sim.validation.stylised_facts` on the last
  ``validation_years`` reported years of the firm panel (the rca statistics on all years);
* ``effect.total_jobs``: the focal region's jobs in the last year, policy minus reference run
  on the same seed and parameters;
* ``effect.spearhead_jobs``: the focal region's jobs in the policy run's spearhead value
  chains, minus the reference run's jobs in those same value chains (the reference picks no
  spearheads of its own; see sim.experiments.pairing.counterfactual_spearheads).

With ``replicates`` > 1 every output is the mean over the seeds ``seed .. seed + r - 1``.
``sensitivity.model = ishigami`` evaluates the Ishigami-Homma function instead, whose
indices are known, to check the pipeline.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.errors import ConfigError
from sim.experiments.sensitivity.study import DUMMY, Parameter, Study

#: Validation statistics of the baseline (names as in the validation table).
BASELINE_STATISTICS = (
    "firm_size_tail_hill",
    "growth_subbotin_shape",
    "growth_volatility_size_slope",
    "entry_rate",
    "exit_rate",
    "entrant_survival_1y",
    "rca_galton_slope",
    "rca_galton_correlation",
    "relatedness_gain_ratio",
)
EFFECTS = ("total_jobs", "spearhead_jobs")
GROWTH_SAMPLE = 20_000
"""Growth rates given to the Subbotin fit per run (the validation report uses 200,000)."""
ISHIGAMI = (7.0, 0.1)
"""The constants a and b of f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1."""


def set_key(config: dict[str, Any], key: str, value: float, optional: bool = False) -> bool:
    """Write ``value`` at the dotted ``key`` (digits index lists); return whether it was set.

    Raises:
        ConfigError: If the key does not exist and is not ``optional``.
    """
    parts = key.split(".")
    node: Any = config
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            index: Any = int(part)
        elif isinstance(node, dict) and part in node:
            index = part
        elif optional:
            return False
        else:
            raise ConfigError(f"sensitivity.parameters: {key}: no such key in the config")
        if last:
            node[index] = value
        else:
            node = node[index]
    return True


def with_values(config: Mapping[str, Any], params: Sequence[Parameter], x: np.ndarray) -> dict:
    """A copy of ``config`` with the sample point's values; ``scenario.*`` keys where present."""
    out = copy.deepcopy(dict(config))
    for p, value in zip(params, x, strict=True):
        if p.key == DUMMY:
            continue
        v: float | int = int(round(value)) if p.integer else float(value)
        set_key(out, p.key, v, optional=p.key.startswith("scenario."))
    return out


def check_keys(study: Study, config: Mapping[str, Any]) -> None:
    """Every varied key outside ``scenario.*`` names a key of ``config``.

    Raises:
        ConfigError: Naming the first key that does not exist.
    """
    if study.model != "s3sim":
        return
    scratch = copy.deepcopy(dict(config))
    for p in study.varied:
        if p.key != DUMMY and not p.key.startswith("scenario."):
            set_key(scratch, p.key, 0)


def ishigami(x: np.ndarray) -> dict[str, float]:
    """The Ishigami-Homma function (Ishigami & Homma 1990) of the first three values."""
    a, b = ISHIGAMI
    x1, x2, x3 = (float(v) for v in x[:3])
    return {"ishigami": math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)}


class PointEvaluator:
    """Runs sample points of a study with the scenario configs composed once.

    Args:
        study: The study.
        scenarios: Composed config (plain dict, without ``sensitivity``) of each scenario
            the study runs, by name.
    """

    def __init__(self, study: Study, scenarios: Mapping[str, dict[str, Any]]):
        self.study = study
        self.scenarios = dict(scenarios)
        self.params = study.varied
        if study.model == "s3sim":  # a misspelt key stops the study before its first run
            check_keys(study, next(iter(self.scenarios.values())))
            for p in self.params:
                if p.key.startswith("scenario.") and not any(
                    set_key(copy.deepcopy(c), p.key, 0, optional=True)
                    for c in self.scenarios.values()
                ):
                    raise ConfigError(
                        f"sensitivity.parameters: {p.key}: none of the scenarios "
                        f"{', '.join(self.scenarios)} has this key"
                    )

    def __call__(self, x: np.ndarray) -> dict[str, float]:
        """The outputs of one sample point (mean over replicates)."""
        if self.study.model == "ishigami":
            return ishigami(x)
        draws = [self.replicate(x, r) for r in range(self.study.replicates)]
        return {k: float(np.mean([d[k] for d in draws])) for k in draws[0]}

    def replicate(self, x: np.ndarray, replicate: int) -> dict[str, float]:
        """The outputs of one sample point with seed ``seed + replicate``."""
        s = self.study
        configs = {}
        for name in s.scenarios:
            config = with_values(self.scenarios[name], self.params, x)
            config["seed"] = int(config.get("seed", 0)) + replicate
            config["output"] = {**config.get("output", {}), "firm_panel": name == s.baseline}
            configs[name] = config
        models = run_models(configs)
        out: dict[str, float] = {}
        if s.baseline is not None:
            stats = baseline_statistics(models[s.baseline], s.validation_years)
            out |= {f"baseline.{k}": v for k, v in stats.items()}
        if s.policy is not None:
            out |= {f"effect.{k}": v for k, v in effects(models[s.policy], models[s.reference])}
        return out


def run_models(configs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Build and run the models of composed configs, by name.

    The scenarios of a point differ only in their policy, so their years before the
    policy are simulated once (sim.config.scenario_runs).
    """
    from sim.config.scenario_runs import build_models

    models = build_models(configs)
    for model in models.values():
        model.run()
    return models


def effects(policy_model, reference_model) -> list[tuple[str, float]]:
    """Policy minus reference: focal jobs, and jobs in the policy's spearhead value chains."""
    e = policy_model.economy
    jobs_p = policy_model.recorder.employment[-1, e.focal]
    jobs_r = reference_model.recorder.employment[-1, e.focal]
    spear = policy_model.policy.spearhead_sectors(policy_model.economy.focal)
    spear = np.asarray(spear, dtype=int)
    return [
        ("total_jobs", float(jobs_p.sum() - jobs_r.sum())),
        ("spearhead_jobs", float(jobs_p[spear].sum() - jobs_r[spear].sum())),
    ]


def baseline_statistics(model, years: int) -> dict[str, float]:
    """The validation statistics of a finished run with a firm panel (module docstring)."""
    # imported here: scipy.stats (about 0.4 s of a process's imports) is needed by studies of
    # the baseline only, and a study of the policy effect alone does not wait for it
    from sim.validation import stylised_facts as facts
    from sim.validation.table import GAIN_HORIZON, GALTON_LAG, MIN_TAIL, TAIL_FRACTION

    rec = model.recorder
    firms = rec.firm_frame()
    firms = firms[firms["year"] > firms["year"].max() - years]
    hill = facts.hill_by_year(firms, TAIL_FRACTION, MIN_TAIL)["alpha"].mean()
    g = facts.growth_rates(firms)
    beta, _ = facts.subbotin_shape(g["growth_dm"].to_numpy(), max_n=GROWTH_SAMPLE)
    slope, _ = facts.volatility_size_slope(g["size"].to_numpy(), g["growth_dm"].to_numpy())
    ee = facts.entry_exit(firms)
    cohorts = ee.dropna(subset=["survivors"])
    entrants = cohorts["entrants"].sum()
    spec = rec.specialisation_frame()
    pairs = facts.lagged_pairs(spec, "rsca", GALTON_LAG)
    galton, corr, _ = facts.galton_regression(pairs["x"].to_numpy(), pairs["y"].to_numpy())
    sample = facts.gain_sample(spec, GAIN_HORIZON)
    cluster = sample.groupby(["region", "sector"]).ngroup().to_numpy()
    table = facts.gain_by_quintile(sample["density"].to_numpy(), sample["gain"].to_numpy(), cluster)
    ratio = math.nan
    if not table.empty:
        _, ratio, _ = facts.gain_profile_test(table["p"].to_numpy(), table["se"].to_numpy())
    values = [
        hill,
        beta,
        slope,
        ee["entry_rate"].mean(),
        ee["exit_rate"].mean(),
        cohorts["survivors"].sum() / entrants if entrants else math.nan,
        galton,
        corr,
        ratio,
    ]
    return {k: float(v) for k, v in zip(BASELINE_STATISTICS, values, strict=True)}
