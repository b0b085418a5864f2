"""The Settings screen: offers, contact points, preferences, language, feed, downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from entregent.io import backup as backups
from entregent.io.vcard import parse_vcards
from entregent.network import services
from entregent.network.models import ContactPoint, Offer, Person, Preferences


@pytest.fixture
def network(owner, me) -> Person:
    """A contact of the owner, with an email, and one offer of the owner's own."""
    anne = services.add_person(owner, "Anne Martin", emails=["anne@example.org"], tags=["golf"])
    services.log_interaction(owner, [anne], kind="call")
    services.add_offer(me, "Tips on sailing the Gulf of Morbihan")
    return anne


def test_it_shows_every_section(owner, me, network, web) -> None:
    page = web.get(reverse("settings")).content.decode()
    for anchor in ('id="profile"', 'id="offers"', 'id="points"', 'id="prefs"', 'id="feed"'):
        assert anchor in page
    assert "Tips on sailing the Gulf of Morbihan" in page and 'value="Claire Dubois"' in page
    assert reverse("settings-export", args=["vcard"]) in page and reverse("settings-backup") in page
    assert 'id="settings-language"' in page and reverse("set_language") in page


def test_it_creates_nothing_on_a_look(owner, web) -> None:
    assert web.get(reverse("settings")).status_code == 200
    assert not Person.objects.filter(owner=owner).exists()


def test_it_renames_me(owner, me, web) -> None:
    web.post(reverse("settings-name"), {"name": "Claire Dubois-Le Goff"})
    assert Person.objects.get(owner=owner, is_me=True).full_name == "Claire Dubois-Le Goff"
    response = web.post(reverse("settings-name"), {"name": "  "}, HTTP_HX_REQUEST="true")
    assert b'class="error"' in response.content
    assert Person.objects.get(owner=owner, is_me=True).full_name == "Claire Dubois-Le Goff"


