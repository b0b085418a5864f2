"""Quick add, reachable from every page: a person, an interaction, a need or an offer.

One page with four short forms; each write goes through the services and comes back to the
page the user came from, so capture never costs more than a few keystrokes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.engine.text import fold
from entregent.network import queries, services
from entregent.network.errors import Ambiguous, EntregentError, InvalidInput
from entregent.network.models import Interaction, Person
from entregent.web.params import safe_next

FORMS = ("person", "interaction", "need", "offer")
SUGGESTIONS = 12


def _person(request: HttpRequest, text: str) -> Person:
    """The person a user typed: a name, an email, "#id" or "me" (see queries.find_person)."""
    return queries.find_person(request.user, text)


def _save(request: HttpRequest, what: str) -> str:
    """Run one quick-add form through the services; returns what was recorded, in words."""
    post = request.POST
    if what == "person":
        same = list(
            Person.objects.filter(
                owner=request.user, name_key=fold(post.get("full_name", "")), is_me=False
            ).select_related("organization")[:5]
        )
        if same and post.get("anyway") != "1":
            raise Ambiguous(
                _(
                    "You already have someone called “%(name)s”. Open them below, or tick "
                    "“Add anyway” if this is somebody else."
                )
                % {"name": same[0].full_name},
                same,
            )
        person = services.add_person(
            request.user,
            post.get("full_name", ""),
            organization=post.get("organization", ""),
            emails=[post["email"]] if post.get("email", "").strip() else [],
            phones=[post["phone"]] if post.get("phone", "").strip() else [],
        )
        return _("Added %(name)s.") % {"name": person.full_name}
    person = _person(request, post.get("person", ""))
    if what == "interaction":
        try:
            day = dt.date.fromisoformat(post.get("date", "")) if post.get("date") else None
        except ValueError:
            raise InvalidInput(_("Give the date as YYYY-MM-DD.")) from None
        if day is not None and day > timezone.localdate():
            raise InvalidInput(_("An interaction cannot be in the future."))
        services.log_interaction(
            request.user,
            [person],
            kind=post.get("kind", ""),
            direction=post.get("direction", ""),
            # Today means now: noon may still be ahead, and the measures ignore the future.
            occurred_at=None if day in (None, timezone.localdate()) else day,
            summary=post.get("summary", ""),
        )
        return _("Logged a contact with %(name)s.") % {"name": person.full_name}
    if what == "need":
        services.add_need(person, post.get("text", ""))
        return _("Noted what %(name)s needs.") % {"name": person.full_name}
    services.add_offer(person, post.get("text", ""))
    if person.is_me:
        return _("Added to what you offer.")
    return _("Noted what %(name)s offers.") % {"name": person.full_name}


@login_required
def quick_add(request: HttpRequest) -> HttpResponse:
    """GET shows the four forms; POST saves one and returns to where the user was."""
    what = request.POST.get("what") or request.GET.get("what") or "person"
    if what not in FORMS:
        what = "person"
    error = ""
    candidates: list[Person] = []
    if request.method == "POST":
        try:
            said = _save(request, what)
        except Ambiguous as exc:
            error, candidates = str(exc), exc.candidates
        except EntregentError as exc:
            error = str(exc)
        else:
            messages.success(request, said)
            return redirect(safe_next(request) or "quick-add")
    return render(
        request,
        "web/quick.html",
        {
            "what": what,
            "error": error,
            "candidates": candidates,
            # What was typed comes back after an error; a link may prefill (?person=#12).
            "posted": request.POST if request.method == "POST" else request.GET,
            "next": safe_next(request),
            "kinds": Interaction.Kind.choices,
            "directions": Interaction.Direction.choices,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


@login_required
def names(request: HttpRequest) -> HttpResponse:
    """Datalist options for a person field: the user's people whose name starts a word typed."""
    key = fold(request.GET.get("person", "") or request.GET.get("q", ""))
    found: list[tuple[str, str]] = []
    if len(key) >= 2:
        rows = (
            Person.objects.filter(owner=request.user, name_key__contains=key)
            .select_related("organization")
            .order_by("full_name", "pk")[: SUGGESTIONS + 1]
        )
        people = list(rows)
        seen: dict[str, int] = {}
        for p in people:
            seen[p.name_key] = seen.get(p.name_key, 0) + 1
        for p in people[:SUGGESTIONS]:
            value = f"#{p.pk}" if seen[p.name_key] > 1 else p.full_name
            label = f"{p.full_name} · {p.organization.name}" if p.organization else p.full_name
            found.append((value, label))
    return render(request, "web/_quick_names.html", {"found": found})


urlpatterns: list[URLPattern] = [
    path("add/", quick_add, name="quick-add"),
    path("add/names/", names, name="quick-names"),
]
