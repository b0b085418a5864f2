"""The Opportunities screen: what I can give, to whom, and introductions to broker.

The same lists as `entregent opportunities` (`opportunities.find`), and the same actions as
`entregent give` (`opportunities.act`): a Done button records the gift or the introduction,
and `entregent dismiss` (`opportunities.dismiss`): "Not a match" hides the pair for good.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from entregent.network import opportunities as ops
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.explain import percent
from entregent.network.models import Dismissal, Rung
from entregent.web.params import is_number

LIMIT = 20  # of each kind, best first; "Show more" adds as many again
MOST = 500  # the most a page lists of each kind, whatever the address asks
DISMISSED_SHOWN = 50  # the latest dismissed matches listed, each with Undo


def _item(op: ops.Opportunity) -> dict[str, Any]:
    """What the template shows of one opportunity, beside the opportunity itself."""
    return {
        "op": op,
        "match": percent(op.match),
        "lang": ops.language_for(op.person, op.need.text),
    }


@login_required
def opportunities(request: HttpRequest) -> HttpResponse:
    """Both lists, best first (`limit` of each, 20 unless the address asks for more), each item
    with its need, offer, match, reasons, shared key words, a drafted message, a Done form and
    a Not a match button; the notice when matching falls back to key words; the latest
    dismissed matches, each with Undo.

    The first visit after needs or offers change embeds them (loading the sentence model once
    per process); the number of queries does not grow with the number of needs and offers.
    """
    raw = request.GET.get("limit", "")
    limit = min(max(int(raw), LIMIT), MOST) if is_number(raw, 6) else LIMIT
    found = ops.find(request.user, timezone.now(), limit=limit + 1)  # one more: is there more?
    more = len(found.give) > limit or len(found.broker) > limit
    dismissed = list(
        Dismissal.objects.filter(owner=request.user)
        .select_related("need__person", "offer__person")
        .order_by("-created_at", "-pk")[:DISMISSED_SHOWN]
    )
    return render(
        request,
        "web/opportunities.html",
        {
            "found": found,
            "give": [_item(op) for op in found.give[:limit]],
            "broker": [_item(op) for op in found.broker[:limit]],
            "rungs": Rung.choices,
            "more": limit + LIMIT if more and limit < MOST else None,
            "dismissed": [
                (ops.key_of("give" if d.offer.person.is_me else "broker", d.need_id, d.offer_id), d)
                for d in dismissed
            ],
        },
    )


def _refused(request: HttpRequest, key: str, exc: InvalidInput) -> HttpResponse:
    """Why an action on an opportunity was refused: in place of the item for htmx, else as a
    message on the page."""
    if request.htmx:
        return render(
            request, "web/_opportunities_done.html", {"said": str(exc), "key": key, "failed": True}
        )
    messages.error(request, str(exc))
    return redirect("opportunities")


@login_required
@require_POST
def act(request: HttpRequest) -> HttpResponse:
    """Record that the user gave or introduced (an opportunity's key, an optional rung and
    note); htmx gets the item back as what was recorded, others a redirect with a message."""
    key = request.POST.get("key", "")
    try:
        said = ops.act(
            request.user,
            key,
            rung=request.POST.get("rung") or Rung.INFORMATION,
            note=request.POST.get("note", "").strip(),
            keep_open=request.POST.get("keep_open") == "1",
        )
    except NotFound:
        raise Http404 from None
    except InvalidInput as exc:
        return _refused(request, key, exc)
    if request.htmx:
        return render(
            request, "web/_opportunities_done.html", {"said": said, "key": key, "failed": False}
        )
    messages.success(request, said)
    return redirect("opportunities")


@login_required
@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    """Say an opportunity is not a match (or, with undo=1, take it back); htmx gets the item
    back as what was done, with a button to undo, followed by the opportunity now proposed for
    the same need (its next best offer), if any; others a redirect with a message."""
    key = request.POST.get("key", "")
    undo = request.POST.get("undo") == "1"
    try:
        said = ops.dismiss(request.user, key, undo=undo)
    except NotFound:
        raise Http404 from None
    except InvalidInput as exc:
        return _refused(request, key, exc)
    if request.htmx:
        instead = None if undo else ops.proposed_instead(request.user, key, timezone.now())
        # Undoing takes away the offer proposed instead (htmx deletes it by its id).
        withdrawn = request.POST.get("instead", "") if undo else ""
        return render(
            request,
            "web/_opportunities_done.html",
            {
                "said": said,
                "key": key,
                "failed": False,
                "undo": not undo,
                "instead": _item(instead) if instead else None,
                "withdrawn": withdrawn if re.fullmatch(r"[GB]\d{1,12}-\d{1,12}", withdrawn) else "",
                "rungs": Rung.choices,
            },
        )
    messages.success(request, said)
    return redirect("opportunities")


urlpatterns: list[URLPattern] = [
    path("opportunities/", opportunities, name="opportunities"),
    path("opportunities/done/", act, name="opportunities-act"),
    path("opportunities/dismiss/", dismiss, name="opportunities-dismiss"),
]
