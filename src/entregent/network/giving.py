"""Writes of the give-first flow: embedding needs and offers, giving, brokering introductions.

Part of the services layer (every function atomic, verb-named); kept apart from `services.py`
so neither grows past what one can read in a sitting.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from entregent.engine import matching
from entregent.network.errors import InvalidInput
from entregent.network.models import Exchange, Intro, Link, Need, Offer, Rung, Status
from entregent.network.services import (
    _aware,
    _same_owner,
    add_intro,
    ensure_me,
    link_people,
    record_favour,
    tell_offer,
)

User = AbstractBaseUser


def stale_vectors(owner: User) -> list[Need | Offer]:
    """Open needs and offers whose stored vector or profile is missing or from another text,
    model or thesaurus."""
    return [
        item
        for model in (Need, Offer)
        for item in model.objects.filter(owner=owner, status=Status.OPEN).only(
            "pk", "text", "vector_key", "profile_key"
        )
        if item.vector_key != matching.vector_key(item.text)
        or item.profile_key != matching.profile_key(item.text)
    ]


_IDS_PER_QUERY = 900  # under every database's limit on query parameters


@transaction.atomic
def index_vectors(
    owner: User, encoder: matching.Encoder, stale: list[Need | Offer] | None = None
) -> int:
    """Embed the open needs and offers whose text (or the model) changed since last time, and
    store each one's concept profile beside its vector (only the profile when only the
    thesaurus changed)."""
    stale = stale_vectors(owner) if stale is None else stale
    for model in (Need, Offer):
        rows = [item for item in stale if isinstance(item, model)]
        if not rows:
            continue
        texts = [item.text for item in rows]
        vectors = np.zeros((len(rows), matching.DIMENSIONS), dtype=np.float32)
        # A new thesaurus leaves the vectors as they are: only the profiles are worked out again.
        current = [item.pk for item in rows if item.vector_key == matching.vector_key(item.text)]
        stored: dict[int, tuple[bytes, str]] = {}
        for start in range(0, len(current), _IDS_PER_QUERY):
            chunk = current[start : start + _IDS_PER_QUERY]
            for pk, vector, key in model.objects.filter(pk__in=chunk).values_list(
                "pk", "vector", "vector_key"
            ):
                stored[pk] = (vector, key)
        embed = []
        for k, item in enumerate(rows):
            # Read with its key: a text edited meanwhile has a vector of another text.
            vector, key = stored.get(item.pk, (None, ""))
            if (
                vector is not None
                and key == matching.vector_key(item.text)
                and len(bytes(vector)) == 4 * matching.DIMENSIONS
            ):
                vectors[k] = np.frombuffer(bytes(vector), dtype=np.float32)
            else:
                embed.append(k)
        if embed:
            vectors[embed] = matching.embed(encoder, [texts[k] for k in embed])
        profiles = matching.profiles(encoder, texts, vectors)
        for item, vector, profile in zip(rows, vectors, profiles, strict=True):
            item.vector = vector.astype(np.float32).tobytes()
            item.vector_key = matching.vector_key(item.text)
            item.profile = profile.astype(np.float32).tobytes()
            item.profile_key = matching.profile_key(item.text)
        model.objects.bulk_update(
            rows, ["vector", "vector_key", "profile", "profile_key"], batch_size=500
        )
    return len(stale)


@transaction.atomic
def give_to(
    owner: User,
    need: Need,
    offer: Offer,
    *,
    rung: str = Rung.INFORMATION,
    note: str = "",
    keep_open: bool = False,
    when: dt.datetime | None = None,
) -> Exchange:
    """Act on "what I can give": record the favour, tell them my offer, meet (or keep) the need."""
    me = ensure_me(owner)
    _same_owner(owner, need, offer)
    if not offer.person.is_me:
        raise InvalidInput(_("Only your own offers can be given this way."))
    exchange = record_favour(
        owner,
        me,
        need.person,
        rung,
        occurred_at=when,
        note=note,
        need=None if keep_open else need,
        offer=offer,
    )
    if keep_open:
        exchange.need = need
        exchange.save(update_fields=["need", "updated_at"])
    tell_offer(need.person, offer, when=exchange.occurred_at, channel="give")
    return exchange


@transaction.atomic
def broker_intro(
    owner: User,
    need: Need,
    offer: Offer,
    *,
    note: str = "",
    keep_open: bool = False,
    when: dt.datetime | None = None,
) -> Intro:
    """Introduce the person in need to the one who offers: an intro made by me, a favour given
    to the one in need, and a link between the two, who now know each other."""
    me = ensure_me(owner)
    _same_owner(owner, need, offer)
    asker, helper = need.person, offer.person
    if asker.is_me or helper.is_me or asker.pk == helper.pk:
        raise InvalidInput(_("An introduction to broker needs two other people."))
    low, high = sorted((asker.pk, helper.pk))
    if Link.objects.filter(owner=owner, a_id=low, b_id=high).exists():
        raise InvalidInput(
            _("%(a)s and %(b)s already know each other.")
            % {"a": asker.full_name, "b": helper.full_name}
        )
    moment = _aware(when)
    intro = add_intro(owner, requester=asker, intermediary=me, target=helper, status="made")
    intro.made_at = moment
    intro.save(update_fields=["made_at", "updated_at"])
    exchange = record_favour(
        owner,
        me,
        asker,
        Rung.INTRODUCTION,
        occurred_at=moment,
        note=note,
        need=None if keep_open else need,
        offer=offer,
        intro=intro,
    )
    if keep_open:
        exchange.need = need
        exchange.save(update_fields=["need", "updated_at"])
    link_people(
        owner,
        asker,
        helper,
        kind=Link.Kind.KNOWS,
        source="introduction",
        context=_("introduced by %(name)s") % {"name": me.full_name},
        since=moment.date(),
    )
    return intro
