"""Exports of a user's people: vCard 4.0 (re-imports losslessly), CSV for spreadsheets, JSON."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Prefetch

from entregent.io import csvfiles, vcard
from entregent.io.loader import EXPORT_UID
from entregent.io.records import ContactRecord
from entregent.network.models import ContactPoint, Person, PersonSource, Tag

EXPORT_SOURCE = "vcard"  # the UID a vCard export gives a person is their vcard source id
CSV_COLUMNS = [
    "name",
    "organization",
    "title",
    "emails",
    "phones",
    "urls",
    "tags",
    "language",
    "last_contact",
    "interactions",
    "notes",
]


def _people(owner: AbstractBaseUser) -> list[Person]:
    return list(
        Person.objects.filter(owner=owner, is_me=False)
        .select_related("organization")
        .prefetch_related(
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("kind", "pk")),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("sources", queryset=PersonSource.objects.filter(source=EXPORT_SOURCE)),
        )
        .annotate(last_contact=Max("interactions__occurred_at"), count=Count("interactions"))
        .order_by("full_name", "pk")
    )


def _uid(person: Person) -> str:
    """A stable UID: the one the person was imported with, else one made of their id."""
    sources = list(person.sources.all())
    return sources[0].external_id if sources else f"{EXPORT_UID}{person.pk}"


def records(owner: AbstractBaseUser) -> list[ContactRecord]:
    """Every contact as a record (the user's own card left out)."""
    out = []
    for p in _people(owner):
        points = list(p.contact_points.all())
        out.append(
            ContactRecord(
                ref=f"#{p.pk}",
                full_name=p.full_name,
                external_id=_uid(p),
                emails=[c.value for c in points if c.kind == "email"],
                phones=[c.value for c in points if c.kind == "phone"],
                urls=[c.value for c in points if c.kind == "url"],
                organization=p.organization.name if p.organization else "",
                title=p.title,
                notes=p.notes,
                tags=[t.name for t in p.tags.all()],
                language=p.language,
                photo=bytes(p.photo) if p.photo else None,
                photo_type=p.photo_type if p.photo else "",
            )
        )
    return out


def to_vcard(owner: AbstractBaseUser) -> bytes:
    """All contacts as vCard 4.0 (RFC 6350)."""
    return vcard.write_vcards(records(owner))


def _row(p: Person) -> dict[str, str]:
    points = list(p.contact_points.all())

    def joined(kind: str) -> str:
        return "; ".join(c.value for c in points if c.kind == kind)

    return {
        "name": p.full_name,
        "organization": p.organization.name if p.organization else "",
        "title": p.title,
        "emails": joined("email"),
        "phones": joined("phone"),
        "urls": joined("url"),
        "tags": "; ".join(t.name for t in p.tags.all()),
        "language": p.language,
        "last_contact": p.last_contact.date().isoformat() if p.last_contact else "",
        "interactions": str(p.count),
        "notes": p.notes,
    }


def to_csv(owner: AbstractBaseUser) -> bytes:
    """All contacts as a spreadsheet-safe CSV (UTF-8 with BOM, formulas neutralised)."""
    return csvfiles.write_csv([_row(p) for p in _people(owner)], CSV_COLUMNS)


def to_json(owner: AbstractBaseUser) -> bytes:
    """All contacts as JSON (a list of objects with the CSV's fields, lists kept as lists)."""
    out: list[dict[str, Any]] = []
    for p in _people(owner):
        row: dict[str, Any] = _row(p)
        for key in ("emails", "phones", "urls", "tags"):
            row[key] = [v for v in row[key].split("; ") if v]
        row["interactions"] = p.count
        row["id"] = p.pk
        out.append(row)
    return (json.dumps(out, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
