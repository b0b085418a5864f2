"""Give first: what I can give, to whom, and the introductions I can broker, ranked.

Ranking = match quality × value of the move (docs/method.md, "Give first"). Match quality comes
from the engine's matcher; the value from the relationship's measures (drift, favour balance,
initiative), how fresh the need is, and whether the person leads to one of my goals.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation
from django.utils.translation import gettext as _

from entregent.engine import concepts, matching, places
from entregent.engine.circles import CUTS, OUTSIDE
from entregent.engine.snapshot import once, to_days
from entregent.network import giving
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.explain import NetworkView, duration, network_view
from entregent.network.models import Dismissal, Goal, Need, Offer, Person, Rung, Status
from entregent.network.queries import PAIR_BASE

# Below these a pair is not shown (engine/matching.SHOW_AT says why these values).
THRESHOLD = matching.SHOW_AT
FRESH_HALF_LIFE = 30.0  # days: a need loses half its urgency bonus every month

# The value of a move: 1 plus these bonuses (docs/method.md).
BONUS_GOAL = 0.8
BONUS_DRIFTING = 0.5
BONUS_OWING = 0.4
BONUS_THEY_INITIATE = 0.3
BONUS_FRESH = 0.5
_BLOCK = 512  # needs scored together: bounded memory whatever the number of needs
_BROKER_CANDIDATES = 20  # best offers checked, in order, for one not already linked


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
    related: list[tuple[str, str]] = field(default_factory=list)  # (need's words, offer's)
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


class _Stored:
    """Stands in for the encoder when every vector is already stored: nothing to embed."""

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError  # never called: `_vectors` loads the model for a gap


def _matcher(owner: AbstractBaseUser) -> tuple[matching.Encoder | None, str | None]:
    """What scores the pairs: stored vectors, the encoder to embed what changed (loading the
    model only then), or None for the key-word matcher (chosen, or the model cannot load)."""
    if os.environ.get("ENTREGENT_MATCHER", "").strip().lower() == "lexical":
        return None, _("key-word matching was chosen with ENTREGENT_MATCHER=lexical")
    stale = giving.stale_vectors(owner)
    if not stale:
        return _Stored(), None
    encoder, error = matching.load_encoder()
    if encoder is not None:
        giving.index_vectors(owner, encoder, stale)
    return encoder, error


def _current(item: Need | Offer, width: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The item's stored vector and concept profile, each only if it is of the current text,
    model (and thesaurus, `width` concepts wide); None for what must be worked out again."""
    vector = (
        np.frombuffer(bytes(item.vector), dtype=np.float32)
        if item.vector and item.vector_key == matching.vector_key(item.text)
        else None
    )
    profile = (
        np.frombuffer(bytes(item.profile), dtype=np.float32)
        if item.profile and item.profile_key == matching.profile_key(item.text)
        else None
    )
    if vector is not None and vector.size != matching.DIMENSIONS:
        vector = None
    if profile is not None and profile.size != width:
        profile = None
    return vector, profile


@dataclass(frozen=True)
class _Side:
    """What the default matcher needs of the needs, or of the offers: one row per item."""

    vectors: np.ndarray  # sentence vectors
    profiles: np.ndarray  # concept profiles, from the vectors
    concepts: np.ndarray  # concepts named word for word, for the mismatch cut (if set)
    texts: list[str]
    located: places.Located | None  # the places the texts name (the offers' side only)


