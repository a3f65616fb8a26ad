"""Policy instruments along the value chain: small classes with one interface.

Every instrument gets a share of each government's yearly budget and one hook,
:meth:`Instrument.allocate`, called once a year for all the governments of a policy
with the money each may commit for the coming year and the room each has for
commitments in the year after (arrays, one value per government). It returns what
each committed. Stage instruments fund projects through the firm pipeline's funding
seam (the ``grant`` column); the others fund clusters or shared pilots. Scenarios
build them by ``_target_``, which may name only the concrete classes of this module.
An instrument asks the governments (a :class:`Funder`) for applications, rankings and
payments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from sim.errors import ConfigError


class Funder(Protocol):
    """What an instrument asks of the governments of a policy (sim.policy.allocation).

    Money is one value per government; applications are grouped by government.
    """

    def pay_commitments(self, inst: Instrument, money: np.ndarray) -> np.ndarray:
        """Reserve next year's installments of running awards; return their sums."""

    def applications(self, inst: Instrument) -> Any:
        """Running projects of the instrument's stage in the regions, not yet funded."""

    def due_later(self, inst: Instrument) -> np.ndarray:
        """Installments of ``inst`` still owed after the coming year."""

    def select(
        self,
        inst: Instrument,
        apps: Any,
        now: np.ndarray,
        later: np.ndarray,
        money: np.ndarray,
        room_later: np.ndarray,
    ) -> np.ndarray:
        """Mask of the applications funded under the selection rule."""

    def grant(
        self, inst: Instrument, idx: np.ndarray, amounts: np.ndarray, left: np.ndarray
    ) -> None:
        """Reserve grants for next year and commit the installments after it."""

    def fund_clusters(self, inst: ClusterSupport, money: np.ndarray) -> np.ndarray:
        """Split money over each region's clusters; return what was paid."""

    def contribute_to_pilots(self, inst: Instrument, money: np.ndarray) -> np.ndarray:
        """Pay into each region's shared pilots; return what was paid."""


