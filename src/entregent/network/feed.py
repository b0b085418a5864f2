"""The calendar feed (RFC 5545): the day's moves and the open tasks, for calendar apps.

The day's moves become events one after another from FEED_START in the morning, each as long
as its minutes; open tasks with a due date become all-day events on that date. UIDs are stable
(a move's key and day, a task's id), so a calendar app that polls the feed updates its events
instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.network import moves
from entregent.network.models import Preferences, Task

FEED_START = dt.time(9, 0)  # local time of the first move of the day
PRODID = "-//entregent//day's moves//EN"


def _text(move: moves.DayMove) -> str:
    lines = [*move.why]
    if move.say:
        lines += ["", _("What to say:"), move.say]
    lines += ["", _("When done: entregent move done %(key)s") % {"key": move.key}]
    return "\n".join(lines)


def calendar(owner: AbstractBaseUser, now: dt.datetime) -> bytes:
    """The feed as iCalendar bytes: today's moves, then every open task with a due date."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("entregent: the day's moves"))
    local = timezone.localtime(now)
    day = local.date()
    start = dt.datetime.combine(day, FEED_START, tzinfo=local.tzinfo)
    stamp = now.astimezone(dt.UTC)
    for move in moves.today(owner, now).moves:
        event = icalendar.Event()
        event.add("uid", f"move-{move.key}-{day.isoformat()}@entregent")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=move.minutes))
        event.add("summary", moves.with_minutes(move))
        event.add("description", _text(move))
        event.add("categories", [str(moves.KIND_LABELS[move.kind])])
        cal.add_component(event)
        start += dt.timedelta(minutes=move.minutes)
    tasks = Task.objects.filter(owner=owner, done_at=None, due__isnull=False).select_related(
        "person"
    )
    for task in tasks.order_by("due", "pk"):
        event = icalendar.Event()
        event.add("uid", f"task-{task.pk}@entregent")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due)
        event.add("dtend", task.due + dt.timedelta(days=1))
        event.add("summary", task.title)
        event.add(
            "description",
            _("A task of %(kind)s, about %(name)s.")
            % {
                "kind": task.get_kind_display(),
                "name": task.person.full_name if task.person else _("nobody in particular"),
            },
        )
        cal.add_component(event)
    cal.add_missing_timezones()  # RFC 5545: every TZID used needs its VTIMEZONE
    return cal.to_ical()


def feed_url(token: str) -> str:
    """The address a calendar app subscribes to."""
    return f"{settings.ENTREGENT_PUBLIC_URL}/feed/{token}.ics"


def owner_of(token: str) -> AbstractBaseUser | None:
    """The user whose feed this token opens, or None (unknown or revoked)."""
    if not token:
        return None
    prefs = Preferences.objects.filter(feed_token=token).select_related("owner").first()
    return prefs.owner if prefs and prefs.owner.is_active else None