def _side(
    items: list[Need] | list[Offer], encoder: matching.Encoder, locate: bool = False
) -> _Side:
    """Stored vectors and profiles, computing in memory those of any row that has none current
    (written by another process since indexing, for instance); with `locate`, the places the
    texts name, indexed to be compared with the needs'."""
    width = len(concepts.default())
    vectors = np.zeros((len(items), matching.DIMENSIONS), dtype=np.float32)
    profiles = np.zeros((len(items), width), dtype=np.float32)
    missing = []
    for k, item in enumerate(items):
        vector, profile = _current(item, width)
        if vector is not None and profile is not None:
            vectors[k], profiles[k] = vector, profile
        else:
            missing.append(k)
    if missing:
        if isinstance(encoder, _Stored):
            encoder = matching.load_encoder()[0]
        if encoder is not None:  # else they stay unmatched until the next indexing
            texts = [items[k].text for k in missing]
            vectors[missing] = matching.embed(encoder, texts)
            profiles[missing] = matching.profiles(encoder, texts, vectors[missing])
    texts = [item.text for item in items]
    located = places.Located(texts) if locate else None
    return _Side(vectors, profiles, matching.mismatch_rows(texts), texts, located)


def _linked(view: NetworkView) -> frozenset[int]:
    """Who already knows whom, as pair keys: the declared links, once per snapshot."""
    return once(
        view.snapshot,
        "declared_pairs",
        lambda: frozenset((view.links[:, 0] * PAIR_BASE + view.links[:, 1]).tolist()),
    )


def _leads_to_goals(owner: AbstractBaseUser, people: set[int], view: NetworkView) -> dict[int, str]:
    """For each of these people, the name of a goal they lead to (they know the target, or
    someone at the target organisation, or work there themselves). Who knows whom comes from
    the network arrays (declared links and shared meetings)."""
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
    if by_org:
        for pid, org_id in Person.objects.filter(
            pk__in=people, organization_id__in=by_org
        ).values_list("pk", "organization_id"):
            out[pid] = by_org[org_id]
    pairs = once(
        view.snapshot,
        "known_pairs",
        lambda: np.concatenate([view.links[:, :2], view.observed[:, :2]]),
    )
    org_of = (
        dict(
            Person.objects.filter(owner=owner, organization_id__in=by_org).values_list(
                "pk", "organization_id"
            )
        )
        if by_org
        else {}
    )
    # Only the pairs joining one of these people to a goal (its person, or someone there).
    wanted = np.fromiter(people, dtype=np.int64)
    goal_side = np.fromiter(set(by_person) | set(org_of), dtype=np.int64)
    left, right = np.isin(pairs[:, 0], wanted), np.isin(pairs[:, 1], wanted)
    hit = (left & np.isin(pairs[:, 1], goal_side)) | (right & np.isin(pairs[:, 0], goal_side))
    for a, b in pairs[hit].tolist():
        for mine, other in ((a, b), (b, a)):
            if mine in people and mine not in out:
                if other in by_person:
                    out[mine] = by_person[other]
                elif other in org_of:
                    out[mine] = by_org[org_of[other]]
    return out


def _value(
    view: NetworkView,
    person: Person,
    need: Need,
    now: float,
    goal: str | None,
    *,
    explain: bool = True,
) -> tuple[float, list[str]]:
    """1 + bonuses for a move towards this person, with the reasons in plain words (only when
    `explain`: ranking needs the number for every pair, the words only for what is shown)."""
    m = view.measures
    value, why = 1.0, []
    if goal:
        value += BONUS_GOAL
        if explain:
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
            if explain:
                why.append(
                    _("A drifting tie worth saving: this is an occasion to get back in touch.")
                )
        if m.ledger.balance[i] <= -2.0:
            value += BONUS_OWING
            if explain:
                why.append(_("You have received more than you gave: giving restores the balance."))
        elif m.initiative.imbalanced[i] and m.initiative.high[i] < 0.5:
            value += BONUS_THEY_INITIATE
            if explain:
                why.append(_("They nearly always reach out first: your turn."))
        if explain:
            why.append(
                _("Tie strength %(strength).1f, in your %(size)d circle.")
                % {"strength": m.strength[i], "size": CUTS[m.circle[i]]}
                if m.circle[i] < OUTSIDE
                else _("Tie strength %(strength).1f, outside your circles.")
                % {"strength": m.strength[i]}
            )
            if np.isfinite(m.silence[i]):
                why.append(_("Last contact %(ago)s ago.") % {"ago": duration(m.silence[i])})
            if m.ledger.given[i] or m.ledger.received[i]:
                why.append(
                    _("Favours: you gave %(given)d, received %(received)d.")
                    % {"given": m.ledger.given[i], "received": m.ledger.received[i]}
                )
    age = max(now - to_days(need.created_at), 0.0)
    fresh = 2.0 ** (-age / FRESH_HALF_LIFE)
    value += BONUS_FRESH * fresh
    if explain:
        why.append(_("Need recorded %(ago)s ago.") % {"ago": duration(age)})
    return value, why


