"""Tie strength with decay, its half-life fitted on the user's own history, and declared closeness.

S_i(now) = Σ_d w_d · 2^(−(now − d)/h) over the distinct days d on which relationship i was
active, w_d being the weight of the strongest contact that day (in person 3, call 2, email or
message 1, social 0.5). Counting days rather than messages keeps a 40-message chat from
outweighing a lunch (Gilbert & Karahalios 2009 use "days since last communication" and
"intimacy" separately for the same reason; Roberts & Dunbar 2011 model contact frequency by day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from entregent.engine.snapshot import Snapshot, at

# Weight of each kind, in the order of snapshot.KINDS: meeting, call, email, message, social, other.
KIND_WEIGHTS = np.array([3.0, 2.0, 1.0, 1.0, 0.5, 1.0])
HALF_LIVES = (7.0, 30.0, 60.0, 90.0, 180.0)
DEFAULT_HALF_LIFE = 60.0
FIT_MIN_RELATIONSHIPS = 100
FIT_MIN_HISTORY_DAYS = 90.0
FIT_HORIZON_DAYS = 30.0
FIT_SAMPLE = 5000  # relationships used to choose the half-life (evenly spread by index)

# Declared closeness → the contact interval a tie of that closeness keeps (days); 1 sets no floor.
CLOSENESS_INTERVAL = {5: 7.0, 4: 30.0, 3: 90.0, 2: 365.0}
CLOSENESS_WEIGHT = 2.0  # as if each of those contacts were a call


@dataclass(frozen=True)
class ActiveDays:
    """One row per (relationship, day) with at least one contact, sorted by relationship, day."""

    rel: np.ndarray  # int64
    day: np.ndarray  # float64: the middle of the day, in days since the epoch
    weight: np.ndarray  # float64: the strongest contact of the day
    n: int  # number of relationships

    def before(self, cut: float) -> ActiveDays:
        """The active days strictly before `cut`."""
        keep = self.day < cut
        return ActiveDays(self.rel[keep], self.day[keep], self.weight[keep], self.n)


def active_days(snap: Snapshot, now: float) -> ActiveDays:
    """Collapse events to distinct active days per relationship.

    1. Drop events after `now`.
    2. Key each event by (relationship, whole day); sort only if the snapshot is not already in
       that order (the database layer delivers it sorted).
    3. Keep one row per key, with the largest kind weight of that day (np.maximum.reduceat).
    """
    return at(snap, now, "active_days", _active_days)


def _active_days(snap: Snapshot, now: float) -> ActiveDays:
    mask = snap.ev_time <= now
    rel = snap.ev_rel[mask]
    if rel.size == 0:
        empty = np.zeros(0)
        return ActiveDays(np.zeros(0, dtype=np.int64), empty, empty, snap.n)
    day = np.floor(snap.ev_time[mask]).astype(np.int64)
    weight = KIND_WEIGHTS[snap.ev_kind[mask]]
    base = int(day.min())
    span = int(day.max()) - base + 1
    key = rel.astype(np.int64) * span + (day - base)
    if key.size > 1 and np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        key, weight = key[order], weight[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    group_key = key[starts]
    return ActiveDays(
        rel=group_key // span,
        day=(group_key % span + base).astype(np.float64) + 0.5,
        weight=np.maximum.reduceat(weight, starts),
        n=snap.n,
    )


def decayed_sum(days: ActiveDays, now: float, half_life: float) -> np.ndarray:
    """S per relationship: Σ w · 2^(−Δt/h), Δt clipped at 0 for a contact earlier today."""
    age = np.maximum(now - days.day, 0.0)
    return np.bincount(days.rel, weights=days.weight * np.exp2(-age / half_life), minlength=days.n)


def declared_floor(closeness: np.ndarray, half_life: float) -> np.ndarray:
    """The strength of a tie kept at its declared closeness's interval, in steady state.

    A contact every T days of weight w sums to w / (1 − 2^(−T/h)) (a geometric series), so a
    declared "5" (weekly) is worth what a weekly call would build, even with no contact logged.
    """
    floor = np.zeros(len(closeness))
    for level, interval in CLOSENESS_INTERVAL.items():
        floor[closeness == level] = CLOSENESS_WEIGHT / (1.0 - 2.0 ** (-interval / half_life))
    return floor


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney U with average ranks for ties); nan if one class."""
    pos = int(positive.sum())
    neg = positive.size - pos
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - pos * (pos + 1) / 2) / (pos * neg))


def _decay_factors(age: np.ndarray, half_lives: tuple[float, ...]) -> dict[float, np.ndarray]:
    """2^(−age/h) for several h, reusing the longest: 2^(−age/30) = (2^(−age/180))^6."""
    longest = max(half_lives)
    base = np.exp2(-age / longest)
    out: dict[float, np.ndarray] = {}
    for h in half_lives:
        ratio = longest / h
        if ratio == int(ratio) and ratio <= 8:
            power, factor, k = base, np.ones_like(base), int(ratio)
            while k:  # binary exponentiation: a few multiplications instead of an exp2
                if k & 1:
                    factor = factor * power
                power, k = power * power, k >> 1
            out[h] = factor
        else:
            out[h] = np.exp2(-age / h)
    return out


