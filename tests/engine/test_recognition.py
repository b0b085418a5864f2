"""Recognition levels from evidence, the manual override, and what they know of my offers."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from entregent.engine import recognition
from entregent.engine.snapshot import DIRECTIONS, KINDS, ME, RUNGS
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


def test_it_counts_a_meeting_i_proposed_as_a_reply() -> None:
    events = [(0, 1.0, "meeting", "me"), (1, 1.0, "email", "me"), (2, 1.0, "call", "me")]
    assert list(recognition.recognition(snapshot(3, events), 10.0).level) == [1, 0, 1]


def test_it_ignores_evidence_dated_after_now() -> None:
    snap = snapshot(
        1,
        intro_by=np.array([0]),
        intro_time=np.array([50.0]),
        told_rel=np.array([0]),
        told_offer=np.array([7]),
        told_time=np.array([50.0]),
        my_offers=np.array([7]),
    )
    assert recognition.recognition(snap, 10.0).level[0] == 0
    later = recognition.recognition(snap, 60.0)
    assert later.level[0] == 3 and later.offers_known[0] == 1


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.floats(0, 100),
            st.sampled_from(DIRECTIONS),
            st.sampled_from(KINDS),
        ),
        max_size=15,
    ),
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(RUNGS)), max_size=4),
    st.lists(st.integers(0, 2), max_size=2),
    st.integers(0, 2),
)
def test_it_never_lowers_recognition_for_an_extra_inbound_initiative(
    history, gifts, intros, who
) -> None:
    events = [(r, t, k, d) for r, t, d, k in history]
    extra = {
        **favours([(g, ME, rung, "given", 5.0) for g, rung in gifts]),
        "intro_by": np.array(intros, dtype=np.int64),
    }
    before = recognition.recognition(snapshot(3, events, **extra), 200.0).level
    after = recognition.recognition(
        snapshot(3, [*events, (who, 150.0, "call", "them")], **extra), 200.0
    ).level
    assert (after >= before).all()
