"""Reads: forgiving name lookup, listings and the person card, each in a few bulk queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from entregent.engine.snapshot import (
    DIRECTIONS,
    EXCHANGE_STATES,
    KINDS,
    ME,
    RUNGS,
    Snapshot,
    to_days,
)
from entregent.engine.text import fold
from entregent.network.errors import Ambiguous, InvalidInput, NotFound
from entregent.network.models import (
    ContactPoint,
    Exchange,
    Interaction,
    Intro,
    Link,
    Need,
    Offer,
    OfferTold,
    Person,
    Recognition,
    Status,
    Tag,
    Task,
)
from entregent.network.normalize import guess_kind, normalize

User = AbstractBaseUser

# Above this many candidates an ambiguous name lists only the first ones.
MAX_CANDIDATES = 10


def _ambiguous(query: str, matches: QuerySet[Person]) -> Ambiguous:
    candidates = list(matches.select_related("organization")[: MAX_CANDIDATES + 1])
    return Ambiguous(
        _("“%(query)s” matches several people; use a longer name, an email or #id.")
        % {"query": query},
        candidates[:MAX_CANDIDATES],
    )


def find_person(owner: User, query: str) -> Person:
    """Find one person from what a user typed, forgiving case, accents and abbreviations.

    1. "#42" picks person 42; "me" (or "moi") is the user.
    2. An exact folded full name ("eloise dupont" finds "Éloïse Dupont").
    3. An email, phone or web address of one of their contact points, normalised first.
    4. A unique prefix of the full name, then a unique prefix of any word of it (words split at
       spaces, hyphens and apostrophes: "kerjean" finds "Yves Martin-Kerjean").
    Several matches at one step raise `Ambiguous` with the candidates; none raises `NotFound`
    with the closest names as suggestions.
    """
    raw = (query or "").strip()
    if not raw:
        raise InvalidInput(_("Give a name."))
    people = Person.objects.filter(owner=owner)
    if raw.startswith("#") and raw[1:].isdigit():
        person = people.filter(pk=int(raw[1:])).first()
        if person is None:
            raise NotFound(_("No person has the id %(id)s.") % {"id": raw})
        return person
    key = fold(raw)
    if key in ("me", "moi"):
        me = people.filter(is_me=True).first()
        if me is None:
            raise NotFound(_("Your own person is missing; run “entregent init”."))
        return me
    steps: list[QuerySet[Person]] = [people.filter(name_key=key)]
    kind = guess_kind(raw)
    if kind != "handle":
        try:
            value = normalize(kind, raw)
        except ValueError:
            value = None
        if value:
            steps.append(people.filter(contact_points__kind=kind, contact_points__value=value))
    else:
        steps.append(people.filter(contact_points__kind="handle", contact_points__value=raw))
    steps.append(people.filter(name_key__startswith=key))
    steps.append(
        people.filter(
            Q(name_key__contains=" " + key)
            | Q(name_key__contains="-" + key)
            | Q(name_key__contains="'" + key)
        )
    )
    for step in steps:
        matches = step.distinct().order_by("full_name", "pk")
        found = list(matches[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _ambiguous(raw, matches)
    suggestions = suggest_names(owner, raw)
    hint = (
        (_(" Did you mean: %(names)s?") % {"names": ", ".join(suggestions)}) if suggestions else ""
    )
    raise NotFound(_("Nobody called “%(query)s”.") % {"query": raw} + hint)


def suggest_names(owner: User, query: str, limit: int = 3) -> list[str]:
    """Closest full names to a mistyped query (for "did you mean")."""
    names = dict(Person.objects.filter(owner=owner).values_list("name_key", "full_name"))
    hits = process.extract(
        fold(query), list(names), scorer=fuzz.WRatio, limit=limit, score_cutoff=75
    )
    return [names[hit[0]] for hit in hits]


def find_my_offer(owner: User, query: str) -> Offer:
    """Find one of my own offers by "#id" or by words of its text."""
    offers = Offer.objects.filter(owner=owner, person__is_me=True)
    raw = (query or "").strip()
    if not raw:
        raise InvalidInput(_("Name one of your offers (its #id or words of it)."))
    if raw.startswith("#") and raw[1:].isdigit():
        offer = offers.filter(pk=int(raw[1:])).first()
        if offer is None:
            raise NotFound(_("You have no offer with the id %(id)s.") % {"id": raw})
        return offer
    key = fold(raw)
    matches = [o for o in offers.order_by("pk") if key in fold(o.text)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(
            _("None of your offers mentions “%(query)s”; see “entregent show me”.") % {"query": raw}
        )
    listing = "; ".join(f"#{o.pk} {o}" for o in matches[:MAX_CANDIDATES])
    raise InvalidInput(_("Several of your offers match: %(list)s. Use #id.") % {"list": listing})


def people_list(
    owner: User, *, tag: str = "", organization: str = "", include_me: bool = False
) -> QuerySet[Person]:
    """People with their organisation, tags, last contact and number of interactions.

    Two queries whatever the number of people: the annotated list and the tags prefetch.
    """
    qs = Person.objects.filter(owner=owner)
    if not include_me:
        qs = qs.filter(is_me=False)
    if tag:
        qs = qs.filter(tags__name=tag.strip().lower())
    if organization:
        qs = qs.filter(organization__name_key__contains=fold(organization))
    return (
        qs.select_related("organization")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(
            last_contact=Max("interactions__occurred_at"),
            interaction_count=Count("interactions", distinct=True),
        )
        .order_by("name_key", "pk")  # accents aside: Élodie sorts with the E
    )


@dataclass
class PersonCard:
    """Everything known about one person, gathered for `show` and the person page."""

    person: Person
    contact_points: list[ContactPoint]
    tags: list[str]
    links: list[tuple[Person, Link]]
    interactions: list[Interaction]
    interaction_count: int
    needs: list[Need]
    offers: list[Offer]
    favours: list[Exchange]
    intros: list[Intro]
    recognition: Recognition | None
    offers_told: list[OfferTold]
    my_offers_not_told: list[Offer]
    tasks: list[Task]
    extra: dict[str, Any] = field(default_factory=dict)


def person_card(person: Person, recent: int = 10) -> PersonCard:
    """Gather a person's card: contact points, ties, recent interactions, ledger, recognition."""
    owner_id = person.owner_id
    links = list(
        Link.objects.filter(Q(a=person) | Q(b=person))
        .select_related("a", "b")
        .order_by("-strength")
    )
    interactions = person.interactions.prefetch_related("participants").order_by("-occurred_at")
    told = list(OfferTold.objects.filter(person=person).select_related("offer"))
    told_ids = {t.offer_id for t in told}
    my_open_offers = Offer.objects.filter(owner_id=owner_id, person__is_me=True, status=Status.OPEN)
    return PersonCard(
        person=person,
        contact_points=list(person.contact_points.all()),
        tags=list(person.tags.order_by("name").values_list("name", flat=True)),
        links=[(lk.b if lk.a_id == person.pk else lk.a, lk) for lk in links],
        interactions=list(interactions[:recent]),
        # Counted on the membership table alone: an index-only count, no join.
        interaction_count=Interaction.participants.through.objects.filter(
            person_id=person.pk
        ).count(),
        needs=list(person.needs.order_by("status", "-created_at")),
        offers=list(person.offers.order_by("status", "-created_at")),
        favours=list(
            Exchange.objects.filter(Q(giver=person) | Q(receiver=person))
            .select_related("giver", "receiver")
            .order_by("-occurred_at")
        ),
        intros=list(
            Intro.objects.filter(
                Q(intermediary=person) | Q(target=person) | Q(requester=person)
            ).select_related("requester", "intermediary", "target")
        ),
        recognition=Recognition.objects.filter(person=person).first(),
        offers_told=told,
        my_offers_not_told=[]
        if person.is_me
        else [o for o in my_open_offers if o.pk not in told_ids],
        tasks=list(person.tasks.filter(done_at=None).order_by("due")),
    )


