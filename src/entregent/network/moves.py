"""The day's moves: candidates from every part of the method, chosen to fit the user's minutes.

Each candidate says why now, what to say (a draft in the person's language) and how long it
takes; `engine.moves.select` picks the list. A decision (done, snoozed, dismissed) keeps the
move out of the list for a while, and "done" records what the move implies (docs/method.md,
"The day's moves").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from entregent.engine import matching
from entregent.engine import moves as engine
from entregent.engine.circles import ACTIVE_CIRCLES, CUTS
from entregent.engine.matching import detect_language, strip_intent
from entregent.engine.snapshot import RUNGS
from entregent.network import opportunities, reaching, services
from entregent.network import reach as reach_reads
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.explain import ASK_PHRASES, NetworkView, duration, network_view, percent
from entregent.network.models import (
    Goal,
    Intro,
    Move,
    Need,
    Offer,
    Person,
    Preferences,
    Status,
    Task,
)

User = AbstractBaseUser

# How long a decision keeps the same move out of the list.
SNOOZE_DAYS = 3
DISMISS_DAYS = 180
DONE_DAYS = 30

# Minutes each kind of move takes, as a user would spend them.
MINUTES = {
    "give": 5,
    "broker": 5,
    "thank": 3,
    "report": 5,
    "rescue": 10,
    "tell": 5,
    "answer": 5,
    "ask": 10,
    "follow": 3,
    "warm": 10,
    "let_go": 2,
}
# How much a tie matters, by circle (the 5, 15, 50, 150): inner ties first.
CIRCLE_WEIGHT = (1.0, 0.8, 0.6, 0.4)
INNER = 2  # circle index of the 50: "the inner 50"
FOLLOW_AFTER = dt.timedelta(days=7)  # an ask unanswered this long deserves a gentle nudge
# Match of one of my offers with one of their needs, to tell them: a little below the
# give-first thresholds (a hint of what I do, not a gift).
TELL_THRESHOLD = {
    "semantic": matching.SHOW_AT["semantic"] - 0.03,
    "lexical": matching.SHOW_AT["lexical"] - 0.05,
}
RESCUE_CANDIDATES = 10
LET_GO_CANDIDATES = 3

THANKS_FOR = (
    gettext_lazy("the information"),
    gettext_lazy("your advice"),
    gettext_lazy("the introduction"),
    gettext_lazy("the recommendation"),
    gettext_lazy("the opportunity"),
)
KIND_LABELS = {
    "give": gettext_lazy("give first"),
    "loop": gettext_lazy("close a loop"),
    "rescue": gettext_lazy("rescue a tie"),
    "recognise": gettext_lazy("be recognised"),
    "goal": gettext_lazy("toward a goal"),
    "let_go": gettext_lazy("let go"),
}


@dataclass
class DayMove:
    """One proposed move: what to do, why now, what to say, and how long it takes."""

    key: str
    kind: str  # one of engine.moves.KINDS
    title: str
    minutes: int
    value: float
    person: Person | None = None
    why: list[str] = field(default_factory=list)
    say: str = ""

    @property
    def kind_label(self) -> str:
        """The kind of move in the active language ("give first", "close a loop"…)."""
        return str(KIND_LABELS[self.kind])

    def candidate(self) -> engine.Candidate:
        return engine.Candidate(
            self.key, self.kind, self.person.pk if self.person else None, self.value, self.minutes
        )


@dataclass
class Today:
    """The day's list, the budget it fits, and how many candidates were weighed."""

    moves: list[DayMove]
    budget: int
    considered: int
    notice: str | None = None

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.moves)


def minutes_label(move: DayMove) -> str:
    """ "5 min", in the active language."""
    return _("%(n)d min") % {"n": move.minutes}


def with_minutes(move: DayMove) -> str:
    """The move's title with its minutes: "Call Anne (10 min)"."""
    return _("%(title)s (%(minutes)s)") % {"title": move.title, "minutes": minutes_label(move)}


def daily_minutes(owner: User) -> int:
    """The user's minutes a day: their own setting, else the server's default."""
    own = Preferences.objects.filter(owner=owner).values_list("daily_minutes", flat=True).first()
    return own or settings.ENTREGENT_DAILY_MINUTES


def _first(person: Person) -> str:
    return person.full_name.split(" ")[0]


