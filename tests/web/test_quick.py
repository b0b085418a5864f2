"""Quick add from every page: a person, an interaction, a need, an offer, and back where I was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from entregent.network import services
from entregent.network.models import Interaction, Need, Offer, Person


def test_it_is_linked_from_every_page(me, web) -> None:
    for url in ("/", "/people/"):
        page = web.get(url).content.decode()
        assert f'href="{reverse("quick-add")}?next=' in page


def test_it_adds_a_person_and_goes_back(me, web) -> None:
    response = web.post(
        reverse("quick-add"),
        {
            "what": "person",
            "full_name": "Inès Roy",
            "organization": "Armor",
            "email": "ines@example.org",
            "next": "/people/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/people/"
    ines = Person.objects.get(owner=me.owner, full_name="Inès Roy")
    assert ines.organization.name == "Armor"
    assert ines.contact_points.get().value == "ines@example.org"
    assert "Added Inès Roy." in web.get("/people/").content.decode()


def test_it_never_redirects_to_another_site(me, web) -> None:
    response = web.post(
        reverse("quick-add"),
        {"what": "person", "full_name": "Léa", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("quick-add")


def test_it_logs_an_interaction_with_who_initiated(me, web) -> None:
    yves = services.add_person(me.owner, "Yves Martin")
    response = web.post(
        reverse("quick-add"),
        {
            "what": "interaction",
            "person": "yves",
            "kind": "call",
            "date": "2026-03-02",
            "direction": "them",
            "summary": "Talked about Brittany",
        },
    )
    assert response.status_code == 302
    logged = Interaction.objects.get(owner=me.owner)
    assert list(logged.participants.all()) == [yves]
    assert (logged.kind, logged.direction, logged.summary) == (
        "call",
        "them",
        "Talked about Brittany",
    )
    assert logged.occurred_at.date() == dt.date(2026, 3, 2)


def test_it_adds_needs_and_my_offers(me, web) -> None:
    yves = services.add_person(me.owner, "Yves Martin")
    web.post(reverse("quick-add"), {"what": "need", "person": "Yves Martin", "text": "a CTO"})
    web.post(reverse("quick-add"), {"what": "offer", "person": "me", "text": "Holiday rentals"})
    assert Need.objects.get(owner=me.owner).person == yves
    assert Offer.objects.get(owner=me.owner).person == me


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"what": "person", "full_name": "  "}, "name"),
        ({"what": "need", "person": "Nobody Known", "text": "x"}, "Nobody called"),
        (
            {"what": "interaction", "person": "yves", "kind": "call", "date": "02/03/2026"},
            "YYYY-MM-DD",
        ),
        ({"what": "interaction", "person": "yves", "kind": "call", "date": "2999-01-01"}, "future"),
        ({"what": "interaction", "person": "yves", "kind": "telepathy"}, "kind"),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(me, web, form, message) -> None:
    services.add_person(me.owner, "Yves Martin")
    response = web.post(reverse("quick-add"), form)
    page = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in page and message in page
    assert Interaction.objects.count() == 0 and Need.objects.count() == 0


def test_it_lists_namesakes_to_pick_from(me, web) -> None:
    a = services.add_person(me.owner, "Jean Petit", organization="Armor")
    b = services.add_person(me.owner, "Jean Petit")
    page = web.post(
        reverse("quick-add"), {"what": "need", "person": "Jean Petit", "text": "x"}
    ).content.decode()
    assert f"#{a.pk}" in page and f"#{b.pk}" in page
    options = web.get(reverse("quick-names"), {"person": "jean"}).content.decode()
    assert f'value="#{a.pk}"' in options and "Jean Petit · Armor" in options


def test_it_checks_ownership(me, outsider) -> None:
    services.add_person(me.owner, "Yves Martin")
    client = Client()
    client.force_login(outsider)
    services.ensure_me(outsider, "Outsider")
    assert "Yves" not in client.get(reverse("quick-names"), {"person": "yves"}).content.decode()
    response = client.post(
        reverse("quick-add"), {"what": "need", "person": "Yves Martin", "text": "x"}
    )
    assert response.status_code == 400 and Need.objects.count() == 0
    assert Client().get(reverse("quick-add")).status_code == 302  # login first


def test_it_needs_the_csrf_token(me) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(me.owner)
    response = client.post(reverse("quick-add"), {"what": "person", "full_name": "Léa"})
    assert response.status_code == 403 and not Person.objects.filter(full_name="Léa").exists()


def test_it_renders_names_as_text(me, web) -> None:
    services.add_person(me.owner, "<script>alert(1)</script>")
    options = web.get(reverse("quick-names"), {"person": "<script"}).content.decode()
    assert "<script>" not in options and "&lt;script&gt;" in options


def test_it_warns_before_adding_a_namesake(me, web) -> None:
    yves = services.add_person(me.owner, "Yves Martin")
    response = web.post(reverse("quick-add"), {"what": "person", "full_name": "yves martin"})
    page = response.content.decode()
    assert response.status_code == 400 and "already have someone" in page
    assert reverse("person", args=[yves.pk]) in page and 'name="anyway"' in page
    assert Person.objects.filter(owner=me.owner, name_key="yves martin").count() == 1
    web.post(reverse("quick-add"), {"what": "person", "full_name": "Yves Martin", "anyway": "1"})
    assert Person.objects.filter(owner=me.owner, name_key="yves martin").count() == 2


def test_it_prefills_from_the_link(me, web) -> None:
    yves = services.add_person(me.owner, "Yves Martin")
    page = web.get(reverse("quick-add"), {"what": "interaction", "person": f"#{yves.pk}"})
    assert f'value="#{yves.pk}"' in page.content.decode()
    person_page = web.get(reverse("person", args=[yves.pk])).content.decode()
    assert f"what=interaction&amp;person=%23{yves.pk}" in person_page
