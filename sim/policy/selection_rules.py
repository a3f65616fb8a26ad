"""Selection rules: which applications get money.

Each rule is a small class (:data:`RULES` names them for scenarios): an open
call (``BottomUp``), a challenge earmark (``ChallengeDriven``), spearheads with
partnership agreements and account managers (``Targeted``), and the same with
cross-regional pilots (``Vanguard``). Applications are ranked by their quality
as the government perceives it (the true quality plus evaluation noise, lower
for spearhead projects followed by account managers), or by the success
probability the support adds (``selection.rank: additionality``), and funded in
that order until the money is used. Earmarked pots (challenge areas, partnership
agreements) are served first from their own money; what they leave joins the
open call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config.schema import bounded
from sim.policy.segments import bounds_of, segment_ids, single, sums


@dataclass
class Pot:
    """Earmarked money for the applications in ``eligible`` (an amount per government)."""

    eligible: np.ndarray
    amount: float | np.ndarray


def fund_in_order(
    order: np.ndarray,
    now: np.ndarray,
    later: np.ndarray,
    budget_now: float | np.ndarray,
    budget_later: float | np.ndarray,
    bounds: np.ndarray | None = None,
) -> np.ndarray:
    """Positions (from ``order``) of the longest ranked prefix that fits both budgets.

    The candidates may belong to several governments (segments of ``order``): each gets
    the longest prefix of its own candidates that fits its own budgets.

    Args:
        order: Candidate positions, best first (within each segment).
        now: Request of every application for the coming year.
        later: Request of every application for the year after (multi-year commitments).
        budget_now: Money for the coming year (one per segment, or one for all).
        budget_later: Room for commitments in the year after (likewise).
        bounds: (G + 1,) where each segment's candidates lie in ``order`` (sim.policy.segments);
            one segment when None.
    """
    if len(order) == 0:
        return order
    if bounds is None:
        bounds = single(len(order))
    counts = np.diff(bounds)
    row = segment_ids(bounds)
    col = np.arange(len(order)) - bounds[row]
    # one row per segment, one column more than the longest: every row has a first misfit.
    # A cumulative sum along a row adds in the same sequence as one of the segment alone.
    width = int(counts.max()) + 1
    cell = row * width + col
    fits = np.zeros(len(counts) * width, dtype=bool)
    fits[cell] = True
    fits = fits.reshape(-1, width)
    for request, budget in ((now, budget_now), (later, budget_later)):
        spent = np.zeros(fits.size)
        spent[cell] = request[order]
        fits &= np.cumsum(spent.reshape(-1, width), axis=1) <= np.reshape(budget + 1e-9, (-1, 1))
    first_misfit = np.argmin(fits, axis=1)
    return order[col < first_misfit[row]]


def award(
    perceived: np.ndarray,
    now: np.ndarray,
    later: np.ndarray,
    budget_now: float | np.ndarray,
    budget_later: float | np.ndarray,
    pots: list[Pot] = (),
    bounds: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of funded applications: earmarked pots first, then the open call.

    Nothing is awarded beyond ``budget_now`` for the coming year nor beyond
    ``budget_later`` for the year after, whatever the pots say. Applications of several
    governments (segments ``bounds``, each with its own budgets and pot amounts) are
    ranked and funded each as if alone.
    """
    if bounds is None:
        bounds = single(len(perceived))
    n_segments = len(bounds) - 1
    segment = segment_ids(bounds)
    funded = np.zeros(len(perceived), dtype=bool)
    # best first within each segment; a stable sort: ties keep their order
    ranked = np.lexsort((-perceived, segment))
    left_now = np.full(n_segments, budget_now, dtype=float)
    left_later = np.full(n_segments, budget_later, dtype=float)
    for pot in pots:
        amount = np.minimum(pot.amount, left_now)
        open_ = pot.eligible[ranked] & ~funded[ranked]
        candidates, at = ranked[open_], bounds_of(open_, bounds)
        chosen = fund_in_order(candidates, now, later, amount, left_later, at)
        funded[chosen] = True
        at = np.searchsorted(segment[chosen], np.arange(n_segments + 1))
        left_now -= sums(now[chosen], at)
        left_later -= sums(later[chosen], at)
    if pots:
        open_ = ~funded[ranked]
        open_call, at = ranked[open_], bounds_of(open_, bounds)
    else:
        open_call, at = ranked, bounds
    chosen = fund_in_order(open_call, now, later, left_now, left_later, at)
    funded[chosen] = True
    return funded


def perceive(
    quality: np.ndarray,
    noise: float,
    followed: np.ndarray,
    account_manager_effect: float,
    errors: np.ndarray,
) -> np.ndarray:
    """Quality as the government sees it: ``q + noise * (1 - effect * followed) * z``.

    ``errors`` are the standard normal deviates ``z`` of the applications (keyed by
    firm, year and instrument, sim.model.streams).
    """
    if not followed.any():  # the same numbers: noise * (1 - effect * 0) is noise
        return quality + noise * errors
    scale = noise * (1.0 - account_manager_effect * followed)
    return quality + scale * errors


#: Scores at or below this add nothing: only the tie-breaking quality term is left.
ADDS_NOTHING = 1e-3


