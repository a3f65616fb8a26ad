"""The money of a run's policies in summary.json: spent, raised, received, written off."""

from __future__ import annotations

from sim.policy.government import Payments
from sim.policy.instruments import Instrument, PilotCoInvestment
from sim.policy.ledger import EU, Ledger


def book_payments(
    ledger: Ledger,
    received: dict[str, float],
    instruments: list[Instrument],
    year: int,
    payments: Payments,
) -> None:
    """Book one government's commitments and the money it paid at once."""
    t, r = ledger.t(year), payments.region
    ledger.committed[t, r] = payments.committed
    ledger.disbursed[t, r] += payments.to_clusters + payments.to_pilots
    for inst in instruments:
        if payments.to_clusters[inst.index] > 0:
            received["clusters"] += payments.to_clusters[inst.index]
        if payments.to_pilots[inst.index] > 0:
            received["pilots"] += payments.to_pilots[inst.index]


def book_eu_top_up(
    ledger: Ledger,
    received: dict[str, float],
    instruments: list[Instrument],
    year: int,
    top_up: float,
) -> None:
    """Book the EU's top-up of the shared pilots under its own ledger region."""
    if top_up <= 0:
        return
    pilot = next(i for i in instruments if isinstance(i, PilotCoInvestment))
    t, r = ledger.t(year), ledger.regions.index(EU)
    for name in ("new", "available", "committed", "disbursed"):
        getattr(ledger, name)[t, r, pilot.index] += top_up
    received["pilots"] += top_up


def money_indicators(
    ledger: Ledger,
    focal: int,
    received: dict[str, float],
    written_off: float,
    excess_burden: float,
) -> dict[str, float]:
    """Money spent, raised and received, of the focal region and of all regions.

    Args:
        ledger: The run's ledger (of every policy of the run together).
        focal: Index of the focal region.
        received: Money received by ``firms``, ``clusters`` and ``pilots``.
        written_off: Loans written off.
        excess_burden: The deadweight cost of the taxes raised.
    """
    f = focal
    return {
        "budget_spent": float(ledger.disbursed[:, f].sum()),
        "budget_spent_all_regions": float(ledger.disbursed.sum()),
        "budget_new_all_regions": float(ledger.new.sum()),
        "tax_paid": float(ledger.taxed[:, f].sum()),
        "tax_paid_all_regions": float(ledger.taxed.sum()),
        "excess_burden_all_regions": excess_burden,
        # what the focal region's economy got back: money paid out less loans
        # repaid less the tax its firms paid
        "net_transfer": float(
            ledger.disbursed[:, f].sum() - ledger.repaid[:, f].sum() - ledger.taxed[:, f].sum()
        ),
        "received_by_firms": received["firms"],
        "received_by_clusters": received["clusters"],
        "received_by_pilots": received["pilots"],
        "loans_written_off": written_off,
    }
