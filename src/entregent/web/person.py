"""The Person screen: one contact's card, every measure explained, what to give and to tell them,
their needs and offers edited in place, who they know, a timeline and a quick log.

The measures come from the stored network arrays (`network_view`), the card from
`queries.person_card`, every write from the services: the page runs the same number of queries
whatever the person's history, and never loads the sentence model (the "what I can give them"
section, which may, is fetched on its own after the page).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entregent.engine.snapshot import SECONDS_PER_DAY, to_days
from entregent.engine.strength import declared_floor, strength_history
from entregent.network import opportunities, queries, services
from entregent.network.errors import Ambiguous, EntregentError, InvalidInput
from entregent.network.explain import (
    ASK_PHRASES,
    MEASURE_TITLES,
    NetworkView,
    circle_label,
    duration,
    network_view,
    percent,
)
from entregent.network.models import (
    Exchange,
    Interaction,
    Intro,
    Link,
    Need,
    Offer,
    Person,
    Status,
    Task,
)
from entregent.network.moves import TELL_THRESHOLD
from entregent.web.params import is_number

TIMELINE_PAGE = 20  # entries per page of the timeline
KNOWS_SHOWN = 24  # people shown under "who they know", of each kind (declared, observed)
SPARK_MONTHS = 24
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 240.0, 48.0, 4.0
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")  # never SVG: it runs script

# The two lists edited in place: the model, and the services that add, reword and close.
ITEMS = {
    "needs": (Need, services.add_need, services.update_need_text, services.close_need),
    "offers": (Offer, services.add_offer, services.update_offer_text, services.close_offer),
}


def _person(request: HttpRequest, pk: int) -> Person:
    """The user's own person `pk`, with their organisation; 404 for anyone else's."""
    return get_object_or_404(
        Person.objects.select_related("organization").defer("photo"), owner=request.user, pk=pk
    )


def _back(person: Person, anchor: str = "") -> HttpResponse:
    """Redirect to the person page, at a section."""
    return redirect(reverse("person", args=[person.pk]) + (f"#{anchor}" if anchor else ""))


# Measures and the sparkline ------------------------------------------------------------------


def month_ends(now: dt.datetime, count: int = SPARK_MONTHS) -> list[dt.datetime]:
    """The ends of the last `count` whole months before `now`, oldest first, in local time
    (each the first instant of the next month: the end of last month is this month's start)."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    out = []
    for _k in range(count):
        out.append(dt.datetime(year, month, 1, tzinfo=local.tzinfo))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def sparkline(view: NetworkView, i: int, now: dt.datetime) -> dict[str, Any]:
    """Strength from contacts at each of the last 24 month ends, as the points of an inline SVG
    polyline, with the declared closeness floor (when there is one) as a dashed level.

    Only this relationship's events are read (`strength_history`), with the view's half-life,
    so the picture agrees with the strength shown beside it and costs a few milliseconds.
    """
    ends = month_ends(now)
    half_life = view.measures.half_life.half_life
    observed, _effective = strength_history(
        view.snapshot, i, np.array([to_days(e) for e in ends]), half_life
    )
    floor = float(declared_floor(view.snapshot.closeness[i : i + 1], half_life)[0])
    top = max(float(observed.max()), floor) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(observed) - 1)
    usable = SPARK_HEIGHT - 2 * SPARK_PAD

    def y(value: float) -> float:
        return SPARK_PAD + usable * (1.0 - value / top)

    xy = [(SPARK_PAD + k * step, y(float(v))) for k, v in enumerate(observed)]
    # A month end is the first instant of the next month: name the month that ended.
    first, last = ends[0] - dt.timedelta(days=1), ends[-1] - dt.timedelta(days=1)
    return {
        "points": " ".join(f"{x:.1f},{v:.1f}" for x, v in xy),
        "count": len(xy),
        "last_x": f"{xy[-1][0]:.1f}",
        "last_y": f"{xy[-1][1]:.1f}",
        "floor_y": f"{y(floor):.1f}" if floor else "",
        "base_y": f"{y(0.0):.1f}",
        "width": int(SPARK_WIDTH),
        "height": int(SPARK_HEIGHT),
        "first_month": date_format(first, "YEAR_MONTH_FORMAT"),
        "last_month": date_format(last, "YEAR_MONTH_FORMAT"),
        "first_value": round(float(observed[0]), 1),
        "last_value": round(float(observed[-1]), 1),
        "peak": round(float(observed.max()), 1),
        "floor": round(floor, 1),
    }


