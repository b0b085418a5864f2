"""Reciprocity: who takes the initiative, and the balance of favours given and received.

Initiative balance ρ = (I_me + 1) / (I_me + I_them + 2) is the posterior mean of the share of
contact days the user starts, under a uniform Beta(1, 1) prior (Laplace's rule of succession);
its 90% credible interval is the 5% and 95% quantiles of Beta(I_me + 1, I_them + 1). Mutual
contacts count for neither side. The favour ledger weighs each favour by its rung on the ask
ladder and halves its weight every year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import beta

from entregent.engine.snapshot import DIRECTIONS, EXCHANGE_STATES, ME, Snapshot, once, settled

WINDOW_DAYS = 730.0  # initiative is counted over the last two years
LEDGER_HALF_LIFE = 365.0
RUNG_WEIGHTS = np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # information … business
GIVEN = EXCHANGE_STATES.index("given")
_ME, _THEM, _MUTUAL = (DIRECTIONS.index(d) for d in ("me", "them", "mutual"))


@dataclass(frozen=True)
class Initiative:
    """Per relationship: who started contacts, the balance and its 90% interval."""

    by_me: np.ndarray
    by_them: np.ndarray
    mutual: np.ndarray
    rho: np.ndarray
    low: np.ndarray
    high: np.ndarray
    imbalanced: np.ndarray  # the interval excludes 0.5


@dataclass(frozen=True)
class _Runs:
    """Runs of events with the same relationship, day and direction, and their time span."""

    rel: np.ndarray
    direction: np.ndarray
    first: np.ndarray
    last: np.ndarray


def _runs(snap: Snapshot) -> _Runs:
    """One initiative per relationship, day and direction: a forty-message chat is one, as in
    the day-based strength. Events come sorted by relationship and time."""
    rel, direction, time = snap.ev_rel, snap.ev_dir, snap.ev_time
    if not rel.size:
        return _Runs(rel, direction, time, time)
    day = np.floor(time)
    new = np.ones(rel.size, dtype=bool)
    new[1:] = (rel[1:] != rel[:-1]) | (day[1:] != day[:-1]) | (direction[1:] != direction[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], rel.size) - 1
    return _Runs(rel[starts], direction[starts], time[starts], time[ends])


def initiative(snap: Snapshot, now: float, window: float = WINDOW_DAYS) -> Initiative:
    """Count initiatives in the window and compute ρ with its Beta interval.

    A run lies within one day, so with a window of a day or more it has an event in
    (now − window, now] exactly when it starts by `now` and ends after `now − window`: the
    runs are found once per snapshot and only this test depends on `now`.
    """
    if window >= 1.0 and settled(snap, now):
        # Every run starts by `now`: those in the window are the ones ending after its start,
        # a suffix of each side's runs sorted by their end.
        counts = []
        for last, rel in _runs_by_side(snap):
            cut = int(np.searchsorted(last, now - window, side="right"))
            counts.append(np.bincount(rel[cut:], minlength=snap.n).astype(np.float64))
        by_me, by_them, mutual = counts
        return _balance(by_me, by_them, mutual)
    if window >= 1.0:
        runs = once(snap, "initiative_runs", lambda: _runs(snap))
        recent = (runs.first <= now) & (runs.last > now - window)
        rel, direction = runs.rel[recent], runs.direction[recent]
    else:
        recent = (snap.ev_time <= now) & (snap.ev_time > now - window)
        sub = Snapshot(
            snap.ids,
            snap.ev_rel[recent],
            snap.ev_time[recent],
            snap.ev_kind[recent],
            snap.ev_dir[recent],
        )
        runs = _runs(sub)
        rel, direction = runs.rel, runs.direction
    by_me = np.bincount(rel[direction == _ME], minlength=snap.n).astype(np.float64)
    by_them = np.bincount(rel[direction == _THEM], minlength=snap.n).astype(np.float64)
    mutual = np.bincount(rel[direction == _MUTUAL], minlength=snap.n).astype(np.float64)
    return _balance(by_me, by_them, mutual)


def _runs_by_side(snap: Snapshot) -> list[tuple[np.ndarray, np.ndarray]]:
    """For me, them and mutual: the runs' ends, sorted, and their relationships (once)."""

    def sides() -> list[tuple[np.ndarray, np.ndarray]]:
        runs = _runs(snap)
        out = []
        for side in (_ME, _THEM, _MUTUAL):
            mine = runs.direction == side
            order = np.argsort(runs.last[mine], kind="stable")
            out.append((runs.last[mine][order], runs.rel[mine][order]))
        return out

    return once(snap, "initiative_sides", sides)


