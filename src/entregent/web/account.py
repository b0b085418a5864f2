"""The Settings screen: my offers and contact points, preferences, feed, downloads.

Each section is a partial of its own: an htmx form gets its section back in place, a plain
form a redirect to the screen with a message. Writes go through the services, as in
`entregent prefs`, `entregent feed`, `entregent export` and `entregent backup`.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from entregent.io import backup as backups
from entregent.io import export as exports
from entregent.network import feed, moves, services
from entregent.network.errors import EntregentError
from entregent.network.explain import capacity_of
from entregent.network.models import ContactPoint, Offer, Person, Preferences, Status
from entregent.web.imports import too_big
from entregent.web.params import is_number

# The address `ENTREGENT_PUBLIC_URL` has when nobody set it: then the address the browser
# uses is the better guess for the feed (the server may run on another port or host).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
EXPORTS: dict[str, tuple[Any, str, str]] = {
    "vcard": (exports.to_vcard, "text/vcard; charset=utf-8", "vcf"),
    "csv": (exports.to_csv, "text/csv; charset=utf-8", "csv"),
    "json": (exports.to_json, "application/json; charset=utf-8", "json"),
}
SECTIONS = ("profile", "offers", "points", "prefs", "feed")


def _me(request: HttpRequest) -> Person | None:
    """The user's own person, if it exists yet (a GET creates nothing)."""
    return Person.objects.filter(owner=request.user, is_me=True).first()


def _offers(me: Person | None) -> dict[str, Any]:
    rows = list(Offer.objects.filter(person=me).order_by("created_at", "pk")) if me else []
    return {
        "offers": [o for o in rows if o.status == Status.OPEN],
        "closed_offers": [o for o in rows if o.status != Status.OPEN],
    }


def _points(me: Person | None) -> dict[str, Any]:
    return {
        "points": list(ContactPoint.objects.filter(person=me).order_by("kind", "value"))
        if me
        else [],
        "kinds": ContactPoint.Kind.choices,
    }


def _prefs(request: HttpRequest) -> dict[str, Any]:
    own = Preferences.objects.filter(owner=request.user).first()
    return {
        "prefs": own,
        "minutes_now": moves.daily_minutes(request.user),
        "capacity_now": capacity_of(request.user),
        "default_minutes": settings.ENTREGENT_DAILY_MINUTES,
        "default_capacity": settings.ENTREGENT_CAPACITY,
    }


def feed_address(request: HttpRequest, token: str) -> str:
    """Where a calendar app subscribes: the public address when one is set, else this one."""
    if settings.ENTREGENT_PUBLIC_URL != DEFAULT_PUBLIC_URL:
        return feed.feed_url(token)
    return request.build_absolute_uri(reverse("calendar-feed", args=[token]))


def _feed(request: HttpRequest) -> dict[str, Any]:
    token = (
        Preferences.objects.filter(owner=request.user).values_list("feed_token", flat=True).first()
    )
    return {"feed_url": feed_address(request, token) if token else ""}


def _profile(request: HttpRequest, me: Person | None) -> dict[str, Any]:
    return {"me": me, "my_name": me.full_name if me else request.user.get_username()}


def _context(request: HttpRequest, section: str | None = None) -> dict[str, Any]:
    """What the screen (or one section of it) shows."""
    me = _me(request)
    parts = {
        "profile": lambda: _profile(request, me),
        "offers": lambda: _offers(me),
        "points": lambda: _points(me),
        "prefs": lambda: _prefs(request),
        "feed": lambda: _feed(request),
    }
    context: dict[str, Any] = {}
    for name in [section] if section else SECTIONS:
        context.update(parts[name]())
    return context


def _answer(
    request: HttpRequest, section: str, said: str = "", error: str = "", **typed: str
) -> HttpResponse:
    """htmx: the section again, with its message (and what was typed, when refused);
    otherwise back to the screen."""
    if request.htmx:
        context = {**_context(request, section), "said": said, "error": error, "typed": typed}
        return render(request, f"web/_settings_{section}.html", context)
    if error:
        messages.error(request, error)
    elif said:
        messages.success(request, said)
    return redirect(reverse("settings") + f"#{section}")


@login_required
def settings_screen(request: HttpRequest) -> HttpResponse:
    """My profile, my offers and contact points, preferences, language, feed and downloads."""
    return render(request, "web/settings.html", _context(request))


@login_required
@require_POST
def rename(request: HttpRequest) -> HttpResponse:
    """Change my own name."""
    me = services.ensure_me(request.user)
    try:
        services.update_person(me, full_name=request.POST.get("name", ""))
    except EntregentError as exc:
        return _answer(request, "profile", error=str(exc))
    return _answer(request, "profile", said=_("Your name is saved."))


def _tags(request: HttpRequest) -> list[str]:
    return [t for t in request.POST.get("tags", "").split(",") if t.strip()]


@login_required
@require_POST
def add_offer(request: HttpRequest) -> HttpResponse:
    """Add one of my offers: a problem I am the solution to."""
    me = services.ensure_me(request.user)
    try:
        services.add_offer(me, request.POST.get("text", ""), _tags(request))
    except EntregentError as exc:
        return _answer(request, "offers", error=str(exc))
    return _answer(request, "offers", said=_("Offer added."))


def _my_offer(request: HttpRequest, pk: int) -> Offer:
    return get_object_or_404(Offer, pk=pk, owner=request.user, person__is_me=True)


