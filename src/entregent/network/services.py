"""Every write to a network, in verb-named atomic functions.

The CLI, the admin, importers and the API call these and never write models directly, so that
normalisation, validation and the method's side effects (a favour received opens a gratitude
loop) happen in exactly one place. Each function raises `InvalidInput` with a readable message
and writes nothing when its input is bad.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.engine.text import fold
from entregent.network import snapshots
from entregent.network.errors import InvalidInput
from entregent.network.models import (
    ContactPoint,
    Dismissal,
    Exchange,
    Goal,
    Interaction,
    Intro,
    Language,
    Link,
    Move,
    Need,
    Offer,
    OfferTold,
    Organization,
    Person,
    Preferences,
    Recognition,
    Rung,
    Status,
    Tag,
    Task,
)
from entregent.network.normalize import normalize

User = AbstractBaseUser

# How long the method gives to close a gratitude loop (METHOD.md, unknown 2).
THANK_WITHIN = dt.timedelta(days=2)


def _clean_text(value: str, what: str, max_length: int | None = None) -> str:
    """Strip a required text, refusing an empty one with a message naming the field."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("The %(what)s cannot be empty.") % {"what": what})
    if max_length and len(text) > max_length:
        raise InvalidInput(
            _("The %(what)s is too long (%(length)d characters, at most %(max)d).")
            % {"what": what, "length": len(text), "max": max_length}
        )
    return text


def _choice(value: str, choices: type, what: str) -> str:
    """Check a value against a TextChoices class, listing the allowed values when it is wrong."""
    allowed = [str(v) for v in choices.values]
    if value not in allowed:
        raise InvalidInput(
            _("Unknown %(what)s “%(value)s”; use one of: %(allowed)s.")
            % {"what": what, "value": value, "allowed": ", ".join(a for a in allowed if a)}
        )
    return value


def _aware(when: dt.datetime | dt.date | None) -> dt.datetime:
    """Turn a date or naive datetime into an aware datetime in the current time zone."""
    if when is None:
        return timezone.now()
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(12, 0))
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _same_owner(owner: User, *objects: object) -> None:
    """Refuse to tie together rows of two different owners (never share implicitly)."""
    for obj in objects:
        if obj is not None and getattr(obj, "owner_id", owner.pk) != owner.pk:
            raise InvalidInput(_("That record belongs to another user."))


