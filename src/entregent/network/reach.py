"""Reaching a target: resolve it, find the best chains, and prepare the first move of each.

For each chain: its chance, what I can give the first intermediary first (from the give-first
matcher), the ask that intermediary can bear for this purpose, and a draft in their language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from entregent.engine import paths
from entregent.engine.matching import detect_language, strip_intent
from entregent.engine.snapshot import RUNGS, once
from entregent.engine.text import fold
from entregent.network import opportunities, queries
from entregent.network.errors import NotFound
from entregent.network.explain import ASK_PHRASES, NetworkView, network_view
from entregent.network.models import Goal, Intro, Organization, Person
from entregent.network.queries import PAIR_BASE

ORG_PREFIXES = ("someone at ", "quelqu'un chez ", "quelqu'un à ", "at ", "chez ")


@dataclass
class Step:
    """A chain as people, with its chance and the first move's preparation."""

    people: list[Person]
    hops: list[float]
    chance: float
    give_first: list[opportunities.Opportunity] = field(default_factory=list)
    ask: str = ""  # a rung of the ladder
    ask_text: str = ""
    why_ask: str = ""
    message: str = ""

    @property
    def first(self) -> Person:
        return self.people[0]


@dataclass
class Reach:
    """The answer to "how do I reach X?"."""

    target_label: str
    targets: list[Person]
    chains: list[Step]
    nearest: list[Person]


def resolve_target(owner: AbstractBaseUser, text: str) -> tuple[str, list[Person]]:
    """A person, "someone at <organisation>", an organisation's name, or "goal:<id>"."""
    raw = text.strip().replace("\u2019", "'")  # a typographic apostrophe, as in "quelqu’un"
    folded = fold(raw)
    if folded.startswith("goal:") and folded[5:].isdigit():
        goal = Goal.objects.filter(owner=owner, pk=int(folded[5:])).first()
        if goal is None:
            raise NotFound(_("You have no goal #%(id)s.") % {"id": folded[5:]})
        if goal.target_person_id:
            return str(goal), [goal.target_person]
        return str(goal), list(goal.target_organization.people.filter(is_me=False))
    for prefix in ORG_PREFIXES:
        if folded.startswith(fold(prefix)):
            return _org(owner, raw[len(prefix) :])
    try:
        person = queries.find_person(owner, raw)
    except NotFound:
        return _org(owner, raw)
    return person.full_name, [person]


def _org(owner: AbstractBaseUser, name: str) -> tuple[str, list[Person]]:
    key = fold(name)
    # An exact name wins over longer names that contain it ("Armor" beside "Armor Distribution").
    orgs = list(Organization.objects.filter(owner=owner, name_key=key)[:1]) or list(
        Organization.objects.filter(owner=owner, name_key__contains=key)[:2]
    )
    if len(orgs) != 1:
        raise NotFound(_("Nobody and no organisation called “%(name)s”.") % {"name": name})
    people = list(orgs[0].people.filter(is_me=False))
    if not people:
        raise NotFound(_("You know nobody at %(org)s yet.") % {"org": orgs[0].name})
    return _("someone at %(org)s") % {"org": orgs[0].name}, people


def _topology(view: NetworkView) -> paths.Graph:
    """Who knows whom as a CSR graph (my hops left at zero): declared links and links seen in
    shared meetings, which depend on the arrays alone, so each snapshot builds it once."""

    def build() -> paths.Graph:
        ids = view.measures.ids
        declared = view.links
        # Links seen in shared meetings count too; a declared link always wins.
        observed = view.observed
        if len(declared) and len(observed):
            seen = np.isin(
                observed[:, 0] * PAIR_BASE + observed[:, 1],
                declared[:, 0] * PAIR_BASE + declared[:, 1],
            )
            observed = observed[~seen]
        links = np.concatenate([declared, observed])
        a = np.searchsorted(ids, links[:, 0])
        b = np.searchsorted(ids, links[:, 1])
        ok = (a < len(ids)) & (b < len(ids))
        ok[ok] &= (ids[a[ok]] == links[ok, 0]) & (ids[b[ok]] == links[ok, 1])
        return paths.build_graph(len(ids), a[ok], b[ok], links[ok, 2], np.zeros(len(ids)))

    return once(view.snapshot, "reach_topology", build)