def language_for(person: Person, text: str) -> str:
    """Their recorded language, else their need's, else (undecided) the user's own."""
    ui = (translation.get_language() or "en")[:2]
    return person.language or matching.detect_language(
        text, default=ui if ui in ("fr", "en") else "en"
    )


def _message(op: Opportunity, me_name: str) -> str:
    """A short draft in the language of the person to contact.

    The offer is quoted only when it is written in that language; otherwise the draft says
    there is a lead, rather than mix two languages in one message.
    """
    language = language_for(op.person, op.need.text)
    with translation.override(language):
        if matching.detect_language(op.offer.text, default=language) == language:
            offer = op.offer.text.rstrip(".")
        else:
            offer = _("I have a lead for you")
        values = {
            "first": op.person.full_name.split(" ")[0],
            "me": me_name,
            "offer": offer,
            "need": matching.strip_intent(op.need.text),
            "other": op.offer.person.full_name,
        }
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


def _score_rows(
    encoder: matching.Encoder | None, needs: list[Need], offers: list[Offer]
) -> tuple[str, _Side | np.ndarray, _Side | None]:
    """The method, and what scoring needs: both sides (semantic) or the lexical matrix."""
    if encoder is None:
        lexical = matching.keyword_scores([n.text for n in needs], [o.text for o in offers])
        return "lexical", lexical.matrix.astype(np.float32), None
    return "semantic", _side(needs, encoder, locate=False), _side(offers, encoder, locate=True)


def stored_scores(
    owner: AbstractBaseUser, needs: list[Need], offers: list[Offer]
) -> tuple[str, np.ndarray]:
    """Match quality of each (need, offer) pair from stored vectors and profiles, never loading
    the model: a row with no current vector (a need closed before it was embedded) scores zero,
    and so does a pair the user dismissed. With the key-word matcher, key-word scores."""
    need_texts, offer_texts = [n.text for n in needs], [o.text for o in offers]
    if os.environ.get("ENTREGENT_MATCHER", "").strip().lower() == "lexical":
        lexical = matching.keyword_scores(need_texts, offer_texts).matrix
        lexical[_dismissed(owner, needs, offers)] = 0.0
        return "lexical", lexical
    width = len(concepts.default())

    def rows(items: list[Need] | list[Offer]) -> tuple[np.ndarray, np.ndarray]:
        # A closed need keeps the vector and profile it had when it was last indexed; one of
        # an older thesaurus still counts by its cosine (and by the concepts named word for
        # word, were the mismatch cut set).
        vectors = np.zeros((len(items), matching.DIMENSIONS), dtype=np.float32)
        profiles = np.zeros((len(items), width), dtype=np.float32)
        for k, item in enumerate(items):
            vector, profile = _current(item, width)
            if vector is not None:
                vectors[k] = vector
            if profile is not None:
                profiles[k] = profile
        return vectors, profiles

    (need_vectors, need_profiles), (offer_vectors, offer_profiles) = rows(needs), rows(offers)
    scores = matching.combine(
        matching.cosines(need_vectors, offer_vectors),
        need_profiles,
        offer_profiles,
        matching.mismatch_rows(need_texts),
        matching.mismatch_rows(offer_texts),
        places.apart(need_texts, offer_texts),
    )
    scores[_dismissed(owner, needs, offers)] = 0.0
    return "semantic", scores