def _measures(view: NetworkView, i: int, pid: int) -> list[dict[str, Any]]:
    """Each measure: its title, a headline value and the plain-language sentences behind it."""
    m = view.measures
    init, led = m.initiative, m.ledger
    total = max(int(init.by_me[i] + init.by_them[i] + init.mutual[i]), 1)
    headline = {
        "strength": number_format(float(m.strength[i]), 1),  # "18,3" in French
        "circle": circle_label(int(m.circle[i])),
        "drift": _("drifting") if m.drifting[i] else _("steady"),
        "reciprocity": _("you %(me)d · them %(them)d · together %(mutual)d")
        % {"me": init.by_me[i], "them": init.by_them[i], "mutual": init.mutual[i]},
        "ledger": _("given %(given)d · received %(received)d")
        % {"given": led.given[i], "received": led.received[i]},
        "recognition": _("level %(n)d of 3") % {"n": int(m.recognition.level[i])},
        "ask": str(ASK_PHRASES[int(m.asks.rung[i])]),
    }
    out = []
    for key, sentences in view.explain(pid).items():
        item: dict[str, Any] = {
            "key": key,
            "title": MEASURE_TITLES[key],
            "value": headline[key],
            "sentences": sentences,
            "alert": (key == "drift" and bool(m.drifting[i]))
            or (key == "reciprocity" and bool(init.imbalanced[i])),
        }
        if key == "reciprocity":  # the initiative balance as three shares of one bar
            item["bar"] = [
                ("me", _("you"), round(100 * int(init.by_me[i]) / total)),
                ("them", _("them"), round(100 * int(init.by_them[i]) / total)),
                ("mutual", _("together"), round(100 * int(init.mutual[i]) / total)),
            ]
        out.append(item)
    return out


# Timeline ------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the timeline: an interaction, a favour or an introduction."""

    when: dt.datetime
    kind: str  # "interaction", "favour" or "intro"
    item: Interaction | Exchange | Intro


_RANK = {"interaction": 2, "favour": 1, "intro": 0}


def _offsets(request: HttpRequest) -> tuple[int, int, int]:
    """Where the timeline page starts in each of its three sources (?i=, ?f=, ?n=)."""
    values = []
    for key in ("i", "f", "n"):
        raw = request.GET.get(key, "0")
        values.append(int(raw) if is_number(raw) else 0)
    return values[0], values[1], values[2]


def _interactions(
    person: Person, start: int, count: int, times: np.ndarray | None, total: int
) -> QuerySet[Interaction]:
    """The person's interactions, newest first, rows start to start + count.

    Read through their memberships, a database sorts every one of them before it can take the
    newest: 14,000 for a very busy tie. When the network arrays say that scanning the latest
    interactions of everyone is cheaper (fewer rows back to the count-th newest of theirs,
    `times` being their interaction times in days, sorted), the query is bounded by that
    moment instead and walks the time index.
    """
    rows = person.interactions.all()
    need = start + count
    if times is not None and len(times) >= need and need * total / len(times) < len(times):
        since = dt.datetime.fromtimestamp(float(times[-need]) * SECONDS_PER_DAY - 1.0, tz=dt.UTC)
        member = Interaction.participants.through.objects.filter(
            interaction_id=OuterRef("pk"), person_id=person.pk
        )
        rows = Interaction.objects.filter(occurred_at__gte=since).filter(Exists(member))
    return rows.prefetch_related("participants").order_by("-occurred_at", "-pk")[start:need]