def has_network(owner: User) -> bool:
    """True when the user has any contact besides themselves."""
    return Person.objects.filter(owner=owner, is_me=False).exists()


# Engine snapshots -------------------------------------------------------------------------

_DONE_INTRO_STATES = ("made", "met", "outcome_reported", "thanked")


def _event_rows(owner_id: int, me_id: int | None) -> list[tuple[int, int, float, str, str]]:
    """(person, interaction, day, kind, direction) per participant, ordered by person and time.

    Raw SQL because turning a million datetimes into Python objects and back costs seconds;
    the database hands back days since the epoch directly.
    """
    through = Interaction.participants.through._meta.db_table
    interaction = Interaction._meta.db_table
    if connection.vendor == "postgresql":
        days = "EXTRACT(EPOCH FROM i.occurred_at) / 86400.0"
    else:
        days = "julianday(i.occurred_at) - 2440587.5"
    sql = (
        f"SELECT p.person_id, i.id, {days}, i.kind, i.direction FROM {through} p "
        f"JOIN {interaction} i ON i.id = p.interaction_id "
        "WHERE i.owner_id = %s AND p.person_id <> %s ORDER BY p.person_id, i.occurred_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [owner_id, me_id or -1])
        return cursor.fetchall()


@dataclass
class Network:
    """The engine snapshot, the declared links and the ties seen in shared meetings (each a
    (k, 3) array of person ids a < b and a strength)."""

    snapshot: Snapshot
    observed: np.ndarray  # strength 2–4 from shared meetings
    links: np.ndarray  # declared, strength 1–5
    revision: int = -1  # the stored revision these arrays were read at (-1: not stored)
    fits: dict[str, Any] = field(default_factory=dict)  # fits made on these arrays, by day


MEETING_SIZES = (2, 8)  # groups this size say their members know each other
PAIR_BASE = 1 << 31  # person ids stay below this; a pair (a, b) is a · base + b


def observed_links(person: np.ndarray, interaction: np.ndarray) -> np.ndarray:
    """Pairs of contacts seen together in interactions of 2 to 8 people, with a strength.

    Two contacts at the same meeting know each other, the better the more meetings they
    shared: strength 2 for one, 3 for two or three, 4 beyond. Vectorised: sort events by
    interaction, then pair each event with the next 1..7 of the same interaction.
    """
    if person.size == 0:
        return np.zeros((0, 3), dtype=np.int64)
    order = np.lexsort((person, interaction))
    person, interaction = person[order], interaction[order]
    _u, inverse, sizes = np.unique(interaction, return_inverse=True, return_counts=True)
    size = sizes[inverse.ravel()]
    low, high = MEETING_SIZES
    keys = []
    for k in range(1, high):
        same = (interaction[k:] == interaction[:-k]) & (size[k:] >= low) & (size[k:] <= high)
        a, b = person[:-k][same], person[k:][same]
        keys.append(np.minimum(a, b) * PAIR_BASE + np.maximum(a, b))
    pairs, counts = np.unique(np.concatenate(keys), return_counts=True)
    strength = np.where(counts == 1, 2, np.where(counts <= 3, 3, 4))
    return np.stack([pairs // PAIR_BASE, pairs % PAIR_BASE, strength], axis=1).astype(np.int64)


def build_snapshot(owner: User) -> Snapshot:
    """The user's network as engine arrays (see `build_network`)."""
    return build_network(owner).snapshot


def build_network(owner: User) -> Network:
    """The user's network as engine arrays, in a fixed number of queries (nine).

    In a group interaction "they initiated" is true of one participant only, and the record
    does not say which: for the others it counts as mutual.
    """
    people = list(
        Person.objects.filter(owner=owner, is_me=False)
        .order_by("pk")
        .values_list("pk", "closeness", "released_at")
    )
    me_id = Person.objects.filter(owner=owner, is_me=True).values_list("pk", flat=True).first()
    ids = np.array([p for p, _c, _r in people], dtype=np.int64)
    closeness = np.array([c or 0 for _p, c, _r in people], dtype=np.int8)
    released = np.array(
        [np.inf if r is None else to_days(r) for _p, _c, r in people], dtype=np.float64
    )

    def index(values: Iterable[int | None]) -> np.ndarray:
        """Relationship index of each person id; ME for the user, -2 for unknown ids."""
        raw = np.fromiter((-1 if v is None else v for v in values), dtype=np.int64)
        pos = np.minimum(np.searchsorted(ids, raw), max(len(ids) - 1, 0))
        found = (ids[pos] == raw) if len(ids) else np.zeros(len(raw), dtype=bool)
        return np.where(found, pos, np.where(raw == (me_id or -3), ME, -2))

    rows = _event_rows(owner.pk, me_id)
    count = len(rows)
    kind_code = {k: i for i, k in enumerate(KINDS)}
    dir_code = {d: i for i, d in enumerate(DIRECTIONS)}
    ev_rel = index(r[0] for r in rows)
    interaction = np.fromiter((r[1] for r in rows), dtype=np.int64, count=count)
    direction = np.fromiter((dir_code[r[4]] for r in rows), dtype=np.int8, count=count)
    _ids, inverse, sizes = np.unique(interaction, return_inverse=True, return_counts=True)
    group = sizes[inverse.ravel()] > 1 if count else np.zeros(0, dtype=bool)
    direction[group & (direction == DIRECTIONS.index("them"))] = DIRECTIONS.index("mutual")
    keep = ev_rel >= 0
    person_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=count)
    observed = observed_links(person_ids[keep], interaction[keep])
    snap_kwargs: dict[str, Any] = {
        "ev_rel": ev_rel[keep],
        "ev_time": np.fromiter((float(r[2]) for r in rows), dtype=np.float64, count=count)[keep],
        "ev_kind": np.fromiter((kind_code[r[3]] for r in rows), dtype=np.int8, count=count)[keep],
        "ev_dir": direction[keep],
    }
    favours = list(
        Exchange.objects.filter(owner=owner).values_list(
            "giver_id", "receiver_id", "rung", "status", "occurred_at"
        )
    )
    snap_kwargs.update(
        fx_giver=index(f[0] for f in favours),
        fx_receiver=index(f[1] for f in favours),
        fx_rung=np.array([RUNGS.index(f[2]) for f in favours], dtype=np.int8),
        fx_state=np.array([EXCHANGE_STATES.index(f[3]) for f in favours], dtype=np.int8),
        fx_time=np.array([to_days(f[4]) for f in favours], dtype=np.float64),
    )
    # Introductions of me to someone, or of someone to me, once made.
    intros = list(
        Intro.objects.filter(owner=owner, status__in=_DONE_INTRO_STATES)
        .filter(Q(requester_id=me_id) | Q(target_id=me_id))
        .values_list("intermediary_id", "made_at", "created_at")
    )
    intro_by = index(i for i, _m, _c in intros)
    intro_time = np.array([to_days(m or c) for _i, m, c in intros], dtype=np.float64)
    override = np.full(len(ids), -1, dtype=np.int8)
    manual = list(
        Recognition.objects.filter(owner=owner, level_override__isnull=False).values_list(
            "person_id", "level_override"
        )
    )
    where = index(p for p, _l in manual)
    override[where[where >= 0]] = [
        lvl for (_p, lvl), w in zip(manual, where, strict=True) if w >= 0
    ]
    told = list(
        OfferTold.objects.filter(owner=owner).values_list("person_id", "offer_id", "told_at")
    )
    told_rel = index(p for p, _o, _t in told)
    told_offer = np.array([o for _p, o, _t in told], dtype=np.int64)
    told_time = np.array([to_days(t) for _p, _o, t in told], dtype=np.float64)
    my_offers = np.array(
        Offer.objects.filter(owner=owner, person_id=me_id, status=Status.OPEN).values_list(
            "pk", flat=True
        ),
        dtype=np.int64,
    )
    snapshot = Snapshot(
        ids=ids,
        closeness=closeness,
        released_time=released,
        intro_by=intro_by[intro_by >= 0],
        intro_time=intro_time[intro_by >= 0],
        recognition_override=override,
        told_rel=told_rel[told_rel >= 0],
        told_offer=told_offer[told_rel >= 0],
        told_time=told_time[told_rel >= 0],
        my_offers=my_offers,
        **snap_kwargs,
    )
    links = np.array(
        Link.objects.filter(owner=owner).order_by("pk").values_list("a", "b", "strength"),
        dtype=np.int64,
    ).reshape(-1, 3)
    return Network(snapshot, observed, links)