def _dismissed(
    owner: AbstractBaseUser, needs: list[Need], offers: list[Offer]
) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the (need, offer) pairs the user said do not match, for indexing a
    needs × offers matrix. The user's dismissals are few: all are read, then looked up."""
    row_of = {n.pk: i for i, n in enumerate(needs)}
    column_of = {o.pk: j for j, o in enumerate(offers)}
    pairs = [
        (row_of[need], column_of[offer])
        for need, offer in Dismissal.objects.filter(owner=owner).values_list("need_id", "offer_id")
        if need in row_of and offer in column_of
    ]
    rows = np.array([i for i, _j in pairs], dtype=np.int64)
    columns = np.array([j for _i, j in pairs], dtype=np.int64)
    return rows, columns


def _block(need_side: _Side | np.ndarray, offer_side: _Side | None, rows: slice) -> np.ndarray:
    """Scores of a block of needs against every offer: the default matcher's, or rows of the
    key-word matrix (already blended with the concepts both texts name, and cut for places)."""
    if isinstance(need_side, _Side) and offer_side is not None:
        assert offer_side.located is not None
        return matching.combine(
            matching.cosines(need_side.vectors[rows], offer_side.vectors),
            need_side.profiles[rows],
            offer_side.profiles,
            need_side.concepts[rows],
            offer_side.concepts,
            offer_side.located.apart(need_side.texts[rows]),
        )
    assert isinstance(need_side, np.ndarray)
    return need_side[rows]


def find(
    owner: AbstractBaseUser,
    now: dt.datetime,
    *,
    limit: int = 20,
    view: NetworkView | None = None,
    person: Person | None = None,
    people: Collection[int] | None = None,
) -> Opportunities:
    """Match open needs with my open offers and with other contacts' offers, and rank them
    (only `person`'s needs when given: the person page; only `people`'s: a reach's first steps).

    1. Embed new or edited needs and offers once (stored), unless the lexical matcher is used.
    2. Score the (need, offer) pairs a block of needs at a time (float32), less the pairs the
       user dismissed; keep, per need, the best of my offers and the best offer of someone who
       is neither the person in need nor already linked to them (only the few best candidates
       are checked against the links).
    3. Weigh each by the value of the move and sort; only the kept ones get their shared key
       words and a drafted message.
    """
    encoder, error = _matcher(owner)
    needs_qs = Need.objects.filter(owner=owner, status=Status.OPEN, person__is_me=False)
    if person is not None:
        needs_qs = needs_qs.filter(person=person)
    if people is not None:
        needs_qs = needs_qs.filter(person_id__in=list(people))
    needs = list(needs_qs.select_related("person").order_by("pk"))
    offers = list(
        Offer.objects.filter(owner=owner, status=Status.OPEN)
        .select_related("person")
        .order_by("pk")
    )
    method, need_side, offer_side = _score_rows(encoder, needs, offers)
    notice = (
        None
        if encoder is not None
        else (
            _("Semantic matching is unavailable (%(why)s); matching on shared key words instead.")
            % {"why": error}
        )
    )
    mine = np.flatnonzero([o.person.is_me for o in offers])
    others = np.flatnonzero([not o.person.is_me for o in offers])
    owners = np.array([o.person_id for o in offers], dtype=np.int64)
    view = view or network_view(owner, now)
    linked = _linked(view)
    threshold = THRESHOLD[method]
    dismissed_rows, dismissed_columns = _dismissed(owner, needs, offers)
    kept: list[tuple[str, int, int, float]] = []  # (kind, need index, offer index, match)
    for start in range(0, len(needs), _BLOCK):
        block = _block(need_side, offer_side, slice(start, start + _BLOCK))
        inside = (dismissed_rows >= start) & (dismissed_rows < start + len(block))
        block[dismissed_rows[inside] - start, dismissed_columns[inside]] = 0.0  # never proposed
        for row_i, row in enumerate(block):
            i = start + row_i
            person = needs[i].person_id
            if mine.size:
                j = int(mine[np.argmax(row[mine])])
                if row[j] >= threshold:
                    kept.append(("give", i, j, float(row[j])))
            if others.size:
                top = others[np.argsort(-row[others], kind="stable")[:_BROKER_CANDIDATES]]
                for j in top:
                    if row[j] < threshold:
                        break
                    other = int(owners[j])
                    low, high = min(other, person), max(other, person)
                    if other != person and low * PAIR_BASE + high not in linked:
                        kept.append(("broker", i, int(j), float(row[j])))
                        break
    t = to_days(now)
    goals = _leads_to_goals(owner, {needs[i].person_id for _k, i, _j, _m in kept}, view)
    found: dict[str, list[Opportunity]] = {"give": [], "broker": []}
    for kind, i, j, match in kept:
        need, offer = needs[i], offers[j]
        value, why = _value(view, need.person, need, t, goals.get(need.person_id), explain=False)
        found[kind].append(
            Opportunity(
                key=key_of(kind, need.pk, offer.pk),
                kind=kind,
                need=need,
                offer=offer,
                match=match,
                value=value,
                reasons=why,
            )
        )
    me = Person.objects.filter(owner=owner, is_me=True).first()
    for items in found.values():
        items.sort(key=lambda o: (-o.score, o.key))
        del items[limit:]
        for op in items:  # the costly text work, for what is shown only
            op.reasons = _value(view, op.need.person, op.need, t, goals.get(op.need.person_id))[1]
            op.shared = matching.shared_words(op.need.text, op.offer.text)
            op.related = matching.related_terms(op.need.text, op.offer.text, op.shared)
            op.message = _message(op, me.full_name if me else "")
    return Opportunities(found["give"], found["broker"], method, notice)


