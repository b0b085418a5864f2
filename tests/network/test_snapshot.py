"""The engine snapshot is built from the database in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.engine.snapshot import DIRECTIONS, KINDS, ME, RUNGS, to_days
from entregent.network import queries, services

WHEN = timezone.make_aware(dt.datetime(2026, 3, 14, 12, 0))


def test_it_builds_the_snapshot_arrays(owner, me) -> None:
    a = services.add_person(owner, "A")
    b = services.add_person(owner, "B")
    services.update_person(b, closeness=4)
    services.log_interaction(owner, [a, b, me], kind="meeting", direction="them", occurred_at=WHEN)
    services.log_interaction(owner, [a], kind="call", direction="them", occurred_at=WHEN)
    services.record_favour(owner, a, me, "introduction", occurred_at=WHEN)
    services.set_recognition(b, level=2)
    offer = services.add_offer(me, "Training")
    services.tell_offer(a, offer, when=WHEN)
    intro_target = services.add_person(owner, "C")
    intro = services.add_intro(
        owner, requester=me, intermediary=b, target=intro_target, status="made"
    )
    assert intro.status == "made"
    snap = queries.build_snapshot(owner)
    assert list(snap.ids) == [a.pk, b.pk, intro_target.pk]
    assert list(snap.ev_rel) == [0, 0, 1]
    assert np.allclose(snap.ev_time, to_days(WHEN))
    assert set(snap.ev_kind) == {KINDS.index("meeting"), KINDS.index("call")}
    # A group meeting "they" initiated: one of them did, so for each it counts as mutual; the
    # one-to-one call stays theirs.
    mutual, them = DIRECTIONS.index("mutual"), DIRECTIONS.index("them")
    assert sorted(snap.ev_dir) == sorted([mutual, mutual, them])
    assert list(snap.closeness) == [0, 4, 0]
    assert (snap.fx_giver[0], snap.fx_receiver[0], snap.fx_rung[0]) == (
        0,
        ME,
        RUNGS.index("introduction"),
    )
    assert list(snap.recognition_override) == [-1, 2, -1]
    assert list(snap.told_rel) == [0] and list(snap.my_offers) == [offer.pk]
    assert list(snap.intro_by) == [1] and np.allclose(snap.told_time, to_days(WHEN))
    # An introduction of someone else *to* me counts as well.
    services.add_intro(owner, requester=intro_target, intermediary=a, target=me, status="met")
    assert sorted(queries.build_snapshot(owner).intro_by) == [0, 1]


def test_it_builds_the_snapshot_in_constant_queries(owner, me) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            queries.build_snapshot(owner)
        return len(ctx.captured_queries)

    first = services.add_person(owner, "First")
    services.log_interaction(owner, [first], kind="call")
    before = count()
    for i in range(10):
        person = services.add_person(owner, f"P{i}")
        services.log_interaction(owner, [person], kind="call")
        services.record_favour(owner, me, person, "advice")
    assert count() == before


def test_it_keeps_other_owners_out(owner, outsider, me) -> None:
    theirs = services.add_person(outsider, "Theirs")
    services.log_interaction(outsider, [theirs], kind="call")
    services.add_person(owner, "Mine")
    snap = queries.build_snapshot(owner)
    assert snap.n == 1 and snap.ev_rel.size == 0
