"""Turning query results into terminal output and JSON; no database writes here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from entregent.cli.support import console
from entregent.engine.circles import CUTS
from entregent.engine.snapshot import RUNGS
from entregent.network.explain import MEASURE_TITLES, NetworkView
from entregent.network.models import Person
from entregent.network.queries import PersonCard


def day(value: dt.datetime | dt.date | None) -> str:
    """A date as YYYY-MM-DD in local time, or an empty string."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def database_location() -> str:
    """Where the data lives, for humans: the SQLite file, or the server and database name."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return str(db["NAME"])
    return f"{db['ENGINE'].rsplit('.', 1)[-1]}://{db.get('HOST') or 'localhost'}/{db['NAME']}"


def person_row_json(p: Person) -> dict[str, Any]:
    """One row of `people --json`."""
    return {
        "id": p.pk,
        "name": p.full_name,
        "organization": p.organization.name if p.organization else None,
        "title": p.title,
        "tags": [t.name for t in p.tags.all()],
        "last_contact": timezone.localtime(p.last_contact).isoformat() if p.last_contact else None,
        "interactions": p.interaction_count,
    }


def card_json(card: PersonCard) -> dict[str, Any]:
    """Everything of `show --json`."""
    p = card.person
    rec = card.recognition
    return {
        "id": p.pk,
        "name": p.full_name,
        "is_me": p.is_me,
        "organization": p.organization.name if p.organization else None,
        "title": p.title,
        "language": p.language or None,
        "closeness": p.closeness,
        "tags": card.tags,
        "notes": p.notes,
        "contact_points": [
            {"kind": c.kind, "value": c.value, "label": c.label} for c in card.contact_points
        ],
        "knows": [
            {
                "id": other.pk,
                "name": other.full_name,
                "kind": link.kind,
                "context": link.context,
                "strength": link.strength,
            }
            for other, link in card.links
        ],
        "interaction_count": card.interaction_count,
        "recent_interactions": [
            {
                "when": i.occurred_at.isoformat(),
                "kind": i.kind,
                "initiated_by": i.direction,
                "summary": i.summary,
                "with": [q.full_name for q in i.participants.all()],
            }
            for i in card.interactions
        ],
        "needs": [
            {"id": n.pk, "text": n.text, "status": n.status, "since": n.created_at.isoformat()}
            for n in card.needs
        ],
        "offers": [
            {"id": o.pk, "text": o.text, "status": o.status, "since": o.created_at.isoformat()}
            for o in card.offers
        ],
        "favours": [
            {
                "id": e.pk,
                "giver": e.giver.full_name,
                "receiver": e.receiver.full_name,
                "rung": e.rung,
                "status": e.status,
                "when": e.occurred_at.isoformat(),
                "thanked_at": e.thanked_at.isoformat() if e.thanked_at else None,
                "note": e.note,
            }
            for e in card.favours
        ],
        "introductions": [
            {
                "id": i.pk,
                "requester": i.requester.full_name,
                "intermediary": i.intermediary.full_name,
                "target": i.target.full_name,
                "status": i.status,
            }
            for i in card.intros
        ],
        "recognition": {
            "level_override": rec.level_override if rec else None,
            "evidence": rec.evidence if rec else "",
            "perception": rec.perception if rec else "",
            "offers_known": [
                {"offer": t.offer.text, "told_at": t.told_at.isoformat()} for t in card.offers_told
            ],
            "offers_not_told": [o.text for o in card.my_offers_not_told],
        },
        "open_tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "kind": t.kind,
                "due": t.due.isoformat() if t.due else None,
            }
            for t in card.tasks
        ],
    }


def _section(title: str) -> None:
    console.print(f"\n[bold]{title}[/bold]")


def _line(text: str) -> None:
    console.print("  " + text, markup=False)


def measures_json(view: NetworkView, person_id: int) -> dict[str, Any]:
    """The numbers and sentences of one person's measures, for `show --json`."""
    m = view.measures
    i = m.index(person_id)
    return {
        "strength": round(float(m.strength[i]), 3),
        "strength_from_contacts": round(float(m.observed[i]), 3),
        "half_life_days": m.half_life.half_life,
        "circle": CUTS[m.circle[i]] if m.circle[i] < len(CUTS) else None,
        "rank": int(m.rank[i]) + 1,
        "p_alive": round(float(m.p_alive[i]), 3),
        "p_contact_90_days": round(float(m.p_contact[i]), 3),
        "p_contact_half_life_days": round(float(m.p_contact_half_life[i]), 3),
        "silence_days": None if not np.isfinite(m.silence[i]) else round(float(m.silence[i]), 1),
        "drifting": bool(m.drifting[i]),
        "initiative": {
            "me": int(m.initiative.by_me[i]),
            "them": int(m.initiative.by_them[i]),
            "mutual": int(m.initiative.mutual[i]),
            "share_me": round(float(m.initiative.rho[i]), 3),
            "interval_90": [
                round(float(m.initiative.low[i]), 3),
                round(float(m.initiative.high[i]), 3),
            ],
            "imbalanced": bool(m.initiative.imbalanced[i]),
        },
        "favour_balance": round(float(m.ledger.balance[i]), 3),
        "recognition_level": int(m.recognition.level[i]),
        "offers_known": int(m.recognition.offers_known[i]),
        "ask": RUNGS[int(m.asks.rung[i])],
        "real": bool(m.real[i]),
        "explanations": view.explain(person_id),
    }


