"""What the policy does to firms' projects and learning, read by the model each year.

Cluster members collaborate (higher success, a share of the cluster's
knowledge), collective demonstrators and shared pilots lower demonstration
costs, and a public launching customer raises market success.
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels
from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.params import Dynamics
from sim.model.pipeline import Support
from sim.model.stages import Stage
from sim.policy.clusters import Cluster
from sim.policy.coordinator import Coordinator
from sim.policy.instruments import Instrument


def project_support(
    firms: Firms,
    economy: Economy,
    dynamics: Dynamics,
    clusters: list[Cluster],
    coordinator: Coordinator,
    instruments: list[Instrument],
) -> Support | None:
    """Cost factors and success bonuses of this year's projects (None without clusters)."""
    if not clusters:
        return None
    cp, pp = dynamics.clusters, dynamics.pilots
    collaboration = np.array([c.collaboration for c in clusters])
    demo_factor = np.array([c.demonstration_cost_factor() for c in clusters])
    # per cluster, plus a last entry that firms in no cluster (index -1) read: no bonus, no
    # cost cut (``0.0 + x``: the sum a zero bonus plus the member's would make)
    bonus = np.append(0.0 + cp.success_effect * collaboration, 0.0).take(firms.cluster)
    demo = firms.project_stage == Stage.DEMONSTRATION
    cost = np.where(demo, np.append(demo_factor, 1.0).take(firms.cluster), 1.0)
    if coordinator.pilots:
        access = coordinator.access(
            firms.region[demo], firms.project_target[demo], economy.eu_priority
        )
        cost[demo] *= 1.0 - pp.cost_cut * access
        bonus[demo] += pp.success_effect * access
    for inst in instruments:
        if inst.launch_bonus() > 0:
            bonus[firms.grant_funder == inst.index] += inst.launch_bonus()
    return Support(cost, bonus)


def cluster_knowledge(
    firms: Firms, clusters: list[Cluster], cluster_spillover: float
) -> np.ndarray | None:
    """(n,) extra knowledge per unit of value added: members draw on their cluster's stock.

    ``cluster_spillover * collaboration_c * K_c / VA_c`` for a member of cluster c
    (None without clusters).
    """
    if not clusters:
        return None
    k = len(clusters)  # a cluster's index is its position
    _, stock, output = kernels.member_sums(firms.cluster, firms.knowledge, firms.value_added, k)
    intensity = np.divide(stock, output, out=np.zeros(k), where=output > 0)
    collaboration = np.array([c.collaboration for c in clusters])
    weight = cluster_spillover * collaboration * intensity
    return kernels.of_members(firms.cluster, weight, np.empty(firms.n))
