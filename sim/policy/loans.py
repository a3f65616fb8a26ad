"""Repayable industrialisation loans: lent, repaid after market success, written off on failure."""

from __future__ import annotations

import numpy as np

from sim.model.firms import Firms
from sim.model.pipeline import Outcome
from sim.model.stages import Event
from sim.policy.instruments import IndustrialisationSupport


def positions(firms: Firms, ids: np.ndarray) -> np.ndarray:
    """Positions of the living firms among ``ids`` (firm ids are sorted ascending)."""
    if firms.n == 0 or len(ids) == 0:
        return np.zeros(0, dtype=np.intp)
    pos = np.minimum(np.searchsorted(firms.firm_id, ids), firms.n - 1)
    return pos[firms.firm_id[pos] == ids]


def settle_loan(
    firms: Firms,
    inst: IndustrialisationSupport,
    outcome: Outcome,
    repaid: np.ndarray,
    governs: np.ndarray,
) -> float:
    """Book one loan instrument's year; return what was written off.

    What firms were paid this year is owed; a project that reached the market
    makes its debt due, an abandoned one writes it off; a firm whose debt is due
    repays ``repayment_rate`` of its positive cash a year.

    Args:
        firms: The firm population (cash and loan columns updated).
        inst: The loan instrument.
        outcome: The year's pipeline outcome (payments and events).
        repaid: (R, I) the ledger's repayments of the year (updated in place).
        governs: (R,) the regions of the policy that lent (only their firms are booked).
    """
    events = outcome.events
    written_off = 0.0
    mine = governs[firms.region]
    lent = (outcome.paid_funder == inst.index) & mine
    firms.loan_owed[lent] += outcome.paid_grant[lent]
    if events:
        done = positions(firms, events["firm_id"][events["event"] == Event.SUCCESS])
        done = done[mine[done]]
        firms.loan_due[done] |= firms.loan_owed[done] > 0
        failed = positions(firms, events["firm_id"][events["event"] == Event.ABANDON])
        failed = failed[mine[failed]]
        written_off = float(firms.loan_owed[failed].sum())
        firms.loan_owed[failed] = 0.0
    due = np.flatnonzero(firms.loan_due & (firms.loan_owed > 0) & mine)
    n_regions = len(governs)
    pay = np.minimum(firms.loan_owed[due], inst.repayment_rate * np.maximum(firms.cash[due], 0))
    firms.cash[due] -= pay
    firms.loan_owed[due] -= pay
    repaid[:n_regions, inst.index] += np.bincount(firms.region[due], pay, n_regions)
    return written_off