def timeline(
    person: Person,
    offsets: tuple[int, int, int] = (0, 0, 0),
    size: int = TIMELINE_PAGE,
    view: NetworkView | None = None,
    card: queries.PersonCard | None = None,
) -> tuple[list[Entry], tuple[int, int, int] | None]:
    """One page of interactions, favours and introductions, newest first, and where the next
    page starts (None when this is the last).

    Four queries at most whatever the history: each source gives at most size + 1 rows from
    its own offset, the merge keeps the newest `size`, and each source's offset moves by what
    it gave. The favours and introductions of a person card (`card`) are used as they are; with
    the network arrays (`view`), the interactions query is bounded in time when that is
    cheaper (see `_interactions`).
    """
    start_i, start_f, start_n = offsets
    times, total = None, 0
    if view is not None:
        try:
            k = view.measures.index(person.pk)
        except KeyError:
            pass
        else:
            snap = view.snapshot
            times, total = np.sort(snap.ev_time[snap.ev_rel == k]), len(snap.ev_rel)
    interactions = _interactions(person, start_i, size + 1, times, total)
    favours: list[Exchange] | QuerySet[Exchange]
    intros: list[Intro] | QuerySet[Intro]
    if card is not None:  # the same order as the queries below
        favours = sorted(card.favours, key=lambda f: (f.occurred_at, f.pk), reverse=True)
        intros = sorted(card.intros, key=lambda n: (n.made_at or n.created_at, n.pk), reverse=True)
        favours = favours[start_f : start_f + size + 1]
        intros = intros[start_n : start_n + size + 1]
    else:
        # No owner filter: one would make the database scan every favour of the owner; rows
        # that name this person are the owner's (the services refuse to mix owners).
        favours = (
            Exchange.objects.filter(Q(giver=person) | Q(receiver=person))
            .select_related("giver", "receiver")
            .order_by("-occurred_at", "-pk")[start_f : start_f + size + 1]
        )
        intros = (
            Intro.objects.filter(Q(intermediary=person) | Q(target=person) | Q(requester=person))
            .select_related("requester", "intermediary", "target")
            .annotate(when=Coalesce("made_at", "created_at"))
            .order_by("-when", "-pk")[start_n : start_n + size + 1]
        )
    entries = (
        [Entry(x.occurred_at, "interaction", x) for x in interactions]
        + [Entry(f.occurred_at, "favour", f) for f in favours]
        + [Entry(n.made_at or n.created_at, "intro", n) for n in intros]
    )
    entries.sort(key=lambda e: (e.when, _RANK[e.kind], e.item.pk), reverse=True)
    page = entries[:size]
    if len(entries) <= size:
        return page, None
    used = Counter(e.kind for e in page)
    return page, (
        start_i + used["interaction"],
        start_f + used["favour"],
        start_n + used["intro"],
    )


def _timeline_context(
    person: Person,
    offsets: tuple[int, int, int],
    view: NetworkView | None = None,
    card: queries.PersonCard | None = None,
) -> dict[str, Any]:
    entries, following = timeline(person, offsets, view=view, card=card)
    return {
        "person": person,
        "entries": entries,
        "more": "i={}&f={}&n={}".format(*following) if following else "",
        "paged": offsets != (0, 0, 0),
    }


# Who they know, what to tell them ------------------------------------------------------------


def _knows(
    request: HttpRequest, view: NetworkView, person: Person, links: list[tuple[Person, Link]]
) -> dict[str, Any]:
    """Declared links, then people met together in meetings (strongest first), each capped."""
    declared = {other.pk for other, _link in links}
    rows = view.observed
    rows = rows[(rows[:, 0] == person.pk) | (rows[:, 1] == person.pk)]
    others = np.where(rows[:, 0] == person.pk, rows[:, 1], rows[:, 0])
    order = np.lexsort((others, -rows[:, 2]))
    seen = [(int(others[k]), int(rows[k, 2])) for k in order if int(others[k]) not in declared]
    shown = seen[:KNOWS_SHOWN]
    names = Person.objects.filter(owner=request.user, pk__in=[pid for pid, _s in shown]).only(
        "pk", "full_name"
    )
    by_pk = {p.pk: p for p in names}
    return {
        "declared": links[:KNOWS_SHOWN],
        "declared_more": max(len(links) - KNOWS_SHOWN, 0),
        "observed": [(by_pk[pid], s) for pid, s in shown if pid in by_pk],
        "observed_more": max(len(seen) - KNOWS_SHOWN, 0),
    }


