"""The engine's input: a user's network as flat numpy arrays, one relationship per contact.

A relationship is indexed 0..n-1. Interactions are flattened to one *event* per relationship
they involve (a meeting with three people is three events). Times are float days since the Unix
epoch, so the engine never handles time zones or datetimes beyond `to_days`.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

# Codes shared with the database layer; the order of RUNGS is the ask ladder.
KINDS = ("meeting", "call", "email", "message", "social", "other")
DIRECTIONS = ("me", "them", "mutual")
RUNGS = ("information", "advice", "introduction", "recommendation", "business")
EXCHANGE_STATES = ("asked", "given", "declined")
ME = -1  # the user, where a relationship index is expected (giver or receiver of a favour)

SECONDS_PER_DAY = 86400.0
T = TypeVar("T")


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
    """Everything the measures need, as arrays indexed by relationship (`ids` sorted).

    - events: `ev_rel` (relationship), `ev_time` (days), `ev_kind` (index in KINDS),
      `ev_dir` (index in DIRECTIONS: who initiated, seen from the user).
    - `closeness`: declared closeness 1–5 per relationship, 0 when not declared.
    - favours: `fx_giver`, `fx_receiver` (relationship index or ME), `fx_rung`, `fx_state`,
      `fx_time`.
    - `intro_by`, `intro_time`: who introduced the user to someone, or someone to the user
      (an introduction made, or further along), and when it was made.
    - `recognition_override`: 0–3, or -1 for "infer it".
    - `told_rel`, `told_offer`, `told_time`: which of my offers each person was told, and when;
      `my_offers`: ids of my open offers.
    - `released_time`: when the user let each relationship go on purpose (moved to the outer
      circle), inf for those never let go.
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
    intro_time: np.ndarray | None = None
    recognition_override: np.ndarray | None = None
    told_rel: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    told_offer: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    told_time: np.ndarray | None = None
    my_offers: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    released_time: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.released_time is None:
            self.released_time = np.full(n, np.inf)
        if self.closeness is None:
            self.closeness = np.zeros(n, dtype=np.int8)
        if self.recognition_override is None:
            self.recognition_override = np.full(n, -1, dtype=np.int8)
        # Evidence with no date counts from the start (hand-made snapshots in tests).
        if self.intro_time is None:
            self.intro_time = np.full(len(self.intro_by), -np.inf)
        if self.told_time is None:
            self.told_time = np.full(len(self.told_rel), -np.inf)

    @property
    def n(self) -> int:
        """Number of relationships."""
        return len(self.ids)


# Results computed once per snapshot object, by snapshot id (dropped when the snapshot goes).
_MEMOS: dict[int, dict[str, Any]] = {}


def once(snap: Snapshot, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept with the snapshot: what depends on the snapshot alone is computed once
    for its lifetime, and its arrays are made read-only so no caller changes it for the next.

    Snapshots are never changed after they are built, which is what makes this safe; the
    network layer keeps one decoded snapshot per revision, so the pages of a revision share it.
    """
    kept = _MEMOS.get(id(snap))
    if kept is None:
        kept = _MEMOS[id(snap)] = {}
        weakref.finalize(snap, _MEMOS.pop, id(snap), None)
    if key not in kept:
        kept[key] = _read_only(compute())
    return kept[key]


def settled(snap: Snapshot, now: float) -> bool:
    """Whether `now` is past every dated record of the snapshot.

    Measures look only at records dated at or before `now`; from then on such a result is the
    same for any later `now` (the usual case: the stored arrays hold the past).
    """
    dated = (snap.ev_time, snap.fx_time, snap.intro_time, snap.told_time)
    latest = once(
        snap,
        "latest",
        lambda: max((float(a.max()) for a in dated if a is not None and a.size), default=-np.inf),
    )
    return now >= latest


def at(snap: Snapshot, now: float, key: str, compute: Callable[[Snapshot, float], T]) -> T:
    """`compute(snap, now)`, shared by every `now` past the snapshot's last dated record, so the
    pages of a day share it instead of recomputing it on every request."""
    if not settled(snap, now):
        return compute(snap, now)
    return once(snap, key, lambda: compute(snap, np.inf))


def _read_only(value: Any) -> Any:
    """Lock the arrays of a memoised value: an array, a dataclass of arrays, or a list of them."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, list | tuple):
        for item in value:
            _read_only(item)
    elif hasattr(value, "__dataclass_fields__"):
        for item in vars(value).values():
            if isinstance(item, np.ndarray):
                item.flags.writeable = False
    return value