class Instrument:
    """Base class: a share of the budget and the yearly allocation hook.

    Args:
        share: Share of the government's budget, in [0, 1].
    """

    stage: int | None = None

    def __init__(self, share: float):
        self.share = float(share)
        self.name = type(self).__name__
        self.index = -1

    def allocate(self, gov: Funder, money: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Commit money for the coming year; return the amount each government committed.

        Args:
            gov: The governments of the policy.
            money: (G,) money each government may commit for the coming year.
            room_later: (G,) room each has for commitments in the year after.
        """
        raise NotImplementedError

    def launch_bonus(self) -> float:
        """Logit of stage success added for the projects it funds."""
        return 0.0


class StageGrant(Instrument):
    """Co-financing of one pipeline stage's yearly cost, committed for the rest of the stage.

    Args:
        share: Share of the budget.
        co_financing: Share of the stage cost paid by the grant, in (0, 1].
    """

    def __init__(self, share: float, co_financing: float = 0.5):
        super().__init__(share)
        if not 0.0 < co_financing <= 1.0:
            raise ConfigError(f"co_financing = {co_financing!r}: must be in (0, 1]")
        self.co_financing = float(co_financing)

    def allocate(self, gov: Funder, money: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Pay running commitments first, then fund new applications in ranked order."""
        committed = gov.pay_commitments(self, money)
        return committed + self.fund_new(gov, money - committed, room_later)

    def fund_new(self, gov: Funder, money: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Fund new applications in ranked order with ``money``; return what was awarded."""
        apps = gov.applications(self)
        if len(apps.index) == 0:
            return np.zeros(len(money))
        now = self.co_financing * apps.due
        later = np.where(apps.payments_left >= 2, now, 0.0)
        room_later = np.maximum(room_later - gov.due_later(self), 0.0)
        funded = gov.select(self, apps, now, later, money, room_later)
        gov.grant(self, apps.index[funded], now[funded], apps.payments_left[funded] - 1)
        return apps.total(now, funded)


class ClusterSupport(Protocol):
    """An instrument that also pays clusters (management, collective demonstrators)."""

    def support_cluster(self, cluster: Any, money: float) -> None:
        """Give ``money`` to ``cluster`` for next year."""


class RDGrant(StageGrant):
    """R&D grant: co-financing of the R&D stage (e.g. 50 %)."""

    stage = 0


class Demonstrator(StageGrant):
    """Demonstrator / pilot support for the demonstration stage.

    A part of the money (``collective_share``) builds collective demonstrators
    that lower the demonstration cost of every member of a cluster.

    Args:
        share: Share of the budget.
        co_financing: Share of a project's demonstration cost paid.
        collective_share: Share of the instrument's money for collective demonstrators.
    """

    stage = 1

    def __init__(self, share: float, co_financing: float = 0.4, collective_share: float = 0.3):
        super().__init__(share, co_financing)
        if not 0.0 <= collective_share <= 1.0:
            raise ConfigError(f"collective_share = {collective_share!r}: must be in [0, 1]")
        self.collective_share = float(collective_share)

    def allocate(self, gov: Funder, money: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Running commitments first, then collective demonstrators, then new projects."""
        committed = gov.pay_commitments(self, money)
        collective = gov.fund_clusters(
            self, np.minimum(self.collective_share * money, money - committed)
        )
        left = money - committed - collective
        return committed + collective + self.fund_new(gov, left, room_later)

    def support_cluster(self, cluster: Any, money: float) -> None:
        """A collective demonstrator for the cluster's members."""
        cluster.receive_demonstrator(money)


class IndustrialisationSupport(StageGrant):
    """Investment aid for the industrialisation stage, or a repayable loan.

    Args:
        share: Share of the budget.
        co_financing: Share of the industrialisation cost financed.
        loan: Whether the money is a loan repaid after market success.
        repayment_rate: Share of its positive cash a firm repays each year when due.
    """

    stage = 2

    def __init__(
        self,
        share: float,
        co_financing: float = 0.3,
        loan: bool = False,
        repayment_rate: float = 0.3,
    ):
        super().__init__(share, co_financing)
        if not 0.0 < repayment_rate <= 1.0:
            raise ConfigError(f"repayment_rate = {repayment_rate!r}: must be in (0, 1]")
        self.loan = bool(loan)
        self.repayment_rate = float(repayment_rate)


class MarketisationSupport(StageGrant):
    """Launching customer / procurement of innovation for the marketisation stage.

    Args:
        share: Share of the budget.
        co_financing: Share of the marketisation cost paid.
        launch_bonus: Logit of market success added by the public launching customer.
    """

    stage = 3

    def __init__(self, share: float, co_financing: float = 0.2, launch_bonus: float = 1.0):
        super().__init__(share, co_financing)
        if launch_bonus < 0:
            raise ConfigError(f"launch_bonus = {launch_bonus!r}: must be >= 0")
        self._launch_bonus = float(launch_bonus)

    def launch_bonus(self) -> float:
        """Logit of success added for the projects it funds."""
        return self._launch_bonus


class ClusterManagement(Instrument):
    """Support of the clusters' 'light management structure': raises collaboration."""

    def allocate(self, gov: Funder, money: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Split the money over each region's clusters (spearheads first when targeted)."""
        return gov.fund_clusters(self, money)

    def support_cluster(self, cluster: Any, money: float) -> None:
        """Management support: the cluster's collaboration rises."""
        cluster.receive_management(money)


class PilotCoInvestment(Instrument):
    """The region's contribution to shared cross-regional pilot facilities."""

    def allocate(self, gov: Funder, money: np.ndarray, room_later: np.ndarray) -> np.ndarray:
        """Contribute to the consortia the coordinator formed (nothing outside them)."""
        return gov.contribute_to_pilots(self, money)


def concrete_classes() -> dict[str, type[Instrument]]:
    """The classes a scenario may name as ``_target_``: this module's leaf instruments."""
    found, todo = {}, [Instrument]
    while todo:
        cls = todo.pop()
        subclasses = cls.__subclasses__()
        todo += subclasses
        if not subclasses and cls.__module__ == __name__:
            found[cls.__name__] = cls
    return found


def build(settings: Mapping[str, Any], where: str) -> Instrument:
    """An instrument from its scenario settings; ConfigError naming ``where`` if bad.

    ``_target_`` must be ``sim.policy.instruments.NAME`` with NAME a concrete
    instrument class; the other settings must be plain numbers, flags or names
    (no nested ``_target_``), passed to the class as keyword arguments.
    """
    target = settings.get("_target_")
    classes = concrete_classes()
    module, _, name = str(target).rpartition(".")
    if not isinstance(target, str) or module != __name__ or name not in classes:
        raise ConfigError(
            f"{where}._target_ = {target!r}: must name a class in {__name__} "
            f"({', '.join(sorted(classes))})"
        )
    kwargs = {}
    for key, value in settings.items():
        if key == "_target_":
            continue
        if str(key).startswith("_") or not isinstance(value, (bool, int, float, str)):
            raise ConfigError(f"{where}.{key} = {value!r}: must be a plain number, flag or name")
        kwargs[str(key)] = value
    try:
        return classes[name](**kwargs)
    except (TypeError, ConfigError) as exc:
        raise ConfigError(f"{where}: {str(exc).splitlines()[0]}") from None
