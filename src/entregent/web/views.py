"""The web screens: plain functions over the same services and queries as the CLI.

Every view needs a login and reads only the user's own rows; an htmx request gets the partial
of the same template.
"""

from __future__ import annotations

import functools

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import check_password
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from entregent.demo import DEMO_PASSWORD, DEMO_USERNAME
from entregent.engine.text import fold
from entregent.network import health, moves, queries, services
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.explain import circle_label, network_view
from entregent.network.models import Person, Tag, Task
from entregent.web.params import is_number, safe_next

DECISIONS = {"done": "done", "snooze": "snoozed", "dismiss": "dismissed"}


@functools.lru_cache(maxsize=4)
def _demo_password_unchanged(password_hash: str) -> bool:
    """Whether the demo account still has the printed password (hashing is slow: once per hash)."""
    return check_password(DEMO_PASSWORD, password_hash)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also keeps a logged-in user's choice: the calendar feed
    and the emailed digest, read without a browser, speak it too."""
    response = i18n_views.set_language(request)
    chosen = request.POST.get("language", "")
    if request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        services.set_preferences(request.user, language=chosen)
    return response


class LoginView(auth_views.LoginView):
    """The login form; on a machine with the untouched demo account, says how to log in."""

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        stored = (
            get_user_model()
            .objects.filter(username=DEMO_USERNAME)
            .values_list("password", flat=True)
            .first()
        )
        context["demo_login"] = bool(stored) and _demo_password_unchanged(stored)
        return context


def _open_loops(user: object) -> list[Task]:
    """The gratitude loops still open, the most overdue first (ten at most)."""
    return list(
        Task.objects.filter(
            owner=user, done_at=None, kind__in=(Task.Kind.THANK, Task.Kind.REPORT_OUTCOME)
        )
        .select_related("person")
        .order_by("due", "pk")[:10]
    )


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """Home: the day's moves with their actions, open gratitude loops, a health strip."""
    now = timezone.now()
    view = network_view(request.user, now)
    day = moves.today(request.user, now, view=view)
    point = health.now_point(request.user, now, view)
    return render(
        request,
        "web/today.html",
        {
            "day": day,
            "health": point,
            "loops": _open_loops(request.user),
            "today": timezone.localdate(now),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, action: str) -> HttpResponse:
    """Done, snooze or dismiss one move; htmx gets the move's row back, others a redirect."""
    state = DECISIONS.get(action)
    key = request.POST.get("key", "")
    if state is None:
        raise Http404
    try:
        said = moves.decide(request.user, key, state, timezone.now())
    except NotFound:
        raise Http404 from None
    except InvalidInput as exc:
        return HttpResponseBadRequest(str(exc))
    if request.htmx:
        # The loops list comes along (out of band): a thank-you done closes its loop.
        context = {"said": said, "state": state, "key": key}
        context |= {"loops": _open_loops(request.user), "today": timezone.localdate()}
        return render(request, "web/_decided.html", context)
    messages.success(request, said)
    return redirect("today")


PAGE_SIZE = 50
SORTS = ("strength", "last", "name")
CIRCLE_CHOICES = ("5", "15", "50", "150", "500", "out")


def _people_filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    return {
        "q": get.get("q", "").strip(),
        "circle": get.get("circle", "") if get.get("circle", "") in CIRCLE_CHOICES else "",
        "tag": get.get("tag", "").strip().lower(),
        "org": get.get("org", "").strip(),
        "drifting": "1" if get.get("drifting") == "1" else "",
        "recognition": get.get("recognition", "")
        if get.get("recognition", "") in ("0", "1", "2", "3")
        else "",
        "sort": get.get("sort", "") if get.get("sort", "") in SORTS else "strength",
    }


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Everyone, searchable (case and accents aside), filtered by circle, tag, organisation,
    drift and recognition, sorted by strength, last contact or name, fifty to a page.

    The number of queries does not grow with the number of people: the measures come from the
    stored arrays, the page's people from one query and their tags from one more.
    """
    filters = _people_filters(request)
    m = network_view(request.user, timezone.now()).measures
    rows = queries.people_list(request.user, tag=filters["tag"], organization=filters["org"])
    if filters["q"]:
        rows = rows.filter(name_key__contains=fold(filters["q"]))
    keep = np.ones(len(m.ids), dtype=bool)
    if filters["circle"]:
        wanted = CIRCLE_CHOICES.index(filters["circle"])
        keep &= m.circle == wanted
    if filters["drifting"]:
        keep &= m.drifting
    if filters["recognition"]:
        keep &= m.recognition.level == int(filters["recognition"])
    if not keep.all():
        rows = rows.filter(pk__in=[int(i) for i in m.ids[keep]])
    position = {int(pid): k for k, pid in enumerate(m.ids)}
    if filters["sort"] == "strength":
        ids = list(rows.values_list("pk", flat=True))
        ids.sort(
            key=lambda pid: (-float(m.strength[position[pid]]) if pid in position else 0.0, pid)
        )
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        found = {p.pk: p for p in rows.filter(pk__in=list(page.object_list))}
        items = [found[pid] for pid in page.object_list if pid in found]
    else:
        # Never in touch goes last on every database (PostgreSQL sorts NULL first otherwise).
        order = (
            (F("last_contact").desc(nulls_last=True), "name_key", "pk")
            if filters["sort"] == "last"
            else ()
        )
        page = Paginator(rows.order_by(*order) if order else rows, PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        items = list(page.object_list)
    for person in items:
        i = position.get(person.pk)
        person.circle_label = circle_label(int(m.circle[i])) if i is not None else ""
        person.strength_value = round(float(m.strength[i]), 1) if i is not None else 0.0
        person.is_drifting = bool(m.drifting[i]) if i is not None else False
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/people.html",
        {
            "page": page,
            "items": items,
            "filters": filters,
            "circles": CIRCLE_CHOICES,
            "tags": Tag.objects.filter(owner=request.user).order_by("name"),
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def tag_people(request: HttpRequest) -> HttpResponse:
    """Add one tag to every person ticked on the list."""
    name = request.POST.get("tag", "").strip()
    ids = [int(v) for v in request.POST.getlist("person") if is_number(v)]
    chosen = list(Person.objects.filter(owner=request.user, pk__in=ids))
    if not name or not chosen:
        messages.error(request, _("Tick at least one person and give a tag."))
    else:
        with transaction.atomic():
            for person in chosen:
                services.tag_person(person, [name])
        messages.success(
            request,
            ngettext(
                "Tagged %(n)d person “%(tag)s”.", "Tagged %(n)d people “%(tag)s”.", len(chosen)
            )
            % {"n": len(chosen), "tag": name.lower()},
        )
    return redirect(safe_next(request) or "people")
