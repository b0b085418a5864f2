"""The Network screen: the circles picture and table, load, drifting ties, who knows whom."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from types import SimpleNamespace

import numpy as np
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from entregent.demo import X_NAME, Y_NAME
from entregent.engine import circles
from entregent.network import services
from entregent.network.explain import network_view
from entregent.network.models import Person
from entregent.web.network import CENTRE, RING_OUTER, circle_picture

NOW = timezone.now()


def _page(client: Client, query: str = "", **extra: str) -> str:
    response = client.get(reverse("network") + query, **extra)
    assert response.status_code == 200
    return response.content.decode()


def _svg(page: str, css_class: str) -> str:
    """The SVG element of this class in the page."""
    found = re.search(rf'<svg class="{css_class}".*?</svg>', page, re.S)
    assert found, css_class
    return found.group(0)


def test_it_draws_a_dot_per_person_in_the_circles(demo, web) -> None:
    m = network_view(demo, NOW).measures
    svg = _svg(_page(web), "circles")
    inside = [int(p) for p in m.ids[m.circle < circles.OUTSIDE]]
    assert inside and svg.count('<a class="dot') == len(inside)
    names = dict(Person.objects.filter(pk__in=inside).values_list("pk", "full_name"))
    for pk in inside:
        link = re.search(rf'<a class="dot[^"]*" href="/people/{pk}/"><title>([^<]*)</title>', svg)
        assert link and link.group(1).startswith(names[pk]), pk
    outside = [int(p) for p in m.ids[m.circle == circles.OUTSIDE]]
    assert all(f'href="/people/{pk}/"' not in svg for pk in outside)


def test_it_marks_drifting_ties(demo, web) -> None:
    m = network_view(demo, NOW).measures
    page = _page(web)
    drifting = {int(p) for p in m.ids[m.drifting & (m.circle < circles.OUTSIDE)]}
    marked = {int(pk) for pk in re.findall(r'<a class="dot drifting" href="/people/(\d+)/"', page)}
    assert drifting and marked == drifting
    assert 'class="swatch drifting"' in page  # the legend says what red means


def test_it_shows_circles_cadence_and_load_against_capacity(demo, web) -> None:
    page = _page(web)
    m = network_view(demo, NOW).measures
    for label in ("the 5", "the 15", "the 50", "the 150", "the 500", "outside the circles"):
        assert f'<th scope="row">{label}</th>' in page
    assert "weekly" in page and "quarterly" in page
    assert f"Active network: {m.load.active} relationships for a capacity of " in page
    assert "real relationships" in page and 'class="load-bar"' in page


def test_it_names_whom_to_let_go_when_over_capacity(demo, web) -> None:
    from entregent.network.models import Preferences

    Preferences.objects.update_or_create(owner=demo, defaults={"capacity": 5})
    page = _page(web)
    m = network_view(demo, NOW).measures
    assert m.load.over_capacity > 0
    assert "more than you can keep up" in page
    weakest = int(m.ids[m.load.let_go[0]])
    assert f'<li><a href="/people/{weakest}/">' in page


def test_it_draws_who_knows_whom_around_a_person(demo, web) -> None:
    y = Person.objects.get(owner=demo, full_name=Y_NAME)
    x = Person.objects.get(owner=demo, full_name=X_NAME)
    me = Person.objects.get(owner=demo, is_me=True)
    svg = _svg(_page(web, f"?around={y.pk}"), "ego")
    assert f'<a class="node centre" href="/people/{y.pk}/"><title>{Y_NAME}' in svg
    assert re.search(rf'<a class="node person[^"]*" href="/people/{x.pk}/"><title>{X_NAME}', svg)
    assert f'<a class="node me" href="/people/{me.pk}/">' in svg  # the user, marked
    assert 'class="edge declared"' in svg


def test_it_centres_on_the_strongest_contact_by_default_and_on_me_on_request(demo, web) -> None:
    m = network_view(demo, NOW).measures
    strongest = int(m.ids[int(np.argmin(m.rank))])
    page = _page(web)
    assert f'<a class="node centre" href="/people/{strongest}/">' in page
    me = Person.objects.get(owner=demo, is_me=True)
    page = _page(web, f"?around={me.pk}")
    assert "Your strongest ties" in page
    assert f'<a class="node me" href="/people/{me.pk}/">' in page
    assert f'href="/people/{strongest}/"><title>' in _svg(page, "ego")


def test_it_finds_the_person_by_name_or_says_why_not(demo, web) -> None:
    y = Person.objects.get(owner=demo, full_name=Y_NAME)
    assert f'<a class="node centre" href="/people/{y.pk}/">' in _page(web, "?who=yves+martin")
    page = _page(web, "?who=Nobody+Atall")
    assert "Nobody called" in page and 'role="alert"' in page


def test_it_answers_htmx_with_the_picture_around_only(demo, web) -> None:
    y = Person.objects.get(owner=demo, full_name=Y_NAME)
    response = web.get(
        reverse("network") + f"?around={y.pk}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="around"
    )
    html = response.content.decode()
    assert html.startswith('<section class="net-section" id="around"')
    assert 'class="circles"' not in html and f'href="/people/{y.pk}/"' in html


def test_it_refuses_a_bad_person(demo, web) -> None:
    assert web.get(reverse("network") + "?around=abc").status_code == 404
    assert web.get(reverse("network") + "?around=999999").status_code == 404


def test_it_checks_ownership(demo, outsider) -> None:
    y = Person.objects.get(owner=demo, full_name=Y_NAME)
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("network") + f"?around={y.pk}").status_code == 404
    services.ensure_me(outsider, "Outsider")
    page = _page(client, "?who=yves")
    names = Person.objects.filter(owner=demo).values_list("full_name", flat=True)
    assert not [name for name in names if name in page]


def test_it_asks_to_log_in_first(db) -> None:
    response = Client().get(reverse("network"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_renders_names_as_text(owner, me, web) -> None:
    evil = services.add_person(owner, "<script>alert(1)</script>")
    friend = services.add_person(owner, "Anne")
    for days in range(1, 60, 4):
        services.log_interaction(
            owner, [evil, friend], kind="meeting", occurred_at=NOW - dt.timedelta(days=days)
        )
    page = _page(web, f"?around={friend.pk}")
    assert "<script>alert(1)</script>" not in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · " in _svg(page, "circles")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · " in _svg(page, "ego")


def test_it_speaks_french_with_numbers_svg_can_read(demo, web) -> None:
    page = _page(web, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="fr">' in page
    for svg in (_svg(page, "circles"), _svg(page, "ego")):
        coordinates = re.findall(r' (?:cx|cy|x1|y2|width)="([^"]*)"', svg)
        assert coordinates and all(re.fullmatch(r"-?[\d.]+", c) for c in coordinates)


def _network(owner, start: int, count: int) -> None:
    for k in range(start, start + count):
        person = services.add_person(owner, f"Person {k:03d}")
        services.log_interaction(
            owner, [person], kind="call", occurred_at=NOW - dt.timedelta(days=3 + k)
        )
        if k % 3 == 0:
            services.log_interaction(
                owner, [person], kind="email", occurred_at=NOW - dt.timedelta(days=10 + k)
            )


def test_it_keeps_the_same_number_of_queries_as_people_grow(owner, me, web) -> None:
    _network(owner, 0, 5)
    web.get(reverse("network"))  # stores the arrays
    with CaptureQueriesContext(connection) as few:
        _page(web)
    _network(owner, 5, 30)
    web.get(reverse("network"))
    with CaptureQueriesContext(connection) as many:
        _page(web)
    assert len(many) == len(few)


def test_it_draws_at_most_the_500_and_never_two_dots_on_top_of_each_other() -> None:
    people = 10_000
    sizes = (5, 10, 35, 100, 350)
    circle = np.concatenate(
        [np.full(n, k) for k, n in enumerate(sizes)]
        + [np.full(people - sum(sizes), circles.OUTSIDE)]
    )
    rng = np.random.default_rng(3)
    ids = np.sort(rng.choice(1_000_000, people, replace=False))
    order = rng.permutation(people)
    measures = SimpleNamespace(
        ids=ids, circle=circle[order], rank=np.argsort(order), drifting=np.zeros(people, bool)
    )
    rings, dots = circle_picture(SimpleNamespace(measures=measures), {})
    assert len(dots) == sum(sizes) and len(rings) == len(sizes)
    for d in dots:
        distance = np.hypot(d.x - CENTRE, d.y - CENTRE)
        inner = RING_OUTER[d.circle - 1] if d.circle else 0
        assert inner <= distance - d.r + 0.5 and distance + d.r <= RING_OUTER[d.circle] + 0.5
    for a, b in itertools.combinations(dots, 2):
        assert np.hypot(a.x - b.x, a.y - b.y) >= a.r + b.r - 0.2, (a, b)


def test_it_renders_an_empty_network(outsider) -> None:
    client = Client()
    client.force_login(outsider)
    page = _page(client)
    assert 'class="circles"' in page and '<a class="dot' not in page
    assert "Active network: 0 relationships" in page
