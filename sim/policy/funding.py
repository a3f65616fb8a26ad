"""Where a government's money comes from: a tax on its region's value added, or outside.

With ``budget.funding: tax`` (the default) every unit of a region's new money
in year ``y`` is raised in that year from the region's firms, in proportion to
their value added: a flat rate ``new_r / VA_r`` on this year's value added,
charged as a cost in the firms' accounts (lower profit and cash, hence more
loss years and fewer firms able to pay their projects). With ``external`` the
money comes from outside the model (a transfer), as a budget would from a
higher level of government whose taxpayers are not modelled.

The tax also has a cost outside the firms' accounts, the excess burden of
taxation, which the model does not simulate (labour supply, avoidance). It is
reported as ``(mcpf - 1) * tax``, with ``mcpf`` the marginal cost of public
funds of the phase's budget (docs/ODD.md 8.2 gives its source).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

FUNDING = ("tax", "external")


def tax_revenue(new: np.ndarray, funding: str | None) -> np.ndarray | None:
    """(R,) money to raise from each region's firms this year, or None without a tax.

    Args:
        new: (R, I) new money of each region and instrument this year.
        funding: The phase's ``budget.funding`` (None when no phase is in force).
    """
    if funding != "tax":
        return None
    revenue = new.sum(axis=1)
    return revenue if (revenue > 0).any() else None


def collected(revenue: np.ndarray, value_added: np.ndarray, region: np.ndarray) -> np.ndarray:
    """(R,) tax actually raised: the revenue of every region whose firms have value added."""
    base = np.bincount(region, value_added, len(revenue))
    return np.where(base > 0, revenue, 0.0)


def book_tax(
    levied: np.ndarray, new: np.ndarray, value_added: np.ndarray, region: np.ndarray
) -> tuple[np.ndarray, float]:
    """The tax of this year as the ledger books it, and the total raised.

    Args:
        levied: (R,) money to raise from each region's firms (:func:`tax_revenue`).
        new: (R, I) new money of each region and instrument this year.
        value_added: (n,) the firms' value added this year.
        region: (n,) the firms' regions.

    Returns:
        (R, I) tax per instrument, in proportion to its new money, and the sum raised.
    """
    raised = collected(levied, value_added, region)
    share = np.divide(raised, levied, out=np.zeros(len(levied)), where=levied > 0)
    return new * share[:, None], float(raised.sum())


def excess_burden(tax: float, mcpf: float) -> float:
    """The cost of raising ``tax`` beyond the money itself: ``(mcpf - 1) * tax``."""
    return (mcpf - 1.0) * tax


def new_money(
    governments: list,
    value_added: Callable[[], np.ndarray],
    phase,
    budget_scale: float,
    acting: np.ndarray,
    shape: tuple[int, int],
) -> np.ndarray:
    """(ledger regions, I) the year's new money: rate x the region's basis x the share.

    The basis is the region's value added, taken once when the policy starts or
    every year under ``budget.basis: current`` (each government keeps its own).

    Args:
        governments: The governments of the policy (their ``budget_basis`` is updated).
        value_added: Gives (R,) this year's value added of each region; called only
            when a government takes its basis (a pass over every firm).
        phase: The phase in force (its budget rate and basis).
        budget_scale: Multiplier of the budget rate.
        acting: (R,) regions that get a budget.
        shape: (ledger regions, instruments) of the result.
    """
    taking = [g for g in governments if g.budget_basis == 0.0 or phase.budget.basis == "current"]
    if taking:
        regional = value_added()
        for gov in taking:
            gov.budget_basis = float(regional[gov.region])
    basis = np.zeros(len(acting))
    for gov in governments:
        basis[gov.region] = gov.budget_basis
    shares = np.zeros(shape[1])
    for inst in phase.instruments:
        shares[inst.index] = inst.share
    new = np.zeros(shape)
    rate = phase.budget.rate * budget_scale
    new[: len(acting)] = rate * (basis * acting)[:, None] * shares[None, :]
    return new