@login_required
@require_POST
def edit_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Reword one of my offers."""
    offer = _my_offer(request, pk)
    try:
        services.update_offer_text(offer, request.POST.get("text", ""))
    except EntregentError as exc:
        return _answer(request, "offers", error=str(exc))
    return _answer(request, "offers", said=_("Offer saved."))


@login_required
@require_POST
def close_offer(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """Withdraw one of my offers, or offer it again."""
    offer = _my_offer(request, pk)
    services.close_offer(offer, Status.OPEN if state == "reopen" else Status.WITHDRAWN)
    said = _("Offer open again.") if state == "reopen" else _("Offer closed.")
    return _answer(request, "offers", said=said)


@login_required
@require_POST
def add_point(request: HttpRequest) -> HttpResponse:
    """Add an email, phone, web address or handle of mine."""
    me = services.ensure_me(request.user)
    try:
        services.add_contact_point(
            me,
            request.POST.get("kind", ""),
            request.POST.get("value", ""),
            request.POST.get("label", "")[:60],
        )
    except EntregentError as exc:
        return _answer(request, "points", error=str(exc))
    return _answer(request, "points", said=_("Contact point added."))


@login_required
@require_POST
def remove_point(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of my contact points."""
    point = get_object_or_404(ContactPoint, pk=pk, owner=request.user, person__is_me=True)
    services.remove_contact_point(point)
    return _answer(request, "points", said=_("Contact point removed."))


def _number(raw: str, refused: str) -> int | None:
    """A whole number typed in a field; empty means the default (None)."""
    text = raw.strip()
    if not text:
        return None
    if not is_number(text):
        raise ValueError(refused)
    return int(text)


@login_required
@require_POST
def save_prefs(request: HttpRequest) -> HttpResponse:
    """Minutes a day and capacity (as `entregent prefs`); empty goes back to the default."""
    try:
        minutes = _number(
            request.POST.get("daily_minutes", ""), _("Minutes a day must be a whole number.")
        )
        capacity = _number(request.POST.get("capacity", ""), _("Capacity must be a whole number."))
        services.set_preferences(request.user, daily_minutes=minutes, capacity=capacity)
    except (ValueError, EntregentError) as exc:
        return _answer(
            request,
            "prefs",
            error=str(exc),
            daily_minutes=request.POST.get("daily_minutes", "")[:20],
            capacity=request.POST.get("capacity", "")[:20],
        )
    return _answer(request, "prefs", said=_("Preferences saved."))


@login_required
@require_POST
def new_feed(request: HttpRequest) -> HttpResponse:
    """A new feed address; the old one stops working at once."""
    services.new_feed_token(request.user)
    return _answer(request, "feed", said=_("New feed address made; the old one no longer works."))


@login_required
@require_POST
def revoke_feed(request: HttpRequest) -> HttpResponse:
    """Turn the feed address off."""
    services.revoke_feed_token(request.user)
    return _answer(request, "feed", said=_("The feed address is off."))


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """My contacts as a vCard 4.0, CSV or JSON file (as `entregent export`)."""
    if fmt not in EXPORTS:
        raise Http404
    writer, content_type, extension = EXPORTS[fmt]
    day = timezone.localdate().isoformat()
    return _download(writer(request.user), content_type, f"entregent-contacts-{day}.{extension}")


@login_required
@require_GET
def backup(request: HttpRequest) -> HttpResponse:
    """Everything I own as one JSON file (as `entregent backup`)."""
    data = backups.dumps(backups.backup(request.user)).encode("utf-8")
    day = timezone.localdate().isoformat()
    return _download(data, "application/json; charset=utf-8", f"entregent-backup-{day}.json")


@csrf_exempt  # the size is checked before the body is parsed; the CSRF check follows at once
@login_required
@require_POST
def restore(request: HttpRequest) -> HttpResponse:
    """Load a backup into this account, when it holds nothing yet (as `entregent restore`)."""
    message = too_big(request)
    if message:
        messages.error(request, message)
        return redirect(reverse("settings") + "#downloads")
    return _restore(request)


@csrf_protect
def _restore(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("backup")
    if upload is None:
        messages.error(request, _("Choose a backup file."))
        return redirect(reverse("settings") + "#downloads")
    try:
        data = json.loads(upload.read())
    except ValueError:
        messages.error(request, _("This file is not an entregent backup."))
        return redirect(reverse("settings") + "#downloads")
    try:
        counts = backups.restore(request.user, data)
    except EntregentError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("settings") + "#downloads")
    messages.success(
        request,
        _("Restored %(people)d people, %(interactions)d interactions and the rest of your network.")
        % {"people": counts.get("person", 0), "interactions": counts.get("interaction", 0)},
    )
    return redirect("settings")


urlpatterns: list[URLPattern] = [
    path("settings/", settings_screen, name="settings"),
    path("settings/name/", rename, name="settings-name"),
    path("settings/offers/", add_offer, name="settings-offer-add"),
    path("settings/offers/<int:pk>/", edit_offer, name="settings-offer-edit"),
    path(
        "settings/offers/<int:pk>/close/",
        close_offer,
        {"state": "close"},
        name="settings-offer-close",
    ),
    path(
        "settings/offers/<int:pk>/reopen/",
        close_offer,
        {"state": "reopen"},
        name="settings-offer-reopen",
    ),
    path("settings/points/", add_point, name="settings-point-add"),
    path("settings/points/<int:pk>/remove/", remove_point, name="settings-point-remove"),
    path("settings/preferences/", save_prefs, name="settings-prefs"),
    path("settings/feed/new/", new_feed, name="settings-feed-new"),
    path("settings/feed/revoke/", revoke_feed, name="settings-feed-revoke"),
    path("settings/export/<str:fmt>/", export, name="settings-export"),
    path("settings/backup/", backup, name="settings-backup"),
    path("settings/restore/", restore, name="settings-restore"),
]
