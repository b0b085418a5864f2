"""The Reach screen: chains toward a target, the asks to make, introductions in motion.

The same functions as `entregent reach`, `entregent intro …` and `entregent loops`: one network
view per request, passed down to everything that scores.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from entregent.engine.snapshot import RUNGS
from entregent.engine.text import fold
from entregent.network import queries, reaching
from entregent.network import reach as reach_reads
from entregent.network.errors import Ambiguous, InvalidInput, NotFound
from entregent.network.explain import ASK_PHRASES, NetworkView, network_view, percent
from entregent.network.models import Goal, Intro, Organization, Person, Rung, Task
from entregent.web.params import is_number, safe_next

DEFAULT_CHAINS = 3
MAX_CHAINS = 10
SUGGESTIONS = 8
MAX_TEXT = 200
CLOSED = (Intro.State.THANKED, Intro.State.DECLINED)

# What each lifecycle step's button says, and what it implies (the CLI's help, reused).
STEP_LABELS = {
    "asked": gettext_lazy("I asked them"),
    "made": gettext_lazy("They made the introduction"),
    "met": gettext_lazy("I met them"),
    "outcome": gettext_lazy("Record how it went"),
    "thanked": gettext_lazy("I thanked them"),
    "declined": gettext_lazy("They declined"),
}
STEP_HINTS = {
    "asked": gettext_lazy("Say what you asked for: the lighter the ask, the easier the yes."),
    "made": gettext_lazy("The intermediary made the introduction: thank them within two days."),
    "met": gettext_lazy("You met the target: tell the intermediary how it went within a week."),
    "outcome": gettext_lazy("Record how it went, and that you told the intermediary."),
    "thanked": gettext_lazy("You thanked the intermediary: the gratitude loop closes."),
    "declined": gettext_lazy("The intermediary declined; nothing more is due."),
}


def _bearable(view: NetworkView, person_id: int) -> int | None:
    """The highest rung this relationship bears now, or None when it is not measured."""
    try:
        return int(view.measures.asks.rung[view.measures.index(person_id)])
    except KeyError:
        return None


def _decorate(intro: Intro, view: NetworkView) -> Intro:
    """Attach the next steps (the first one prominent, declining beside it while it is
    likely, the rest folded away) and, for the ask, what the intermediary can bear."""
    steps = [
        {"step": s, "label": STEP_LABELS[s], "hint": STEP_HINTS[s]}
        for s in reaching.next_steps(intro)
    ]
    forward = [s for s in steps if s["step"] != "declined"]
    declined = [s for s in steps if s["step"] == "declined"]
    early = intro.status in (Intro.State.PLANNED, Intro.State.ASKED)
    intro.next_step = forward[0] if forward else None
    # Declining is likely before the introduction is made; afterwards it is a rare correction.
    intro.decline_step = declined[0] if declined and early else None
    intro.other_steps = forward[1:] + ([] if early else declined)
    bearable = _bearable(view, intro.intermediary_id)
    intro.bearable_label = ASK_PHRASES[bearable] if bearable is not None else ""
    intro.ask_default = (
        RUNGS[reach_reads.reach_ask(bearable)] if bearable is not None else Rung.ADVICE
    )
    return intro


def _intros(owner: Any, view: NetworkView, pk: int | None = None) -> list[Intro]:
    """The introductions in motion (or the one asked for), newest first, with their open
    tasks: two queries whatever their number."""
    rows = Intro.objects.filter(owner=owner).select_related("intermediary", "target")
    rows = rows.filter(pk=pk) if pk is not None else rows.exclude(status__in=CLOSED)
    rows = rows.prefetch_related(
        Prefetch(
            "tasks",
            queryset=Task.objects.filter(done_at=None).order_by("due", "pk"),
            to_attr="open_tasks",
        )
    ).order_by("-created_at", "-pk")
    return [_decorate(intro, view) for intro in rows]


def _loops(owner: Any) -> list[Task]:
    """Open gratitude loops, as `entregent loops` lists them: thank-yous and reports due."""
    return list(
        Task.objects.filter(
            owner=owner, done_at=None, kind__in=(Task.Kind.THANK, Task.Kind.REPORT_OUTCOME)
        )
        .select_related("person")
        .order_by("due", "pk")
    )


def _lists(request: HttpRequest, view: NetworkView, next_url: str) -> dict[str, Any]:
    """What the lower half of the page shows: introductions in motion and open loops."""
    return {
        "intros": _intros(request.user, view),
        "loops": _loops(request.user),
        "rungs": Rung.choices,
        "today": timezone.localdate(),
        "next_url": next_url,
    }


def _chains(found: reach_reads.Reach, intros: list[Intro]) -> list[dict[str, Any]]:
    """Each chain ready to show: its path hop by hop, its chance, the ask's rung in words,
    and the introduction already in motion through the same person, if any."""
    moving = {(i.intermediary_id, i.target_id): i for i in intros}
    rungs = dict(Rung.choices)
    return [
        {
            "n": n,
            "step": step,
            "path": list(zip(step.people, (percent(h) for h in step.hops), strict=True)),
            "percent": percent(step.chance),
            "width": round(100 * step.chance),
            "direct": len(step.people) == 1,
            "rung_label": rungs.get(step.ask, ""),
            "intro": moving.get((step.first.pk, step.people[-1].pk)),
        }
        for n, step in enumerate(found.chains, 1)
    ]


def _without_prefix(text: str) -> tuple[str, bool]:
    """The text without "someone at …" (in either language), and whether it had one."""
    folded = fold(text)
    for prefix in reach_reads.ORG_PREFIXES:
        if folded.startswith(fold(prefix)):
            return text[len(prefix) :].strip(), True
    return text, False


def _org_candidates(owner: Any, text: str) -> list[str]:
    """Organisations whose name holds the text, as targets to pick when it named several."""
    name, _prefixed = _without_prefix(text)
    key = fold(name)
    if not key:
        return []
    orgs = Organization.objects.filter(owner=owner, name_key__contains=key).order_by("name")
    names = list(orgs.values_list("name", flat=True)[:MAX_CHAINS])
    return [_("someone at %(org)s") % {"org": n} for n in names] if len(names) > 1 else []


def _limit(raw: str | None) -> int:
    return min(max(int(raw), 1), MAX_CHAINS) if raw and is_number(raw) else DEFAULT_CHAINS


@login_required
def reach(request: HttpRequest) -> HttpResponse:
    """Choose a target; see the best chains with their chance, the give-first, the right ask
    and a draft to copy; start an introduction; move the ones in motion along."""
    now = timezone.now()
    view = network_view(request.user, now)
    text = request.GET.get("target", "").strip()[:MAX_TEXT]
    limit = _limit(request.GET.get("limit"))
    context = _lists(request, view, request.get_full_path())
    context.update({"target": text, "limit": limit, "more": min(limit + 3, MAX_CHAINS)})
    if text:
        try:
            found = reach_reads.reach(request.user, text, now, k=limit, view=view)
        except Ambiguous as exc:
            context.update(error=str(exc), candidates=exc.candidates)
        except NotFound as exc:
            context.update(
                error=str(exc),
                organizations=_org_candidates(request.user, text),
                suggestions=queries.suggest_names(request.user, _without_prefix(text)[0]),
            )
        except InvalidInput as exc:
            context.update(error=str(exc))
        else:
            context.update(
                found=found,
                chains=_chains(found, context["intros"]),
                is_me=any(t.is_me for t in found.targets),
            )
    else:
        context["goals"] = (
            Goal.objects.filter(owner=request.user, status=Goal.State.ACTIVE)
            .select_related("target_person", "target_organization")
            .order_by("-created_at", "-pk")[:10]
        )
    return render(request, "web/reach.html", context)


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The datalist for the target field: the user's people and organisations whose name
    holds what was typed (case and accents aside), names that start with it first."""
    text, prefixed = _without_prefix(request.GET.get("target", "").strip()[:MAX_TEXT])
    key = fold(text)
    names: list[str] = []
    if key:
        starts_first = Case(
            When(name_key__startswith=key, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        if not prefixed:
            names += (
                Person.objects.filter(owner=request.user, is_me=False, name_key__contains=key)
                .annotate(rank=starts_first)
                .order_by("rank", "full_name")
                .values_list("full_name", flat=True)[:SUGGESTIONS]
            )
        orgs = (
            Organization.objects.filter(owner=request.user, name_key__contains=key)
            .annotate(rank=starts_first)
            .order_by("rank", "name")
            .values_list("name", flat=True)[: SUGGESTIONS // 2 if names else SUGGESTIONS]
        )
        names += [_("someone at %(org)s") % {"org": name} for name in orgs]
    return render(request, "web/_reach_suggest.html", {"names": list(dict.fromkeys(names))})


def _owned_person(request: HttpRequest, field: str) -> Person:
    raw = request.POST.get(field, "")
    if not is_number(raw):
        raise Http404
    return get_object_or_404(Person, owner=request.user, pk=int(raw))


@login_required
@require_POST
def intro_start(request: HttpRequest) -> HttpResponse:
    """Plan reaching a chain's target through its first intermediary (and set the goal)."""
    target, via = _owned_person(request, "target"), _owned_person(request, "via")
    next_url = safe_next(request) or reverse("reach")
    try:
        intro = reaching.start_intro(request.user, target, via, why=request.POST.get("why", ""))
    except InvalidInput as exc:
        if request.htmx:
            return render(request, "web/_reach_started.html", {"error": str(exc)})
        messages.error(request, str(exc))
        return redirect(next_url)
    said = _("Introduction planned: you → %(via)s → %(target)s. Ask them when you are ready.") % {
        "via": via.full_name,
        "target": target.full_name,
    }
    if request.htmx:
        view = network_view(request.user, timezone.now())
        context = _lists(request, view, next_url)
        context.update(said=said, intro=intro)
        return render(request, "web/_reach_started.html", context)
    messages.success(request, said)
    return redirect(f"{next_url}#intro-{intro.pk}")


@login_required
@require_POST
def intro_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one introduction a step on, with the favour and the gratitude task the step
    implies; a refused step (backwards, closed, no outcome text) is said, nothing changes."""
    intro = get_object_or_404(
        Intro.objects.select_related("intermediary", "target", "requester"),
        owner=request.user,
        pk=pk,
    )
    step = request.POST.get("step", "")
    rung = request.POST.get("rung", Rung.ADVICE)
    now = timezone.now()
    next_url = safe_next(request) or reverse("reach")
    before = set(intro.tasks.filter(done_at=None).values_list("pk", flat=True))
    said = warning = error = ""
    try:
        intro = reaching.advance_intro(
            intro, step, text=request.POST.get("text", "")[:2000], rung=rung, when=now
        )
    except InvalidInput as exc:
        error = str(exc)
    view = network_view(request.user, now)
    if not error:
        said = _("Introduction #%(id)d: %(status)s.") % {
            "id": intro.pk,
            "status": intro.get_status_display(),
        }
        if step == "asked":
            warning = reach_reads.over_ask(view, intro, rung)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, said)
            if warning:
                messages.warning(request, warning)
        return redirect(f"{next_url}#intro-{intro.pk}")
    shown = _intros(request.user, view, pk=intro.pk)[0]
    context = _lists(request, view, next_url)
    context.update(
        intro=shown,
        intro_said=said,
        intro_warning=warning,
        intro_error=error,
        new_tasks={t.pk for t in shown.open_tasks if t.pk not in before},
    )
    return render(request, "web/_reach_advanced.html", context)


urlpatterns: list[URLPattern] = [
    path("reach/", reach, name="reach"),
    path("reach/suggest/", suggest, name="reach-suggest"),
    path("reach/intros/start/", intro_start, name="reach-intro-start"),
    path("reach/intros/<int:pk>/advance/", intro_advance, name="reach-intro-advance"),
]