@dataclass(frozen=True)
class HalfLifeFit:
    """The chosen half-life and how it was chosen (AUC per candidate, or why the default)."""

    half_life: float
    fitted: bool
    scores: dict[float, float]
    reason: str  # "fitted", "few_relationships" or "short_history"


def fit_half_life(
    days: ActiveDays, now: float, candidates: tuple[float, ...] = HALF_LIVES
) -> HalfLifeFit:
    """Choose h by how well S predicts contact in the next 30 days, on the user's own history.

    1. Require ≥ 100 relationships with contact and ≥ 90 days of history, else 60 days;
       above 5,000 relationships, score every k-th one only (the ranking of h is stable).
    2. Cut-offs every 30 days back from now − 30, keeping those with ≥ 60 days of history.
    3. At each cut, score relationships active before it by S(cut, h), and label them by
       whether they had contact in the 30 days after; compute the AUC per candidate h.
    4. Keep the h with the best mean AUC (ties go to the candidate closest to 60 days).
    """
    # Rows are sorted by relationship: count the blocks.
    active = int(np.count_nonzero(np.diff(days.rel))) + 1 if days.rel.size else 0
    if active < FIT_MIN_RELATIONSHIPS:
        return HalfLifeFit(DEFAULT_HALF_LIFE, False, {}, "few_relationships")
    first = float(days.day.min())
    if now - first < FIT_MIN_HISTORY_DAYS:
        return HalfLifeFit(DEFAULT_HALF_LIFE, False, {}, "short_history")
    cuts = [
        now - FIT_HORIZON_DAYS * k
        for k in range(1, 4)
        if now - FIT_HORIZON_DAYS * k - first >= 60.0
    ]
    # Beyond FIT_SAMPLE relationships, every k-th one (by index) is enough to rank half-lives.
    stride = max(1, -(-active // FIT_SAMPLE))
    sampled = (days.rel % stride == 0) if stride > 1 else np.ones(days.rel.size, dtype=bool)
    totals = dict.fromkeys(candidates, 0.0)
    used = 0
    for cut in cuts:
        before = sampled & (days.day < cut)
        rel, weight = days.rel[before], days.weight[before]
        seen = np.bincount(rel, minlength=days.n) > 0
        window = sampled & (days.day >= cut) & (days.day < cut + FIT_HORIZON_DAYS)
        future = np.bincount(days.rel[window], minlength=days.n) > 0
        label = future[seen]
        if label.all() or not label.any():
            continue
        used += 1
        factors = _decay_factors(cut - days.day[before], candidates)
        for h in candidates:
            score = np.bincount(rel, weights=weight * factors[h], minlength=days.n)
            totals[h] += auc(score[seen], label)
    if not used:
        return HalfLifeFit(DEFAULT_HALF_LIFE, False, {}, "short_history")
    scores = {h: totals[h] / used for h in candidates}
    best = max(candidates, key=lambda h: (round(scores[h], 6), -abs(h - DEFAULT_HALF_LIFE)))
    return HalfLifeFit(best, True, scores, "fitted")


def strength(
    snap: Snapshot,
    now: float,
    half_life: float | HalfLifeFit | None = None,
    days: ActiveDays | None = None,
) -> tuple[np.ndarray, np.ndarray, HalfLifeFit]:
    """Observed and effective strength per relationship, and the half-life used.

    The effective strength is max(observed, declared floor): data can raise a declared
    closeness but thin data never drags it down ("little contact does not always mean a weak
    tie"), and adding a contact never lowers either. `half_life` may be a number, a fit made
    earlier (reused as it is), or None to fit it now.
    """
    days = days if days is not None else active_days(snap, now)
    if isinstance(half_life, HalfLifeFit):
        fit = half_life
    elif half_life is not None:
        fit = HalfLifeFit(half_life, False, {}, "given")
    else:
        fit = fit_half_life(days, now)
    observed = decayed_sum(days, now, fit.half_life)
    effective = np.maximum(observed, declared_floor(snap.closeness, fit.half_life))
    return observed, effective, fit


def strength_history(
    snap: Snapshot, i: int, at: np.ndarray, half_life: float
) -> tuple[np.ndarray, np.ndarray]:
    """Observed and effective strength of relationship i at each moment of `at` (days), as
    `strength` would give them then: the points of a history picture such as the person page's
    sparkline.

    1. Keep relationship i's events only (one vectorised comparison over the events, about a
       millisecond at a million; everything after works on this one relationship).
    2. At each moment t, collapse them to active days up to t (`active_days`) and sum their
       decayed weights (`decayed_sum`), so each point equals the network-wide measure at t.
    3. The effective strength raises each point to the declared closeness floor.
    """
    mine = snap.ev_rel == i
    one = Snapshot(
        ids=snap.ids[i : i + 1],
        ev_rel=np.zeros(int(mine.sum()), dtype=np.int64),
        ev_time=snap.ev_time[mine],
        ev_kind=snap.ev_kind[mine],
        ev_dir=snap.ev_dir[mine],
        closeness=snap.closeness[i : i + 1],
    )
    floor = float(declared_floor(one.closeness, half_life)[0])
    observed = np.array(
        [decayed_sum(active_days(one, float(t)), float(t), half_life)[0] for t in at],
        dtype=np.float64,
    )
    return observed, np.maximum(observed, floor)