def _lang(person: Person, text: str = "") -> str:
    return opportunities.language_for(person, text)


def _index(view: NetworkView, person: Person) -> int | None:
    try:
        return view.measures.index(person.pk)
    except KeyError:
        return None


def _weight(view: NetworkView, i: int) -> float:
    circle = int(view.measures.circle[i])
    return CIRCLE_WEIGHT[circle] if circle < ACTIVE_CIRCLES else 0.2


def _in_circle(view: NetworkView, i: int) -> str:
    circle = int(view.measures.circle[i])
    if circle < len(CUTS):
        return _("In your %(size)d circle.") % {"size": CUTS[circle]}
    return _("Outside your circles.")


# Candidates ---------------------------------------------------------------------------------


def _give(ops: opportunities.Opportunities) -> list[DayMove]:
    """Give first: the best opportunities, worth four points at a perfect score."""
    out = []
    for op in ops.give[:5] + ops.broker[:5]:
        if op.kind == "give":
            title = _("Give %(name)s a hand: %(need)s") % {
                "name": op.person.full_name,
                "need": strip_intent(op.need.text),
            }
        else:
            title = _("Introduce %(a)s to %(b)s") % {
                "a": op.person.full_name,
                "b": op.offer.person.full_name,
            }
        fit = _("Their need: “%(need)s”; the offer: “%(offer)s” (match %(match)s).") % {
            "need": op.need.text,
            "offer": op.offer.text,
            "match": percent(op.match),
        }
        why = [fit, *op.reasons]
        out.append(
            DayMove(
                key=f"give:{op.key}",
                kind="give",
                title=title,
                minutes=MINUTES[op.kind],
                value=4.0 * op.score,
                person=op.person,
                why=why,
                say=op.message,
            )
        )
    return out


def _loops(owner: User, today: dt.date, me: Person | None) -> list[DayMove]:
    """Gratitude loops due within two days or overdue: four points, more the later they are."""
    tasks = (
        Task.objects.filter(
            owner=owner,
            done_at=None,
            kind__in=(Task.Kind.THANK, Task.Kind.REPORT_OUTCOME),
            due__lte=today + dt.timedelta(days=2),
            person__isnull=False,
        )
        .select_related("person", "exchange", "intro__target")
        .order_by("due", "pk")[:20]
    )
    out = []
    for task in tasks:
        person = task.person
        late = (today - task.due).days
        why = [
            ngettext(
                "Overdue by %(n)d day: gratitude loses its weight with time.",
                "Overdue by %(n)d days: gratitude loses its weight with time.",
                late,
            )
            % {"n": late}
            if late > 0
            else _("Due %(day)s: a thank-you counts most while the favour is fresh.")
            % {"day": task.due.isoformat()}
        ]
        thank = task.kind == Task.Kind.THANK
        with translation.override(_lang(person)):
            if thank:
                what = (
                    str(THANKS_FOR[RUNGS.index(task.exchange.rung)])
                    if task.exchange
                    else _("your help")
                )
                say = _(
                    "Hello %(first)s, thank you again for %(what)s — it really helped me. "
                    "I will let you know how it turns out. %(me)s"
                ) % {"first": _first(person), "what": what, "me": me.full_name if me else ""}
            else:
                target = task.intro.target.full_name if task.intro else _("them")
                say = _(
                    "Hello %(first)s, a quick word to tell you how it went with %(target)s: "
                    "[how it went]. Thank you again for making it possible. %(me)s"
                ) % {"first": _first(person), "target": target, "me": me.full_name if me else ""}
        if not thank:
            why.append(_("The one who helped you wants to know how it ended."))
        out.append(
            DayMove(
                key=f"loop:{task.pk}",
                kind="loop",
                title=task.title,
                minutes=MINUTES["thank" if thank else "report"],
                value=4.0 + 0.2 * min(max(late, 0), 10),
                person=person,
                why=why,
                say=say,
            )
        )
    return out


def _quotable(text: str) -> bool:
    """True when the text is in the active language, so a draft can quote it."""
    language = (translation.get_language() or "en")[:2]
    return detect_language(text, default=language) == language


def _sentence_case(text: str) -> str:
    """The first letter up, the rest as it is (names keep their capitals)."""
    return text[:1].upper() + text[1:]


