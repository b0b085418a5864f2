"""Every main screen opens in chromium without a script error, fits a phone, and reads in French.

With ENTREGENT_SCREENSHOTS=<folder> (`make screenshots`), each screen is saved there as a PNG,
at desktop width and at phone width: the pictures in docs/screenshots come from this test.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from entregent.demo import X_NAME, Y_NAME
from entregent.network.models import Person
from tests.browser.conftest import _new_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screens(user) -> list[tuple[str, str]]:
    yves = Person.objects.get(owner=user, full_name=Y_NAME)
    return [
        ("today", "/"),
        ("people", "/people/"),
        ("person", f"/people/{yves.pk}/"),
        ("network", "/network/"),
        ("reach", "/reach/?target=" + quote(X_NAME)),
        ("opportunities", "/opportunities/"),
        ("import", "/import/"),
        ("settings", "/settings/"),
    ]


def _picture(name: str, language: str, suffix: str) -> str:
    """Which views are kept as pictures: every screen on a desktop, a few on a phone, in French."""
    if language == "en-GB" and (not suffix or name in ("today", "person")):
        return f"{name}{suffix}.png"
    if language == "fr-FR" and not suffix and name in ("today", "person"):
        return f"{name}-fr.png"
    return ""


def _fits(page) -> bool:
    """No horizontal scrolling of the whole page (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("language", ["en-GB", "fr-FR"])
def test_every_screen_opens_fits_a_phone_and_speaks_the_language(
    browser, live_server, demo_user, language
) -> None:
    shots = os.environ.get("ENTREGENT_SCREENSHOTS", "")
    page = _new_page(browser, live_server.url, language=language)
    try:
        log_in(page)
        for name, url in _screens(demo_user):
            for width, height, suffix in ((1280, 900, ""), (375, 800, "-phone")):
                page.set_viewport_size({"width": width, "height": height})
                response = page.goto(page.base + url)
                assert response is not None and response.status == 200, (name, response)
                page.wait_for_load_state("networkidle")
                assert page.locator("html").get_attribute("lang") == language[:2], name
                assert page.locator("h1").count() == 1, name
                assert _fits(page), f"{name} overflows at {width} px"
                picture = _picture(name, language, suffix)
                if shots and picture:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(Path(shots) / picture), full_page=True)
        assert not page.errors, page.errors
    finally:
        page.context.close()
