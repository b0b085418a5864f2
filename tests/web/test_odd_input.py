"""Odd numbers in addresses and forms ("²", forty digits) get an answer, never an error page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from entregent.demo import Y_NAME, build_demo
from entregent.network.models import Person

ODD = ["²", "9" * 40, "-3", "1e3"]


@pytest.fixture
def web(owner):
    build_demo(owner, people=30, seed=7, today=dt.date.today())
    client = Client(raise_request_exception=True)
    client.force_login(owner)
    client.yves = Person.objects.get(owner=owner, full_name=Y_NAME)
    return client


@pytest.mark.parametrize("value", ODD)
def test_query_strings_with_odd_numbers_are_answered(web, value) -> None:
    person = reverse("person", args=[web.yves.pk])
    for url, params in [
        (person, {"i": value}),
        (person, {"edit": f"needs-{value}"}),
        (reverse("network"), {"around": value}),
        (reverse("reach"), {"target": "Xavier Lambert", "limit": value}),
        (reverse("people"), {"page": value, "circle": value, "recognition": value}),
    ]:
        assert web.get(url, params).status_code in (200, 302, 400, 404), (url, params)


@pytest.mark.parametrize("value", ODD)
def test_forms_with_odd_numbers_are_answered(web, value) -> None:
    pk = web.yves.pk
    for url, data in [
        (reverse("person-link", args=[pk]), {"other": "#1", "strength": value}),
        (reverse("person-tell", args=[pk]), {"offer": value}),
        (reverse("person-give-act", args=[pk]), {"key": f"G{value}-1"}),
        (reverse("reach-intro-start"), {"target": value, "via": value}),
        (reverse("tag-people"), {"person": value, "tag": "x"}),
        (reverse("settings-prefs"), {"daily_minutes": value, "capacity": value}),
        (reverse("opportunities-act"), {"key": f"B{value}-{value}"}),
    ]:
        assert web.post(url, data).status_code in (200, 302, 400, 404), (url, data)