def test_it_adds_edits_closes_and_reopens_my_offers(owner, me, web) -> None:
    response = web.post(
        reverse("settings-offer-add"),
        {"text": "Intros to Rennes start-ups", "tags": "Tech, rennes"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#offers")
    offer = Offer.objects.get(person=me)
    assert offer.tags == ["rennes", "tech"]
    edited = web.post(
        reverse("settings-offer-edit", args=[offer.pk]),
        {"text": "Intros to Breton start-ups"},
        HTTP_HX_REQUEST="true",
    )
    assert edited.status_code == 200 and b"Intros to Breton start-ups" in edited.content
    assert b'id="offers"' in edited.content and b"<html" not in edited.content  # the section
    offer.refresh_from_db()
    assert offer.text == "Intros to Breton start-ups" and offer.tags == ["rennes", "tech"]
    empty = web.post(reverse("settings-offer-edit", args=[offer.pk]), {"text": ""})
    assert "cannot be empty" in web.get(empty["Location"]).content.decode()
    web.post(reverse("settings-offer-close", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "withdrawn" and offer.closed_at is not None
    web.post(reverse("settings-offer-reopen", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "open" and offer.closed_at is None


def test_it_edits_only_my_own_offers(owner, me, network, web) -> None:
    theirs = services.add_offer(network, "A boat")
    assert web.post(reverse("settings-offer-close", args=[theirs.pk])).status_code == 404
    assert "A boat" not in web.get(reverse("settings")).content.decode()


def test_it_adds_and_removes_my_contact_points(owner, me, network, web) -> None:
    web.post(reverse("settings-point-add"), {"kind": "email", "value": "Claire@Example.ORG "})
    point = ContactPoint.objects.get(person=me)
    assert point.value == "claire@example.org"
    taken = web.post(
        reverse("settings-point-add"),
        {"kind": "email", "value": "anne@example.org"},
        HTTP_HX_REQUEST="true",
    )
    assert b"already belongs to Anne Martin" in taken.content
    bad = web.post(reverse("settings-point-add"), {"kind": "fax", "value": "1"})
    assert "Unknown contact point kind" in web.get(bad["Location"]).content.decode()
    web.post(reverse("settings-point-remove", args=[point.pk]))
    assert not ContactPoint.objects.filter(person=me).exists()
    anne_email = network.contact_points.get()
    assert web.post(reverse("settings-point-remove", args=[anne_email.pk])).status_code == 404


def test_it_saves_and_checks_preferences(owner, me, web) -> None:
    web.post(reverse("settings-prefs"), {"daily_minutes": "35", "capacity": "120"})
    prefs = Preferences.objects.get(owner=owner)
    assert (prefs.daily_minutes, prefs.capacity) == (35, 120)
    for minutes, capacity, said in (
        ("abc", "", "must be a whole number"),
        ("-3", "", "must be a whole number"),
        ("900", "", "between 1 and 480"),
        ("", "0", "between 1 and 5000"),
    ):
        response = web.post(
            reverse("settings-prefs"),
            {"daily_minutes": minutes, "capacity": capacity},
            HTTP_HX_REQUEST="true",
        )
        assert said in response.content.decode(), (minutes, capacity)
        assert f'value="{minutes}"' in response.content.decode()  # kept to correct
    prefs.refresh_from_db()
    assert (prefs.daily_minutes, prefs.capacity) == (35, 120)
    web.post(reverse("settings-prefs"), {"daily_minutes": "", "capacity": ""})
    prefs.refresh_from_db()
    assert (prefs.daily_minutes, prefs.capacity) == (None, None)
    assert "Now: 20 minutes a day" in web.get(reverse("settings")).content.decode()


def test_it_makes_a_new_feed_address_and_turns_it_off(owner, me, web) -> None:
    assert "The feed is off." in web.get(reverse("settings")).content.decode()
    web.post(reverse("settings-feed-new"))
    first = Preferences.objects.get(owner=owner).feed_token
    assert f"/feed/{first}.ics" in web.get(reverse("settings")).content.decode()
    assert Client().get(f"/feed/{first}.ics").status_code == 200
    response = web.post(reverse("settings-feed-new"), HTTP_HX_REQUEST="true")
    second = Preferences.objects.get(owner=owner).feed_token
    assert second != first and f"/feed/{second}.ics" in response.content.decode()
    assert Client().get(f"/feed/{first}.ics").status_code == 404
    web.post(reverse("settings-feed-revoke"))
    assert Preferences.objects.get(owner=owner).feed_token is None
    assert Client().get(f"/feed/{second}.ics").status_code == 404


def test_it_uses_the_public_address_when_set(owner, me, web, settings) -> None:
    settings.ENTREGENT_PUBLIC_URL = "https://network.example.org"
    web.post(reverse("settings-feed-new"))
    token = Preferences.objects.get(owner=owner).feed_token
    page = web.get(reverse("settings")).content.decode()
    assert f"https://network.example.org/feed/{token}.ics" in page


def test_it_downloads_my_contacts(owner, me, network, outsider, web) -> None:
    services.add_person(outsider, "Oscar Outsider", emails=["oscar@example.org"])
    vcard = web.get(reverse("settings-export", args=["vcard"]))
    assert vcard["Content-Type"].startswith("text/vcard")
    assert vcard["Content-Disposition"].startswith('attachment; filename="entregent-contacts-')
    assert vcard["Content-Disposition"].endswith('.vcf"')
    names = [c.full_name for c in parse_vcards(vcard.content).contacts]
    assert names == ["Anne Martin"]
    rows = list(
        csv.DictReader(io.StringIO(web.get("/settings/export/csv/").content.decode("utf-8-sig")))
    )
    assert [r["name"] for r in rows] == ["Anne Martin"] and rows[0]["interactions"] == "1"
    data = json.loads(web.get(reverse("settings-export", args=["json"])).content)
    assert [p["name"] for p in data] == ["Anne Martin"] and data[0]["emails"] == [
        "anne@example.org"
    ]
    assert web.get(reverse("settings-export", args=["xml"])).status_code == 404


def test_it_downloads_a_full_backup_that_restores(owner, me, network, outsider, web) -> None:
    services.add_person(outsider, "Oscar Outsider")
    response = web.get(reverse("settings-backup"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    names = [p["full_name"] for p in data["tables"]["person"]]
    assert sorted(names) == ["Anne Martin", "Claire Dubois"]
    # Into the outsider's account (not empty): refused; into an empty one: restored.
    other = Client()
    other.force_login(outsider)
    upload = io.BytesIO(response.content)
    upload.name = "backup.json"
    refused = other.post(reverse("settings-restore"), {"backup": upload})
    assert "already holds a network" in other.get(refused["Location"]).content.decode()
    services.clear_network(outsider)
    upload.seek(0)
    done = other.post(reverse("settings-restore"), {"backup": upload})
    assert "Restored 2 people" in other.get(done["Location"]).content.decode()
    assert backups.backup(outsider) == backups.backup(owner)


def test_it_refuses_a_file_that_is_no_backup(owner, web) -> None:
    upload = io.BytesIO(b"\x89PNG not json")
    upload.name = "photo.png"
    response = web.post(reverse("settings-restore"), {"backup": upload})
    assert "not an entregent backup" in web.get(response["Location"]).content.decode()


def test_it_checks_ownership(owner, me, network, outsider) -> None:
    offer = Offer.objects.get(person=me)
    services.add_contact_point(me, "email", "claire@example.org")
    point = ContactPoint.objects.get(person=me)
    services.new_feed_token(owner)
    token = Preferences.objects.get(owner=owner).feed_token
    client = Client()
    client.force_login(outsider)
    page = client.get(reverse("settings")).content.decode()
    assert "sailing the Gulf" not in page and "claire@example.org" not in page and token not in page
    for url in (
        reverse("settings-offer-edit", args=[offer.pk]),
        reverse("settings-offer-close", args=[offer.pk]),
        reverse("settings-offer-reopen", args=[offer.pk]),
        reverse("settings-point-remove", args=[point.pk]),
    ):
        assert client.post(url, {"text": "stolen"}).status_code == 404, url
    for fmt in ("vcard", "csv", "json"):
        assert b"Anne Martin" not in client.get(reverse("settings-export", args=[fmt])).content
    assert b"Anne Martin" not in client.get(reverse("settings-backup")).content
    client.post(reverse("settings-feed-revoke"))
    assert Preferences.objects.get(owner=owner).feed_token == token
    offer.refresh_from_db()
    assert offer.text == "Tips on sailing the Gulf of Morbihan" and offer.status == "open"


def test_it_enforces_csrf(owner, me) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for url, data in (
        (reverse("settings-offer-add"), {"text": "x"}),
        (reverse("settings-prefs"), {"daily_minutes": "30"}),
        (reverse("settings-feed-new"), {}),
        (reverse("settings-point-add"), {"kind": "email", "value": "a@b.org"}),
        (reverse("settings-restore"), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert not Offer.objects.exists() and not Preferences.objects.exists()


def test_it_escapes_names(owner, web) -> None:
    me = services.ensure_me(owner, "<script>alert(1)</script>")
    services.add_offer(me, "<script>alert(2)</script>")
    page = web.get(reverse("settings")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(2)" in page


def test_it_speaks_french(owner, me, web) -> None:
    page = web.get(reverse("settings"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page


def test_it_switches_the_language(owner, me, web) -> None:
    response = web.post(reverse("set_language"), {"language": "fr", "next": reverse("settings")})
    assert response.status_code == 302 and response.cookies["django_language"].value == "fr"
    assert '<html lang="fr">' in web.get(reverse("settings")).content.decode()


def test_it_asks_to_log_in(db) -> None:
    for url in (reverse("settings"), reverse("settings-backup")):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