def _occasion(person: Person, need: Need | None) -> str:
    """A reason to write that is about them, in the active language (quoting their need only
    when it is written in that language, rather than mix two languages in one message)."""
    if need is not None and _quotable(need.text):
        return _(
            "you mentioned you were looking for this: %(need)s — is it still on your mind?"
        ) % {"need": strip_intent(need.text)}
    if person.organization_id:
        return _("how are things at %(org)s?") % {"org": person.organization.name}
    return _("how have you been?")


def _rescue(view: NetworkView, people: dict[int, Person], needs: dict[int, Need]) -> list[DayMove]:
    """Drifting ties worth keeping, most worth saving first: up to three points, more for an
    inner tie, a two-way one, or someone who has helped."""
    m = view.measures
    out = []
    for i in m.drift_order()[:RESCUE_CANDIDATES]:
        person = people.get(int(m.ids[i]))
        if person is None:
            continue
        value = 1.0 + 2.0 * _weight(view, i)
        why = [
            _("Drifting: last contact %(ago)s ago; contact in the next 90 days: %(p)s.")
            % {"ago": duration(float(m.silence[i])), "p": percent(float(m.p_contact[i]))},
            _in_circle(view, i),
        ]
        if m.two_way[i]:
            value += 0.5
            why.append(_("They have reached out to you before: the tie is two-way."))
        if m.ledger.received[i]:
            value += 0.5
            why.append(_("They have done you %(n)d favours.") % {"n": int(m.ledger.received[i])})
        need = needs.get(person.pk)
        with translation.override(_lang(person, need.text if need else "")):
            say = _("Hello %(first)s, it has been a while — %(occasion)s") % {
                "first": _first(person),
                "occasion": _occasion(person, need),
            }
        out.append(
            DayMove(
                key=f"rescue:{person.pk}",
                kind="rescue",
                title=_("Get back in touch with %(name)s") % {"name": person.full_name},
                minutes=MINUTES["rescue"],
                value=value,
                person=person,
                why=why,
                say=say,
            )
        )
    return out


def _tell(
    owner: User, view: NetworkView, people: dict[int, Person], me: Person | None
) -> list[DayMove]:
    """Be recognised: people of the inner 50 who do not know an offer of mine that fits one of
    their needs (open or past)."""
    m = view.measures
    inner = {int(m.ids[i]) for i in np.flatnonzero(m.circle <= INNER)}
    if not inner or me is None:
        return []
    my_offers = list(Offer.objects.filter(owner=owner, person=me, status=Status.OPEN))
    needs = list(Need.objects.filter(owner=owner, person_id__in=inner).order_by("pk"))
    if not my_offers or not needs:
        return []
    method, scores = opportunities.stored_scores(owner, needs, my_offers)
    snap = view.snapshot
    told = {(int(r), int(o)) for r, o in zip(snap.told_rel, snap.told_offer, strict=True)}
    best: dict[int, tuple[float, Need, Offer]] = {}
    for row, need in zip(scores, needs, strict=True):
        for j in np.argsort(-row, kind="stable"):
            offer = my_offers[int(j)]
            i = m.index(need.person_id)
            if row[j] < TELL_THRESHOLD[method]:
                break
            if (i, offer.pk) in told:
                continue
            if need.person_id not in best or row[j] > best[need.person_id][0]:
                best[need.person_id] = (float(row[j]), need, offer)
            break
    out = []
    for pid, (match, need, offer) in sorted(best.items()):
        person = people.get(pid)
        if person is None:
            continue
        i = m.index(pid)
        with translation.override(_lang(person, need.text)):
            values = {"first": _first(person), "offer": offer.text.rstrip("."), "me": me.full_name}
            if _quotable(need.text) and _quotable(offer.text):
                values["need"] = strip_intent(need.text)
                say = (
                    _(
                        "Hello %(first)s, I thought of you: you were looking for %(need)s. In case "
                        "it is useful, this is something I do — %(offer)s. %(me)s"
                    )
                    % values
                )
            else:
                say = (
                    _(
                        "Hello %(first)s, I thought of you and of what you are looking for: it is "
                        "close to something I do. Shall we talk about it? %(me)s"
                    )
                    % values
                )
        out.append(
            DayMove(
                key=f"tell:{pid}:{offer.pk}",
                kind="recognise",
                title=_("Tell %(name)s what you do: %(offer)s")
                % {"name": person.full_name, "offer": offer.text},
                minutes=MINUTES["tell"],
                value=1.0 + 1.5 * _weight(view, i) + match,
                person=person,
                why=[
                    _("Close to you, yet they do not know this offer of yours."),
                    _in_circle(view, i),
                    _("It fits their need “%(need)s” (match %(match)s).")
                    % {"need": need.text, "match": percent(match)},
                ],
                say=say,
            )
        )
    return out