def key_of(kind: str, need_id: int, offer_id: int) -> str:
    """The key of an opportunity of a kind ("give" or "broker"): G12-3, B12-5."""
    return f"{kind[0].upper()}{need_id}-{offer_id}"


def _pair(owner: AbstractBaseUser, key: str) -> tuple[str, Need, Offer]:
    """The kind ("G" or "B"), need and offer an opportunity key names; a clear error otherwise."""
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
    return raw[0], need, offer


def act(
    owner: AbstractBaseUser,
    key: str,
    *,
    rung: str = "information",
    note: str = "",
    keep_open: bool = False,
) -> str:
    """Record that the user acted on an opportunity key; returns what was recorded, in words."""
    kind, need, offer = _pair(owner, key)
    if offer.status != Status.OPEN:
        raise InvalidInput(
            _("That offer is no longer open (%(status)s).") % {"status": offer.get_status_display()}
        )
    if need.status != Status.OPEN:
        raise InvalidInput(
            _("That need is already closed (%(status)s).") % {"status": need.get_status_display()}
        )
    if kind == "G":
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


def dismiss(owner: AbstractBaseUser, key: str, *, undo: bool = False) -> str:
    """Say that an opportunity's offer does not answer its need (or take it back with `undo`):
    the pair is no longer proposed, nor counted when telling offers; returns what was done."""
    _kind, need, offer = _pair(owner, key)
    values = {"offer": offer.text, "need": need.text, "name": need.person.full_name}
    if undo:
        deleted, _detail = Dismissal.objects.filter(owner=owner, need=need, offer=offer).delete()
        if not deleted:
            raise InvalidInput(_("That match was not dismissed: nothing to take back."))
        return _("Restored: “%(offer)s” may be proposed again for “%(need)s”.") % values
    Dismissal.objects.get_or_create(owner=owner, need=need, offer=offer)
    return (
        _("Noted: “%(offer)s” will no longer be proposed for %(name)s’s need “%(need)s”.") % values
    )


def proposed_instead(owner: AbstractBaseUser, key: str, now: dt.datetime) -> Opportunity | None:
    """The opportunity now proposed for the same need and kind as `key` (after a dismissal:
    the next best offer), or None when no other offer reaches the threshold."""
    kind, need, _offer = _pair(owner, key)
    found = find(owner, now, person=need.person, limit=10_000)
    return next(
        (op for op in (found.give if kind == "G" else found.broker) if op.need.pk == need.pk),
        None,
    )