def _strength(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if not 1 <= int(value) <= 5:
        raise InvalidInput(_("The %(what)s must be between 1 and 5.") % {"what": what})
    return int(value)


# People and organisations ------------------------------------------------------------------


@transaction.atomic
def ensure_me(owner: User, full_name: str | None = None) -> Person:
    """Return the person who is the user, creating it (named after the account) if needed."""
    me = Person.objects.filter(owner=owner, is_me=True).first()
    if me is None:
        name = (full_name or owner.get_full_name() or owner.get_username()).strip()
        me = Person.objects.create(owner=owner, full_name=name, is_me=True)
    elif full_name and full_name.strip() and me.full_name != full_name.strip():
        me.full_name = full_name.strip()
        me.save()
    return me


@transaction.atomic
def get_or_create_organization(owner: User, name: str) -> Organization:
    """Find an organisation by its folded name, or create it."""
    clean = _clean_text(name, _("organisation name"), 200)
    org = Organization.objects.filter(owner=owner, name_key=fold(clean)).first()
    return org or Organization.objects.create(owner=owner, name=clean)


@transaction.atomic
def add_contact_point(person: Person, kind: str, value: str, label: str = "") -> ContactPoint:
    """Attach a normalised contact point; refuse one that already belongs to someone else."""
    kind = _choice(kind, ContactPoint.Kind, _("contact point kind"))
    try:
        clean = normalize(kind, value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    existing = ContactPoint.objects.filter(owner_id=person.owner_id, kind=kind, value=clean).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise InvalidInput(
                _("%(value)s already belongs to %(name)s.")
                % {"value": clean, "name": existing.person.full_name}
            )
        return existing
    return ContactPoint.objects.create(
        owner_id=person.owner_id,
        person=person,
        kind=kind,
        value=clean,
        label=label.strip(),
    )


@transaction.atomic
def remove_contact_point(point: ContactPoint) -> None:
    """Remove an email, phone or address from a person (imports may bring it back)."""
    point.delete()


@transaction.atomic
def tag_person(person: Person, tags: Iterable[str]) -> list[Tag]:
    """Add tags (created on first use) to a person; tags are case-insensitive labels."""
    added = []
    for raw in tags:
        name = raw.strip().lower()
        if not name:
            continue
        tag, _created = Tag.objects.get_or_create(owner_id=person.owner_id, name=name[:80])
        added.append(tag)
    person.tags.add(*added)
    return added


@transaction.atomic
def add_person(
    owner: User,
    full_name: str,
    *,
    organization: str = "",
    title: str = "",
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    urls: Sequence[str] = (),
    tags: Sequence[str] = (),
    language: str = "",
    closeness: int | None = None,
    notes: str = "",
) -> Person:
    """Create a person with their organisation, contact points and tags, all or nothing."""
    name = _clean_text(full_name, _("name"), 200)
    language = _choice(language, Language, _("language"))
    org = get_or_create_organization(owner, organization) if organization.strip() else None
    person = Person.objects.create(
        owner=owner,
        full_name=name,
        organization=org,
        title=title.strip()[:200],
        language=language,
        closeness=_strength(closeness, _("closeness")),
        notes=notes.strip(),
    )
    for kind, values in (("email", emails), ("phone", phones), ("url", urls)):
        for value in values:
            add_contact_point(person, kind, value)
    tag_person(person, tags)
    return person


@transaction.atomic
def update_person(person: Person, **fields: object) -> Person:
    """Change a person's name, organisation (by name), title, language, closeness or notes."""
    allowed = {"full_name", "organization", "title", "language", "closeness", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(_("Cannot change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "full_name" in fields:
        person.full_name = _clean_text(str(fields["full_name"]), _("name"), 200)
    if "organization" in fields:
        org_name = str(fields["organization"] or "").strip()
        person.organization = (
            get_or_create_organization(person.owner, org_name) if org_name else None
        )
    if "title" in fields:
        person.title = str(fields["title"] or "").strip()[:200]
    if "language" in fields:
        person.language = _choice(str(fields["language"] or ""), Language, _("language"))
    if "closeness" in fields:
        person.closeness = _strength(fields["closeness"], _("closeness"))  # type: ignore[arg-type]
    if "notes" in fields:
        person.notes = str(fields["notes"] or "").strip()
    person.save()
    return person


# Ties and interactions ---------------------------------------------------------------------


@transaction.atomic
def link_people(
    owner: User,
    a: Person,
    b: Person,
    *,
    kind: str = Link.Kind.KNOWS,
    context: str = "",
    strength: int = 3,
    source: str = "manual",
    since: dt.date | None = None,
) -> Link:
    """Record that A and B know each other; a second call updates the same undirected link."""
    _same_owner(owner, a, b)
    if a.pk == b.pk:
        raise InvalidInput(_("A person cannot be linked to themselves."))
    if a.is_me or b.is_me:
        raise InvalidInput(
            _("Your own ties are measured from interactions; link two other people.")
        )
    kind = _choice(kind, Link.Kind, _("link kind"))
    low, high = sorted((a, b), key=lambda p: p.pk)
    link, _created = Link.objects.update_or_create(
        owner=owner,
        a=low,
        b=high,
        defaults={
            "kind": kind,
            "context": context.strip()[:200],
            "strength": _strength(strength, _("strength")),
            "source": source,
            "since": since,
        },
    )
    return link


@transaction.atomic
def log_interaction(
    owner: User,
    people: Sequence[Person],
    *,
    kind: str,
    direction: str = Interaction.Direction.MUTUAL,
    occurred_at: dt.datetime | dt.date | None = None,
    summary: str = "",
    source: str = "manual",
    external_id: str = "",
) -> Interaction:
    """Record a contact with one or more people; a known source + external id is not re-added."""
    kind = _choice(kind, Interaction.Kind, _("interaction kind"))
    direction = _choice(direction, Interaction.Direction, _("direction"))
    participants = [p for p in people if not p.is_me]
    if not participants:
        raise InvalidInput(_("Name at least one person other than yourself."))
    _same_owner(owner, *participants)
    if external_id:
        existing = Interaction.objects.filter(
            owner=owner,
            source=source,
            external_id=external_id,
        ).first()
        if existing is not None:
            return existing
    interaction = Interaction.objects.create(
        owner=owner,
        occurred_at=_aware(occurred_at),
        kind=kind,
        direction=direction,
        summary=summary.strip(),
        source=source,
        external_id=external_id,
    )
    interaction.participants.set(participants)
    return interaction


# Needs, offers, favours --------------------------------------------------------------------


def _clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({t.strip().lower() for t in tags if t and t.strip()})


@transaction.atomic
def add_need(person: Person, text: str, tags: Iterable[str] = ()) -> Need:
    """Record what someone is looking for."""
    return Need.objects.create(
        owner_id=person.owner_id,
        person=person,
        text=_clean_text(text, _("need"), 2000),
        tags=_clean_tags(tags),
    )


@transaction.atomic
def add_offer(person: Person, text: str, tags: Iterable[str] = ()) -> Offer:
    """Record what someone can give; the user's offers answer "which problem do I solve"."""
    return Offer.objects.create(
        owner_id=person.owner_id,
        person=person,
        text=_clean_text(text, _("offer"), 2000),
        tags=_clean_tags(tags),
    )


@transaction.atomic
def close_need(need: Need, status: str = Status.MET, when: dt.datetime | None = None) -> Need:
    """Mark a need met or withdrawn (or reopen it with status "open")."""
    need.status = _choice(status, Status, _("status"))
    need.closed_at = None if status == Status.OPEN else _aware(when)
    need.save()
    return need


@transaction.atomic
def close_offer(
    offer: Offer, status: str = Status.WITHDRAWN, when: dt.datetime | None = None
) -> Offer:
    """Withdraw an offer (or reopen it with status "open")."""
    offer.status = _choice(status, Status, _("status"))
    offer.closed_at = None if status == Status.OPEN else _aware(when)
    offer.save()
    return offer


def _reword(item: Need | Offer, text: str, what: str) -> Need | Offer:
    """Change a need's or offer's text, dropping its stored vector (it was of the old text)."""
    clean = _clean_text(text, what, 2000)
    if clean != item.text:
        item.text, item.vector, item.vector_key = clean, None, ""
        item.profile, item.profile_key = None, ""
        item.save(
            update_fields=["text", "vector", "vector_key", "profile", "profile_key", "updated_at"]
        )
    return item


@transaction.atomic
def update_need_text(need: Need, text: str) -> Need:
    """Reword a need (validated as in `add_need`); it is embedded again on next matching."""
    return _reword(need, text, _("need"))


@transaction.atomic
def update_offer_text(offer: Offer, text: str) -> Offer:
    """Reword an offer (validated as in `add_offer`); it is embedded again on next matching."""
    return _reword(offer, text, _("offer"))


@transaction.atomic
def record_favour(
    owner: User,
    giver: Person,
    receiver: Person,
    rung: str,
    *,
    status: str = Exchange.State.GIVEN,
    occurred_at: dt.datetime | dt.date | None = None,
    note: str = "",
    need: Need | None = None,
    offer: Offer | None = None,
    intro: Intro | None = None,
) -> Exchange:
    """Write a favour in the ledger; one the user receives opens a thank-you task."""
    _same_owner(owner, giver, receiver, need, offer, intro)
    if giver.pk == receiver.pk:
        raise InvalidInput(_("A favour needs two different people."))
    rung = _choice(rung, Rung, _("rung"))
    status = _choice(status, Exchange.State, _("favour status"))
    when = _aware(occurred_at)
    exchange = Exchange.objects.create(
        owner=owner,
        giver=giver,
        receiver=receiver,
        rung=rung,
        status=status,
        occurred_at=when,
        note=note.strip(),
        need=need,
        offer=offer,
        intro=intro,
    )
    if need is not None and status == Exchange.State.GIVEN and need.status == Status.OPEN:
        close_need(need, Status.MET, when)
    open_thank_loop(exchange)
    return exchange


@transaction.atomic
def open_thank_loop(exchange: Exchange) -> Task | None:
    """A favour the user received and has not thanked yet gets a thank-you task, once."""
    if (
        not (exchange.receiver.is_me and exchange.status == Exchange.State.GIVEN)
        or exchange.thanked_at is not None
        or exchange.tasks.filter(kind=Task.Kind.THANK).exists()
    ):
        return None
    return Task.objects.create(
        owner_id=exchange.owner_id,
        kind=Task.Kind.THANK,
        person=exchange.giver,
        exchange=exchange,
        intro=exchange.intro,
        due=timezone.localdate(exchange.occurred_at + THANK_WITHIN),
        # The title is stored, so it is written in the language active when the loop opens.
        title=_("Thank %(name)s for the %(rung)s")
        % {"name": exchange.giver.full_name, "rung": exchange.get_rung_display()},
    )


@transaction.atomic
def mark_thanked(exchange: Exchange, when: dt.datetime | None = None) -> Exchange:
    """Close the thank-you half of a gratitude loop, and the task that tracked it."""
    exchange.thanked_at = _aware(when)
    exchange.save(update_fields=["thanked_at", "updated_at"])
    exchange.tasks.filter(kind=Task.Kind.THANK, done_at=None).update(done_at=exchange.thanked_at)
    return exchange


@transaction.atomic
def mark_outcome_reported(exchange: Exchange, when: dt.datetime | None = None) -> Exchange:
    """Record that the giver was told how their favour turned out."""
    exchange.outcome_reported_at = _aware(when)
    exchange.save(update_fields=["outcome_reported_at", "updated_at"])
    exchange.tasks.filter(kind=Task.Kind.REPORT_OUTCOME, done_at=None).update(
        done_at=exchange.outcome_reported_at,
    )
    return exchange


# Recognition -------------------------------------------------------------------------------


@transaction.atomic
def tell_offer(
    person: Person, offer: Offer, *, when: dt.datetime | dt.date | None = None, channel: str = ""
) -> OfferTold:
    """Record that a person was told about one of my offers (they now know it)."""
    _same_owner(person.owner, offer)
    if person.is_me:
        raise InvalidInput(_("Tell someone other than yourself."))
    if not offer.person.is_me:
        raise InvalidInput(
            _("Only your own offers can be told; this one is %(name)s's.")
            % {"name": offer.person.full_name}
        )
    return OfferTold.objects.create(
        owner_id=person.owner_id,
        person=person,
        offer=offer,
        told_at=_aware(when),
        channel=channel.strip()[:40],
    )


@transaction.atomic
def set_recognition(
    person: Person,
    *,
    level: int | None = None,
    evidence: str | None = None,
    perception: str | None = None,
    clear_level: bool = False,
) -> Recognition:
    """Set what a person knows of me: a manual level (0-3), evidence, their perception of me."""
    if person.is_me:
        raise InvalidInput(_("Recognition is what others know of you; pick someone else."))
    if level is not None and level not in Recognition.Level.values:
        raise InvalidInput(_("The recognition level must be 0, 1, 2 or 3."))
    recognition, _created = Recognition.objects.get_or_create(
        owner_id=person.owner_id, person=person
    )
    if level is not None or clear_level:
        recognition.level_override = level
    if evidence is not None:
        recognition.evidence = evidence.strip()
    if perception is not None:
        recognition.perception = perception.strip()
    recognition.save()
    return recognition


# Goals, introductions, tasks ---------------------------------------------------------------


@transaction.atomic
def add_goal(
    owner: User,
    *,
    person: Person | None = None,
    organization: Organization | None = None,
    why: str = "",
) -> Goal:
    """Set a target to reach: a person or someone at an organisation."""
    _same_owner(owner, person, organization)
    if person is None and organization is None:
        raise InvalidInput(_("A goal needs a target person or organisation."))
    return Goal.objects.create(
        owner=owner, target_person=person, target_organization=organization, why=why.strip()
    )


@transaction.atomic
def add_intro(
    owner: User,
    *,
    requester: Person,
    intermediary: Person,
    target: Person,
    status: str = Intro.State.PLANNED,
    goal: Goal | None = None,
) -> Intro:
    """Plan (or record) an introduction of the requester to the target via an intermediary."""
    _same_owner(owner, requester, intermediary, target, goal)
    if len({requester.pk, intermediary.pk, target.pk}) != 3:
        raise InvalidInput(_("An introduction needs three different people."))
    status = _choice(status, Intro.State, _("introduction status"))
    return Intro.objects.create(
        owner=owner,
        requester=requester,
        intermediary=intermediary,
        target=target,
        status=status,
        goal=goal,
    )


@transaction.atomic
def add_task(
    owner: User,
    title: str,
    *,
    kind: str = Task.Kind.OTHER,
    due: dt.date | None = None,
    person: Person | None = None,
) -> Task:
    """Add something to do, optionally about a person and by a date."""
    _same_owner(owner, person)
    return Task.objects.create(
        owner=owner,
        title=_clean_text(title, _("task"), 200),
        kind=_choice(kind, Task.Kind, _("task kind")),
        due=due,
        person=person,
    )


@transaction.atomic
def complete_task(task: Task, when: dt.datetime | None = None) -> Task:
    """Mark a task done; a thank-you task also closes its favour's thank-you loop."""
    task.done_at = _aware(when)
    task.save(update_fields=["done_at", "updated_at"])
    if task.exchange_id and task.kind == Task.Kind.THANK and task.exchange.thanked_at is None:
        mark_thanked(task.exchange, task.done_at)
    return task


@transaction.atomic
def release_person(person: Person, when: dt.datetime | None = None) -> Person:
    """Let a relationship go on purpose: it moves to the outer circle and out of the load."""
    if person.is_me:
        raise InvalidInput(_("You cannot let yourself go."))
    person.released_at = _aware(when)
    person.save(update_fields=["released_at", "updated_at"])
    return person


@transaction.atomic
def keep_person(person: Person) -> Person:
    """Undo `release_person`: the relationship counts in the circles again."""
    person.released_at = None
    person.save(update_fields=["released_at", "updated_at"])
    return person


@transaction.atomic
def record_move(
    owner: User,
    key: str,
    kind: str,
    state: str,
    *,
    until: dt.date,
    person: Person | None = None,
    when: dt.datetime | None = None,
) -> Move:
    """Remember what the user decided about a proposed move (one row per move key)."""
    state = _choice(state, Move.State, _("decision"))
    if person is not None:
        _same_owner(owner, person)
    move, _created = Move.objects.update_or_create(
        owner=owner,
        key=key[:120],
        defaults={
            "kind": kind,
            "person": person,
            "state": state,
            "decided_at": _aware(when),
            "until": until,
        },
    )
    return move


@transaction.atomic
def set_preferences(
    owner: User,
    *,
    daily_minutes: int | object | None = ...,
    capacity: int | object | None = ...,
    language: str | object = ...,
) -> Preferences:
    """Change the user's own settings; a value of None goes back to the server's default."""
    prefs, _created = Preferences.objects.get_or_create(owner=owner)
    if daily_minutes is not ...:
        if daily_minutes is not None and not 1 <= int(daily_minutes) <= 480:
            raise InvalidInput(_("Minutes a day must be between 1 and 480."))
        prefs.daily_minutes = daily_minutes
    if capacity is not ...:
        if capacity is not None and not 1 <= int(capacity) <= 5000:
            raise InvalidInput(_("Capacity must be between 1 and 5000."))
        prefs.capacity = capacity
    if language is not ...:
        prefs.language = _choice(str(language), Language, _("language"))
    prefs.save()
    if capacity is not ...:
        snapshots.bump(owner.pk)  # the load is measured against the capacity
    return prefs


def language_of(owner: User) -> str:
    """The user's chosen language, else the server's (for what is read without a browser)."""
    chosen = Preferences.objects.filter(owner=owner).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


@transaction.atomic
def new_feed_token(owner: User) -> str:
    """Give the user a new calendar feed secret; the old address stops working at once."""
    prefs, _created = Preferences.objects.get_or_create(owner=owner)
    prefs.feed_token = secrets.token_urlsafe(24)
    prefs.save(update_fields=["feed_token"])
    return prefs.feed_token


@transaction.atomic
def revoke_feed_token(owner: User) -> None:
    """Turn the calendar feed off: no address works until a new one is made."""
    Preferences.objects.filter(owner=owner).update(feed_token=None)


@transaction.atomic
def delete_person(person: Person) -> None:
    """Remove a contact and everything that is only about them; the user cannot be deleted."""
    if person.is_me:
        raise InvalidInput(_("You cannot delete yourself."))
    # Interactions left with no participant would count for nobody: remove them too.
    orphan_ids = [
        i.pk
        for i in person.interactions.prefetch_related("participants")
        if all(p.pk == person.pk for p in i.participants.all())
    ]
    Interaction.objects.filter(pk__in=orphan_ids).delete()
    owner_id = person.owner_id
    person.delete()
    snapshots.bump(owner_id)


@transaction.atomic
def clear_network(owner: User) -> int:
    """Delete every row the user owns (people, organisations, tags and all that hangs on them)."""
    deleted = 0
    # Children first keeps the cascade cheap; each delete is one query per table.
    for model in (
        Move,
        Task,
        Dismissal,
        OfferTold,
        Recognition,
        Exchange,
        Intro,
        Goal,
        Need,
        Offer,
        Link,
        Interaction,
        ContactPoint,
        Person,
        Organization,
        Tag,
    ):
        count, _detail = model.objects.filter(owner=owner).delete()
        deleted += count
    snapshots.bump(owner.pk)
    return deleted
