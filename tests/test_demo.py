"""The demo network: deterministic for a seed, realistic, and holding the founding story."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, Max, Min

from entregent.demo import PARIS, X_NAME, Y_NAME, build_demo
from entregent.engine.text import fold
from entregent.network.models import (
    Exchange,
    Goal,
    Interaction,
    Link,
    Need,
    Offer,
    Person,
)

TODAY = dt.date(2026, 11, 29)


def _sorted(rows) -> list:
    return sorted(rows, key=repr)  # rows hold None next to strings


def _fingerprint(owner) -> dict[str, list]:
    """The demo's content without ids or owners, comparable across two databases or users."""
    names = dict(Person.objects.filter(owner=owner).values_list("pk", "full_name"))
    through = Interaction.participants.through.objects.filter(interaction__owner=owner)
    return {
        "people": _sorted(
            Person.objects.filter(owner=owner).values_list(
                "full_name", "title", "language", "organization__name", "closeness"
            )
        ),
        "points": _sorted(
            Person.objects.filter(owner=owner).values_list("full_name", "contact_points__value")
        ),
        "interactions": _sorted(
            (i.occurred_at.isoformat(), i.kind, i.direction, i.summary)
            for i in Interaction.objects.filter(owner=owner)
        ),
        "participants": _sorted(
            (t.interaction.occurred_at.isoformat(), names[t.person_id])
            for t in through.select_related("interaction")
        ),
        "links": _sorted(
            (names[a], names[b], k, s)
            for a, b, k, s in Link.objects.filter(owner=owner).values_list(
                "a", "b", "kind", "strength"
            )
        ),
        "needs": _sorted(Need.objects.filter(owner=owner).values_list("person__full_name", "text")),
        "favours": _sorted(
            Exchange.objects.filter(owner=owner).values_list(
                "giver__full_name", "receiver__full_name", "rung"
            )
        ),
    }


def test_it_is_deterministic_for_a_seed(owner, teammate, outsider) -> None:
    build_demo(owner, people=60, seed=42, today=TODAY)
    build_demo(teammate, people=60, seed=42, today=TODAY)
    build_demo(outsider, people=60, seed=43, today=TODAY)
    assert _fingerprint(owner) == _fingerprint(teammate)
    assert _fingerprint(owner) != _fingerprint(outsider)


@pytest.fixture
def network(owner):
    summary = build_demo(owner, people=150, seed=7, today=TODAY)
    return owner, summary


def test_it_holds_the_founding_story(network) -> None:
    owner, _summary = network
    me = Person.objects.get(owner=owner, is_me=True)
    x = Person.objects.get(owner=owner, full_name=X_NAME)
    y = Person.objects.get(owner=owner, full_name=Y_NAME)
    assert x.organization.name == "Banque Lambda"
    assert "former client" in y.tags.values_list("name", flat=True)
    assert "prospect" in x.tags.values_list("name", flat=True)
    link = Link.objects.get(
        owner=owner, a=min(x, y, key=lambda p: p.pk), b=max(x, y, key=lambda p: p.pk)
    )
    assert "travaille régulièrement avec" in link.context
    need = Need.objects.get(owner=owner, person=y, status="open")
    assert "location" in need.text and "vacances" in need.text
    assert Offer.objects.filter(owner=owner, person=me, text__icontains="holiday rental").exists()
    assert Goal.objects.filter(owner=owner, target_person=x, status="active").exists()
    last_y = y.interactions.aggregate(last=Max("occurred_at"))["last"]
    assert (TODAY - last_y.date()).days < 30  # Y is a live tie
    assert x.interactions.count() <= 1  # X is cold: reach him through Y


def test_it_spans_three_years_with_human_rhythms(network) -> None:
    owner, summary = network
    span = Interaction.objects.filter(owner=owner).aggregate(
        first=Min("occurred_at"), last=Max("occurred_at")
    )
    assert (span["last"] - span["first"]).days > 2.5 * 365
    assert span["last"] < dt.datetime.combine(TODAY, dt.time(), tzinfo=PARIS)  # none in the future
    per_person = dict(
        Person.objects.filter(owner=owner, is_me=False)
        .annotate(n=Count("interactions"))
        .values_list("full_name", "n")
    )
    counts = sorted(per_person.values(), reverse=True)
    assert counts[0] > 80  # the closest: weekly or so
    assert sum(1 for c in counts if c <= 5) > 30  # a long tail of yearly acquaintances
    tags = Counter(Person.objects.filter(owner=owner).values_list("tags__name", flat=True))
    for circle in (
        "family",
        "close friend",
        "colleague",
        "client",
        "former client",
        "prospect",
        "friend",
        "acquaintance",
    ):
        assert tags[circle] > 0, circle
    directions = Counter(
        Interaction.objects.filter(owner=owner).values_list("direction", flat=True)
    )
    assert min(directions.values()) > summary.interactions * 0.1
    hours = Counter(i.occurred_at.hour for i in Interaction.objects.filter(owner=owner))
    assert sum(hours[h] for h in range(0, 6)) == 0  # nobody meets at 3 a.m.


def test_it_has_drifted_relationships(network) -> None:
    owner, _summary = network
    now = dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.UTC)
    drifted = [
        p
        for p in Person.objects.filter(
            owner=owner, tags__name__in=["close friend", "friend"]
        ).annotate(n=Count("interactions"), last=Max("interactions__occurred_at"))
        if p.n >= 8 and (now - p.last).days > 120
    ]
    assert drifted, "some friends should have drifted away"


def test_it_speaks_french_and_english(network) -> None:
    owner, _summary = network
    languages = Counter(Person.objects.filter(owner=owner).values_list("language", flat=True))
    assert languages["fr"] > languages["en"] > 0
    texts = [fold(t) for t in Need.objects.filter(owner=owner).values_list("text", flat=True)]
    assert any(t.startswith("cherche") for t in texts)
    assert any(t.startswith("looking") for t in texts)


def test_it_scales_with_bulk_inserts(owner, django_assert_max_num_queries) -> None:
    # Batched inserts: a few hundred rows per query at least, never one query per row.
    with django_assert_max_num_queries(300) as queries:
        summary = build_demo(owner, people=3000, seed=1, today=TODAY)
    rows = summary.people + summary.interactions + summary.counts["participants"]
    assert rows / len(queries) > 100
    assert Person.objects.filter(owner=owner).count() == summary.people == 3001
