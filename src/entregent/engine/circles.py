"""Dunbar circles: rank by strength, cut at 5 / 15 / 50 / 150 / 500, and the load they carry.

The layer sizes come from Dunbar's social brain hypothesis (Zhou, Sornette, Hill & Dunbar 2005,
"Discrete hierarchical organization of social group sizes"; Dunbar 2016 for contact rates per
layer). The cadences — weekly, monthly, quarterly, yearly — are the contact intervals those
layers typically keep (Hill & Dunbar 2003; Roberts & Dunbar 2011).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CUTS = (5, 15, 50, 150, 500)
OUTSIDE = len(CUTS)  # circle index of relationships beyond 500, or with no strength at all
CADENCE_DAYS = (7.0, 30.0, 90.0, 365.0, np.inf)  # the 500 layer has no maintenance cadence
MIN_STRENGTH = 0.05  # below this a relationship is dormant, whatever its rank
ACTIVE_CIRCLES = 4  # circles 5, 15, 50 and 150 form the active network
DEFAULT_CAPACITY = 150
MINUTES_PER_CONTACT = 15.0


def kept_at(interval: float, half_life: float) -> float:
    """The lowest strength of a tie contacted every `interval` days by email (weight 1).

    Just before each contact, Σ_k 2^(−k·T/h) over past contacts = 2^(−T/h) / (1 − 2^(−T/h)):
    a tie below it is not kept at that rhythm, whatever its rank.
    """
    decay = 2.0 ** (-interval / half_life)
    return decay / (1.0 - decay)


def assign(
    strength: np.ndarray, ids: np.ndarray, half_life: float = 60.0
) -> tuple[np.ndarray, np.ndarray]:
    """Circle index (0 = the 5, …, 4 = the 500, 5 = outside) and rank (0 = strongest).

    1. Rank by strength, ties broken by id so the same network always gives the same circles.
    2. Cut the ranks at 5 / 15 / 50 / 150 / 500.
    3. Move outward any tie too weak for its circle's cadence (in a small network the fifth
       strongest tie is not weekly just because it ranks fifth); below 0.05, outside.
    Moving outward only empties inner circles, so each circle stays within its Dunbar cut.
    """
    order = np.lexsort((ids, -strength))
    rank = np.empty(len(strength), dtype=np.int64)
    rank[order] = np.arange(len(strength))
    circle = np.searchsorted(np.asarray(CUTS), rank, side="right").astype(np.int64)
    for k in range(ACTIVE_CIRCLES - 1, -1, -1):  # from the 150 inward
        too_weak = (circle <= k) & (strength < kept_at(CADENCE_DAYS[k], half_life))
        circle[too_weak] = np.maximum(circle[too_weak], k + 1)
    circle[strength < MIN_STRENGTH] = OUTSIDE
    return circle, rank


def cadence(circle: np.ndarray) -> np.ndarray:
    """Days between contacts the circle calls for (inf for the 500 and beyond)."""
    table = np.asarray((*CADENCE_DAYS, np.inf))
    return table[circle]


@dataclass(frozen=True)
class Load:
    """The weekly maintenance load of the active network against the user's capacity."""

    sizes: tuple[int, ...]  # people per circle, 5 → 500, then outside
    active: int  # ties kept at least yearly, whatever their rank
    capacity: int
    contacts_per_week: float
    minutes_per_week: float
    over_capacity: int  # how many more active relationships than capacity
    let_go: np.ndarray  # relationship indices to move outward consciously, weakest first


def load(
    circle: np.ndarray,
    strength: np.ndarray,
    ids: np.ndarray,
    half_life: float = 60.0,
    capacity: int = DEFAULT_CAPACITY,
    minutes_per_contact: float = MINUTES_PER_CONTACT,
    released: np.ndarray | None = None,
) -> Load:
    """Count the circles, the contacts a week the active network needs, and who exceeds capacity.

    1. The active network is every tie still kept at least yearly (strength ≥ kept_at(365 days)),
       by strength alone: ranks cap the circles at 150, not the number of ties one keeps up.
       Ties the user let go on purpose (`released`) are not in it.
    2. Contacts per week = Σ over it of 7 / cadence, a tie beyond the 150 counting as yearly.
    3. When it is larger than the capacity, the weakest active ties beyond it are named: better
       to move them outward on purpose than let them decay by accident.
    """
    sizes = tuple(int(v) for v in np.bincount(circle, minlength=OUTSIDE + 1))
    active_mask = strength >= max(
        kept_at(CADENCE_DAYS[ACTIVE_CIRCLES - 1], half_life), MIN_STRENGTH
    )
    if released is not None:
        active_mask &= ~released
    per_tie = np.minimum(cadence(circle), CADENCE_DAYS[ACTIVE_CIRCLES - 1])
    per_week = float((7.0 / per_tie[active_mask]).sum())
    active = int(active_mask.sum())
    over = max(0, active - capacity)
    active_idx = np.flatnonzero(active_mask)
    weakest = active_idx[np.lexsort((-ids[active_idx], strength[active_idx]))]
    return Load(
        sizes=sizes,
        active=active,
        capacity=capacity,
        contacts_per_week=per_week,
        minutes_per_week=per_week * minutes_per_contact,
        over_capacity=over,
        let_go=weakest[:over],
    )