def _to_tell(
    request: HttpRequest, needs: list[Need], not_told: list[Offer]
) -> list[dict[str, Any]]:
    """My offers they have not heard of, the most relevant to their needs (open or past) first,
    scored from stored vectors only (the sentence model is never loaded here)."""
    if not not_told:
        return []
    method, scores = opportunities.stored_scores(request.user, needs, not_told)
    out = []
    for j, offer in enumerate(not_told):
        best = int(np.argmax(scores[:, j])) if needs else -1
        match = float(scores[best, j]) if best >= 0 else 0.0
        fits = needs[best] if best >= 0 and match >= TELL_THRESHOLD[method] else None
        out.append({"offer": offer, "need": fits, "match": percent(match), "score": match})
    out.sort(key=lambda t: (-t["score"] if t["need"] else 1.0, t["offer"].pk))
    return out


# Pages ---------------------------------------------------------------------------------------


def _items_context(
    person: Person,
    kind: str,
    editing: int | None = None,
    items: list[Need] | list[Offer] | None = None,
) -> dict[str, Any]:
    """A needs or offers list, open first, for the section and its htmx partial (`items`:
    the person card's, already read)."""
    if items is None:
        model = ITEMS[kind][0]
        items = list(model.objects.filter(person=person).order_by("status", "-created_at"))
    return {
        "person": person,
        "kind": kind,
        "open_items": [x for x in items if x.status == Status.OPEN],
        "closed_items": [x for x in items if x.status != Status.OPEN],
        "editing": editing,
    }


def _editing(request: HttpRequest, kind: str) -> int | None:
    """The item shown as a form without JavaScript: ?edit=needs-12."""
    which, _sep, pk = request.GET.get("edit", "").rpartition("-")
    return int(pk) if which == kind and is_number(pk) else None


