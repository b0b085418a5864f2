"""Browser tests: Debian's chromium driven by Playwright against a live server with the demo.

Chromium comes from apt (`/usr/bin/chromium`), never from `playwright install`. Without it
these tests skip with the reason, unless ENTREGENT_REQUIRE_BROWSER=1 (set by .ci/run), where a
missing browser fails the run instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

CHROMIUM = os.environ.get("ENTREGENT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API keeps an event loop running in the test thread; the ORM calls the tests
# make there (building the demo, checking rows) are plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _need_browser() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("ENTREGENT_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; ENTREGENT_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One chromium for the whole run."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo_user(transactional_db):
    """The demo account (demo / demo) with a small demo network built around today."""
    from entregent.demo import build_demo

    user = get_user_model().objects.create_user(username="demo", password="demo")
    build_demo(user, people=60, seed=7, today=dt.date.today())
    return user


def _new_page(browser, base: str, language: str = "en-GB"):
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    page.base = base  # type: ignore[attr-defined]
    return page


def log_in(page, username: str = "demo", password: str = "demo") -> None:
    """Log in through the form, as a user would."""
    page.goto(page.base + "/")
    page.locator("#id_username").fill(username)  # by id: the labels follow the language
    page.locator("#id_password").fill(password)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_url(page.base + "/")


@pytest.fixture
def page(browser, live_server, demo_user) -> Iterator[object]:
    """A fresh browser tab on the live server, logged out, English by default."""
    tab = _new_page(browser, live_server.url)
    yield tab
    tab.context.close()


@pytest.fixture
def signed_in(page) -> object:
    """A tab logged in as demo."""
    log_in(page)
    return page