def print_card(card: PersonCard, measures: dict[str, list[str]] | None = None) -> None:
    """The person card of `show`, in sections that are skipped when empty."""
    p = card.person
    you = _("you")
    head = p.full_name + (f"  ({you})" if p.is_me else "")
    console.print(f"[bold cyan]{escape(head)}[/bold cyan]  #{p.pk}")
    job = " — ".join(x for x in (p.title, p.organization.name if p.organization else "") if x)
    if job:
        _line(job)
    for cp in card.contact_points:
        _line(f"{cp.get_kind_display()}: {cp.value}")
    if card.tags:
        _line(_("Tags: %(tags)s") % {"tags": ", ".join(card.tags)})
    if p.closeness:
        _line(_("Declared closeness: %(n)d/5") % {"n": p.closeness})
    if p.notes:
        _line(p.notes)
    if measures:
        _section(_("Measures"))
        for name, sentences in measures.items():
            _line(
                _("%(title)s: %(text)s")
                % {"title": MEASURE_TITLES[name], "text": " ".join(sentences)}
            )
    if card.links:
        _section(_("Knows"))
        for other, link in card.links[:15]:
            context = f" — {link.context}" if link.context else ""
            _line(f"{other.full_name} ({link.get_kind_display()}, {link.strength}/5){context}")
        if len(card.links) > 15:
            _line(_("… and %(n)d more") % {"n": len(card.links) - 15})
    _section(_("Interactions (%(n)d)") % {"n": card.interaction_count})
    if not card.interactions:
        _line(_("None yet."))
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    for i in card.interactions:
        table.add_row(
            day(i.occurred_at), i.get_kind_display(), i.get_direction_display(), Text(i.summary)
        )
    if card.interactions:
        console.print(Padding(table, (0, 0, 0, 2), expand=False))
    for title, items in ((_("Needs"), card.needs), (_("Offers"), card.offers)):
        if items:
            _section(title)
            for item in items:
                _line(f"#{item.pk} [{item.get_status_display()}] {item.text}")
    if card.favours:
        _section(_("Favours"))
        for e in card.favours:
            thanks = f" — {_('thanked')} {day(e.thanked_at)}" if e.thanked_at else ""
            _line(
                f"{day(e.occurred_at)} {e.giver.full_name} → {e.receiver.full_name}: "
                f"{e.get_rung_display()} ({e.get_status_display()}){thanks}"
            )
    if card.intros:
        _section(_("Introductions"))
        for i in card.intros:
            _line(
                f"{i.requester.full_name} → {i.intermediary.full_name} → {i.target.full_name}"
                f" ({i.get_status_display()})"
            )
    if not p.is_me:
        _section(_("Do they know me?"))
        rec = card.recognition
        if rec and rec.level_override is not None:
            _line(rec.get_level_override_display())
        if rec and rec.perception:
            _line(_("How they see me: “%(words)s”") % {"words": rec.perception})
        if rec and rec.evidence:
            _line(_("Evidence: %(text)s") % {"text": rec.evidence})
        for t in card.offers_told:
            _line(
                _("Knows my offer: %(offer)s (told %(date)s)")
                % {"offer": t.offer.text, "date": day(t.told_at)}
            )
        for o in card.my_offers_not_told:
            _line(_("Not told yet: %(offer)s") % {"offer": o.text})
    if card.tasks:
        _section(_("To do"))
        for t in card.tasks:
            _line(f"{day(t.due)} {t.title}")