def _href(kind: str, value: str) -> str:
    """Where a contact point leads: mail, phone, or a web page (http and https only)."""
    if kind == "email":
        return f"mailto:{value}"
    if kind == "phone":
        return f"tel:{value}"
    if kind == "url" and value.lower().startswith(("http://", "https://")):
        return value
    return ""


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one person: card, measures explained with a 24-month strength line,
    needs and offers, who they know, what to tell them, the timeline and a quick log."""
    who = _person(request, pk)
    now = timezone.now()
    card = queries.person_card(who, recent=0)
    for cp in card.contact_points:
        cp.href = _href(cp.kind, cp.value)
    context: dict[str, Any] = {
        "person": who,
        "card": card,
        "needs": _items_context(who, "needs", _editing(request, "needs"), card.needs),
        "offers": _items_context(who, "offers", _editing(request, "offers"), card.offers),
        "today": timezone.localdate(now).isoformat(),
        "kinds": Interaction.Kind.choices,
        "directions": Interaction.Direction.choices,
        "link_kinds": Link.Kind.choices,
    }
    if not who.is_me:
        view = network_view(request.user, now)
        try:
            i = view.measures.index(who.pk)
        except KeyError:  # not in the arrays: never expected, shown without measures
            i = None
        if i is not None:
            m = view.measures
            context["measures"] = _measures(view, i, who.pk)
            context["spark"] = sparkline(view, i, now)
            context["silence"] = (
                duration(float(m.silence[i])) if np.isfinite(m.silence[i]) else None
            )
        context["knows"] = _knows(request, view, who, card.links)
        context["to_tell"] = _to_tell(request, card.needs, card.my_offers_not_told)
        context["last_told"] = max(card.offers_told, key=lambda t: t.told_at, default=None)
        context.update(_timeline_context(who, _offsets(request), view, card))
    return render(request, "web/person.html", context)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's photo, if it is an image type a browser shows safely."""
    row = get_object_or_404(Person.objects.only("photo", "photo_type"), owner=request.user, pk=pk)
    if not row.photo or row.photo_type not in PHOTO_TYPES:
        raise Http404
    response = HttpResponse(bytes(row.photo), content_type=row.photo_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def more_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The next page of the timeline: its entries for htmx, else the person page at that page."""
    who = _person(request, pk)
    if not request.htmx:
        return redirect(f"{reverse('person', args=[who.pk])}?{request.GET.urlencode()}#timeline")
    return render(request, "web/_person_timeline.html", _timeline_context(who, _offsets(request)))


@login_required
@require_GET
def give(request: HttpRequest, pk: int) -> HttpResponse:
    """What I can give them: opportunities for their open needs (my offers, or an introduction
    to someone who can help). Fetched after the page, as it may load the sentence model."""
    who = _person(request, pk)
    if who.is_me:
        raise Http404
    found = opportunities.find(request.user, timezone.now(), person=who, limit=10)
    context = {"person": who, "found": found}
    if request.htmx:
        response = render(request, "web/_person_give.html", context)
        patch_vary_headers(response, ["HX-Request"])  # the same address serves the full page
        return response
    return render(request, "web/person_give.html", context)


# Writes --------------------------------------------------------------------------------------


def _failed(request: HttpRequest, exc: EntregentError) -> None:
    """Show a refusal from the services as a message (never a server error)."""
    text = str(exc)
    if isinstance(exc, Ambiguous) and exc.candidates:
        text += " " + ", ".join(f"{p.full_name} (#{p.pk})" for p in exc.candidates)
    messages.error(request, text)


def _parse_day(raw: str, today: dt.date) -> dt.date:
    """A date typed in the quick log (YYYY-MM-DD), not in the future."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(_("Give the date as YYYY-MM-DD.")) from None
    if day > today:
        raise InvalidInput(_("The date cannot be in the future."))
    return day


@login_required
@require_POST
def log(request: HttpRequest, pk: int) -> HttpResponse:
    """Quick log: an interaction with this person, of a kind, on a day, and who initiated."""
    who = _person(request, pk)
    now = timezone.now()
    post = request.POST
    today = timezone.localdate(now)
    try:
        day = _parse_day(post.get("day", "") or today.isoformat(), today)
        services.log_interaction(
            request.user,
            [who],
            kind=post.get("kind", ""),
            direction=post.get("direction", ""),
            # Today means now: noon may still be ahead, and the measures ignore the future.
            occurred_at=now if day == today else day,
            summary=post.get("note", ""),
        )
    except EntregentError as exc:
        _failed(request, exc)
    else:
        messages.success(request, _("Logged."))
    return _back(who)  # the top: the message shows, and the measures it changed


def _item(kind: str, person: Person, item_pk: int) -> Need | Offer:
    if kind not in ITEMS:
        raise Http404
    return get_object_or_404(ITEMS[kind][0], owner_id=person.owner_id, person=person, pk=item_pk)


def _items_reply(
    request: HttpRequest, person: Person, kind: str, error: str = "", editing: int | None = None
) -> HttpResponse:
    """htmx gets the list back (with the error inline); a plain form, a redirect."""
    if request.htmx:
        context = _items_context(person, kind, editing)
        context["error"] = error
        return render(request, "web/_person_items.html", context)
    if error:
        messages.error(request, error)
    return _back(person, kind)


@login_required
@require_GET
def items(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A needs or offers list as it stands (htmx: cancel an edit), else the page."""
    who = _person(request, pk)
    if kind not in ITEMS:
        raise Http404
    return _items_reply(request, who, kind)


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add a need or an offer to this person."""
    who = _person(request, pk)
    if kind not in ITEMS:
        raise Http404
    try:
        ITEMS[kind][1](who, request.POST.get("text", ""))
    except EntregentError as exc:
        return _items_reply(request, who, kind, str(exc))
    return _items_reply(request, who, kind)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """GET: the item as a form (htmx in place, else the page with ?edit=). POST: reword it."""
    who = _person(request, pk)
    item = _item(kind, who, item_pk)
    if request.method == "GET":
        if request.htmx:
            return _items_reply(request, who, kind, editing=item.pk)
        url = reverse("person", args=[who.pk])
        return redirect(f"{url}?edit={kind}-{item.pk}#{kind}-{item.pk}")
    try:
        ITEMS[kind][2](item, request.POST.get("text", ""))
    except EntregentError as exc:
        return _items_reply(request, who, kind, str(exc), editing=item.pk)
    return _items_reply(request, who, kind)


@login_required
@require_POST
def item_close(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """Close a need (met or dropped), withdraw an offer, or reopen either."""
    who = _person(request, pk)
    item = _item(kind, who, item_pk)
    status = request.POST.get("status", "")
    if status not in (Status.MET, Status.WITHDRAWN, Status.OPEN):
        return _items_reply(request, who, kind, _("Choose met, dropped or reopen."))
    ITEMS[kind][3](item, status)
    return _items_reply(request, who, kind)


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare that this person knows someone else (found by name, email or #id)."""
    who = _person(request, pk)
    post = request.POST
    try:
        other = queries.find_person(request.user, post.get("other", ""))
        strength = post.get("strength", "3")
        services.link_people(
            request.user,
            who,
            other,
            kind=post.get("kind", Link.Kind.KNOWS),
            context=post.get("context", ""),
            strength=int(strength) if is_number(strength) else 0,
        )
    except EntregentError as exc:
        _failed(request, exc)
    else:
        messages.success(
            request,
            _("Noted: %(a)s knows %(b)s.") % {"a": who.full_name, "b": other.full_name},
        )
    return _back(who, "knows")


@login_required
@require_POST
def tell(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that they now know one of my offers."""
    who = _person(request, pk)
    raw = request.POST.get("offer", "")
    offer = get_object_or_404(
        Offer, owner=request.user, person__is_me=True, pk=int(raw) if is_number(raw) else 0
    )
    try:
        services.tell_offer(who, offer, channel="web")
    except EntregentError as exc:
        _failed(request, exc)
    else:
        messages.success(request, _("Noted: they know “%(offer)s”.") % {"offer": offer.text})
    return _back(who, "tell")


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """Mark one of this person's open tasks done (a thank-you also closes its loop)."""
    who = _person(request, pk)
    task = get_object_or_404(Task, owner=request.user, person=who, pk=task_pk, done_at=None)
    services.complete_task(task)
    messages.success(request, _("Done: %(task)s.") % {"task": task.title})
    return _back(who, "tell")


@login_required
@require_POST
def let_go(request: HttpRequest, pk: int) -> HttpResponse:
    """Let the relationship go on purpose, or keep it again."""
    who = _person(request, pk)
    try:
        if request.POST.get("action") == "keep":
            services.keep_person(who)
            messages.success(
                request, _("Kept: %(name)s counts in your circles again.") % {"name": who.full_name}
            )
        else:
            services.release_person(who)
            messages.success(
                request,
                _("Let go: %(name)s no longer counts in your load.") % {"name": who.full_name},
            )
    except EntregentError as exc:
        _failed(request, exc)
    return _back(who)


@login_required
@require_POST
def give_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that I acted on one of their opportunities (gave my offer, or introduced them),
    or, with action=dismiss, that it is not a match."""
    who = _person(request, pk)
    key = request.POST.get("key", "")
    need_id = key[1:].split("-", 1)[0] if key else ""
    if (
        not is_number(need_id)
        or not Need.objects.filter(owner=request.user, person=who, pk=int(need_id)).exists()
    ):
        raise Http404
    try:
        if request.POST.get("action") == "dismiss":
            messages.success(request, opportunities.dismiss(request.user, key))
        else:
            messages.success(request, opportunities.act(request.user, key))
    except EntregentError as exc:
        _failed(request, exc)
    return _back(who, "give")


KIND = "<str:kind>"
urlpatterns: list[URLPattern] = [
    path("people/<int:pk>/", person, name="person"),
    path("people/<int:pk>/photo/", photo, name="person-photo"),
    path("people/<int:pk>/timeline/", more_timeline, name="person-timeline"),
    path("people/<int:pk>/give/", give, name="person-give"),
    path("people/<int:pk>/give/act/", give_act, name="person-give-act"),
    path("people/<int:pk>/log/", log, name="person-log"),
    path("people/<int:pk>/link/", link, name="person-link"),
    path("people/<int:pk>/tell/", tell, name="person-tell"),
    path("people/<int:pk>/let-go/", let_go, name="person-let-go"),
    path("people/<int:pk>/tasks/<int:task_pk>/done/", task_done, name="person-task-done"),
    path(f"people/<int:pk>/{KIND}/", items, name="person-items"),
    path(f"people/<int:pk>/{KIND}/add/", item_add, name="person-item-add"),
    path(f"people/<int:pk>/{KIND}/<int:item_pk>/edit/", item_edit, name="person-item-edit"),
    path(f"people/<int:pk>/{KIND}/<int:item_pk>/close/", item_close, name="person-item-close"),
]