def _answer(view: NetworkView, people: dict[int, Person], needs: dict[int, Need]) -> list[DayMove]:
    """Answer those who always reach out first, in the active circles."""
    m = view.measures
    init = m.initiative
    mask = init.imbalanced & (init.high < 0.5) & (m.circle < ACTIVE_CIRCLES)
    out = []
    for i in np.flatnonzero(mask):
        person = people.get(int(m.ids[i]))
        if person is None:
            continue
        need = needs.get(person.pk)
        with translation.override(_lang(person, need.text if need else "")):
            say = _(
                "Hello %(first)s, you are often the one who reaches out — this time it is me. "
                "%(occasion)s"
            ) % {"first": _first(person), "occasion": _sentence_case(_occasion(person, need))}
        out.append(
            DayMove(
                key=f"answer:{person.pk}",
                kind="recognise",
                title=_("Take the first step with %(name)s") % {"name": person.full_name},
                minutes=MINUTES["answer"],
                value=1.5 + 1.5 * _weight(view, i),
                person=person,
                why=[
                    _("They made %(them)d of the recent first moves, you %(me)d: your turn.")
                    % {"them": int(init.by_them[i]), "me": int(init.by_me[i])},
                    _in_circle(view, i),
                ],
                say=say,
            )
        )
    return out


def _goal_steps(
    owner: User,
    now: dt.datetime,
    view: NetworkView,
    ops: opportunities.Opportunities,
    me: Person | None,
) -> list[DayMove]:
    """The next step on each active goal: ask the planned introduction, nudge an unanswered
    ask, or warm the best intermediary of a goal with no introduction under way."""
    m = view.measures
    out = []
    intros = list(
        Intro.objects.filter(owner=owner, status__in=("planned", "asked"))
        .select_related("intermediary", "target")
        .order_by("pk")
    )
    busy_goals = {i.goal_id for i in intros} | set(
        Intro.objects.filter(owner=owner)
        .exclude(status__in=("planned", "asked", "declined"))
        .values_list("goal_id", flat=True)
    )
    for intro in intros:
        via, target = intro.intermediary, intro.target
        i = _index(view, via)
        if intro.status == "planned":
            rung = reach_reads.reach_ask(int(m.asks.rung[i])) if i is not None else 0
            with translation.override(_lang(via)):
                question = reach_reads.ask_question(rung, target.full_name)
                say = _(
                    "Hello %(first)s, I hope all is well. If I may ask: %(question)s Only if it "
                    "is easy for you. %(me)s"
                ) % {"first": _first(via), "question": question, "me": me.full_name if me else ""}
            out.append(
                DayMove(
                    key=f"intro:{intro.pk}:ask",
                    kind="goal",
                    title=_("Ask %(via)s about %(target)s")
                    % {"via": via.full_name, "target": target.full_name},
                    minutes=MINUTES["ask"],
                    value=3.5,
                    person=via,
                    why=[
                        _("A planned introduction toward your goal %(target)s.")
                        % {"target": target.full_name},
                        _("Ask for %(ask)s: what they can bear.") % {"ask": ASK_PHRASES[rung]},
                    ],
                    say=say,
                )
            )
        elif intro.asked_at and now - intro.asked_at >= FOLLOW_AFTER:
            with translation.override(_lang(via)):
                say = _(
                    "Hello %(first)s, a gentle follow-up on my question about %(target)s — no "
                    "pressure at all, I know you are busy. %(me)s"
                ) % {
                    "first": _first(via),
                    "target": target.full_name,
                    "me": me.full_name if me else "",
                }
            out.append(
                DayMove(
                    key=f"intro:{intro.pk}:follow",
                    kind="goal",
                    title=_("Follow up with %(via)s about %(target)s")
                    % {"via": via.full_name, "target": target.full_name},
                    minutes=MINUTES["follow"],
                    value=2.5,
                    person=via,
                    why=[
                        _("Asked %(ago)s ago, no answer yet.")
                        % {"ago": duration((now - intro.asked_at).total_seconds() / 86400)}
                    ],
                    say=say,
                )
            )
    goals = Goal.objects.filter(owner=owner, status=Goal.State.ACTIVE).exclude(pk__in=busy_goals)
    graph = None
    for goal in goals.order_by("pk")[:3]:
        graph = graph or reach_reads.build_graph(owner, view)
        try:
            plan = reach_reads.reach(
                owner, f"goal:{goal.pk}", now, k=1, view=view, gifts=ops, graph=graph
            )
        except NotFound:
            continue
        if not plan.chains:
            continue
        step = plan.chains[0]
        via, target = step.first, step.people[-1]
        if len(step.people) == 1:  # someone there already knows the user: write to them
            with translation.override(_lang(target)):
                say = _("Hello %(first)s, it has been a while — %(occasion)s") % {
                    "first": _first(target),
                    "occasion": _occasion(target, None),
                }
            out.append(
                DayMove(
                    key=f"warm:{goal.pk}:{target.pk}:{target.pk}",
                    kind="goal",
                    title=_("Write to %(target)s, your way into %(goal)s")
                    % {"target": target.full_name, "goal": plan.target_label},
                    minutes=MINUTES["answer"],
                    value=2.0 + 2.0 * step.chance,
                    person=target,
                    why=[
                        _(
                            "You already know %(target)s (chance %(chance)s): the shortest way to "
                            "your goal %(goal)s."
                        )
                        % {
                            "target": target.full_name,
                            "chance": percent(step.chance),
                            "goal": plan.target_label,
                        }
                    ],
                    say=say,
                )
            )
            continue
        out.append(
            DayMove(
                key=f"warm:{goal.pk}:{via.pk}:{target.pk}",
                kind="goal",
                title=_("Warm up %(via)s, on the way to %(target)s")
                % {"via": via.full_name, "target": target.full_name},
                minutes=MINUTES["warm"],
                value=2.0 + 2.0 * step.chance,
                person=via,
                why=[
                    _("Best chain to your goal %(goal)s: %(chain)s (chance %(chance)s).")
                    % {
                        "goal": plan.target_label,
                        "chain": " → ".join(p.full_name for p in step.people),
                        "chance": percent(step.chance),
                    },
                    step.why_ask,
                ],
                say=step.message,
            )
        )
    return out


