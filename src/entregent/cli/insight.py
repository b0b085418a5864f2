"""`entregent network` and `entregent drifting`: the engine's measures of the whole network."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import typer
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.table import Table
from rich.text import Text

from entregent.cli import render
from entregent.cli.commands import AtOpt, JsonOpt, _epilog, app
from entregent.cli.support import acting_user, console, guarded, parse_when, print_json
from entregent.engine import circles
from entregent.engine.measures import reasons
from entregent.network import health
from entregent.network.explain import cadence_label, circle_label, network_view, percent, sentence
from entregent.network.models import Person

_FIT_REASONS = {
    "fitted": lambda: _("fitted on your own history"),
    "few_relationships": lambda: _("the default: fewer than 100 relationships to fit on"),
    "short_history": lambda: _("the default: less than 90 days of history to fit on"),
    "given": lambda: _("as set"),
}


def _names(user: Any, ids: np.ndarray) -> dict[int, str]:
    return dict(
        Person.objects.filter(owner=user, pk__in=[int(i) for i in ids]).values_list(
            "pk", "full_name"
        )
    )


@app.command(
    help=_("Your circles, their cadences, your load against capacity, and the real network."),
    epilog=_epilog("entregent network", "entregent network --at 2026-01-01 --json"),
)
@guarded
def network(at: AtOpt = None, json: JsonOpt = False) -> None:
    """Your circles, their cadences, your load against capacity, and the real network."""
    user = acting_user()
    now = parse_when(at, future=True) or timezone.now()
    view = network_view(user, now)
    m = view.measures
    load = m.load
    found = health.overview(user, now, view)
    rows = found.circles
    summary = found.as_dict()
    if json:
        print_json(summary)
        return
    console.print(
        _("Your network on %(day)s — tie strength half-life %(h)d days (%(why)s).")
        % {
            "day": render.day(now),
            "h": m.half_life.half_life,
            "why": _FIT_REASONS[m.half_life.reason](),
        },
        markup=False,
    )
    table = Table(
        _("Circle"),
        _("People"),
        _("Dunbar size"),
        _("Cadence"),
        _("Contacts a week"),
        box=None,
        pad_edge=False,
    )
    for row in rows:
        k = row.circle
        table.add_row(
            circle_label(k),
            str(row.people),
            str(row.dunbar_size),
            cadence_label(circles.CADENCE_DAYS[k]),
            str(row.contacts_per_week) if k < circles.ACTIVE_CIRCLES else "—",
        )
    table.add_row(circle_label(circles.OUTSIDE), str(summary["outside_circles"]), "", "", "")
    console.print(table)
    console.print(
        _(
            "Active network: %(active)d relationships for a capacity of %(capacity)d; "
            "keeping them up takes about %(contacts)s contacts (%(minutes)d minutes) a "
            "week."
        )
        % {
            "active": load.active,
            "capacity": load.capacity,
            "contacts": summary["contacts_per_week"],
            "minutes": summary["minutes_per_week"],
        },
        markup=False,
    )
    if load.over_capacity:
        console.print(
            _(
                "That is %(over)d more than you can keep up. Rather than let them decay "
                "by accident, consider moving these to an outer circle on purpose: "
                "%(names)s."
            )
            % {"over": load.over_capacity, "names": ", ".join(summary["let_go"][:20])},
            markup=False,
        )
    console.print(
        _(
            "Contacts are not a network: of %(contacts)d contacts, %(alive)d are alive, "
            "%(two_way)d two-way, %(recognised)d know you — %(real)d real relationships."
        )
        % summary,
        markup=False,
    )
    console.print(
        _("Drifting: %(n)d (see “entregent drifting”).") % {"n": summary["drifting"]}, markup=False
    )


@app.command(
    help=_("Relationships that are drifting away, the most worth saving first, each with why."),
    epilog=_epilog("entregent drifting", "entregent drifting --limit 5 --json"),
)
@guarded
def drifting(
    limit: Annotated[int, typer.Option(min=0, help=_("At most this many (0: all)."))] = 20,
    at: AtOpt = None,
    json: JsonOpt = False,
) -> None:
    """Relationships that are drifting away, the most worth saving first, each with why."""
    user = acting_user()
    now = parse_when(at, future=True) or timezone.now()
    m = network_view(user, now).measures
    order = m.drift_order()
    if limit:
        order = order[:limit]
    names = _names(user, m.ids[order])
    items = []
    for i in order:
        why = [sentence(r) for r in reasons(m, int(i))["drift"][1:]]
        items.append(
            {
                "id": int(m.ids[i]),
                "name": names[int(m.ids[i])],
                "circle": circles.CUTS[m.circle[i]],
                "last_contact_days_ago": round(float(m.silence[i])),
                "p_contact_90_days": round(float(m.p_contact[i]), 3),
                "strength": round(float(m.strength[i]), 2),
                "why": why,
            }
        )
    if json:
        print_json(items)
        return
    if not items:
        console.print(_("Nothing is drifting: every tie you keep up is in touch."), markup=False)
        return
    table = Table(
        _("Name"),
        _("Circle"),
        _("Silent"),
        _("Contact in 90 days"),
        _("Why"),
        box=None,
        pad_edge=False,
    )
    for item, i in zip(items, order, strict=True):
        table.add_row(
            Text(item["name"]),
            circle_label(int(m.circle[i])),
            _("%(days)d days") % {"days": item["last_contact_days_ago"]},
            percent(item["p_contact_90_days"]),
            " ".join(item["why"]),
        )
    console.print(table)
    console.print(
        _("%(n)d drifting of %(active)d active relationships.")
        % {"n": int(m.drifting.sum()), "active": m.load.active},
        markup=False,
    )
