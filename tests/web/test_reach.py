"""The Reach screen: a target with autocomplete, its chains with give-first, ask and draft, and
introductions moved through their lifecycle in place."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entregent.demo import X_NAME, Y_NAME
from entregent.network import reaching, services
from entregent.network.models import Exchange, Goal, Intro, Person, Task

EVIL = "<script>alert(1)</script>"


def _person(owner, name: str) -> Person:
    return Person.objects.get(owner=owner, full_name=name)


def _reach(web, target: str, **params):
    headers = {k: params.pop(k) for k in list(params) if k.startswith("HTTP_")}
    return web.get(reverse("reach"), {"target": target, **params}, **headers)


def _advance(web, intro: Intro, step: str, htmx: bool = False, **data):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return web.post(
        reverse("reach-intro-advance", args=[intro.pk]), {"step": step, **data}, **extra
    )


def _network_to(
    owner, via_name: str, target_name: str, organization: str = ""
) -> tuple[Person, Person]:
    """Me, someone I am in touch with, and a target they know: one two-hop chain."""
    via = services.add_person(owner, via_name, language="fr")
    target = services.add_person(owner, target_name, organization=organization)
    services.log_interaction(
        owner, [via], kind="meeting", occurred_at=timezone.now() - dt.timedelta(days=5)
    )
    services.link_people(owner, via, target, strength=4)
    return via, target


def test_it_asks_to_log_in_first(db) -> None:
    response = Client().get(reverse("reach"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_shows_the_chains_with_their_chance_and_message(demo, web) -> None:
    response = _reach(web, X_NAME)
    page = response.content.decode()
    first = response.context["chains"][0]
    assert [p.full_name for p in first["step"].people] == [Y_NAME, X_NAME]
    assert f"Reaching {X_NAME}" in page
    assert f"<strong>{first['percent']}</strong>" in page and first["percent"].endswith("%")
    assert "holiday rental" in page  # the give-first: Y's need meets my offer
    assert "the best way to get in touch with Xavier Lambert" in page  # the right ask
    assert 'id="message-1" lang="fr">Bonjour Yves' in page  # the draft, in his language
    assert 'data-copy="message-1"' in page and "navigator.clipboard" in page
    assert page.count('action="/reach/intros/start/"') == sum(
        1 for c in response.context["chains"] if not c["direct"]
    )


def test_it_shows_more_chains_on_demand(demo, web) -> None:
    assert len(_reach(web, X_NAME, limit="1").context["chains"]) == 1
    assert "limit=4" in _reach(web, X_NAME, limit="1").content.decode()


def test_it_suggests_only_the_owners_people_and_organisations(demo, web, outsider) -> None:
    page = web.get(reverse("reach-suggest"), {"target": "yves"}).content.decode()
    assert page.startswith('<datalist id="target-names">') and f'value="{Y_NAME}"' in page
    orgs = web.get(reverse("reach-suggest"), {"target": "someone at lambda"}).content.decode()
    assert 'value="someone at Banque Lambda"' in orgs and Y_NAME not in orgs
    assert "<option" not in web.get(reverse("reach-suggest"), {"target": ""}).content.decode()

    services.ensure_me(outsider, "Olga Outsider")
    services.add_person(outsider, "Yvette Outsider")
    client = Client()
    client.force_login(outsider)
    theirs = client.get(reverse("reach-suggest"), {"target": "y"}).content.decode()
    assert 'value="Yvette Outsider"' in theirs
    assert Y_NAME not in theirs and X_NAME not in theirs and "Banque Lambda" not in theirs


def test_it_reaches_someone_at_an_organisation(demo, web) -> None:
    response = _reach(web, "Banque Lambda")
    assert response.context["found"].target_label == "someone at Banque Lambda"
    chains = response.context["chains"]
    assert chains and all(c["step"].people[-1].organization.name == "Banque Lambda" for c in chains)
    assert _reach(web, "someone at Banque Lambda").context["chains"]
    assert _reach(web, "quelqu’un chez Banque Lambda").context["chains"]  # curly apostrophe


def test_it_prefers_the_organisation_named_exactly(owner, me, web) -> None:
    for k, org in enumerate(("Armor", "Armor Distribution")):
        _network_to(owner, f"Via {k}", f"Boss {k}", organization=org)
    response = _reach(web, "someone at Armor")
    assert [c["step"].people[-1].full_name for c in response.context["chains"]] == ["Boss 0"]
    both = _reach(web, "armo").content.decode()  # names two organisations: pick one
    assert (
        "Several organisations match" in both
        and "target=someone%20at%20Armor%20Distribution" in both
    )


def test_it_shows_the_candidates_when_the_name_is_ambiguous(demo, web) -> None:
    services.add_person(demo, "Yves Martinez")
    response = _reach(web, "Yves Mart")
    page = response.content.decode()
    y = _person(demo, Y_NAME)
    assert "matches several people" in page and "found" not in response.context
    assert f'href="/reach/?target=%23{y.pk}"' in page
    picked = _reach(web, f"#{y.pk}")
    assert picked.context["found"].target_label == Y_NAME


def test_it_suggests_names_when_nobody_matches(demo, web) -> None:
    page = _reach(web, "Xavier Lambret").content.decode()
    assert "Nobody and no organisation called" in page and "Did you mean" in page
    assert "target=Xavier%20Lambert" in page


def test_it_explains_why_no_chain_is_found(owner, me, web) -> None:
    colleague = services.add_person(owner, "Anne Colleague", organization="Kerbot")
    services.log_interaction(owner, [colleague], kind="call")
    target = services.add_person(owner, "Isolated Target", organization="Kerbot")
    page = _reach(web, "Isolated Target").content.decode()
    assert "Nobody you know connects to them yet." in page
    assert "record who knows them" in page and f'href="/people/{target.pk}/"' in page
    assert f'href="/people/{colleague.pk}/">Anne Colleague</a>' in page  # nearest: same org
    assert "Start the introduction" not in page


def test_it_says_when_the_target_is_a_direct_contact(owner, me, web) -> None:
    friend = services.add_person(owner, "Direct Friend")
    services.log_interaction(owner, [friend], kind="call")
    page = _reach(web, "Direct Friend").content.decode()
    assert "You know Direct Friend already" in page
    assert "Direct: you know them already" in page and "Start the introduction" not in page
    assert "That is you" in _reach(web, "me").content.decode()


def test_it_starts_an_introduction_and_lists_it(demo, web) -> None:
    x, y = _person(demo, X_NAME), _person(demo, Y_NAME)
    response = web.post(
        reverse("reach-intro-start"),
        {"target": x.pk, "via": y.pk, "next": "/reach/?target=Xavier%20Lambert"},
    )
    intro = Intro.objects.get(owner=demo, target=x, intermediary=y)
    assert response.status_code == 302
    assert response["Location"] == f"/reach/?target=Xavier%20Lambert#intro-{intro.pk}"
    assert intro.status == "planned" and intro.goal.target_person == x
    page = web.get(response["Location"]).content.decode()
    assert f'id="intro-{intro.pk}"' in page and "Introduction planned" in page
    assert "An introduction through them is in motion" in page  # no second start for Y


def test_it_starts_an_introduction_in_place(owner, me, web) -> None:
    via, target = _network_to(owner, "Yann Via", "Tess Target")
    response = web.post(
        reverse("reach-intro-start"), {"target": target.pk, "via": via.pk}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    intro = Intro.objects.get(owner=owner)
    assert response.status_code == 200 and "Introduction planned" in page
    assert '<section id="intros"' in page and 'hx-swap-oob="true"' in page
    assert f'id="intro-{intro.pk}"' in page
    assert Goal.objects.get(owner=owner).target_person == target
    refused = web.post(reverse("reach-intro-start"), {"target": target.pk, "via": me.pk})
    assert refused.status_code == 302 and Intro.objects.count() == 1
    assert "someone else to go through" in web.get(refused["Location"]).content.decode()


def test_it_moves_an_introduction_through_its_lifecycle(owner, me, web) -> None:
    via, target = _network_to(owner, "Yann Via", "Tess Target")
    intro = reaching.start_intro(owner, target, via)
    page = web.get(reverse("reach")).content.decode()
    assert 'name="rung"' in page and "I asked them" in page

    assert _advance(web, intro, "asked", htmx=True, rung="advice").status_code == 200
    favour = Exchange.objects.get(owner=owner)
    assert (favour.giver, favour.status, favour.rung) == (via, "asked", "advice")

    made = _advance(web, intro, "made", htmx=True).content.decode()
    favour.refresh_from_db()
    thank = Task.objects.get(owner=owner, kind="thank")
    assert favour.status == "given" and thank.intro == intro
    assert thank.title in made and 'class="badge-new"' in made
    assert '<section id="loops"' in made and "hx-swap-oob" in made  # the loops refresh too

    met = _advance(web, intro, "met", htmx=True).content.decode()
    report = Task.objects.get(owner=owner, kind="report_outcome")
    assert report.title in met and "Record how it went" in met

    _advance(web, intro, "outcome", htmx=True, text="A pilot is on")
    report.refresh_from_db()
    assert report.done_at is not None and Intro.objects.get().outcome == "A pilot is on"

    thanked = _advance(web, intro, "thanked", htmx=True).content.decode()
    thank.refresh_from_db()
    favour.refresh_from_db()
    assert thank.done_at is not None and favour.thanked_at is not None
    assert Intro.objects.get().status == "thanked" and "This introduction is closed." in thanked
    assert f'id="intro-{intro.pk}"' not in web.get(reverse("reach")).content.decode()


def test_it_records_a_decline_without_javascript(owner, me, web) -> None:
    via, target = _network_to(owner, "Yann Via", "Tess Target")
    intro = reaching.start_intro(owner, target, via)
    response = _advance(web, intro, "declined", next="/reach/?target=Tess")
    assert response.status_code == 302
    assert response["Location"] == f"/reach/?target=Tess#intro-{intro.pk}"
    assert Intro.objects.get().status == "declined"
    assert Exchange.objects.get().status == "declined"
    elsewhere = _advance(web, intro, "asked", next="https://evil.example/")
    assert elsewhere["Location"].startswith("/reach/")


def test_it_shows_a_refused_step_in_place(owner, me, web) -> None:
    via, target = _network_to(owner, "Yann Via", "Tess Target")
    intro = reaching.start_intro(owner, target, via)
    _advance(web, intro, "made")
    back = _advance(web, intro, "asked", htmx=True)
    assert back.status_code == 200
    assert 'class="reach-error" role="alert">This introduction is already made.' in (
        back.content.decode()
    )
    empty = _advance(web, intro, "outcome", htmx=True, text="  ").content.decode()
    assert "Say how it went, in a few words." in empty
    unknown = _advance(web, intro, "teleported", htmx=True).content.decode()
    assert "Unknown step" in unknown
    plain = _advance(web, intro, "asked")
    assert plain.status_code == 302
    assert "This introduction is already made." in web.get(plain["Location"]).content.decode()
    assert Intro.objects.get().status == "made"


def test_it_warns_when_the_ask_is_too_heavy(owner, me, web) -> None:
    via, target = _network_to(owner, "Yann Via", "Tess Target")
    intro = reaching.start_intro(owner, target, via)
    page = _advance(web, intro, "asked", htmx=True, rung="business").content.decode()
    assert "Yann Via can bear at most" in page and "A better ask" in page
    assert Exchange.objects.get().rung == "business"  # recorded as said


def test_it_checks_ownership(demo, outsider) -> None:
    x, y = _person(demo, X_NAME), _person(demo, Y_NAME)
    intro = reaching.start_intro(demo, x, y)
    services.ensure_me(outsider, "Olga Outsider")
    client = Client()
    client.force_login(outsider)
    assert _advance(client, intro, "asked").status_code == 404
    assert Intro.objects.get(pk=intro.pk).status == "planned"
    start = client.post(reverse("reach-intro-start"), {"target": x.pk, "via": y.pk})
    assert start.status_code == 404 and not Intro.objects.filter(owner=outsider).exists()
    page = _reach(client, X_NAME).content.decode()
    assert Y_NAME not in page and "found" not in _reach(client, X_NAME).context
    assert f'id="intro-{intro.pk}"' not in client.get(reverse("reach")).content.decode()
    assert "<option" not in client.get(reverse("reach-suggest"), {"target": "xav"}).content.decode()


def test_it_refuses_bad_requests(demo, web) -> None:
    assert web.get(reverse("reach-intro-start")).status_code == 405
    assert web.post(reverse("reach-intro-start"), {"target": "x", "via": "1"}).status_code == 404
    assert web.post(reverse("reach-intro-advance", args=[999999]), {}).status_code == 404
    assert web.get(reverse("reach"), {"target": "   "}).status_code == 200
    assert web.get(reverse("reach"), {"target": "x" * 5000}).status_code == 200


def test_it_needs_the_csrf_token(demo, owner) -> None:
    x, y = _person(owner, X_NAME), _person(owner, Y_NAME)
    intro = reaching.start_intro(owner, x, y)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    start = client.post(reverse("reach-intro-start"), {"target": x.pk, "via": y.pk})
    assert start.status_code == 403
    assert _advance(client, intro, "asked").status_code == 403
    assert Intro.objects.get(pk=intro.pk).status == "planned"


def test_it_renders_names_as_text(owner, me, web) -> None:
    via, target = _network_to(owner, EVIL, "Tess Target")
    reaching.start_intro(owner, target, via)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    suggest = web.get(reverse("reach-suggest"), {"target": "script"}).content.decode()
    assert EVIL not in suggest and f'value="{escaped}"' in suggest
    page = _reach(web, "Tess Target").content.decode()
    assert EVIL not in page and escaped in page
    assert f"Bonjour {escaped}" in page  # the draft, too
    assert EVIL not in _reach(web, EVIL).content.decode()


def test_it_speaks_french(demo, web) -> None:
    page = _reach(web, X_NAME, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page
    assert "Boucles de gratitude ouvertes" in page  # a message the catalogue already has
    assert "Bonjour Yves" in page
    suggest = web.get(
        reverse("reach-suggest"), {"target": "lambda"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "quelqu&#x27;un chez Banque Lambda" in suggest
    assert _reach(web, "quelqu'un chez Banque Lambda").context["chains"]


def _intros(owner, count: int) -> None:
    me = services.ensure_me(owner)
    for k in range(count):
        via, target = _network_to(owner, f"Via {k:03d}", f"Target {k:03d}")
        intro = reaching.start_intro(owner, target, via)
        for step in ("asked", "made", "met")[: k % 4]:
            reaching.advance_intro(intro, step)
    assert me.pk


def test_it_keeps_the_same_number_of_queries_as_intros_grow(owner, me, web) -> None:
    _intros(owner, 4)
    web.get(reverse("reach"))  # stores the arrays
    with CaptureQueriesContext(connection) as few:
        web.get(reverse("reach"))
    _intros(owner, 30)
    web.get(reverse("reach"))
    with CaptureQueriesContext(connection) as many:
        page = web.get(reverse("reach")).content.decode()
    assert page.count('class="intro state-') == 34
    assert len(many) == len(few)
