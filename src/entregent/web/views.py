"""The web screens: plain functions over the same services and queries as the CLI.

Every view needs a login and reads only the user's own rows; an htmx request gets the partial
of the same template.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from entregent.network import health, moves
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.explain import network_view
from entregent.network.models import Task

DECISIONS = {"done": "done", "snooze": "snoozed", "dismiss": "dismissed"}


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """Home: the day's moves with their actions, open gratitude loops, a health strip."""
    now = timezone.now()
    view = network_view(request.user, now)
    day = moves.today(request.user, now, view=view)
    point = health.now_point(request.user, now, view)
    loops = (
        Task.objects.filter(
            owner=request.user,
            done_at=None,
            kind__in=(Task.Kind.THANK, Task.Kind.REPORT_OUTCOME),
        )
        .select_related("person")
        .order_by("due", "pk")[:10]
    )
    return render(
        request,
        "web/today.html",
        {
            "day": day,
            "health": point,
            "loops": loops,
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
        return render(request, "web/_decided.html", {"said": said, "state": state, "key": key})
    messages.success(request, said)
    return redirect("today")
