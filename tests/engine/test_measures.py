"""All measures together: drifting, the real network, and the reasons given."""

from __future__ import annotations

import datetime as dt

import numpy as np

from entregent.engine import drift
from entregent.engine.measures import measure, reasons
from entregent.engine.snapshot import ME, to_days
from tests.engine.helpers import favours, snapshot

NOW = 1000.0


def _network():
    events = []
    # 0: weekly, two-way, recent — alive.  1: was weekly, silent for 200 days — drifting.
    # 2: a single social contact long ago — cold, never "drifting".  3: nothing.
    for d in range(500, 1000, 7):
        events.append((0, d + 0.5, "call", "them" if d % 14 else "me"))
    for d in range(300, 800, 7):
        events.append((1, d + 0.5, "meeting", "mutual"))
    events.append((2, 100.5, "social", "me"))
    fx = favours([(0, ME, "introduction", "given", 990.0)])
    return snapshot(4, events, **fx)


def test_it_measures_a_small_network() -> None:
    m = measure(_network(), NOW, params=drift.REFERENCE)
    assert m.half_life.reason == "few_relationships" and m.half_life.half_life == 60.0
    assert m.circle[0] == 0 and 0 < m.circle[1] < 5 and m.circle[3] == 5
    assert m.drifting[1] and not m.drifting[0] and not m.drifting[2]
    assert m.p_alive[0] > 0.9 and m.p_contact[0] > m.p_contact[1]
    assert m.real[0] and not m.real[2] and not m.real[3]
    assert m.recognition.level[0] == 3 and m.asks.rung[1] < m.asks.rung[0]


def test_it_explains_each_measure() -> None:
    m = measure(_network(), NOW, params=drift.REFERENCE)
    why = reasons(m, 1)
    assert {r.code for r in why["drift"]} >= {"alive", "silence_over_cadence"}
    assert why["ask"][0].code == "ask" and any(r.code == "ask_quiet" for r in why["ask"])
    assert reasons(m, 3)["drift"][0].code == "never"
    assert m.index(2) == 1 and list(m.drift_order()) == [1]


def test_it_takes_now_as_a_datetime_too() -> None:
    when = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    snap = snapshot(1, [(0, to_days(when) - 3, "call", "me")])
    m = measure(snap, when, params=drift.REFERENCE)
    assert np.isclose(m.silence[0], 2.5)  # measured from the middle of the day of contact
