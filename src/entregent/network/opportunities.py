"""Give first: what I can give, to whom, and the introductions I can broker, ranked.

Ranking = match quality × value of the move (docs/method.md, "Give first"). Match quality comes
from the engine's matcher; the value from the relationship's measures (drift, favour balance,
initiative), how fresh the need is, and whether the person leads to one of my goals.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from entregent.engine import matching
from entregent.engine.circles import CUTS, OUTSIDE
from entregent.engine.snapshot import to_days
from entregent.network import giving
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.explain import NetworkView, network_view
from entregent.network.models import Goal, Link, Need, Offer, Person, Rung, Status

# Below these, a pair is not shown. On the evaluation set (bench/data) a cosine of 0.4 keeps
# three right pairs in four while only one need in three finds a wrong offer that high; a
# squashed BM25 of 0.3 means more than one shared rare word.
THRESHOLD = {"semantic": 0.4, "lexical": 0.3}
FRESH_HALF_LIFE = 30.0  # days: a need loses half its urgency bonus every month

# The value of a move: 1 plus these bonuses (docs/method.md).
BONUS_GOAL = 0.8
BONUS_DRIFTING = 0.5
BONUS_OWING = 0.4
BONUS_THEY_INITIATE = 0.3
BONUS_FRESH = 0.5
_PAIR_BASE = 1 << 31  # person ids stay below this; a pair (a, b) is a · base + b


@dataclass
class Opportunity:
    """One thing to give: my offer for their need, or an introduction between two contacts."""

    key: str  # "G<need>-<offer>" to give, "B<need>-<offer>" to broker
    kind: str  # "give" or "broker"
    need: Need
    offer: Offer
    match: float
    value: float
    reasons: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def score(self) -> float:
        return self.match * self.value

    @property
    def person(self) -> Person:
        """Whom to contact: the one with the need."""
        return self.need.person


@dataclass
class Opportunities:
    """Both lists, and how matching was done (a notice when the model could not load)."""

    give: list[Opportunity]
    broker: list[Opportunity]
    method: str
    notice: str | None


def _matcher() -> tuple[matching.Encoder | None, str | None]:
    """The encoder, unless ENTREGENT_MATCHER=lexical asks for the key-word matcher."""
    if os.environ.get("ENTREGENT_MATCHER", "").strip().lower() == "lexical":
        return None, _("key-word matching was chosen with ENTREGENT_MATCHER=lexical")
    return matching.load_encoder()


def _vectors(items: list[Need] | list[Offer]) -> np.ndarray:
    if not items:
        return np.zeros((0, matching.DIMENSIONS), dtype=np.float32)
    return np.stack([np.frombuffer(bytes(i.vector), dtype=np.float32) for i in items])


def _leads_to_goals(owner: AbstractBaseUser, people: set[int]) -> dict[int, str]:
    """For each of these people, the name of a goal they lead to (they know the target, or
    someone at the target organisation, or work there themselves)."""
    goals = list(
        Goal.objects.filter(owner=owner, status=Goal.State.ACTIVE).select_related(
            "target_person", "target_organization"
        )
    )
    if not goals or not people:
        return {}
    by_person = {g.target_person_id: str(g) for g in goals if g.target_person_id}
    by_org = {g.target_organization_id: str(g) for g in goals if g.target_organization_id}
    out: dict[int, str] = {}
    for pid, org_id in Person.objects.filter(pk__in=people).values_list("pk", "organization_id"):
        if org_id in by_org:
            out[pid] = by_org[org_id]
    links = Link.objects.filter(owner=owner).filter(Q(a_id__in=people) | Q(b_id__in=people))
    for a, b, a_org, b_org in links.values_list(
        "a_id", "b_id", "a__organization_id", "b__organization_id"
    ):
        for me_side, other, other_org in ((a, b, b_org), (b, a, a_org)):
            if me_side in people and me_side not in out:
                if other in by_person:
                    out[me_side] = by_person[other]
                elif other_org in by_org:
                    out[me_side] = by_org[other_org]
    return out


def _value(
    view: NetworkView, person: Person, need: Need, now: float, goal: str | None
) -> tuple[float, list[str]]:
    """1 + bonuses for a move towards this person, with the reasons in plain words."""
    m = view.measures
    value, why = 1.0, []
    if goal:
        value += BONUS_GOAL
        why.append(
            _("%(name)s leads to %(goal)s, one of your goals.")
            % {"name": person.full_name, "goal": goal}
        )
    try:
        i = m.index(person.pk)
    except KeyError:
        i = None
    if i is not None:
        if m.drifting[i]:
            value += BONUS_DRIFTING
            why.append(_("A drifting tie worth saving: this is an occasion to get back in touch."))
        if m.ledger.balance[i] <= -2.0:
            value += BONUS_OWING
            why.append(_("You have received more than you gave: giving restores the balance."))
        elif m.initiative.imbalanced[i] and m.initiative.high[i] < 0.5:
            value += BONUS_THEY_INITIATE
            why.append(_("They nearly always reach out first: your turn."))
        if m.circle[i] < OUTSIDE:
            why.append(_("In your %(size)d circle.") % {"size": CUTS[m.circle[i]]})
    age = max(now - to_days(need.created_at), 0.0)
    fresh = 2.0 ** (-age / FRESH_HALF_LIFE)
    value += BONUS_FRESH * fresh
    why.append(_("Need recorded %(days)d days ago.") % {"days": round(age)})
    return value, why


def _language(person: Person, text: str) -> str:
    return person.language or matching.detect_language(text)


def _message(op: Opportunity, me_name: str) -> str:
    """A short draft in the language of the person to contact."""
    first = op.person.full_name.split(" ")[0]
    need = matching.strip_intent(op.need.text)
    offer = op.offer.text.rstrip(".")
    values = {
        "first": first,
        "need": need,
        "offer": offer,
        "me": me_name,
        "other": op.offer.person.full_name,
    }
    with translation.override(_language(op.person, op.need.text)):
        if op.kind == "give":
            return (
                _(
                    "Hello %(first)s, you told me you were looking for: %(need)s. I may be able "
                    "to help — %(offer)s. Shall I tell you more? %(me)s"
                )
                % values
            )
        return (
            _(
                "Hello %(first)s, you told me you were looking for: %(need)s. I think "
                "%(other)s could help (%(offer)s). Would you like me to introduce you? "
                "%(me)s"
            )
            % values
        )


def find(owner: AbstractBaseUser, now: dt.datetime, *, limit: int = 20) -> Opportunities:
    """Match open needs with my open offers and with other contacts' offers, and rank them.

    1. Embed new or edited needs and offers once (stored), unless the lexical matcher is used.
    2. Score every (need, offer) pair; keep, per need, the best of my offers and the best offer
       of someone who is neither the person in need nor already linked to them.
    3. Weigh each by the value of the move, sort, and draft the message.
    """
    encoder, error = _matcher()
    if encoder is not None:
        giving.index_vectors(owner, encoder)
    needs = list(
        Need.objects.filter(owner=owner, status=Status.OPEN, person__is_me=False)
        .select_related("person")
        .order_by("pk")
    )
    offers = list(
        Offer.objects.filter(owner=owner, status=Status.OPEN)
        .select_related("person")
        .order_by("pk")
    )
    method = "semantic" if encoder is not None else "lexical"
    if encoder is not None:
        scores = matching.semantic_scores(_vectors(needs), _vectors(offers)).matrix
    else:
        scores = matching.lexical_scores([n.text for n in needs], [o.text for o in offers]).matrix
    notice = (
        None
        if encoder is not None
        else (
            _("Semantic matching is unavailable (%(why)s); matching on shared key words instead.")
            % {"why": error}
        )
    )
    mine = np.array([o.person.is_me for o in offers], dtype=bool)
    owners = np.array([o.person_id for o in offers], dtype=np.int64)
    # Links are stored with a < b: encode each pair as one integer to test whole rows at once.
    pairs = np.array(list(Link.objects.filter(owner=owner).values_list("a", "b")), dtype=np.int64)
    linked = np.sort(pairs[:, 0] * _PAIR_BASE + pairs[:, 1]) if pairs.size else pairs
    t = to_days(now)
    view = network_view(owner, now)
    goals = _leads_to_goals(owner, {n.person_id for n in needs})
    me = Person.objects.filter(owner=owner, is_me=True).first()
    me_name = me.full_name if me else ""
    threshold = THRESHOLD[method]
    found: dict[str, list[Opportunity]] = {"give": [], "broker": []}
    for i, need in enumerate(needs):
        row = scores[i] if len(offers) else np.zeros(0)
        candidates = {
            "give": mine,
            "broker": ~mine
            & (owners != need.person_id)
            & ~np.isin(
                np.minimum(owners, need.person_id) * _PAIR_BASE
                + np.maximum(owners, need.person_id),
                linked,
            ),
        }
        for kind, allowed in candidates.items():
            if not allowed.any():
                continue
            j = int(np.argmax(np.where(allowed, row, -1.0)))
            if row[j] < threshold:
                continue
            value, why = _value(view, need.person, need, t, goals.get(need.person_id))
            op = Opportunity(
                key=f"{kind[0].upper()}{need.pk}-{offers[j].pk}",
                kind=kind,
                need=need,
                offer=offers[j],
                match=float(row[j]),
                value=value,
                reasons=why,
                shared=matching.shared_words(need.text, offers[j].text),
            )
            op.message = _message(op, me_name)
            found[kind].append(op)
    for items in found.values():
        items.sort(key=lambda o: (-o.score, o.key))
    return Opportunities(found["give"][:limit], found["broker"][:limit], method, notice)


def act(
    owner: AbstractBaseUser,
    key: str,
    *,
    rung: str = "information",
    note: str = "",
    keep_open: bool = False,
) -> str:
    """Record that the user acted on an opportunity key; returns what was recorded, in words."""
    raw = key.strip().upper()
    if len(raw) < 4 or raw[0] not in "GB" or "-" not in raw:
        raise InvalidInput(
            _(
                "“%(key)s” is not an opportunity key; keys look like G12-3 or B12-5 "
                "(see “entregent opportunities”)."
            )
            % {"key": key}
        )
    try:
        need_id, offer_id = (int(v) for v in raw[1:].split("-", 1))
    except ValueError:
        raise InvalidInput(_("“%(key)s” is not an opportunity key.") % {"key": key}) from None
    need = Need.objects.filter(owner=owner, pk=need_id).select_related("person").first()
    offer = Offer.objects.filter(owner=owner, pk=offer_id).select_related("person").first()
    if need is None or offer is None:
        raise NotFound(_("No such opportunity: %(key)s.") % {"key": key})
    if need.status != Status.OPEN:
        raise InvalidInput(
            _("That need is already closed (%(status)s).") % {"status": need.get_status_display()}
        )
    if raw[0] == "G":
        giving.give_to(owner, need, offer, rung=rung, note=note, keep_open=keep_open)
        return _("Recorded: you gave %(name)s %(rung)s; they now know your offer.") % {
            "name": need.person.full_name,
            "rung": Rung(rung).label,
        }
    giving.broker_intro(owner, need, offer, note=note, keep_open=keep_open)
    return _("Recorded: you introduced %(a)s to %(b)s.") % {
        "a": need.person.full_name,
        "b": offer.person.full_name,
    }
