"""The Opportunities screen: what I can give, introductions to broker, and the Done action."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.demo import Y_NAME
from entregent.engine import matching
from entregent.network import services
from entregent.network.models import Dismissal, Exchange, Intro, Link, Need, Offer, Person


def _page(client: Client, **extra: str) -> str:
    response = client.get(reverse("opportunities"), **extra)
    assert response.status_code == 200
    return response.content.decode()


def _items(page: str, kind: str) -> dict[str, str]:
    """Each shown opportunity of a kind ("G" or "B"): key → its HTML, up to the next item."""
    starts = list(re.finditer(r'<li class="opportunity" id="op-([GB]\d+-\d+)">', page))
    out = {}
    for k, start in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else page.index("</ol>", start.end())
        if start.group(1).startswith(kind):
            out[start.group(1)] = page[start.start() : end]
    return out


def _rental_key(owner) -> str:
    need = Need.objects.get(owner=owner, person__full_name=Y_NAME, text__icontains="location")
    offer = Offer.objects.get(owner=owner, person__is_me=True, text__icontains="holiday rental")
    return f"G{need.pk}-{offer.pk}"


def test_it_shows_what_i_can_give_mr_y(demo, web) -> None:
    page = _page(web)
    items = _items(page, "G")
    key = _rental_key(demo)
    assert key in items, list(items)
    item = items[key]
    assert Y_NAME in item and "holiday rental" in item and "location pour les vacances" in item
    assert re.search(r"match \d+ %", item)
    # No word in common, but the thesaurus says which words meet.
    assert "Related terms" in item and "location pour les vacances ≈ holiday rental" in item
    assert "Why it matters now" in item and "Need recorded" in item  # the reasons
    assert 'class="say"' in item and "Bonjour Yves" in item  # the draft, in his language
    assert 'data-copy="say-' in item  # the copy button (shown by the script)
    assert f'<input type="hidden" name="key" value="{key}">' in item
    assert "Semantic matching is unavailable" not in page


def test_it_records_the_gift_and_closes_the_need(demo, web) -> None:
    key = _rental_key(demo)
    response = web.post(
        reverse("opportunities-act"),
        {"key": key, "rung": "advice", "note": "sent the owner's number"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="op-{key}"' in html
    assert "Recorded: you gave Yves Martin advice" in html
    exchange = Exchange.objects.get(owner=demo, need__pk=int(key[1:].split("-")[0]))
    assert exchange.rung == "advice" and exchange.note == "sent the owner's number"
    assert exchange.need.status == "met"
    assert key not in _items(_page(web), "G")


def test_it_records_without_javascript_and_says_so(demo, web) -> None:
    key = _rental_key(demo)
    response = web.post(reverse("opportunities-act"), {"key": key, "keep_open": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("opportunities")
    assert Need.objects.get(pk=int(key[1:].split("-")[0])).status == "open"  # kept open
    assert "Recorded: you gave Yves Martin information" in _page(web)
    assert (
        Exchange.objects.get(owner=demo, need__pk=int(key[1:].split("-")[0])).rung == "information"
    )


def test_it_says_why_an_action_cannot_be_recorded(demo, web) -> None:
    key = _rental_key(demo)
    web.post(reverse("opportunities-act"), {"key": key})
    count = Exchange.objects.filter(owner=demo).count()
    html = web.post(reverse("opportunities-act"), {"key": key}, HTTP_HX_REQUEST="true")
    assert "already closed" in html.content.decode() and 'role="alert"' in html.content.decode()
    page = web.post(reverse("opportunities-act"), {"key": "nonsense"}, follow=True)
    assert "is not an opportunity key" in page.content.decode()
    other = next(k for k in _items(_page(web), "G") if k != key)
    bad_rung = web.post(reverse("opportunities-act"), {"key": other, "rung": "bribe"}, follow=True)
    assert bad_rung.status_code == 200 and "bribe" in bad_rung.content.decode()
    assert other in _items(bad_rung.content.decode(), "G")  # still to do
    assert Exchange.objects.filter(owner=demo).count() == count
    assert web.get(reverse("opportunities-act")).status_code == 405


def test_it_brokers_only_between_people_who_do_not_know_each_other(demo, web) -> None:
    keys = _items(_page(web), "B")
    assert keys
    for key in keys:
        need_id, offer_id = (int(v) for v in key[1:].split("-"))
        a = Need.objects.get(pk=need_id).person_id
        b = Offer.objects.get(pk=offer_id).person_id
        low, high = sorted((a, b))
        assert low != high and not Link.objects.filter(owner=demo, a_id=low, b_id=high).exists()


def test_it_records_a_brokered_introduction(demo, web) -> None:
    key = next(iter(_items(_page(web), "B")))
    response = web.post(reverse("opportunities-act"), {"key": key}, HTTP_HX_REQUEST="true")
    assert "Recorded: you introduced" in response.content.decode()
    assert Intro.objects.filter(owner=demo, status="made").exists()
    assert key not in _items(_page(web), "B")


def test_it_falls_back_to_key_words_with_a_visible_notice(owner, me, web, monkeypatch) -> None:
    monkeypatch.setattr(matching, "load_encoder", lambda: (None, "RuntimeError: no model"))
    asker = services.add_person(owner, "Zoé Le Goff")
    services.add_need(asker, "Cherche un expert-comptable pour indépendants")
    services.add_offer(me, "Je connais un expert-comptable pour indépendants")
    page = _page(web)
    assert '<p class="notice" role="status">Semantic matching is unavailable' in page
    assert "no model" in page and "Zoé Le Goff" in page
    assert '<span class="tag">comptable</span>' in page


def test_not_a_match_hides_the_pair_and_can_be_undone(demo, web) -> None:
    key = _rental_key(demo)
    assert 'action="/opportunities/dismiss/"' in _items(_page(web), "G")[key]
    response = web.post(reverse("opportunities-dismiss"), {"key": key}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="op-{key}"' in html
    assert "will no longer be proposed for Yves Martin" in html
    assert 'name="undo" value="1"' in html  # the Undo button
    page = _page(web)
    assert key not in _items(page, "G")
    assert Dismissal.objects.filter(owner=demo).count() == 1
    listed = page[page.index('class="op-dismissed"') :]  # listed, to undo later
    assert "Dismissed matches" in listed and f'name="key" value="{key}"' in listed
    undone = web.post(
        reverse("opportunities-dismiss"), {"key": key, "undo": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Restored" in undone.content.decode() and 'name="undo"' not in undone.content.decode()
    assert key in _items(_page(web), "G")
    assert "op-dismissed" not in _page(web)  # nothing dismissed, no list
    plain = web.post(reverse("opportunities-dismiss"), {"key": key}, follow=True)  # no htmx
    assert "will no longer be proposed" in plain.content.decode()
    restored = web.post(reverse("opportunities-dismiss"), {"key": key, "undo": "1"}, follow=True)
    assert "Restored" in restored.content.decode() and not Dismissal.objects.exists()
    again = web.post(reverse("opportunities-dismiss"), {"key": "G1"}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in again.content.decode()
    assert web.get(reverse("opportunities-dismiss")).status_code == 405


def test_it_checks_ownership(demo, outsider) -> None:
    key = _rental_key(demo)
    client = Client()
    client.force_login(outsider)
    services.ensure_me(outsider, "Outsider")
    assert client.post(reverse("opportunities-act"), {"key": key}).status_code == 404
    assert client.post(reverse("opportunities-dismiss"), {"key": key}).status_code == 404
    assert not Dismissal.objects.exists()
    assert not Exchange.objects.filter(need__person__full_name=Y_NAME).exists()
    page = _page(client)
    names = Person.objects.filter(owner=demo).values_list("full_name", flat=True)
    assert not [name for name in names if name in page]


def test_it_asks_to_log_in_first(db) -> None:
    response = Client().get(reverse("opportunities"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_needs_the_csrf_token(demo, owner) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("opportunities-act"), {"key": _rental_key(owner)})
    assert response.status_code == 403
    assert not Exchange.objects.filter(owner=owner, need__person__full_name=Y_NAME).exists()


def test_it_renders_names_as_text(owner, me, web) -> None:
    evil = services.add_person(owner, "<script>alert(1)</script>")
    helper = services.add_person(owner, "Antoine Fontaine")
    services.add_need(evil, "Cherche un expert-comptable pour indépendants")
    services.add_offer(me, "Je connais un excellent expert-comptable pour indépendants")
    services.add_offer(helper, "Connaît un très bon expert-comptable pour indépendants")
    page = _page(web)
    assert _items(page, "G") and _items(page, "B")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_speaks_french(demo, web) -> None:
    page = _page(web, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="fr">' in page
    assert _rental_key(demo) in page


def _needs(owner, me, start: int, count: int) -> None:
    for k in range(start, start + count):
        person = services.add_person(owner, f"Person {k:03d}")
        services.add_need(person, f"Cherche un expert-comptable pour la société {k}")
        services.add_offer(person, f"Connaît un bon plombier à Rennes {k}")


def test_it_keeps_the_same_number_of_queries_as_needs_grow(owner, me, web) -> None:
    services.add_offer(me, "Je connais un excellent expert-comptable")
    _needs(owner, me, 0, 5)
    _page(web)  # embeds and stores the vectors, stores the arrays
    with CaptureQueriesContext(connection) as few:
        _page(web)
    _needs(owner, me, 5, 30)
    _page(web)
    with CaptureQueriesContext(connection) as many:
        page = _page(web)
    assert len(_items(page, "G")) > 5
    assert len(many) == len(few)


def test_it_renders_with_nothing_to_give(outsider) -> None:
    client = Client()
    client.force_login(outsider)
    page = _page(client)
    assert "None of your open offers answers an open need yet." in page
    assert "No contact's offer answers another's need yet." in page


def test_it_shows_more_when_asked(owner, me, web, monkeypatch) -> None:
    monkeypatch.setenv("ENTREGENT_MATCHER", "lexical")  # the same words: every need matches
    services.add_offer(me, "Je connais un excellent expert-comptable")
    _needs(owner, me, 0, 25)
    page = _page(web)
    assert len(_items(page, "G")) == 20 and 'href="?limit=40"' in page
    longer = web.get(reverse("opportunities"), {"limit": "40"}).content.decode()
    assert len(_items(longer, "G")) == 25 and "op-more" not in longer
    for odd in ("abc", "-3", "99999999999", "²", "5"):  # the default, and never fewer
        response = web.get(reverse("opportunities"), {"limit": odd})
        assert response.status_code == 200
        assert len(_items(response.content.decode(), "G")) == 20


def test_not_a_match_brings_the_next_best_offer_in_place(owner, me, web) -> None:
    zoe = services.add_person(owner, "Zoé")
    need = services.add_need(zoe, "Cherche un expert-comptable pour sa SARL")
    best = services.add_offer(me, "Je connais un expert-comptable pour les SARL")
    second = services.add_offer(me, "Ma sœur est expert-comptable indépendante")
    assert list(_items(_page(web), "G")) == [f"G{need.pk}-{best.pk}"]
    html = web.post(
        reverse("opportunities-dismiss"), {"key": f"G{need.pk}-{best.pk}"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Proposed instead:" in html
    nxt = f"G{need.pk}-{second.pk}"
    assert f'<li class="opportunity" id="op-{nxt}">' in html and "<details open>" in html
    assert f'<input type="hidden" name="key" value="{nxt}">' in html  # its Done form
    undone = web.post(
        reverse("opportunities-dismiss"),
        {"key": f"G{need.pk}-{best.pk}", "undo": "1", "instead": nxt},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f'<li id="op-{nxt}" hx-swap-oob="delete"></li>' in undone  # taken off the page
    odd = web.post(
        reverse("opportunities-dismiss"),
        {"key": f"G{need.pk}-{best.pk}", "instead": '"><script>'},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "hx-swap-oob" not in odd and "<script>" not in odd
    again = web.post(reverse("opportunities-dismiss"), {"key": nxt}, HTTP_HX_REQUEST="true")
    assert "Proposed instead" not in again.content.decode()  # nothing else reaches the line
