"""What the screen tests share: the demo network around today, and the owner's logged-in client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from entregent.demo import build_demo


@pytest.fixture
def demo(owner):
    """The owner with a 60-person demo network built around today (the pages read the clock)."""
    build_demo(owner, people=60, seed=7, today=dt.date.today())
    return owner


@pytest.fixture
def web(owner) -> Client:
    """A browser-less client logged in as the owner."""
    client = Client()
    client.force_login(owner)
    return client
