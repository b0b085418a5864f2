"""Tie strength: hand-computed cases, the declared floor, the half-life fit, and properties."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from entregent.engine import strength
from entregent.engine.snapshot import KINDS
from tests.engine.helpers import snapshot


def test_it_sums_distinct_days_with_the_strongest_contact_of_each() -> None:
    snap = snapshot(
        2, [(0, 100.2, "meeting", "me"), (0, 100.7, "email", "them"), (0, 130.3, "call", "mutual")]
    )
    observed, _effective, fit = strength.strength(snap, 160.5, half_life=30.0)
    # Day 100 counts once, as a meeting (3) 60 days old; day 130 a call (2) 30 days old.
    assert math.isclose(observed[0], 3 * 0.25 + 2 * 0.5)
    assert observed[1] == 0.0 and fit.reason == "given"


def test_it_ignores_contacts_after_now() -> None:
    snap = snapshot(1, [(0, 10.5, "call", "me"), (0, 50.5, "meeting", "me")])
    observed, _eff, _fit = strength.strength(snap, 20.5, half_life=10.0)
    assert math.isclose(observed[0], 2 * 0.5)


def test_it_sorts_unsorted_events() -> None:
    snap = snapshot(2, [(0, 10.5, "call", "me"), (1, 12.5, "call", "me")])
    snap.ev_rel, snap.ev_time = snap.ev_rel[::-1].copy(), snap.ev_time[::-1].copy()
    days = strength.active_days(snap, 20.0)
    assert list(days.rel) == [0, 1] and list(days.day) == [10.5, 12.5]


def test_it_respects_declared_closeness_when_contact_is_thin() -> None:
    snap = snapshot(3, [(2, 99.5, "meeting", "me")], closeness=np.array([5, 2, 0], dtype=np.int8))
    observed, effective, _fit = strength.strength(snap, 100.0, half_life=60.0)
    assert observed[0] == 0.0
    assert math.isclose(effective[0], 2.0 / (1 - 2 ** (-7 / 60)))  # a weekly call's worth
    assert math.isclose(effective[1], 2.0 / (1 - 2 ** (-365 / 60)))
    assert effective[2] == observed[2]


def test_it_computes_auc_with_ties() -> None:
    assert strength.auc(np.array([1.0, 2, 3, 4]), np.array([False, False, True, True])) == 1.0
    assert strength.auc(np.array([1.0, 1, 1, 1]), np.array([False, True, False, True])) == 0.5
    assert math.isnan(strength.auc(np.array([1.0, 2]), np.array([True, True])))


def test_it_keeps_the_default_half_life_without_enough_history() -> None:
    few = snapshot(3, [(0, 1.5, "call", "me"), (1, 200.5, "call", "me")])
    assert strength.fit_half_life(strength.active_days(few, 300), 300).reason == "few_relationships"
    many = snapshot(150, [(i, 250.5 + i % 10, "call", "me") for i in range(150)])
    fit = strength.fit_half_life(strength.active_days(many, 300), 300)
    assert (fit.half_life, fit.reason) == (60.0, "short_history")


def test_it_fits_a_short_half_life_when_only_recency_predicts() -> None:
    # Half the ties talk daily and then stop for good; the other half talk every week or so.
    rng = np.random.default_rng(3)
    events = []
    for i in range(200):
        if i % 2:
            stop = rng.uniform(100, 400)
            events += [(i, d + 0.5, "message", "me") for d in range(int(stop) - 60, int(stop))]
        else:
            events += [(i, d + 0.5, "call", "me") for d in range(0, 400, int(rng.integers(5, 9)))]
    snap = snapshot(200, events)
    fit = strength.fit_half_life(strength.active_days(snap, 400.0), 400.0)
    assert fit.fitted and fit.half_life in strength.HALF_LIVES
    assert fit.half_life <= 30.0
    assert fit.scores[fit.half_life] == max(fit.scores.values())


@given(
    st.lists(st.tuples(st.floats(0, 364), st.sampled_from(KINDS)), max_size=20),
    st.floats(0, 364),
    st.sampled_from(KINDS),
    st.sampled_from(strength.HALF_LIVES),
)
def test_it_never_loses_strength_from_one_more_contact(history, day, kind, h) -> None:
    before = snapshot(1, [(0, d, k, "me") for d, k in history])
    after = snapshot(1, [(0, d, k, "me") for d, k in history] + [(0, day, kind, "them")])
    s0 = strength.strength(before, 365.0, half_life=h)[1][0]
    s1 = strength.strength(after, 365.0, half_life=h)[1][0]
    assert s1 >= s0 - 1e-12


@given(st.integers(0, 300), st.integers(1, 60), st.sampled_from(KINDS))
def test_it_gains_strength_when_a_lone_contact_is_more_recent(day, shift, kind) -> None:
    older = snapshot(1, [(0, day + 0.5, kind, "me")])
    newer = snapshot(1, [(0, min(day + shift, 364) + 0.5, kind, "me")])
    assert (
        strength.strength(newer, 365.0, half_life=30.0)[0][0]
        >= strength.strength(older, 365.0, half_life=30.0)[0][0]
    )


def test_it_retraces_one_relationships_strength_over_time() -> None:
    snap = snapshot(
        3,
        [(0, 10.2, "call", "me"), (1, 11.5, "meeting", "them"), (1, 11.9, "email", "me")]
        + [(1, 40.5 + k, "call", "mutual") for k in range(5)]
        + [(2, 20.5, "email", "me")],
        closeness=np.array([0, 0, 4], dtype=np.int8),
    )
    at = np.array([5.0, 11.7, 30.0, 45.0, 90.0])
    for i in range(3):
        observed, effective = strength.strength_history(snap, i, at, 30.0)
        expected = [strength.strength(snap, t, half_life=30.0) for t in at]
        assert np.allclose(observed, [e[0][i] for e in expected])
        assert np.allclose(effective, [e[1][i] for e in expected])
    observed, _effective = strength.strength_history(snap, 1, at, 30.0)
    assert observed[0] == 0.0  # before any contact
    assert math.isclose(observed[1], 3 * 2 ** (-0.2 / 30))  # the day's meeting, the email later
    _observed, floor = strength.strength_history(snap, 2, at[:2], 30.0)  # declared monthly
    assert np.allclose(floor, 2.0 / (1 - 2 ** (-30 / 30)))
