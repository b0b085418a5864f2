"""The Today screen: login, the day's moves with their actions in place, loops, health strip."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from entregent.demo import Y_NAME
from entregent.network import moves, services
from entregent.network.models import Interaction, Move, Person


def test_it_asks_to_log_in_first(db) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = Client().get(response["Location"])
    assert page.status_code == 200 and b'<label for="id_username">' in page.content


def test_it_logs_in_with_a_password(owner) -> None:
    client = Client()
    response = client.post("/login/", {"username": "owner", "password": "password"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_shows_the_days_moves_and_loops(demo, web) -> None:
    page = web.get("/").content.decode()
    assert "Your moves for" in page and Y_NAME in page
    assert "Bonjour Yves" in page  # the draft, in his language
    assert "Open gratitude loops" in page and "active relationships" in page
    assert page.count('name="key"') == len(moves.today(demo, dt.datetime.now(dt.UTC)).moves)


def test_it_marks_a_move_done_in_place(demo, web) -> None:
    key = next(
        m.key
        for m in moves.today(demo, dt.datetime.now(dt.UTC)).moves
        if m.key.startswith(("rescue:", "answer:", "loop:"))
    )
    before = Interaction.objects.filter(owner=demo).count()
    response = web.post(reverse("decide", args=["done"]), {"key": key}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'class="move decided done"' in response.content
    assert b'id="loops" aria-labelledby="loops-title" hx-swap-oob="true"' in response.content
    assert Interaction.objects.filter(owner=demo).count() == before + 1
    assert Move.objects.get(owner=demo).state == "done"
    assert key not in web.get("/").content.decode()


def test_it_snoozes_and_dismisses_without_htmx(demo, web) -> None:
    keys = [m.key for m in moves.today(demo, dt.datetime.now(dt.UTC)).moves][:2]
    response = web.post(reverse("decide", args=["snooze"]), {"key": keys[0]})
    assert response.status_code == 302
    web.post(reverse("decide", args=["dismiss"]), {"key": keys[1]})
    assert sorted(Move.objects.filter(owner=demo).values_list("state", flat=True)) == [
        "dismissed",
        "snoozed",
    ]


def test_it_checks_ownership(demo, outsider) -> None:
    stranger = Person.objects.filter(owner=demo, is_me=False).first()
    client = Client()
    client.force_login(outsider)
    services.ensure_me(outsider, "Outsider")
    response = client.post(reverse("decide", args=["done"]), {"key": f"rescue:{stranger.pk}"})
    assert response.status_code == 404
    assert not Interaction.objects.filter(owner=outsider).exists()
    assert stranger.full_name not in client.get("/").content.decode()


def test_it_refuses_bad_requests(demo, web) -> None:
    assert web.post(reverse("decide", args=["maybe"]), {"key": "rescue:1"}).status_code == 404
    assert web.post(reverse("decide", args=["done"]), {"key": "nonsense"}).status_code == 400
    assert web.get(reverse("decide", args=["done"])).status_code == 405


def test_it_needs_the_csrf_token(demo, owner) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    key = moves.today(owner, dt.datetime.now(dt.UTC)).moves[0].key
    assert client.post(reverse("decide", args=["done"]), {"key": key}).status_code == 403


def test_it_renders_names_as_text(owner, me, web) -> None:
    evil = services.add_person(owner, "<script>alert(1)</script>")
    services.add_need(evil, "Cherche un comptable")
    services.add_offer(me, "Je connais un excellent comptable")
    page = web.get("/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_speaks_french(demo, web) -> None:
    page = web.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vos gestes du" in page and "Boucles de gratitude ouvertes" in page
    web.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Your moves for" in web.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_it_shows_its_own_not_found_page(web) -> None:
    from django.test import override_settings

    with override_settings(DEBUG=False):
        response = web.get("/no/such/page/")
    assert response.status_code == 404 and b"Not found" in response.content


def test_it_tells_how_to_log_in_to_the_untouched_demo(db) -> None:
    from django.contrib.auth import get_user_model

    assert b"Log in as demo" not in Client().get("/login/").content
    user = get_user_model().objects.create_user(username="demo", password="demo")
    assert b"Trying the demo? Log in as demo, password demo." in Client().get("/login/").content
    user.set_password("mine now")
    user.save()
    assert b"Trying the demo" not in Client().get("/login/").content