def additionality(
    perceived: np.ndarray,
    cash: np.ndarray,
    due: np.ndarray,
    co_financing: float,
    launch_bonus: float = 0.0,
) -> np.ndarray:
    """Ranking score: the probability of proceeding that the support adds, as perceived.

    ``sigmoid(q + bonus) 1[cash >= (1 - c) due] - sigmoid(q) 1[cash >= due]``, with ``q``
    the perceived quality (logit of success), ``c`` the co-financing rate and
    ``bonus`` the instrument's launch bonus: a project that its firm pays anyway adds
    only the bonus, one its firm cannot pay even with the grant adds nothing.
    Perceived quality breaks ties (times 1e-3), so among projects that add nothing
    the better ones come first.
    """
    with_support = (cash >= (1.0 - co_financing) * due) / (
        1.0 + np.exp(-(perceived + launch_bonus))
    )
    without = (cash >= due) / (1.0 + np.exp(-perceived))
    return with_support - without + ADDS_NOTHING / (1.0 + np.exp(-perceived))


@dataclass(frozen=True)
class SelectionSpec:
    """Settings of the selection rules and of the targeted policy's spearheads."""

    rule: str = "bottom_up"
    rank: str = "quality"
    evaluation_noise: float = bounded(1.0, 0.0)
    account_manager_effect: float = bounded(0.5, 0.0, 1.0)
    challenge_share: float = bounded(0.5, 0.0, 1.0)
    picking: str = "entrepreneurial_discovery"
    spearheads: int = bounded(2, 0, 50)
    top_down: dict[str, list[str]] = field(default_factory=dict)
    partnership_share: float = bounded(0.5, 0.0, 1.0)
    roadmap_horizon: int = bounded(6, 1, 50)
    roadmap_ambition: float = bounded(1.5, 0.0, low_open=True)


class BottomUp:
    """Sector-neutral open calls: applications ranked by perceived quality, funded in order.

    The methods take the applications of one government or of several at once (rows
    grouped by government, sim.policy.segments): every rule is elementwise in them.

    Args:
        settings: The scenario's selection settings.
    """

    #: Whether the rule names spearhead clusters (roadmaps, partnership agreements).
    names_spearheads = False
    #: Whether the region pays into cross-regional pilots.
    joins_pilots = False

    def __init__(self, settings: SelectionSpec):
        self.settings = settings

    def followed(self, spearhead: np.ndarray) -> np.ndarray:
        """Mask of applications followed by account managers (less evaluation noise)."""
        return np.zeros_like(spearhead)

    def pots(
        self,
        spearhead: np.ndarray,
        challenge: np.ndarray,
        money: float | np.ndarray,
        stage_weight: float | np.ndarray,
    ) -> list[Pot]:
        """Earmarked money served before the open call (none in an open call).

        ``money`` and ``stage_weight`` are one per government (or one for all); a pot's
        amount follows them. A government without eligible applications is not served
        by a pot at all: its money goes to the open call, as with no pot.
        """
        return []

    def cluster_groups(self, clusters: list, money: float) -> list[tuple[list, float]]:
        """How cluster money is split: groups of clusters and each group's amount."""
        return [(clusters, money)]

    def perceive(
        self, quality: np.ndarray, spearhead: np.ndarray, errors: np.ndarray
    ) -> np.ndarray:
        """Quality as the government sees it (see :func:`perceive`); ``errors`` are N(0, 1)."""
        s = self.settings
        followed = self.followed(spearhead)
        return perceive(quality, s.evaluation_noise, followed, s.account_manager_effect, errors)


class ChallengeDriven(BottomUp):
    """A share of every instrument earmarked for the challenge areas, the rest bottom-up."""

    def pots(
        self,
        spearhead: np.ndarray,
        challenge: np.ndarray,
        money: float | np.ndarray,
        stage_weight: float | np.ndarray,
    ) -> list[Pot]:
        """The challenge pot: ``challenge_share`` of the money."""
        return [Pot(challenge, self.settings.challenge_share * money)]


class Targeted(BottomUp):
    """Spearhead clusters with roadmaps, partnership agreements and account managers."""

    names_spearheads = True

    def followed(self, spearhead: np.ndarray) -> np.ndarray:
        """Spearhead projects are followed by account managers."""
        return spearhead.copy()

    def pots(
        self,
        spearhead: np.ndarray,
        challenge: np.ndarray,
        money: float | np.ndarray,
        stage_weight: float | np.ndarray,
    ) -> list[Pot]:
        """The partnership pot, weighted by where the roadmaps are (``stage_weight``)."""
        if not spearhead.any():
            return []
        return [Pot(spearhead, self.settings.partnership_share * money * stage_weight)]

    def cluster_groups(self, clusters: list, money: float) -> list[tuple[list, float]]:
        """Spearheads share ``partnership_share`` of the money, the other clusters the rest."""
        spear = [c for c in clusters if c.spearhead]
        other = [c for c in clusters if not c.spearhead]
        if not (spear and other):
            return [(clusters, money)]
        share = self.settings.partnership_share
        return [(spear, share * money), (other, (1 - share) * money)]


class Vanguard(Targeted):
    """Targeted, plus roadmaps matched across regions and co-funded shared pilots."""

    joins_pilots = True


#: The rule a scenario names in ``selection.rule``.
RULES: dict[str, type[BottomUp]] = {
    "bottom_up": BottomUp,
    "challenge_driven": ChallengeDriven,
    "targeted": Targeted,
    "vanguard": Vanguard,
}