def _balance(by_me: np.ndarray, by_them: np.ndarray, mutual: np.ndarray) -> Initiative:
    """ρ and its 90% interval from the counts of initiatives."""
    rho = (by_me + 1.0) / (by_me + by_them + 2.0)
    # The quantiles are costly and most relationships share a few (by_me, by_them) counts:
    # each distinct pair, as one integer key, is computed once.
    me, them = by_me.astype(np.int64), by_them.astype(np.int64)
    key = me * (int(them.max(initial=0)) + 1) + them
    _keys, first, back = np.unique(key, return_index=True, return_inverse=True)
    a, b = by_me[first] + 1.0, by_them[first] + 1.0
    low = beta.ppf(0.05, a, b)[back.reshape(-1)]
    high = beta.ppf(0.95, a, b)[back.reshape(-1)]
    return Initiative(by_me, by_them, mutual, rho, low, high, (low > 0.5) | (high < 0.5))


@dataclass(frozen=True)
class Ledger:
    """Per relationship: decayed, rung-weighted favours given minus received, and raw counts."""

    balance: np.ndarray
    given: np.ndarray  # number of favours the user gave
    received: np.ndarray  # number of favours the user received
    last_two_received: np.ndarray  # the two most recent favours both went to the user
    last_two_given: np.ndarray  # the two most recent favours both came from the user


def ledger(snap: Snapshot, now: float, half_life: float = LEDGER_HALF_LIFE) -> Ledger:
    """Sum favours given (+) and received (−) between the user and each person."""
    n = snap.n
    done = (snap.fx_state == GIVEN) & (snap.fx_time <= now)
    giver, receiver = snap.fx_giver[done], snap.fx_receiver[done]
    out = (giver == ME) & (receiver >= 0)
    inc = (receiver == ME) & (giver >= 0)
    rel = np.where(out, receiver, giver)
    sign = np.where(out, 1.0, np.where(inc, -1.0, 0.0))
    mine = out | inc
    rel, sign = rel[mine], sign[mine]
    when, rung = snap.fx_time[done][mine], snap.fx_rung[done][mine]
    weight = RUNG_WEIGHTS[rung] * np.exp2(-np.maximum(now - when, 0.0) / half_life)
    balance = np.bincount(rel, weights=sign * weight, minlength=n)
    given = np.bincount(rel[sign > 0], minlength=n)
    received = np.bincount(rel[sign < 0], minlength=n)
    last_two_received = np.zeros(n, dtype=bool)
    last_two_given = np.zeros(n, dtype=bool)
    if rel.size:
        order = np.lexsort((-when, rel))  # by relationship, newest first
        rel_o, sign_o = rel[order], sign[order]
        starts = np.flatnonzero(np.concatenate(([True], rel_o[1:] != rel_o[:-1])))
        second = np.minimum(starts + 1, rel_o.size - 1)
        has_two = (starts + 1 < rel_o.size) & (rel_o[second] == rel_o[starts])
        pair_sum = sign_o[starts] + sign_o[second]
        last_two_received[rel_o[starts]] = has_two & (pair_sum == -2.0)
        last_two_given[rel_o[starts]] = has_two & (pair_sum == 2.0)
    return Ledger(balance, given, received, last_two_received, last_two_given)