def build_graph(owner: AbstractBaseUser, view: NetworkView) -> paths.Graph:
    """The who-knows-whom graph of the user's contacts with my chance of each first hop: the
    links come with the network arrays; one query counts each intermediary's introductions."""
    m = view.measures
    ids = m.ids
    made, declined = np.zeros(len(ids)), np.zeros(len(ids))
    rows = (
        Intro.objects.filter(owner=owner)
        .values("intermediary_id")
        .annotate(
            made=Count("pk", filter=Q(status__in=("made", "met", "outcome_reported", "thanked"))),
            declined=Count("pk", filter=Q(status="declined")),
        )
        .values_list("intermediary_id", "made", "declined")
    )
    for person_id, n_made, n_declined in rows:
        k = int(np.searchsorted(ids, person_id))
        if k < len(ids) and ids[k] == person_id:
            made[k], declined[k] = n_made, n_declined
    p_me = paths.hop_from_me(m.circle, m.recognition.level, m.ledger.balance, made, declined)
    # Someone I have never been in touch with is no first step: that would be a cold approach.
    p_me = np.where(m.active_days > 0, p_me, 0.0)
    return dataclasses.replace(_topology(view), p_me=p_me)


def reach_ask(bearable: int) -> int:
    """The rung to ask an intermediary for: the best way to reach the target (advice), an
    introduction only from a close tie that bears a recommendation, never business."""
    if bearable >= RUNGS.index("recommendation"):
        return RUNGS.index("introduction")
    return min(bearable, RUNGS.index("advice"))


def ask_phrase(rung: int, target: str) -> str:
    """What to ask for, as a noun phrase, in the active language."""
    if rung >= RUNGS.index("introduction"):
        return _("an introduction to %(target)s") % {"target": target}
    if rung == RUNGS.index("advice"):
        return _("the best way to get in touch with %(target)s") % {"target": target}
    return _("what %(target)s is working on these days") % {"target": target}


def over_ask(view: NetworkView, intro: Intro, rung: str) -> str:
    """A warning when `rung` asks more of the intermediary than the tie bears now, with why
    and the better ask; "" when the ask is fair (or the rung unknown)."""
    if rung not in RUNGS:
        return ""
    try:
        i = view.measures.index(intro.intermediary_id)
    except KeyError:
        return ""
    bearable = int(view.measures.asks.rung[i])
    if RUNGS.index(rung) <= bearable:
        return ""
    return _(
        "Warning: %(name)s can bear at most %(bearable)s now. %(why)s "
        "A better ask: %(better)s. (Recorded as you said.)"
    ) % {
        "name": intro.intermediary.full_name,
        "bearable": ASK_PHRASES[bearable],
        "why": view.explain(intro.intermediary_id)["ask"][0],
        "better": ask_phrase(reach_ask(bearable), intro.target.full_name),
    }


def ask_question(rung: int, target: str) -> str:
    """The same ask as a tactful question, in the active language."""
    if rung >= RUNGS.index("introduction"):
        return _("would you be comfortable introducing me to %(target)s?") % {"target": target}
    if rung == RUNGS.index("advice"):
        return _("what would be the best way to get in touch with %(target)s?") % {"target": target}
    return _("do you know what %(target)s is working on these days?") % {"target": target}


