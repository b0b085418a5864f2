"""Recognition levels from evidence, the manual override, and what they know of my offers."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from entregent.engine import recognition
from entregent.engine.snapshot import DIRECTIONS, ME
from tests.engine.helpers import favours, snapshot


def test_it_infers_each_level_from_evidence() -> None:
    events = [
        (0, 1.0, "email", "me"),
        (1, 1.0, "call", "mutual"),
        (2, 1.0, "email", "them"),
        (3, 1.0, "email", "them"),
    ]
    fx = favours([(3, ME, "recommendation", "given", 2.0), (4, ME, "advice", "given", 2.0)])
    snap = snapshot(6, events, intro_by=np.array([5]), **fx)
    rec = recognition.recognition(snap, 10.0)
    assert list(rec.level) == [0, 1, 2, 3, 1, 3]


def test_it_lets_the_user_override_and_counts_offers_known() -> None:
    snap = snapshot(
        2,
        [(0, 1.0, "email", "them")],
        recognition_override=np.array([0, 3], dtype=np.int8),
        told_rel=np.array([0, 0, 0, 1]),
        told_offer=np.array([7, 7, 8, 9]),
        my_offers=np.array([7, 8]),
    )
    rec = recognition.recognition(snap, 10.0)
    assert list(rec.level) == [0, 3] and list(rec.inferred) == [2, 0]
    assert list(rec.offers_known) == [2, 0]  # 9 is withdrawn; told twice counts once


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.floats(0, 100), st.sampled_from(DIRECTIONS)), max_size=15
    ),
    st.integers(0, 2),
)
def test_it_never_lowers_recognition_for_an_extra_inbound_initiative(history, who) -> None:
    events = [(r, t, "email", d) for r, t, d in history]
    before = recognition.recognition(snapshot(3, events), 200.0).level
    after = recognition.recognition(
        snapshot(3, [*events, (who, 150.0, "call", "them")]), 200.0
    ).level
    assert (after >= before).all()
