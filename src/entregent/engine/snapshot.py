"""The engine's input: a user's network as flat numpy arrays, one relationship per contact.

A relationship is indexed 0..n-1. Interactions are flattened to one *event* per relationship
they involve (a meeting with three people is three events). Times are float days since the Unix
epoch, so the engine never handles time zones or datetimes beyond `to_days`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

# Codes shared with the database layer; the order of RUNGS is the ask ladder.
KINDS = ("meeting", "call", "email", "message", "social", "other")
DIRECTIONS = ("me", "them", "mutual")
RUNGS = ("information", "advice", "introduction", "recommendation", "business")
EXCHANGE_STATES = ("asked", "given", "declined")
ME = -1  # the user, where a relationship index is expected (giver or receiver of a favour)

SECONDS_PER_DAY = 86400.0


def to_days(moment: dt.datetime | float) -> float:
    """Days since the Unix epoch, from an aware datetime (or a number already in days)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: the engine needs aware datetimes")
        return moment.timestamp() / SECONDS_PER_DAY
    return float(moment)


def _empty(dtype: type) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


@dataclass
class Snapshot:
    """Everything the measures need, as arrays indexed by relationship.

    - events: `ev_rel` (relationship), `ev_time` (days), `ev_kind` (index in KINDS),
      `ev_dir` (index in DIRECTIONS: who initiated, seen from the user).
    - `closeness`: declared closeness 1–5 per relationship, 0 when not declared.
    - favours: `fx_giver`, `fx_receiver` (relationship index or ME), `fx_rung`, `fx_state`,
      `fx_time`.
    - `intro_by`: relationships who introduced the user to someone (an intro made or later).
    - `recognition_override`: 0–3, or -1 for "infer it".
    - `told`: (relationship, offer id) pairs of my offers each person was told; `my_offers`: ids
      of my open offers.
    """

    ids: np.ndarray
    ev_rel: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    ev_time: np.ndarray = field(default_factory=lambda: _empty(np.float64))
    ev_kind: np.ndarray = field(default_factory=lambda: _empty(np.int8))
    ev_dir: np.ndarray = field(default_factory=lambda: _empty(np.int8))
    closeness: np.ndarray | None = None
    fx_giver: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    fx_receiver: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    fx_rung: np.ndarray = field(default_factory=lambda: _empty(np.int8))
    fx_state: np.ndarray = field(default_factory=lambda: _empty(np.int8))
    fx_time: np.ndarray = field(default_factory=lambda: _empty(np.float64))
    intro_by: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    recognition_override: np.ndarray | None = None
    told_rel: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    told_offer: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    my_offers: np.ndarray = field(default_factory=lambda: _empty(np.int64))

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.closeness is None:
            self.closeness = np.zeros(n, dtype=np.int8)
        if self.recognition_override is None:
            self.recognition_override = np.full(n, -1, dtype=np.int8)

    @property
    def n(self) -> int:
        """Number of relationships."""
        return len(self.ids)

    def until(self, now: float) -> Snapshot:
        """The same network as it was known at `now`: events and favours after it dropped."""
        keep = self.ev_time <= now
        fx = self.fx_time <= now
        return Snapshot(
            ids=self.ids,
            ev_rel=self.ev_rel[keep],
            ev_time=self.ev_time[keep],
            ev_kind=self.ev_kind[keep],
            ev_dir=self.ev_dir[keep],
            closeness=self.closeness,
            fx_giver=self.fx_giver[fx],
            fx_receiver=self.fx_receiver[fx],
            fx_rung=self.fx_rung[fx],
            fx_state=self.fx_state[fx],
            fx_time=self.fx_time[fx],
            intro_by=self.intro_by,
            recognition_override=self.recognition_override,
            told_rel=self.told_rel,
            told_offer=self.told_offer,
            my_offers=self.my_offers,
        )
