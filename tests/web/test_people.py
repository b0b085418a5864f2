"""The People screen: folded search, filters, sorts, pages, bulk tags, a constant query count."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entregent.network import services
from entregent.network.models import Person

NOW = timezone.now()


def _names(response) -> list[str]:
    return [p.full_name for p in response.context["items"]]


def _network(owner, count: int) -> None:
    for k in range(count):
        person = services.add_person(
            owner, f"Person {k:03d}", organization="Armor" if k % 2 else ""
        )
        services.tag_person(person, ["client"] if k % 3 == 0 else [])
        for d in range(k % 5):
            services.log_interaction(
                owner, [person], kind="call", occurred_at=NOW - dt.timedelta(days=3 + d * 7 + k)
            )


def test_it_searches_without_case_or_accents(owner, me, web) -> None:
    services.add_person(owner, "Éloïse Dupont")
    services.add_person(owner, "Paul Roux")
    assert _names(web.get("/people/?q=ELOISE")) == ["Éloïse Dupont"]


def test_it_filters_by_tag_organisation_and_circle(owner, me, web) -> None:
    _network(owner, 12)
    tagged = _names(web.get("/people/?tag=client"))
    assert tagged and all(int(n[-3:]) % 3 == 0 for n in tagged)
    assert all(int(n[-3:]) % 2 for n in _names(web.get("/people/?org=armor")))
    outside = _names(web.get("/people/?circle=out"))
    assert "Person 000" in outside  # never in touch


def test_it_sorts_by_strength_last_contact_or_name(owner, me, web) -> None:
    _network(owner, 10)
    by_name = _names(web.get("/people/?sort=name"))
    assert by_name == sorted(by_name)
    by_strength = web.get("/people/?sort=strength").context["items"]
    strengths = [p.strength_value for p in by_strength]
    assert strengths == sorted(strengths, reverse=True)
    assert _names(web.get("/people/?sort=last"))[0] == "Person 001"  # contacted last


def test_it_pages_by_fifty(owner, me, web) -> None:
    for k in range(60):
        services.add_person(owner, f"P {k:02d}")
    first, second = web.get("/people/?sort=name"), web.get("/people/?sort=name&page=2")
    assert len(first.context["items"]) == 50 and len(second.context["items"]) == 10
    assert "Page 1 of 2" in first.content.decode()


def test_it_tags_the_people_ticked(owner, me, web) -> None:
    a, b = services.add_person(owner, "Anne"), services.add_person(owner, "Bob")
    response = web.post("/people/tag/", {"person": [a.pk, b.pk], "tag": "Golf"})
    assert response.status_code == 302
    assert set(Person.objects.filter(tags__name="golf").values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }


def test_it_checks_ownership(owner, me, outsider) -> None:
    mine = services.add_person(owner, "Zoé Secret")
    client = Client()
    client.force_login(outsider)
    assert "Zoé Secret" not in client.get("/people/").content.decode()
    client.post("/people/tag/", {"person": [mine.pk], "tag": "stolen"})
    assert not mine.tags.exists()


def test_it_keeps_the_same_number_of_queries_as_people_grow(owner, me, web) -> None:
    _network(owner, 5)
    web.get("/people/")  # stores the arrays
    with CaptureQueriesContext(connection) as few:
        web.get("/people/")
    _network(owner, 30)
    web.get("/people/")
    with CaptureQueriesContext(connection) as many:
        web.get("/people/")
    assert len(many) == len(few)
