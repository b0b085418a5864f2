"""`entregent opportunities`, `give` and `dismiss`: what I can give, to whom, and acting on it."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.markup import escape

from entregent.cli import render
from entregent.cli.commands import AtOpt, JsonOpt, NoteOpt, _epilog, app
from entregent.cli.support import acting_user, console, err_console, guarded, parse_when, print_json
from entregent.network import opportunities as ops
from entregent.network.explain import percent

KeyArg = Annotated[str, typer.Argument(help=_("The key shown by “entregent opportunities”."))]


def _json(op: ops.Opportunity) -> dict[str, Any]:
    return {
        "key": op.key,
        "kind": op.kind,
        "person": {"id": op.person.pk, "name": op.person.full_name},
        "need": {"id": op.need.pk, "text": op.need.text, "since": render.day(op.need.created_at)},
        "offer": {
            "id": op.offer.pk,
            "text": op.offer.text,
            "by": {"id": op.offer.person.pk, "name": op.offer.person.full_name},
        },
        "match": round(op.match, 3),
        "value": round(op.value, 3),
        "score": round(op.score, 3),
        "shared_words": op.shared,
        "related_terms": [list(pair) for pair in op.related],
        "why": op.reasons,
        "message": op.message,
    }


def _print(op: ops.Opportunity) -> None:
    words = ", ".join(op.shared) if op.shared else "—"
    if op.kind == "give":
        head = _("%(name)s needs: %(need)s") % {"name": op.person.full_name, "need": op.need.text}
        offer = _("your offer: %(offer)s") % {"offer": op.offer.text}
    else:
        head = _("%(name)s needs: %(need)s") % {"name": op.person.full_name, "need": op.need.text}
        offer = _("%(other)s offers: %(offer)s") % {
            "other": op.offer.person.full_name,
            "offer": op.offer.text,
        }
    console.print(f"[bold]{op.key}[/bold]  {escape(head)}")
    console.print("      " + escape(offer), markup=True)
    console.print(
        "      "
        + _("match %(match)s · key words: %(words)s · score %(score).2f")
        % {"match": percent(op.match), "words": words, "score": op.score},
        markup=False,
    )
    if op.related:
        pairs = ", ".join(f"{a} ≈ {b}" for a, b in op.related)
        console.print("      " + _("related terms: %(pairs)s") % {"pairs": pairs}, markup=False)
    console.print("      " + _("Why now: %(why)s") % {"why": " ".join(op.reasons)}, markup=False)
    console.print("      " + _("Say: %(message)s") % {"message": op.message}, markup=False)


@app.command(
    help=_("What you can give, to whom, and the introductions you can broker, best first."),
    epilog=_epilog("entregent opportunities", "entregent opportunities --limit 5 --json"),
)
@guarded
def opportunities(
    limit: Annotated[int, typer.Option(min=1, help=_("At most this many of each kind."))] = 10,
    at: AtOpt = None,
    json: JsonOpt = False,
) -> None:
    """What you can give, to whom, and the introductions you can broker, best first."""
    user = acting_user()
    found = ops.find(user, parse_when(at, future=True) or timezone.now(), limit=limit)
    if json:
        print_json(
            {
                "method": found.method,
                "notice": found.notice,
                "give": [_json(o) for o in found.give],
                "broker": [_json(o) for o in found.broker],
            }
        )
        return
    if found.notice:
        err_console.print(found.notice, markup=False)
    title = _("What you can give, to whom")
    console.print(f"[bold cyan]{escape(title)}[/bold cyan]")
    if not found.give:
        console.print("  " + _("None of your open offers answers an open need yet."), markup=False)
    for op in found.give:
        _print(op)
    title = _("Introductions you can broker")
    console.print(f"\n[bold cyan]{escape(title)}[/bold cyan]")
    if not found.broker:
        console.print("  " + _("No contact's offer answers another's need yet."), markup=False)
    for op in found.broker:
        _print(op)
    console.print("\n" + _("When you have done one: entregent give KEY"), markup=False)
    console.print(_("When one is not a match: entregent dismiss KEY"), markup=False)


@app.command(
    help=_("Record that you acted on an opportunity: you gave (G…) or introduced (B…)."),
    epilog=_epilog("entregent give G12-3", 'entregent give B7-15 --note "Sent both an email"'),
)
@guarded
def give(
    key: KeyArg,
    rung: Annotated[
        str,
        typer.Option(
            help=_("What you gave: information, advice, introduction, recommendation or business.")
        ),
    ] = "information",
    note: NoteOpt = "",
    keep_open: Annotated[
        bool, typer.Option(help=_("Keep the need open (it is not fully met yet)."))
    ] = False,
) -> None:
    """Record that you acted on an opportunity: you gave (G…) or introduced (B…)."""
    user = acting_user()
    render_line = ops.act(user, key, rung=rung, note=note, keep_open=keep_open)
    console.print(f"[green]✓[/green] {escape(render_line)}")


@app.command(
    help=_("Say that an opportunity's offer does not answer its need: it is no longer proposed."),
    epilog=_epilog("entregent dismiss G12-3", "entregent dismiss G12-3 --undo"),
)
@guarded
def dismiss(
    key: KeyArg,
    undo: Annotated[
        bool, typer.Option(help=_("Take it back: the pair may be proposed again."))
    ] = False,
) -> None:
    """Say that an opportunity's offer does not answer its need: it is no longer proposed."""
    user = acting_user()
    said = ops.dismiss(user, key, undo=undo)
    console.print(f"[green]✓[/green] {escape(said)}")
    instead = None if undo else ops.proposed_instead(user, key, timezone.now())
    if instead is not None:
        console.print(_("Proposed instead:"), markup=False)
        _print(instead)
