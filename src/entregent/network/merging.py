"""Writes that join two records of the same person, or record that they are two people.

Part of the services layer (atomic, verb-named), beside `services.py`. Merging moves
everything that hangs on the second person to the first, keeps what the first lacks, and
deletes the second: nothing the user recorded is lost.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from entregent.engine.text import fold
from entregent.network import snapshots
from entregent.network.errors import InvalidInput
from entregent.network.models import (
    ContactPoint,
    Exchange,
    Goal,
    Interaction,
    Intro,
    Link,
    MergeSuggestion,
    Move,
    Need,
    Offer,
    OfferTold,
    Person,
    PersonSource,
    Recognition,
    Task,
)

User = AbstractBaseUser


def _pair(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def suggest_merge(a: Person, b: Person, score: float, reason: str = "") -> MergeSuggestion | None:
    """List two people as possibly the same (once; a pair kept apart is not suggested again)."""
    if a.pk == b.pk or a.is_me or b.is_me:
        return None
    low, high = _pair(a, b)
    suggestion, _created = MergeSuggestion.objects.get_or_create(
        owner_id=a.owner_id, a=low, b=high, defaults={"score": score, "reason": reason[:200]}
    )
    return suggestion


@transaction.atomic
def keep_apart(a: Person, b: Person) -> MergeSuggestion:
    """Record that two people are not the same: they are not suggested again."""
    if a.pk == b.pk:
        raise InvalidInput(_("Name two different people."))
    if a.owner_id != b.owner_id:
        raise InvalidInput(_("These people belong to different accounts."))
    low, high = _pair(a, b)
    suggestion, _created = MergeSuggestion.objects.update_or_create(
        owner_id=a.owner_id,
        a=low,
        b=high,
        defaults={"state": MergeSuggestion.State.APART},
        create_defaults={"state": MergeSuggestion.State.APART, "score": 0.0},
    )
    return suggestion


@transaction.atomic
def merge_people(keep: Person, other: Person) -> Person:
    """Fold `other` into `keep`: contact points, interactions, links, needs, offers, favours,
    introductions, recognition, goals, tasks and sources move over; blank fields of `keep` take
    `other`'s values; notes are joined; `other` is deleted."""
    if keep.pk == other.pk:
        raise InvalidInput(_("Name two different people."))
    if keep.owner_id != other.owner_id:
        raise InvalidInput(_("These people belong to different accounts."))
    if keep.is_me or other.is_me:
        raise InvalidInput(_("You cannot be merged with a contact; merge two contacts."))
    owner_id = keep.owner_id
    taken = set(ContactPoint.objects.filter(person=keep).values_list("kind", "value"))
    for point in ContactPoint.objects.filter(person=other):
        if (point.kind, point.value) in taken:
            point.delete()
        else:
            point.person = keep
            point.save(update_fields=["person", "updated_at"])
    through = Interaction.participants.through
    shared = set(through.objects.filter(person=keep).values_list("interaction_id", flat=True))
    through.objects.filter(person=other, interaction_id__in=shared).delete()
    through.objects.filter(person=other).update(person=keep)
    for link in Link.objects.filter(Q(a=other) | Q(b=other)):
        mate = link.b if link.a_id == other.pk else link.a
        if mate.pk == keep.pk:
            link.delete()
            continue
        low, high = _pair(keep, mate)
        existing = Link.objects.filter(owner_id=owner_id, a=low, b=high).first()
        if existing is not None:  # keep the stronger strength, and what only the other says
            existing.strength = max(existing.strength, link.strength)
            existing.context = existing.context or link.context
            existing.since = existing.since or link.since
            existing.save(update_fields=["strength", "context", "since", "updated_at"])
            link.delete()
        else:
            link.a, link.b = low, high
            link.save(update_fields=["a", "b", "updated_at"])
    # A favour between the two records of one person means nothing once they are one.
    Exchange.objects.filter(Q(giver=other, receiver=keep) | Q(giver=keep, receiver=other)).delete()
    for model, fields in (
        (Need, ("person",)),
        (Offer, ("person",)),
        (Exchange, ("giver", "receiver")),
        (Intro, ("requester", "intermediary", "target")),
        (OfferTold, ("person",)),
        (Goal, ("target_person",)),
        (Task, ("person",)),
        (Move, ("person",)),
    ):
        for name in fields:
            model.objects.filter(**{name: other}).update(**{name: keep})
    for source in PersonSource.objects.filter(person=other):
        if (
            PersonSource.objects.filter(
                owner_id=owner_id, source=source.source, external_id=source.external_id
            )
            .exclude(pk=source.pk)
            .exists()
        ):
            source.delete()
        else:
            source.person = keep
            source.save(update_fields=["person", "updated_at"])
    theirs = Recognition.objects.filter(person=other).first()
    if theirs is not None:
        mine = Recognition.objects.filter(person=keep).first()
        if mine is not None:  # one record: the evidence and words of both
            if mine.level_override is None:
                mine.level_override = theirs.level_override
            for name in ("evidence", "perception"):
                ours, their = getattr(mine, name).strip(), getattr(theirs, name).strip()
                if their and their not in ours:
                    setattr(mine, name, "\n\n".join(t for t in (ours, their) if t))
            mine.save()
            theirs.delete()
        else:
            theirs.person = keep
            theirs.save(update_fields=["person", "updated_at"])
    keep.tags.add(*other.tags.all())
    for name in ("organization", "title", "language", "photo", "photo_type"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    if other.closeness and (keep.closeness or 0) < other.closeness:
        keep.closeness = other.closeness
    if other.notes.strip() and other.notes.strip() not in keep.notes:
        keep.notes = "\n\n".join(n for n in (keep.notes.strip(), other.notes.strip()) if n)
    keep.save()
    # "Kept apart" decisions about the other record now hold for the person kept.
    for decided in MergeSuggestion.objects.filter(Q(a=other) | Q(b=other)):
        mate = decided.b if decided.a_id == other.pk else decided.a
        if decided.state == MergeSuggestion.State.APART and mate.pk != keep.pk:
            low, high = _pair(keep, mate)
            MergeSuggestion.objects.update_or_create(
                owner_id=owner_id,
                a=low,
                b=high,
                defaults={"state": MergeSuggestion.State.APART},
                create_defaults={"state": MergeSuggestion.State.APART, "score": decided.score},
            )
        decided.delete()
    # Decisions on the day's moves name people by id: carry them over.
    for move in Move.objects.filter(person=keep):
        prefix, _sep, rest = move.key.partition(":")
        parts = rest.split(":")
        if parts and parts[0] == str(other.pk):
            parts[0] = str(keep.pk)
            new_key = f"{prefix}:{':'.join(parts)}"
            if Move.objects.filter(owner_id=owner_id, key=new_key).exists():
                move.delete()
            else:
                move.key = new_key
                move.save(update_fields=["key", "updated_at"])
    other.delete()
    snapshots.bump(owner_id)
    return keep


SIMILAR = 85.0  # token-sort ratio of two folded names from which a pair is worth a look


@transaction.atomic
def scan_duplicates(owner: User) -> int:
    """Look through the whole network for people who may be the same (similar names; the same
    organisation counts in favour) and list them as merge suggestions; returns how many are new.

    Names are compared only within blocks that share a word, so the scan stays near-linear.
    """
    people = list(
        Person.objects.filter(owner=owner, is_me=False).values_list(
            "pk", "name_key", "organization_id"
        )
    )
    known = set(MergeSuggestion.objects.filter(owner=owner).values_list("a", "b"))
    blocks: dict[str, list[int]] = {}
    for k, (_pk, key, _org) in enumerate(people):
        for token in set(fold(key).replace("-", " ").split()):
            if len(token) > 2:
                blocks.setdefault(token, []).append(k)
    found: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        if len(members) > 200:  # a very common word ("de", "martin") says little alone
            continue
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                a, b = people[left], people[right]
                pair = (min(a[0], b[0]), max(a[0], b[0]))
                if pair in known or pair in found:
                    continue
                score = fuzz.token_sort_ratio(a[1], b[1])
                if a[2] and a[2] == b[2]:
                    score = min(100.0, score + 5.0)
                if score >= SIMILAR:
                    found[pair] = score
    MergeSuggestion.objects.bulk_create(
        [
            MergeSuggestion(owner=owner, a_id=a, b_id=b, score=score, reason=_("similar names"))
            for (a, b), score in sorted(found.items())
        ],
        ignore_conflicts=True,
    )
    return len(found)
