"""Initiative balance with its Beta interval, and the rung-weighted, decayed favour ledger."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta

from entregent.engine import reciprocity
from entregent.engine.snapshot import ME
from tests.engine.helpers import favours, snapshot


def test_it_computes_the_initiative_balance_and_interval() -> None:
    events = [(0, d, "email", "me") for d in (1, 2, 3)] + [
        (0, 4, "call", "them"),
        (0, 5, "meeting", "mutual"),
    ]
    init = reciprocity.initiative(snapshot(2, events), 10.0)
    assert (init.by_me[0], init.by_them[0], init.mutual[0]) == (3, 1, 1)
    assert math.isclose(init.rho[0], 4 / 6)
    assert math.isclose(init.low[0], beta.ppf(0.05, 4, 2))
    assert not init.imbalanced[0]
    assert init.rho[1] == 0.5 and not init.imbalanced[1]


def test_it_flags_a_one_way_relationship() -> None:
    mine = [(0, d, "email", "me") for d in range(10)]
    theirs = [(1, d, "email", "them") for d in range(10)]
    init = reciprocity.initiative(snapshot(2, mine + theirs), 20.0)
    assert init.imbalanced[0] and init.low[0] > 0.5
    assert init.imbalanced[1] and init.high[1] < 0.5


def test_it_counts_only_the_last_two_years() -> None:
    init = reciprocity.initiative(snapshot(1, [(0, 1.0, "email", "me")]), 1000.0)
    assert init.by_me[0] == 0


def test_it_weighs_and_decays_the_ledger() -> None:
    rows = [
        (ME, 0, "introduction", "given", 0.0),  # 3, a year old: 1.5
        (0, ME, "advice", "given", 365.0),  # −2
        (0, ME, "business", "asked", 365.0),  # only asked: nothing
        (ME, 1, "information", "given", 300.0),
        (ME, 1, "advice", "given", 360.0),
    ]
    led = reciprocity.ledger(snapshot(2, **favours(rows)), 365.0)
    assert math.isclose(led.balance[0], 1.5 - 2.0)
    assert (led.given[0], led.received[0]) == (1, 1)
    assert led.last_two_given[1] and not led.last_two_received[1]
    assert not led.last_two_received[0]


def _reference(snap, now: float, window: float) -> tuple:
    """Initiative the plain way: keep the window's events, then one per run of day and side."""
    import numpy as np

    keep = (snap.ev_time <= now) & (snap.ev_time > now - window)
    rel, side, day = snap.ev_rel[keep], snap.ev_dir[keep], np.floor(snap.ev_time[keep])
    new = np.ones(rel.size, dtype=bool)
    new[1:] = (rel[1:] != rel[:-1]) | (day[1:] != day[:-1]) | (side[1:] != side[:-1])
    rel, side = rel[new], side[new]
    return tuple(np.bincount(rel[side == d], minlength=snap.n) for d in (0, 1, 2))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.floats(0, 40), st.integers(0, 2)), max_size=60),
    st.floats(0, 45),
    st.sampled_from([0.5, 1.0, 3.0, 10.0, 730.0]),
)
def test_it_counts_the_same_runs_as_filtering_first(events, now, window) -> None:
    """The runs found once per snapshot give what filtering the window first gives."""
    import numpy as np

    from entregent.engine.snapshot import Snapshot

    events = sorted(events, key=lambda e: (e[0], e[1]))
    snap = Snapshot(
        ids=np.arange(1, 5),
        ev_rel=np.array([e[0] for e in events], dtype=np.int64),
        ev_time=np.array([e[1] for e in events], dtype=np.float64),
        ev_kind=np.zeros(len(events), dtype=np.int8),
        ev_dir=np.array([e[2] for e in events], dtype=np.int8),
    )
    found = reciprocity.initiative(snap, now, window)
    for got, want in zip(
        (found.by_me, found.by_them, found.mutual), _reference(snap, now, window), strict=True
    ):
        assert got.tolist() == want.tolist()
    assert np.allclose(found.low, beta.ppf(0.05, found.by_me + 1, found.by_them + 1))
    assert np.allclose(found.high, beta.ppf(0.95, found.by_me + 1, found.by_them + 1))