def _message(step: Step, target: Person, me: str) -> str:
    """The first message to the intermediary: the give-first, then the ask, with tact."""
    via = step.first
    language = via.language or (
        detect_language(step.give_first[0].need.text) if step.give_first else "fr"
    )
    with translation.override(language):
        values = {
            "first": via.full_name.split(" ")[0],
            "me": me,
            "question": ask_question(RUNGS.index(step.ask), target.full_name),
        }
        if step.give_first:
            gift = step.give_first[0]
            values["need"] = strip_intent(gift.need.text)
            values["other"] = gift.offer.person.full_name
            if gift.kind == "give":
                return (
                    _(
                        "Hello %(first)s, you told me you were looking for this: %(need)s — I "
                        "have a lead for you, I will send it over. And if I may ask: "
                        "%(question)s Only if it is easy for you. %(me)s"
                    )
                    % values
                )
            return (
                _(
                    "Hello %(first)s, you told me you were looking for this: %(need)s — "
                    "%(other)s could help, I would be glad to introduce you. And if I may ask: "
                    "%(question)s Only if it is easy for you. %(me)s"
                )
                % values
            )
        return (
            _(
                "Hello %(first)s, I hope all is well. If I may ask: %(question)s Only if it is "
                "easy for you. %(me)s"
            )
            % values
        )


def reach(
    owner: AbstractBaseUser,
    target_text: str,
    now: dt.datetime,
    *,
    k: int = 3,
    view: NetworkView | None = None,
    gifts: opportunities.Opportunities | None = None,
    graph: paths.Graph | None = None,
) -> Reach:
    """The best chains to the target, each with give-first, the right ask and a draft."""
    label, targets = resolve_target(owner, target_text)
    view = view or network_view(owner, now)
    m = view.measures
    graph = graph or build_graph(owner, view)
    known = set(m.ids.tolist())
    index = [m.index(t.pk) for t in targets if t.pk in known]
    chains = paths.chains_to(graph, np.array(index, dtype=np.int64), k=k) if index else []
    people = {
        p.pk: p
        for p in Person.objects.filter(
            owner=owner, pk__in=[int(m.ids[i]) for c in chains for i in c.people]
        )
    }
    if chains and gifts is None:
        # Only what the first people of these chains need: the give-first of each chain.
        first = {int(m.ids[c.people[0]]) for c in chains}
        gifts = opportunities.find(owner, now, limit=10_000, view=view, people=first)
    me = Person.objects.filter(owner=owner, is_me=True).first()
    steps = []
    for chain in chains:
        step = Step(
            people=[people[int(m.ids[i])] for i in chain.people],
            hops=list(chain.hops),
            chance=chain.chance,
        )
        if len(step.people) > 1:
            via = step.first
            i = m.index(via.pk)
            rung = reach_ask(int(m.asks.rung[i]))
            step.ask = RUNGS[rung]
            step.ask_text = ask_phrase(rung, step.people[-1].full_name)
            bearable = int(m.asks.rung[i])
            step.why_ask = (
                _(
                    "They could bear %(bearable)s; asking first for the way in is lighter and "
                    "leaves them free to offer more."
                )
                % {"bearable": ASK_PHRASES[bearable]}
                if rung < bearable
                else view.explain(via.pk)["ask"][0]
            )
            step.give_first = [o for o in gifts.give + gifts.broker if o.person.pk == via.pk]
            step.message = _message(step, step.people[-1], me.full_name if me else "")
        steps.append(step)
    nearest = [] if chains else _nearest(owner, targets, m)
    return Reach(label, targets, steps, nearest)


def _nearest(owner: AbstractBaseUser, targets: list[Person], m: object) -> list[Person]:
    """People to start from when nobody connects: the same organisation, then shared tags."""
    orgs = {t.organization_id for t in targets if t.organization_id}
    tags = set(
        Person.tags.through.objects.filter(person__in=targets).values_list("tag_id", flat=True)
    )
    exclude = [t.pk for t in targets]
    near = list(
        Person.objects.filter(owner=owner, is_me=False, organization_id__in=orgs).exclude(
            pk__in=exclude
        )[:5]
    )
    if len(near) < 5 and tags:
        near += list(
            Person.objects.filter(owner=owner, is_me=False, tags__in=tags)
            .exclude(pk__in=exclude + [p.pk for p in near])
            .distinct()[: 5 - len(near)]
        )
    return near
