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


def assign(strength: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Circle index (0 = the 5, …, 4 = the 500, 5 = outside) and rank (0 = strongest).

    Ties are broken by id so the same network always gives the same circles.
    """
    order = np.lexsort((ids, -strength))
    rank = np.empty(len(strength), dtype=np.int64)
    rank[order] = np.arange(len(strength))
    circle = np.searchsorted(np.asarray(CUTS), rank, side="right").astype(np.int64)
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
    active: int  # people in the active network (circles 5–150)
    capacity: int
    contacts_per_week: float
    minutes_per_week: float
    over_capacity: int  # how many more active relationships than capacity
    let_go: np.ndarray  # relationship indices to move outward consciously, weakest first


def load(
    circle: np.ndarray,
    rank: np.ndarray,
    capacity: int = DEFAULT_CAPACITY,
    minutes_per_contact: float = MINUTES_PER_CONTACT,
) -> Load:
    """Count the circles, the contacts per week they need, and who exceeds the capacity.

    1. Contacts per week = Σ over the active network of 7 / cadence.
    2. When the active network is larger than the capacity, the weakest active relationships
       beyond it are named: better to move them outward on purpose than let them decay.
    """
    sizes = tuple(int(v) for v in np.bincount(circle, minlength=OUTSIDE + 1))
    active_mask = circle < ACTIVE_CIRCLES
    per_week = float((7.0 / cadence(circle[active_mask])).sum())
    active = int(active_mask.sum())
    over = max(0, active - capacity)
    active_idx = np.flatnonzero(active_mask)
    weakest = active_idx[np.argsort(-rank[active_idx])]  # highest rank number = weakest
    return Load(
        sizes=sizes,
        active=active,
        capacity=capacity,
        contacts_per_week=per_week,
        minutes_per_week=per_week * minutes_per_contact,
        over_capacity=over,
        let_go=weakest[:over],
    )
