"""What a user does in a real browser: log in, act on the day's moves, capture, switch language.

At most fifteen journeys, each through the visible page (labels, buttons), never the ORM alone.
"""

from __future__ import annotations

import re

import pytest

from entregent.network.models import Dismissal, Move, Person
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_opens_on_today(page) -> None:
    page.goto(page.base + "/")
    assert "/login/" in page.url
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    log_in(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Your moves for")
    assert not page.errors


def test_it_marks_a_move_done_in_place(signed_in) -> None:
    page = signed_in
    first = page.locator("li.move").first
    title = first.locator("h2").inner_text()
    first.get_by_role("button", name="Done").click()
    done = page.locator("li.move.decided.done")
    done.wait_for()
    assert page.url == page.base + "/"  # replaced in place, no reload
    assert Move.objects.filter(state="done").count() == 1
    page.reload()
    assert title not in [h.inner_text() for h in page.locator("li.move h2").all()]
    assert not page.errors


def test_it_dismisses_a_wrong_match_in_place_and_undoes_it(signed_in, demo_user) -> None:
    from entregent.network import services

    me = Person.objects.get(owner=demo_user, is_me=True)
    services.add_offer(me, "Ma cousine loue un gîte pour les vacances en Bretagne")  # a runner-up
    page = signed_in
    page.get_by_role("link", name="Opportunities").first.click()
    need = "vacances d'été en Bretagne"  # Mr Y's: my two offers both answer it
    shown = page.locator("li.opportunity:not(.decided)", has_text=need)
    key = shown.first.get_attribute("id")
    shown.first.get_by_role("button", name="Not a match").click()
    page.locator(f"#{key}.decided").wait_for()
    assert "will no longer be proposed" in page.locator(f"#{key}").inner_text()
    instead = page.locator(f"li.opportunity:not(.decided):not(#{key})", has_text=need)
    instead.wait_for()  # the runner-up, in place, ready to act on
    assert instead.get_by_role("button", name="Done: I gave it").is_visible()
    assert Dismissal.objects.count() == 1
    page.locator(f"#{key}").get_by_role("button", name="Undo").click()
    page.get_by_text("Restored").wait_for()
    instead.wait_for(state="detached")  # the runner-up goes with the undo
    assert not Dismissal.objects.exists()
    assert "/opportunities/" in page.url and not page.errors


def test_it_switches_to_french_and_back(signed_in) -> None:
    page = signed_in
    page.get_by_label("Language").select_option("fr")
    with page.expect_navigation():
        page.get_by_role("button", name="Change", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Vos gestes du")
    page.get_by_label("Langue").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"


def test_it_follows_the_browsers_language(browser, live_server, demo_user) -> None:
    from tests.browser.conftest import _new_page

    page = _new_page(browser, live_server.url, language="fr-FR")
    try:
        page.goto(page.base + "/")
        assert page.get_by_role("heading", level=1).inner_text() == "Se connecter"
    finally:
        page.context.close()


def test_it_adds_a_person_from_any_page(signed_in) -> None:
    page = signed_in
    page.goto(page.base + "/people/")
    page.get_by_role("link", name=re.compile("Quick add")).click()
    page.get_by_label("Full name").fill("Inès Roy")
    page.get_by_label("Organisation").fill("Armor")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(page.base + "/people/")
    assert page.get_by_role("status").inner_text().strip() == "Added Inès Roy."
    assert Person.objects.filter(full_name="Inès Roy", organization__name="Armor").exists()


VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Gaëlle Quéméner
ORG:Océan Conseil
EMAIL:gaelle@ocean.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:;;;;
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ronan Le Bihan
TEL:+33 2 98 00 00 00
END:VCARD
"""


def test_it_uploads_a_vcard_checks_it_and_confirms(signed_in, tmp_path) -> None:
    page = signed_in
    card = tmp_path / "phone.vcf"
    card.write_text(VCARDS, encoding="utf-8")
    page.goto(page.base + "/import/")
    page.get_by_label("Files").set_input_files(str(card))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Confirm the import").wait_for()
    report = page.locator("main").inner_text()
    assert "phone.vcf" in report and "skipped" in report.lower()
    assert not Person.objects.filter(full_name="Ronan Le Bihan").exists()  # a dry run so far
    page.get_by_role("button", name="Confirm the import").click()
    page.wait_for_url("**/done/")
    assert Person.objects.filter(full_name="Gaëlle Quéméner").exists()
    assert Person.objects.filter(full_name="Ronan Le Bihan").exists()
    assert not page.errors


def test_it_starts_an_introduction_from_reach_and_moves_it_on(signed_in) -> None:
    from entregent.demo import X_NAME
    from entregent.network.models import Intro

    page = signed_in
    before = set(Intro.objects.values_list("pk", flat=True))
    page.goto(page.base + "/reach/")
    page.get_by_label("A person or an organisation").fill(X_NAME)
    page.get_by_role("button", name="Find the chains").click()
    chain = page.locator("li.chain").first
    chain.wait_for()
    assert "%" in chain.inner_text()
    shown = page.locator("li.intro").count()  # the demo has introductions in motion already
    with page.expect_response(lambda r: "/intros/start/" in r.url):
        chain.get_by_role("button", name="Start the introduction").click()
    page.wait_for_function("n => document.querySelectorAll('li.intro').length > n", arg=shown)
    new = Intro.objects.exclude(pk__in=before).get()
    assert new.target.full_name == X_NAME and new.status == "planned"
    card = page.locator(f"#intro-{new.pk}")
    card.get_by_role("button", name="I asked them").click()
    card.get_by_role("button", name="They made the introduction").wait_for()
    new.refresh_from_db()
    assert new.status == "asked"
    card.get_by_role("button", name="They made the introduction").click()
    page.locator(f"#intro-{new.pk}").get_by_role("button", name="I met them").wait_for()
    new.refresh_from_db()
    assert new.status == "made"
    assert not page.errors


def test_it_logs_an_interaction_from_a_person_page(signed_in) -> None:
    from entregent.demo import Y_NAME
    from entregent.network.models import Interaction

    page = signed_in
    yves = Person.objects.get(full_name=Y_NAME)
    before = Interaction.objects.filter(participants=yves).count()
    page.goto(page.base + "/people/")
    page.get_by_label("Search").fill("yves")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=Y_NAME).click()
    page.wait_for_url(f"**/people/{yves.pk}/")
    log = page.locator("#log")
    log.get_by_label("Kind").select_option("meeting")
    log.get_by_label("they initiated").check()
    log.get_by_label("Note (optional)").fill("Lunch in Quimper about the rental")
    with page.expect_navigation():
        log.get_by_role("button", name="Log it").click()
    assert page.get_by_role("status").inner_text().strip() == "Logged."
    assert "Lunch in Quimper about the rental" in page.locator("#timeline").inner_text()
    logged = Interaction.objects.filter(participants=yves).order_by("-pk").first()
    assert Interaction.objects.filter(participants=yves).count() == before + 1
    assert (logged.kind, logged.direction) == ("meeting", "them")
    assert not page.errors
