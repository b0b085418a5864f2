"""The admin is the web interface for now: every model usable, and only one's own rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.demo import build_demo
from entregent.network import services
from entregent.network.models import (
    ContactPoint,
    Interaction,
    Intro,
    Link,
    OfferTold,
    Person,
    Task,
)

MODELS = [
    "person",
    "organization",
    "tag",
    "contactpoint",
    "link",
    "interaction",
    "need",
    "offer",
    "exchange",
    "intro",
    "recognition",
    "offertold",
    "goal",
    "task",
]


@pytest.fixture
def demo_owner(owner):
    build_demo(owner, people=40, seed=1, today=dt.date(2026, 11, 29))
    return owner


@pytest.mark.parametrize("model", MODELS)
def test_it_shows_every_list_and_form(client, demo_owner, model: str) -> None:
    client.force_login(demo_owner)
    changelist = client.get(reverse(f"admin:network_{model}_changelist"))
    assert changelist.status_code == 200
    assert client.get(reverse(f"admin:network_{model}_add")).status_code == 200
    assert (
        client.get(reverse(f"admin:network_{model}_changelist"), {"q": "martin"}).status_code == 200
    )


def test_it_searches_and_filters_people(client, demo_owner) -> None:
    client.force_login(demo_owner)
    response = client.get(reverse("admin:network_person_changelist"), {"q": "yves"})
    assert "Yves Martin" in response.content.decode()
    tag = services.tag_person(Person.objects.get(full_name="Yves Martin"), ["vip"])[0]
    response = client.get(reverse("admin:network_person_changelist"), {"tags__id__exact": tag.pk})
    assert "Yves Martin" in response.content.decode()
    assert "Xavier Lambert" not in response.content.decode()  # the filter really filters


def test_it_checks_ownership(client, demo_owner, outsider) -> None:
    yves = Person.objects.get(owner=demo_owner, full_name="Yves Martin")
    client.force_login(outsider)
    response = client.get(reverse("admin:network_person_change", args=[yves.pk]))
    assert response.status_code == 302  # the admin redirects a missing object to the index
    listing = client.get(reverse("admin:network_person_changelist"), {"q": "yves"})
    assert "Yves Martin" not in listing.content.decode()
    services.add_person(outsider, "Yves Outsider")
    search = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "network",
            "model_name": "interaction",
            "field_name": "participants",
            "term": "yves",
        },
    )
    assert search.status_code == 200
    assert "Yves Outsider" in search.content.decode()
    assert "Yves Martin" not in search.content.decode()


def test_it_refuses_anonymous_visitors(client, db) -> None:
    response = client.get(reverse("admin:network_person_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("admin:login")).status_code == 200


def _person_form(**extra: str) -> dict[str, str]:
    data = {
        "full_name": "Zoé Le Goff",
        "title": "",
        "language": "fr",
        "closeness": "",
        "notes": "",
        "contact_points-TOTAL_FORMS": "1",
        "contact_points-INITIAL_FORMS": "0",
        "contact_points-0-kind": "phone",
        "contact_points-0-value": "06 12 34 56 78",
        "contact_points-0-label": "mobile",
    }
    for prefix in ("needs", "offers", "recognition"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(extra)
    return data


def test_it_adds_a_person_with_a_normalised_phone(client, owner) -> None:
    client.force_login(owner)
    response = client.post(reverse("admin:network_person_add"), _person_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(owner=owner, full_name="Zoé Le Goff")
    assert person.contact_points.get().value == "+33612345678"
    assert person.contact_points.get().owner == owner


def test_it_reports_a_duplicate_contact_point_as_a_form_error(client, owner) -> None:
    services.add_person(owner, "Other", phones=["06 12 34 56 78"])
    client.force_login(owner)
    response = client.post(reverse("admin:network_person_add"), _person_form())
    assert response.status_code == 200  # the form again, with the error
    assert ContactPoint.objects.filter(owner=owner).count() == 1


def test_it_orders_a_link_pair(client, owner) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    client.force_login(owner)
    response = client.post(
        reverse("admin:network_link_add"),
        {"a": b.pk, "b": a.pk, "kind": "knows", "context": "", "strength": 3, "source": "manual"},
    )
    assert response.status_code == 302
    link = Link.objects.get()
    assert (link.a_id, link.b_id, link.owner) == (a.pk, b.pk, owner)


def test_it_runs_actions_through_services(client, owner, me) -> None:
    y = services.add_person(owner, "Yves")
    exchange = services.record_favour(owner, y, me, "advice")
    client.force_login(owner)
    client.post(
        reverse("admin:network_exchange_changelist"),
        {"action": "mark_thanked", "_selected_action": [exchange.pk]},
    )
    exchange.refresh_from_db()
    assert exchange.thanked_at is not None and exchange.tasks.get().done_at is not None
    client.post(
        reverse("admin:network_person_changelist"),
        {"action": "delete_people", "_selected_action": [me.pk, y.pk]},
    )
    assert list(Person.objects.filter(owner=owner)) == [me]


def test_it_lists_people_in_constant_queries(client, owner, me) -> None:
    client.force_login(owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("admin:network_person_changelist")).status_code == 200
        return len(ctx.captured_queries)

    services.add_person(owner, "First", organization="Org", tags=["t"])
    before = count()
    for i in range(10):
        services.add_person(owner, f"P{i}", organization=f"Org {i}", tags=[f"t{i}"])
    assert count() == before


def test_it_logs_an_interaction_with_participants(client, owner, outsider) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    theirs = services.add_person(outsider, "Not yours")
    client.force_login(owner)
    form = {
        "occurred_at_0": "2026-03-14",
        "occurred_at_1": "12:30",
        "kind": "meeting",
        "direction": "them",
        "summary": "Lunch",
        "source": "manual",
        "external_id": "",
    }
    refused = client.post(
        reverse("admin:network_interaction_add"), {**form, "participants": [a.pk, theirs.pk]}
    )
    assert refused.status_code == 200  # another owner's person is not a valid choice
    response = client.post(
        reverse("admin:network_interaction_add"), {**form, "participants": [a.pk, b.pk]}
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.owner == owner and set(interaction.participants.all()) == {a, b}


def test_it_never_deletes_me_and_deletes_contacts_through_the_service(client, owner, me) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    services.log_interaction(owner, [a], kind="call")
    shared = services.log_interaction(owner, [a, b], kind="meeting")
    client.force_login(owner)
    assert client.get(reverse("admin:network_person_delete", args=[me.pk])).status_code == 403
    response = client.post(reverse("admin:network_person_delete", args=[a.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert list(Interaction.objects.all()) == [shared]  # the lone call went with A
    assert Person.objects.filter(owner=owner, is_me=True).exists()


def test_it_keeps_me_read_only(client, owner, me) -> None:
    client.force_login(owner)
    page = client.get(reverse("admin:network_person_change", args=[me.pk])).content.decode()
    assert 'name="is_me"' not in page


def test_it_applies_the_services_rules_to_admin_forms(client, owner, me) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    theirs = services.add_offer(a, "A's offer")
    client.force_login(owner)
    link = client.post(
        reverse("admin:network_link_add"),
        {"a": a.pk, "b": me.pk, "kind": "knows", "context": "", "strength": 3, "source": "x"},
    )
    assert link.status_code == 200 and not Link.objects.exists()
    told = client.post(
        reverse("admin:network_offertold_add"),
        {
            "person": b.pk,
            "offer": theirs.pk,
            "told_at_0": "2026-03-14",
            "told_at_1": "10:00",
            "channel": "",
        },
    )
    assert told.status_code == 200 and not OfferTold.objects.exists()
    intro = client.post(
        reverse("admin:network_intro_add"),
        {
            "requester": me.pk,
            "intermediary": a.pk,
            "target": a.pk,
            "status": "planned",
            "outcome": "",
        },
    )
    assert intro.status_code == 200 and not Intro.objects.exists()


def test_it_opens_a_gratitude_loop_for_a_favour_added_in_the_admin(client, owner, me) -> None:
    a = services.add_person(owner, "A")
    client.force_login(owner)
    response = client.post(
        reverse("admin:network_exchange_add"),
        {
            "giver": a.pk,
            "receiver": me.pk,
            "rung": "advice",
            "status": "given",
            "occurred_at_0": "2026-03-14",
            "occurred_at_1": "10:00",
            "note": "",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.kind == "thank" and task.person == a and task.due.isoformat() == "2026-03-16"
