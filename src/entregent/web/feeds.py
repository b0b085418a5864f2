"""The calendar feed a calendar app subscribes to: no login, a secret token in the address."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from entregent.network import feed, services


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's moves and tasks as iCalendar; 404 for an unknown or revoked token."""
    owner = feed.owner_of(token)
    if owner is None:
        raise Http404
    with translation.override(services.language_of(owner)):  # no browser to ask
        body = feed.calendar(owner, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="entregent.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