def _let_go(view: NetworkView, people: dict[int, Person]) -> list[DayMove]:
    """Over capacity: name the weakest active ties to move outward on purpose."""
    load = view.measures.load
    if load.over_capacity <= 0:
        return []
    out = []
    for i in load.let_go[:LET_GO_CANDIDATES]:
        person = people.get(int(view.measures.ids[i]))
        if person is None:
            continue
        out.append(
            DayMove(
                key=f"letgo:{person.pk}",
                kind="let_go",
                title=_("Let %(name)s move to your outer circle") % {"name": person.full_name},
                minutes=MINUTES["let_go"],
                value=0.8,
                person=person,
                why=[
                    _("You keep %(active)d active relationships for a capacity of %(capacity)d.")
                    % {"active": load.active, "capacity": load.capacity},
                    _("One of the weakest: better let go on purpose than by accident."),
                ],
                say="",
            )
        )
    return out


def candidates(owner: User, now: dt.datetime, view: NetworkView | None = None) -> Today:
    """Every candidate move of the day (not yet filtered by decisions or the budget)."""
    view = view or network_view(owner, now)
    today = timezone.localdate(now)
    me = Person.objects.filter(owner=owner, is_me=True).first()
    ops = opportunities.find(owner, now, limit=5, view=view)
    m = view.measures
    wanted = set(m.ids[m.drift_order()[:RESCUE_CANDIDATES]].tolist())
    init = m.initiative
    wanted |= set(m.ids[init.imbalanced & (init.high < 0.5) & (m.circle < ACTIVE_CIRCLES)].tolist())
    wanted |= set(m.ids[m.circle <= INNER].tolist())
    wanted |= set(m.ids[m.load.let_go[:LET_GO_CANDIDATES]].tolist())
    people = {
        p.pk: p
        for p in Person.objects.filter(owner=owner, pk__in=wanted).select_related("organization")
    }
    needs: dict[int, Need] = {}
    for need in Need.objects.filter(owner=owner, person_id__in=wanted, status=Status.OPEN).order_by(
        "-created_at", "-pk"
    ):
        needs.setdefault(need.person_id, need)
    found = (
        _give(ops)
        + _loops(owner, today, me)
        + _rescue(view, people, needs)
        + _tell(owner, view, people, me)
        + _answer(view, people, needs)
        + _goal_steps(owner, now, view, ops, me)
        + _let_go(view, people)
    )
    return Today(found, 0, len(found), ops.notice)


