"""Step 3 of the year: knowledge grows, spills over between related firms, raises productivity."""

from __future__ import annotations

import numpy as np

from sim.model import kernels
from sim.model.economy import Economy
from sim.model.firms import Firms
from sim.model.params import Knowledge
from sim.model.streams import Draw, KeyedDraws


def knowledge_intensity(firms: Firms, idx: np.ndarray | None = None) -> np.ndarray:
    """Knowledge per unit of value added (dimensionless; about rd_intensity / depreciation).

    Args:
        firms: The firm population.
        idx: Positions of the firms wanted (all firms when None).
    """
    if idx is None:
        return firms.knowledge / np.maximum(firms.value_added, 1e-12)
    return firms.knowledge[idx] / np.maximum(firms.value_added[idx], 1e-12)


def learn(
    firms: Firms,
    economy: Economy,
    p: Knowledge,
    draws: KeyedDraws,
    own_rd: np.ndarray,
    extra_pool: np.ndarray | None = None,
) -> None:
    """Accumulate knowledge and move relative productivity.

    ``K_i <- (1 - depreciation) K_i + R&D_i + (spillover * pool_{r,s} + extra_i) * VA_i``
    where ``pool_{r,s} = sum_j phi_{sj} K_{rj} / sum_j phi_{sj} VA_{rj}`` is the knowledge per
    unit of value added of the region's activities weighted by their relatedness
    ``phi`` to the firm's sector (own sector included: intra-industry spillovers count).
    Then ``a_i <- (1 - reversion) a_i + effect * (log(1 + k_i) - m_s) + noise``, where
    ``a_i`` is the firm's log relative productivity, ``k`` the knowledge intensity
    after this year's update and ``m_s`` the value-added-weighted sector mean of
    ``log(1 + k)``.

    Args:
        firms: The firm population (knowledge and productivity updated in place).
        economy: Sector relatedness and region arrays.
        p: Knowledge parameters.
        draws: This year's keyed draws (productivity noise by firm key).
        own_rd: (n,) R&D money spent this year by each firm out of its revenue
            (project R&D, own and subsidised, is added by the pipeline step).
        extra_pool: (n,) additional knowledge per unit of value added a firm draws
            on (cluster collaboration), or None.
    """
    R, S = economy.n_regions, economy.n_sectors
    cell = firms.cell(S)
    stock, output = kernels.cell_sums(cell, firms.knowledge, firms.value_added, R * S)
    stock, output = stock.reshape(R, S), output.reshape(R, S)
    related_stock = stock @ economy.relatedness
    related_output = output @ economy.relatedness
    pool = np.divide(
        related_stock, related_output, out=np.zeros_like(stock), where=related_output > 0
    )
    kernels.absorb(
        firms.knowledge, firms.value_added, own_rd, (p.spillover * pool).ravel(), cell,
        kernels.NONE if extra_pool is None else extra_pool, 1.0 - p.depreciation,
    )  # fmt: skip

    # log(1 + k) keeps a firm whose output collapsed from leaping ahead
    absorbed_log = np.log1p(knowledge_intensity(firms))
    noise = draws.normal(Draw.PRODUCTIVITY, firms.key)
    noise *= p.productivity_noise
    kernels.move_productivity(
        firms.productivity, absorbed_log, firms.value_added, firms.sector_index(), S,
        p.productivity_effect, noise, 1.0 - p.productivity_reversion,
    )  # fmt: skip


def add_project_rd(
    firms: Firms, rd_own: np.ndarray, rd_grant: np.ndarray, additionality: float
) -> np.ndarray:
    """Project R&D becomes knowledge; a grant raises the project's R&D by ``additionality``.

    A funded firm pays only its share of the stage (``rd_own``); with input
    additionality ``a`` it also spends ``a * rd_grant`` of its own cash on the project
    (as far as its positive cash goes), so the project's R&D is
    ``rd_own + rd_grant + a * rd_grant``: 0 means the grant only replaces the firm's own
    money (full crowding out), 1 that the firm's own R&D is not cut (no crowding out,
    the grant adds its own amount), above 1 crowding in.

    Returns:
        (n,) the firms' extra own spending (million EUR).
    """
    extra = np.minimum(additionality * rd_grant, np.maximum(firms.cash, 0.0))
    firms.cash -= extra
    firms.knowledge += rd_own + rd_grant + extra
    return extra
