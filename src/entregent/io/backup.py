"""A complete, versioned JSON backup of everything a user owns, and its restore.

Ids are renumbered 1, 2, 3… per table in the order of the original ids, and every reference
follows, so a backup does not depend on the database it came from: backup → restore into an
empty database → backup gives the same file. Left out, because they are derived and rebuilt
on use: search keys (recomputed from names), need and offer vectors and concept profiles
(recomputed from texts), the stored engine arrays, and the calendar feed's secret address.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _

from entregent.engine.text import fold
from entregent.network import services, snapshots
from entregent.network.errors import InvalidInput
from entregent.network.models import (
    ContactPoint,
    Digest,
    Dismissal,
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
    Organization,
    Person,
    PersonSource,
    Preferences,
    Recognition,
    Tag,
    Task,
)

FORMAT = "entregent-backup"
VERSION = 1
# In an order where every table comes after the tables it refers to.
TABLES: tuple[type[models.Model], ...] = (
    Tag,
    Organization,
    Person,
    ContactPoint,
    PersonSource,
    Link,
    Interaction,
    Need,
    Offer,
    Goal,
    Intro,
    Exchange,
    Recognition,
    OfferTold,
    Dismissal,
    Task,
    Move,
    MergeSuggestion,
    Preferences,
    Digest,
)
# Derived data is rebuilt on use; the calendar feed's secret is not carried to another place
# (make a new one with `entregent feed --new`).
DERIVED = {
    "owner",
    "name_key",
    "vector",
    "vector_key",
    "profile",
    "profile_key",
    "feed_token",
}
BATCH = 2000


# The ids inside a move's key (see network/moves.py), by the table each names.
_KEY_PARTS: dict[str, tuple[type[models.Model] | None, ...]] = {
    "loop": (Task,),
    "rescue": (Person,),
    "answer": (Person,),
    "letgo": (Person,),
    "tell": (Person, Offer),
    "intro": (Intro, None),
    "warm": (Goal, Person, Person),
}


def rekey(key: str, lookup: Any) -> str | None:
    """A move's key with its ids translated by `lookup(model, id)`; None when one is gone."""
    prefix, _sep, rest = key.partition(":")
    if prefix == "give" and rest[:1] in ("G", "B") and "-" in rest:
        need, _dash, offer = rest[1:].partition("-")
        new_need = lookup(Need, int(need)) if need.isdigit() else None
        new_offer = lookup(Offer, int(offer)) if offer.isdigit() else None
        if new_need is None or new_offer is None:
            return None
        return f"give:{rest[0]}{new_need}-{new_offer}"
    models_of = _KEY_PARTS.get(prefix)
    if models_of is None:
        return None
    parts = rest.split(":")
    out = []
    for part, model in zip(parts, models_of + (None,) * len(parts), strict=False):
        if model is None:
            out.append(part)
            continue
        new = lookup(model, int(part)) if part.isdigit() else None
        if new is None:
            return None
        out.append(str(new))
    return f"{prefix}:{':'.join(out)}"


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in DERIVED and not f.primary_key]