def today(
    owner: User, now: dt.datetime, minutes: int | None = None, view: NetworkView | None = None
) -> Today:
    """The day's moves within `minutes` (the user's daily minutes by default).

    Candidates a decision keeps out (snoozed, dismissed, done recently) are dropped first;
    `engine.moves.select` then fits the rest to the budget with variety.
    """
    budget = minutes if minutes is not None else daily_minutes(owner)
    if budget < 1:
        raise InvalidInput(_("Give at least one minute."))
    found = candidates(owner, now, view)
    pool = _not_held(owner, found.moves, now)
    by_key = {c.key: c for c in pool}
    chosen = engine.select([c.candidate() for c in pool], budget)
    return Today([by_key[c.key] for c in chosen], budget, len(pool), found.notice)


def _not_held(owner: User, found: list[DayMove], now: dt.datetime) -> list[DayMove]:
    """Candidates no decision keeps out of the list on the day of `now`."""
    day = timezone.localdate(now)
    held = set(Move.objects.filter(owner=owner, until__gt=day).values_list("key", flat=True))
    return [c for c in found if hold_key(c.key) not in held]


def hold_key(key: str) -> str:
    """What a decision is recorded under: the key, except for warming up an intermediary
    toward a goal, recorded for the goal (the best chain may change from day to day, the
    decision about the goal's next step should not)."""
    if key.startswith("warm:"):
        return ":".join(key.split(":")[:2])
    return key


def candidates_left(owner: User, now: dt.datetime) -> list[DayMove]:
    """Every candidate of the day that no decision keeps out (before the budget)."""
    return _not_held(owner, candidates(owner, now).moves, now)


# Decisions ----------------------------------------------------------------------------------


def _parse(owner: User, key: str) -> tuple[str, list[str]]:
    prefix, _sep, rest = key.strip().partition(":")
    kinds = {
        "give": "give",
        "loop": "loop",
        "rescue": "rescue",
        "tell": "recognise",
        "answer": "recognise",
        "intro": "goal",
        "warm": "goal",
        "letgo": "let_go",
    }
    if prefix not in kinds or not rest:
        raise InvalidInput(
            _("“%(key)s” is not a move key; keys look like rescue:12 (see “entregent today”).")
            % {"key": key}
        )
    return prefix, rest.split(":")


def _person(owner: User, raw: str) -> Person:
    person = Person.objects.filter(owner=owner, pk=int(raw)).first() if raw.isdigit() else None
    if person is None:
        raise NotFound(_("No person has the id %(id)s.") % {"id": raw})
    return person


def _touch(owner: User, person: Person, summary: str, when: dt.datetime) -> None:
    """The message a move implies: a contact the user initiated."""
    services.log_interaction(
        owner, [person], kind="message", direction="me", occurred_at=when, summary=summary
    )


