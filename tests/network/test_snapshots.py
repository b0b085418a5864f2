"""The stored network arrays: reused while nothing changed, rebuilt after any write."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.network import queries, services, snapshots
from entregent.network.models import Interaction, SnapshotCache

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def net(owner, me):
    anne, bob = services.add_person(owner, "Anne"), services.add_person(owner, "Bob")
    services.log_interaction(owner, [anne, bob], kind="meeting", occurred_at=NOW)
    return owner, anne, bob


def _same(a: queries.Network, b: queries.Network) -> bool:
    fields = vars(a.snapshot)
    return all(np.array_equal(fields[k], vars(b.snapshot)[k]) for k in fields) and np.array_equal(
        a.observed, b.observed
    )


def test_it_reuses_the_arrays_in_two_queries(net) -> None:
    owner, _anne, _bob = net
    first = snapshots.load_network(owner)
    with CaptureQueriesContext(connection) as queries_run:
        again = snapshots.load_network(owner)
    assert len(queries_run) <= 2
    assert _same(first, again) and _same(again, queries.build_network(owner))


@pytest.mark.parametrize(
    "write",
    [
        lambda o, a, b, me: services.log_interaction(o, [a], kind="call", occurred_at=NOW),
        lambda o, a, b, me: services.update_person(a, closeness=5),
        lambda o, a, b, me: services.record_favour(o, a, me, "advice", occurred_at=NOW),
        lambda o, a, b, me: services.tell_offer(a, services.add_offer(me, "Je relis des pitchs")),
        lambda o, a, b, me: services.set_recognition(a, level=3),
        lambda o, a, b, me: services.release_person(a, NOW),
        lambda o, a, b, me: services.delete_person(b),
        lambda o, a, b, me: Interaction.objects.filter(owner=o).first().participants.remove(b),
        lambda o, a, b, me: services.clear_network(o),
    ],
    ids=[
        "interaction",
        "closeness",
        "favour",
        "told",
        "recognition",
        "let-go",
        "delete",
        "participants",
        "clear",
    ],
)
def test_it_rebuilds_after_any_write(net, me, write) -> None:
    owner, anne, bob = net
    snapshots.load_network(owner)
    write(owner, anne, bob, me)
    assert _same(snapshots.load_network(owner), queries.build_network(owner))


def test_it_rebuilds_an_unreadable_blob(net) -> None:
    owner, _anne, _bob = net
    snapshots.load_network(owner)
    SnapshotCache.objects.filter(owner=owner).update(data=b"garbage")
    assert _same(snapshots.load_network(owner), queries.build_network(owner))


def test_it_never_stores_arrays_a_write_overtook(net, monkeypatch) -> None:
    owner, anne, _bob = net
    snapshots.load_network(owner)
    services.update_person(anne, closeness=4)
    real_build = snapshots.build_network

    def build_then_write(user):  # another process writes while this one reads
        built = real_build(user)
        services.update_person(anne, closeness=2)
        return built

    monkeypatch.setattr(snapshots, "build_network", build_then_write)
    snapshots.load_network(owner)
    monkeypatch.setattr(snapshots, "build_network", real_build)
    row = SnapshotCache.objects.get(owner=owner)
    assert row.built_revision != row.revision
    assert _same(snapshots.load_network(owner), queries.build_network(owner))


def test_it_sees_links_from_shared_meetings(net) -> None:
    owner, anne, bob = net
    observed = snapshots.load_network(owner).observed
    assert observed.tolist() == [[min(anne.pk, bob.pk), max(anne.pk, bob.pk), 2]]