def _encode(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.BinaryField):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decode(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    return value


def backup(owner: AbstractBaseUser) -> dict[str, Any]:
    """Everything the user owns as one JSON-ready dict (deterministic for the same data)."""
    numbering: dict[type[models.Model], dict[int, int]] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in TABLES:
        rows = list(model.objects.filter(owner=owner).order_by("pk"))
        numbering[model] = {row.pk: k for k, row in enumerate(rows, 1)}
        out = []
        for row in rows:
            item: dict[str, Any] = {"id": numbering[model][row.pk]}
            for field in _fields(model):
                value = getattr(row, field.attname)
                if field.is_relation and value is not None:
                    value = numbering[field.related_model][value]
                item[field.name] = _encode(field, value)
            if model is Move:  # its key names rows by id: renumber them too
                item["key"] = rekey(row.key, lambda m, i: numbering[m].get(i))
                if item["key"] is None:
                    continue  # about something deleted since: nothing to keep
            out.append(item)
        tables[model._meta.model_name] = out
    for model, name, target in ((Person, "tags", Tag), (Interaction, "participants", Person)):
        through = getattr(model, name).through
        source_field = model._meta.model_name + "_id"
        target_field = target._meta.model_name + "_id"
        links: dict[int, list[int]] = {}
        for a, b in through.objects.filter(
            **{f"{model._meta.model_name}__owner": owner}
        ).values_list(source_field, target_field):
            links.setdefault(numbering[model][a], []).append(numbering[target][b])
        for item in tables[model._meta.model_name]:
            item[name] = sorted(links.get(item["id"], []))
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def dumps(data: dict[str, Any]) -> str:
    """The backup as text: one line per row, so a diff of two backups reads well."""
    head = {"format": data["format"], "version": data["version"]}
    lines = [json.dumps(head)[:-1] + ', "tables": {']
    names = list(data["tables"])
    for t, name in enumerate(names):
        rows = data["tables"][name]
        lines.append(f"{json.dumps(name)}: [")
        for r, row in enumerate(rows):
            comma = "," if r < len(rows) - 1 else ""
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True) + comma)
        lines.append("]" + ("," if t < len(names) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


@contextmanager
def _keep_timestamps() -> Iterator[None]:
    """Restore the recorded `updated_at`, not the time of the restore."""
    fields = [
        f for model in TABLES for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
    ]
    for f in fields:
        f.auto_now = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now = True


def _empty(owner: AbstractBaseUser) -> bool:
    """True when the user owns nothing but, at most, their own bare person (from `init`)."""
    people = list(Person.objects.filter(owner=owner).values_list("is_me", flat=True)[:2])
    if len(people) > 1 or (people and not people[0]):
        return False
    return not any(
        model.objects.filter(owner=owner).exists()
        for model in TABLES
        if model not in (Person, Preferences, ContactPoint, Tag)
    )


@transaction.atomic
def restore(owner: AbstractBaseUser, data: Any) -> dict[str, int]:
    """Load a backup into an account that holds nothing yet; returns rows per table."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput(_("This file is not an entregent backup."))
    if data.get("version") != VERSION:
        raise InvalidInput(
            _("This backup is of version %(version)s; this entregent reads version %(ours)d.")
            % {"version": data.get("version"), "ours": VERSION}
        )
    if not _empty(owner):
        raise InvalidInput(
            _(
                "Your account already holds a network: restore into a new account (entregent "
                "init --username …, then ENTREGENT_USER=… entregent restore FILE)."
            )
        )
    services.clear_network(owner)
    Preferences.objects.filter(owner=owner).delete()
    tables = data.get("tables") or {}
    new_ids: dict[type[models.Model], dict[int, int]] = {}
    counts: dict[str, int] = {}
    try:
        with _keep_timestamps():
            for model in TABLES:
                rows = tables.get(model._meta.model_name, [])
                objects = []
                for item in rows:
                    values: dict[str, Any] = {"owner": owner}
                    for field in _fields(model):
                        if field.name not in item:
                            continue
                        value = _decode(field, item[field.name])
                        if field.is_relation and value is not None:
                            value = new_ids[field.related_model][value]
                        values[field.attname] = value
                    if model is Move:
                        values["key"] = rekey(values["key"], lambda m, i: new_ids[m].get(i))
                        if values["key"] is None:
                            raise ValueError("a move names a row the backup does not hold")
                    obj = model(**values)
                    if hasattr(obj, "name_key"):
                        obj.name_key = fold(obj.full_name if model is Person else obj.name)[:200]
                    objects.append(obj)
                model.objects.bulk_create(objects, batch_size=BATCH)
                new_ids[model] = {
                    item["id"]: obj.pk for item, obj in zip(rows, objects, strict=True)
                }
                counts[model._meta.model_name] = len(objects)
            for model, name, target in (
                (Person, "tags", Tag),
                (Interaction, "participants", Person),
            ):
                through = getattr(model, name).through
                rows = [
                    through(
                        **{
                            model._meta.model_name + "_id": new_ids[model][item["id"]],
                            target._meta.model_name + "_id": new_ids[target][ref],
                        }
                    )
                    for item in tables.get(model._meta.model_name, [])
                    for ref in item.get(name, [])
                ]
                through.objects.bulk_create(rows, batch_size=BATCH)
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(
            _("This backup is damaged (%(why)s); nothing was restored.") % {"why": exc}
        ) from None
    snapshots.bump(owner.pk)
    return counts