def _do(
    owner: User, prefix: str, parts: list[str], now: dt.datetime, note: str
) -> tuple[str, Person | None]:
    """Record what a done move implies; returns what was recorded, in words, and the person."""
    if prefix == "give":
        need = Need.objects.filter(owner=owner, pk=_need_id(parts[0])).first()
        said = opportunities.act(owner, parts[0], note=note)
        return said, need.person if need else None
    if prefix == "loop":
        task = Task.objects.filter(owner=owner, pk=int(parts[0]) if parts[0].isdigit() else -1)
        task = task.select_related("person", "exchange", "intro").first()
        if task is None or task.done_at is not None:
            raise NotFound(_("That gratitude loop is already closed."))
        if task.kind == Task.Kind.REPORT_OUTCOME and task.intro and task.intro.status == "met":
            reaching.advance_intro(task.intro, "outcome", text=note or task.title, when=now)
        elif task.kind == Task.Kind.REPORT_OUTCOME and task.exchange:
            services.mark_outcome_reported(task.exchange, now)
        services.complete_task(task, now)
        if task.person:
            _touch(owner, task.person, note or task.title, now)
        return _("Loop closed: %(title)s.") % {"title": task.title}, task.person
    if prefix in ("rescue", "answer"):
        person = _person(owner, parts[0])
        _touch(owner, person, note or _("Got in touch (a move of the day)"), now)
        return _("Recorded a message to %(name)s.") % {"name": person.full_name}, person
    if prefix == "tell":
        person = _person(owner, parts[0])
        offer = Offer.objects.filter(
            owner=owner, pk=int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
        ).first()
        if offer is None:
            raise NotFound(_("That offer no longer exists."))
        services.tell_offer(person, offer, when=now, channel="message")
        _touch(owner, person, note or offer.text, now)
        return _("Recorded: %(name)s now knows “%(offer)s”.") % {
            "name": person.full_name,
            "offer": offer.text,
        }, person
    if prefix == "intro":
        intro = Intro.objects.filter(
            owner=owner, pk=int(parts[0]) if parts[0].isdigit() else -1
        ).first()
        if intro is None:
            raise NotFound(_("That introduction no longer exists."))
        step = parts[1] if len(parts) > 1 else ""
        if step == "ask":
            reaching.advance_intro(intro, "asked", when=now)
        _touch(owner, intro.intermediary, note or str(intro), now)
        return _("Recorded your message to %(name)s.") % {
            "name": intro.intermediary.full_name
        }, intro.intermediary
    if prefix == "warm":
        if len(parts) < 3:
            raise InvalidInput(_("“%(key)s” is not a move key.") % {"key": ":".join(parts)})
        via, target = _person(owner, parts[1]), _person(owner, parts[2])
        goal = Goal.objects.filter(
            owner=owner, pk=int(parts[0]) if parts[0].isdigit() else -1
        ).first()
        if goal is None:
            raise NotFound(_("That goal no longer exists."))
        if via.pk == target.pk:  # a direct contact: the message is the move
            _touch(owner, via, note or str(goal), now)
            return _("Recorded your message to %(name)s.") % {"name": via.full_name}, via
        me = services.ensure_me(owner)
        services.add_intro(owner, requester=me, intermediary=via, target=target, goal=goal)
        _touch(owner, via, note or _("On the way to %(name)s") % {"name": target.full_name}, now)
        return _("Recorded your message to %(via)s; introduction to %(target)s planned.") % {
            "via": via.full_name,
            "target": target.full_name,
        }, via
    person = _person(owner, parts[0])  # letgo
    services.release_person(person, now)
    return _("%(name)s moved to your outer circle on purpose.") % {"name": person.full_name}, person


def _need_id(key: str) -> int:
    head = key[1:].split("-", 1)[0]
    return int(head) if head.isdigit() else -1


STATES = ("done", "snoozed", "dismissed")


@transaction.atomic
def decide(
    owner: User,
    key: str,
    state: str,
    now: dt.datetime,
    *,
    days: int | None = None,
    note: str = "",
) -> str:
    """Record a decision on a move; "done" also records what it implies. Returns a sentence."""
    if state not in STATES:
        raise InvalidInput(
            _("Unknown decision “%(state)s”; use one of: %(states)s.")
            % {"state": state, "states": ", ".join(STATES)}
        )
    prefix, parts = _parse(owner, key)
    day = timezone.localdate(now)
    person: Person | None = None
    if state == "done":
        said, person = _do(owner, prefix, parts, now, note.strip())
        until = day + dt.timedelta(days=DONE_DAYS)
    else:
        if days is not None and not 1 <= days <= 3650:
            raise InvalidInput(_("Give a number of days between 1 and 3650."))
        span = days or (SNOOZE_DAYS if state == "snoozed" else DISMISS_DAYS)
        until = day + dt.timedelta(days=span)
        if prefix in ("rescue", "answer", "letgo", "tell"):
            person = _person(owner, parts[0])
        said = (
            _("Snoozed until %(day)s.") if state == "snoozed" else _("Dismissed until %(day)s.")
        ) % {"day": date_format(until, "DATE_FORMAT")}
    kind = {"tell": "recognise", "answer": "recognise", "intro": "goal", "warm": "goal"}.get(
        prefix, "let_go" if prefix == "letgo" else prefix
    )
    services.record_move(
        owner, hold_key(key.strip()), kind, state, until=until, person=person, when=now
    )
    return said
