"""The Person screen: every measure explained with a 24-month line, needs and offers edited in
place, who they know, what to give and tell them, a paged timeline, the quick log, and a
constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from entregent.demo import Y_NAME
from entregent.engine.snapshot import to_days
from entregent.engine.strength import strength_history
from entregent.network import opportunities, services
from entregent.network.explain import network_view
from entregent.network.models import (
    Exchange,
    Interaction,
    Link,
    Need,
    Offer,
    OfferTold,
    Person,
    Task,
)
from entregent.web.person import _interactions, month_ends, timeline

NOW = timezone.now()


@pytest.fixture
def yves(demo) -> Person:
    return Person.objects.get(owner=demo, full_name=Y_NAME)


def url(person: Person, name: str = "person", *args: object) -> str:
    return reverse(name, args=[person.pk, *args])


def _page(web: Client, person: Person, **params: str) -> str:
    response = web.get(url(person), params)
    assert response.status_code == 200
    return response.content.decode()


def _points(page: str) -> list[tuple[float, float]]:
    match = re.search(r'<polyline class="line" points="([^"]+)"', page)
    assert match, "no sparkline"
    return [tuple(float(v) for v in p.split(",")) for p in match.group(1).split()]


def test_it_shows_every_section_on_the_demo(yves, web) -> None:
    page = _page(web, yves)
    for section in ("log", "measures", "needs", "offers", "give", "tell", "knows", "timeline"):
        assert f'id="{section}"' in page, section
    for measure in ("strength", "circle", "drift", "reciprocity", "ledger", "recognition", "ask"):
        assert f'id="measure-{measure}"' in page, measure
    assert "Yves Martin</h1>" in page and "Groupe Armor Distribution" in page
    assert "mailto:yves.martin@armor-distribution.fr" in page and "former client" in page
    assert "days of contact (half-life" in page and "Ask for " in page  # the sentences
    assert "How they see you: “C&#x27;est la personne à appeler" in page  # their perception
    assert "Evidence: M&#x27;a recommandée" in page
    assert "Your offers they know:" in page and "Formation à la prospection" in page
    assert "Cherche une location pour les vacances" in page  # his need
    assert "Xavier Lambert</a>" in page  # whom he knows, linked to his page
    assert "holiday rental deal in Brittany" in page  # my offer he has not heard of
    assert page.count('class="entry ') == 20 and 'class="more"' in page  # the timeline's page


def test_it_explains_the_measures_as_the_cli_does(yves, web) -> None:
    measures = web.get(url(yves)).context["measures"]
    view = network_view(yves.owner, timezone.now())
    expected = view.explain(yves.pk)
    assert [m["key"] for m in measures] == list(expected)
    assert all(m["sentences"] == expected[m["key"]] for m in measures)


def test_it_draws_24_months_of_strength_from_the_engine(yves, web) -> None:
    response = web.get(url(yves))
    points = _points(response.content.decode())
    assert len(points) == 24 and response.context["spark"]["count"] == 24
    xs = [x for x, _y in points]
    assert xs == sorted(xs) and all(0 <= y <= 48 for _x, y in points)
    now = timezone.now()
    view = network_view(yves.owner, now)
    i = view.measures.index(yves.pk)
    ends = np.array([to_days(e) for e in month_ends(now)])
    observed, _eff = strength_history(view.snapshot, i, ends, view.measures.half_life.half_life)
    assert response.context["spark"]["last_value"] == round(float(observed[-1]), 1)
    assert response.context["spark"]["peak"] == round(float(observed.max()), 1)
    assert observed.max() > 0 and 'class="floor"' in response.content.decode()  # declared 4/5


def test_it_takes_the_last_24_month_ends() -> None:
    now = timezone.make_aware(dt.datetime(2026, 3, 14, 10, 0))
    ends = month_ends(now)
    local = [timezone.localtime(e) for e in ends]
    assert len(ends) == 24 and ends == sorted(ends)
    assert (local[0].year, local[0].month) == (2024, 4) and (local[-1].year, local[-1].month) == (
        2026,
        3,
    )
    assert all((e.day, e.hour, e.minute) == (1, 0, 0) for e in local)


def test_it_logs_an_interaction_and_updates_the_measures(yves, web) -> None:
    before = {m["key"]: m for m in web.get(url(yves)).context["measures"]}
    response = web.post(
        url(yves, "person-log"),
        {
            "kind": "meeting",
            "day": timezone.localdate().isoformat(),
            "direction": "them",
            "note": "Coffee at <b>Le Flore</b>",
        },
    )
    assert response.status_code == 302 and response["Location"] == url(yves)
    logged = Interaction.objects.get(owner=yves.owner, summary="Coffee at <b>Le Flore</b>")
    assert list(logged.participants.all()) == [yves] and logged.direction == "them"
    assert logged.occurred_at <= timezone.now()
    response = web.get(url(yves))
    page = response.content.decode()
    first = page.index('class="entry ')
    assert page.index("Coffee at &lt;b&gt;Le Flore&lt;/b&gt;") > first
    assert page.index("Coffee at &lt;b&gt;Le Flore&lt;/b&gt;") < page.index(
        'class="entry ', first + 1
    )
    after = {m["key"]: m for m in response.context["measures"]}
    assert after["reciprocity"]["value"] != before["reciprocity"]["value"]  # one more from them
    assert after["strength"]["sentences"] != before["strength"]["sentences"]


def test_it_logs_a_past_day_and_refuses_a_future_one(yves, web) -> None:
    count = Interaction.objects.filter(owner=yves.owner).count()
    web.post(url(yves, "person-log"), {"kind": "call", "day": "2026-01-05", "direction": "me"})
    assert timezone.localtime(Interaction.objects.latest("pk").occurred_at).date() == dt.date(
        2026, 1, 5
    )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    for bad in (
        {"kind": "call", "day": tomorrow, "direction": "me"},
        {"kind": "call", "day": "5 janvier", "direction": "me"},
        {"kind": "fax", "day": "2026-01-05", "direction": "me"},
        {"kind": "call", "day": "2026-01-05", "direction": "nobody"},
    ):
        response = web.post(url(yves, "person-log"), bad, follow=True)
        assert response.status_code == 200 and list(response.context["messages"])
    assert Interaction.objects.filter(owner=yves.owner).count() == count + 1


def test_it_edits_needs_in_place_with_htmx(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé Le Goff")
    hx = {"HTTP_HX_REQUEST": "true"}
    response = web.post(
        url(zoe, "person-item-add", "needs"), {"text": "Cherche un comptable"}, **hx
    )
    assert response.status_code == 200 and b'id="needs-list"' in response.content
    need = Need.objects.get(person=zoe)
    assert b"Cherche un comptable" in response.content and b"<html" not in response.content
    form = web.get(url(zoe, "person-item-edit", "needs", need.pk), **hx)
    assert b"<textarea" in form.content and b"Cherche un comptable</textarea>" in form.content
    Need.objects.filter(pk=need.pk).update(vector=b"\0" * 8, vector_key="stale")
    saved = web.post(
        url(zoe, "person-item-edit", "needs", need.pk), {"text": "Cherche un expert"}, **hx
    )
    need.refresh_from_db()
    assert need.text == "Cherche un expert" and need.vector is None and need.vector_key == ""
    assert b"Cherche un expert" in saved.content and b"<textarea" not in saved.content
    empty = web.post(url(zoe, "person-item-edit", "needs", need.pk), {"text": " "}, **hx)
    assert b'role="alert"' in empty.content and b"<textarea" in empty.content
    closed = web.post(url(zoe, "person-item-close", "needs", need.pk), {"status": "met"}, **hx)
    need.refresh_from_db()
    assert need.status == "met" and b"1 closed" in closed.content
    web.post(url(zoe, "person-item-close", "needs", need.pk), {"status": "open"}, **hx)
    need.refresh_from_db()
    assert need.status == "open" and need.closed_at is None
    cancel = web.get(url(zoe, "person-items", "needs"), **hx)
    assert b"Cherche un expert" in cancel.content and b"<textarea" not in cancel.content


def test_it_edits_needs_without_javascript(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé Le Goff")
    response = web.post(url(zoe, "person-item-add", "needs"), {"text": "Cherche un comptable"})
    assert response.status_code == 302 and response["Location"].endswith("#needs")
    need = Need.objects.get(person=zoe)
    response = web.get(url(zoe, "person-item-edit", "needs", need.pk))
    assert response.status_code == 302 and f"?edit=needs-{need.pk}" in response["Location"]
    assert f'id="needs-{need.pk}-text"' in _page(web, zoe, edit=f"needs-{need.pk}")
    response = web.post(url(zoe, "person-item-edit", "needs", need.pk), {"text": "Un avocat"})
    assert response.status_code == 302
    web.post(url(zoe, "person-item-close", "needs", need.pk), {"status": "withdrawn"})
    need.refresh_from_db()
    assert (need.text, need.status) == ("Un avocat", "withdrawn")
    refused = web.post(url(zoe, "person-item-add", "needs"), {"text": ""}, follow=True)
    assert "The need cannot be empty." in [str(m) for m in refused.context["messages"]]
    odd = web.post(url(zoe, "person-item-close", "needs", need.pk), {"status": "x"}, follow=True)
    assert list(odd.context["messages"]) and Need.objects.get(pk=need.pk).status == "withdrawn"


def test_it_adds_edits_and_withdraws_offers(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé Le Goff")
    web.post(url(zoe, "person-item-add", "offers"), {"text": "Connaît un comptable"})
    offer = Offer.objects.get(person=zoe)
    web.post(url(zoe, "person-item-edit", "offers", offer.pk), {"text": "Connaît deux comptables"})
    web.post(url(zoe, "person-item-close", "offers", offer.pk), {"status": "withdrawn"})
    offer.refresh_from_db()
    assert (offer.text, offer.status) == ("Connaît deux comptables", "withdrawn")
    assert web.post(url(zoe, "person-item-add", "wishes"), {"text": "x"}).status_code == 404
    other = services.add_person(owner, "Paul")
    assert web.post(url(other, "person-item-close", "offers", offer.pk)).status_code == 404


def _links(person: Person) -> int:
    return Link.objects.filter(owner=person.owner).filter(Q(a=person) | Q(b=person)).count()


def test_it_declares_whom_they_know(yves, web) -> None:
    before = _links(yves)
    other = Person.objects.filter(owner=yves.owner, is_me=False).exclude(pk=yves.pk).last()
    response = web.post(
        url(yves, "person-link"),
        {"other": other.full_name, "kind": "colleague", "strength": "4", "context": "Armor"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#knows")
    low, high = sorted((yves.pk, other.pk))
    link = Link.objects.get(owner=yves.owner, a_id=low, b_id=high)
    assert (link.kind, link.strength, link.context) == ("colleague", 4, "Armor")
    assert f'<a href="{url(other)}">{other.full_name}</a>' in _page(web, yves)
    for bad in ({"other": "Nobody At All"}, {"other": "me"}, {"other": Y_NAME}):
        refused = web.post(url(yves, "person-link"), bad, follow=True)
        assert list(refused.context["messages"])
    assert _links(yves) == before + 1


def test_it_shows_whom_they_met_in_meetings(owner, me, web) -> None:
    anne, bob = services.add_person(owner, "Anne"), services.add_person(owner, "Bob")
    services.log_interaction(owner, [anne, bob], kind="meeting", occurred_at=NOW)
    page = _page(web, anne)
    assert f'<a href="{url(bob)}">Bob</a>' in page and "seen together in your meetings" in page
    assert "with <a" in page  # the meeting's other participant, in the timeline


def test_it_records_an_offer_told(yves, web) -> None:
    me = Person.objects.get(owner=yves.owner, is_me=True)
    offer = Offer.objects.get(owner=yves.owner, person=me, text__contains="holiday rental")
    assert web.get(url(yves)).context["to_tell"][0]["offer"] == offer  # it fits his need
    response = web.post(url(yves, "person-tell"), {"offer": offer.pk})
    assert response.status_code == 302 and response["Location"].endswith("#tell")
    assert OfferTold.objects.filter(person=yves, offer=offer).exists()
    assert offer not in [t["offer"] for t in web.get(url(yves)).context["to_tell"]]
    his = services.add_offer(yves, "Connaît Xavier")
    assert web.post(url(yves, "person-tell"), {"offer": his.pk}).status_code == 404


def test_it_lets_go_and_keeps(yves, web) -> None:
    web.post(url(yves, "person-let-go"), {"action": "release"})
    yves.refresh_from_db()
    assert yves.released_at is not None
    page = _page(web, yves)
    assert 'value="keep"' in page and ("the 500" in page or "outside the circles" in page)
    web.post(url(yves, "person-let-go"), {"action": "keep"})
    yves.refresh_from_db()
    assert yves.released_at is None and 'value="release"' in _page(web, yves)


def test_it_marks_a_task_done(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé")
    services.record_favour(owner, zoe, me, "advice", occurred_at=NOW)
    task = Task.objects.get(person=zoe)
    assert task.title in _page(web, zoe)
    web.post(url(zoe, "person-task-done", task.pk))
    task.refresh_from_db()
    assert task.done_at is not None and Exchange.objects.get().thanked_at is not None


def test_it_finds_what_i_can_give_them_after_the_page(owner, me, web, monkeypatch) -> None:
    monkeypatch.setenv("ENTREGENT_MATCHER", "lexical")
    zoe = services.add_person(owner, "Zoé")
    need = services.add_need(zoe, "Cherche un expert-comptable pour indépendants")
    offer = services.add_offer(me, "Je connais un expert-comptable pour indépendants")
    page = _page(web, zoe)
    assert f'hx-get="{url(zoe, "person-give")}"' in page and 'hx-trigger="load"' in page
    part = web.get(url(zoe, "person-give"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and f'value="G{need.pk}-{offer.pk}"' in part
    assert "<html" in web.get(url(zoe, "person-give")).content.decode()  # without JavaScript
    assert 'name="action" value="dismiss"' in part  # Not a match
    key = f"G{need.pk}-{offer.pk}"
    web.post(url(zoe, "person-give-act"), {"key": key, "action": "dismiss"})
    assert key not in web.get(url(zoe, "person-give"), HTTP_HX_REQUEST="true").content.decode()
    opportunities.dismiss(owner, key, undo=True)
    response = web.post(url(zoe, "person-give-act"), {"key": key})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == "met" and Exchange.objects.get().receiver == zoe
    paul = services.add_person(owner, "Paul")
    assert (
        web.post(url(paul, "person-give-act"), {"key": f"G{need.pk}-{offer.pk}"}).status_code == 404
    )


def test_it_pages_the_timeline_newest_first(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé")
    other = services.add_person(owner, "Paul")
    for k in range(30):
        services.log_interaction(owner, [zoe], kind="call", occurred_at=NOW - dt.timedelta(days=k))
    for k in range(8):
        services.record_favour(
            owner, me, zoe, "advice", occurred_at=NOW - dt.timedelta(days=3 * k, hours=5)
        )
    services.add_intro(owner, requester=me, intermediary=zoe, target=other, status="made")
    page = _page(web, zoe)
    seen = re.findall(r'<time datetime="([^"]+)"', page)
    more = re.search(r'hx-get="([^"]+timeline/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    while more:
        part = web.get(more, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in part
        seen += re.findall(r'<time datetime="([^"]+)"', part)
        found = re.search(r'hx-get="([^"]+timeline/\?[^"]+)"', part)
        more = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == 39
    assert seen == sorted(seen, reverse=True)
    plain = web.get(url(zoe, "person-timeline") + "?i=20&f=0&n=0")
    assert plain.status_code == 302 and "?i=20&f=0&n=0#timeline" in plain["Location"]
    assert "Back to the newest" in _page(web, zoe, i="20", f="0", n="0")


def test_it_reads_a_busy_ties_timeline_through_the_time_index(owner, me) -> None:
    busy, quiet = services.add_person(owner, "Zoé"), services.add_person(owner, "Paul")
    for k in range(70):
        when = NOW - dt.timedelta(days=k, hours=k % 3)
        services.log_interaction(
            owner, [busy] if k % 7 else [busy, quiet], kind="call", occurred_at=when
        )
    for k in range(10):
        services.log_interaction(
            owner, [quiet], kind="email", occurred_at=NOW - dt.timedelta(days=k)
        )
    view = network_view(owner, NOW)
    for offsets in ((0, 0, 0), (21, 0, 0), (50, 0, 0)):
        for person in (busy, quiet):
            bounded, _next = timeline(person, offsets, view=view)
            plain, _next = timeline(person, offsets)
            assert [e.item.pk for e in bounded] == [e.item.pk for e in plain]
    # The busy tie's first pages take the bounded query, which names no membership join.
    snap = view.snapshot
    i = view.measures.index(busy.pk)
    times = np.sort(snap.ev_time[snap.ev_rel == i])
    sql = str(_interactions(busy, 0, 21, times, len(snap.ev_rel)).query)
    assert "EXISTS" in sql and "occurred_at" in sql


def test_it_shows_my_own_page(owner, me, web) -> None:
    services.add_offer(me, "Je relis les pitchs")
    page = _page(web, me)
    assert "Je relis les pitchs" in page and 'id="offers"' in page
    assert 'id="measures"' not in page and 'id="log"' not in page
    assert web.get(url(me, "person-give")).status_code == 404
    assert web.post(url(me, "person-let-go"), {"action": "release"}, follow=True).status_code == 200
    me.refresh_from_db()
    assert me.released_at is None


def test_it_serves_only_safe_photos(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé")
    Person.objects.filter(pk=zoe.pk).update(photo=b"\x89PNG fake", photo_type="image/png")
    assert f'src="{url(zoe, "person-photo")}"' in _page(web, zoe)
    response = web.get(url(zoe, "person-photo"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    Person.objects.filter(pk=zoe.pk).update(
        photo=b"<svg onload=alert(1)>", photo_type="image/svg+xml"
    )
    assert web.get(url(zoe, "person-photo")).status_code == 404


def test_it_checks_ownership(yves, outsider) -> None:
    client = Client()
    client.force_login(outsider)
    services.ensure_me(outsider, "Outsider")
    need = Need.objects.filter(person=yves).first()
    task = services.add_task(yves.owner, "Call Yves", person=yves)
    me = Person.objects.get(owner=yves.owner, is_me=True)
    offer = Offer.objects.filter(person=me).first()
    for name in ("person", "person-photo", "person-timeline", "person-give"):
        assert client.get(url(yves, name)).status_code == 404, name
    assert client.get(url(yves, "person-items", "needs")).status_code == 404
    writes = [
        (url(yves, "person-log"), {"kind": "call", "day": "2026-01-05", "direction": "me"}),
        (url(yves, "person-link"), {"other": "Outsider"}),
        (url(yves, "person-tell"), {"offer": offer.pk}),
        (url(yves, "person-let-go"), {"action": "release"}),
        (url(yves, "person-task-done", task.pk), {}),
        (url(yves, "person-give-act"), {"key": f"G{need.pk}-{offer.pk}"}),
        (url(yves, "person-item-add", "needs"), {"text": "stolen"}),
        (url(yves, "person-item-edit", "needs", need.pk), {"text": "stolen"}),
        (url(yves, "person-item-close", "needs", need.pk), {"status": "met"}),
    ]
    counts = (Interaction.objects.count(), Link.objects.count(), OfferTold.objects.count())
    for target, data in writes:
        assert client.post(target, data).status_code == 404, target
    assert (Interaction.objects.count(), Link.objects.count(), OfferTold.objects.count()) == counts
    yves.refresh_from_db()
    need.refresh_from_db()
    assert yves.released_at is None and need.status == "open" and "stolen" not in need.text
    assert not Need.objects.filter(text="stolen").exists()
    task.refresh_from_db()
    assert task.done_at is None


def test_it_needs_a_login_and_the_csrf_token(yves) -> None:
    response = Client().get(url(yves))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(yves.owner)
    data = {"kind": "call", "day": "2026-01-05", "direction": "me"}
    assert client.post(url(yves, "person-log"), data).status_code == 403
    assert client.post(url(yves, "person-item-add", "needs"), {"text": "x"}).status_code == 403
    assert client.get(url(yves, "person-log")).status_code == 405


def test_it_renders_names_as_text(owner, me, web) -> None:
    evil = services.add_person(owner, "<script>alert(1)</script>", title="<img src=x onerror=1>")
    friend = services.add_person(owner, "<script>alert(2)</script>")
    services.link_people(owner, evil, friend, context="<b>context</b>")
    services.add_need(evil, "<script>alert(3)</script>")
    services.add_contact_point(evil, "url", "javascript://example.org/%0aalert(4)")
    services.log_interaction(owner, [evil, friend], kind="meeting", summary="<i>note</i>")
    page = _page(web, evil)
    for raw in ("<script>alert", "<img src=x", "<b>context", "<i>note"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page


def test_it_keeps_the_same_number_of_queries_as_history_grows(owner, me, web) -> None:
    zoe, paul = services.add_person(owner, "Zoé"), services.add_person(owner, "Paul")

    def grow(k: int) -> None:
        other = services.add_person(owner, f"Friend {k}")
        services.log_interaction(
            owner, [zoe, other], kind="meeting", occurred_at=NOW - dt.timedelta(days=k)
        )
        services.log_interaction(owner, [zoe], kind="call", occurred_at=NOW - dt.timedelta(days=k))
        services.link_people(owner, zoe, other)
        services.add_need(zoe, f"Need {k}")
        services.add_offer(zoe, f"Offer {k}")
        services.add_offer(me, f"My offer {k}")
        services.record_favour(owner, me, zoe, "advice", occurred_at=NOW - dt.timedelta(days=k))
        services.add_intro(owner, requester=me, intermediary=zoe, target=other, status="made")
        services.add_task(owner, f"Task {k}", person=zoe)

    grow(0)
    services.tell_offer(zoe, services.add_offer(me, "Told offer"))
    services.set_recognition(zoe, perception="Helpful")
    services.add_contact_point(zoe, "email", "zoe@example.org")
    services.tag_person(zoe, ["client"])
    services.link_people(owner, paul, zoe)
    web.get(url(zoe))  # stores the arrays and the day's fits
    with CaptureQueriesContext(connection) as few:
        web.get(url(zoe))
    for k in range(1, 31):
        grow(k)
    web.get(url(zoe))
    with CaptureQueriesContext(connection) as many:
        response = web.get(url(zoe))
    assert response.context["card"].interaction_count == 62
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_it_speaks_french(yves, web) -> None:
    try:
        page = web.get(url(yves), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    finally:
        translation.deactivate()  # the middleware leaves the request's language active
    assert '<html lang="fr">' in page
