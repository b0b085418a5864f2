"""`entregent today`, `move`, `health`, `feed`, `digest` and `prefs`: the method as a habit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.markup import escape
from rich.table import Table

from entregent.cli.commands import AtOpt, JsonOpt, NoteOpt, _epilog, app
from entregent.cli.support import (
    acting_user,
    console,
    guarded,
    parse_when,
    print_json,
    success,
    write_output,
)
from entregent.network import digest as digests
from entregent.network import feed as feeds
from entregent.network import health as healths
from entregent.network import moves, services
from entregent.network.explain import capacity_of
from entregent.network.models import Preferences

move_app = typer.Typer(
    help=_("Decide on a move of the day: done, snooze or dismiss."), no_args_is_help=True
)
app.add_typer(move_app, name="move")

MinutesOpt = Annotated[
    int | None,
    typer.Option(
        "--minutes", "-m", min=1, help=_("The time you have today (default: your daily minutes).")
    ),
]
KeyArg = Annotated[str, typer.Argument(help=_("The move's key, as “entregent today” shows it."))]


def _move_json(move: moves.DayMove) -> dict[str, Any]:
    return {
        "key": move.key,
        "kind": move.kind,
        "title": move.title,
        "person": {"id": move.person.pk, "name": move.person.full_name} if move.person else None,
        "minutes": move.minutes,
        "value": round(move.value, 3),
        "why": move.why,
        "say": move.say or None,
    }


@app.command(
    help=_(
        "The day's moves: the best things to do now within the time you have, each with why, "
        "what to say and how long."
    ),
    epilog=_epilog("entregent today", "entregent today --minutes 45 --json"),
)
@guarded
def today(minutes: MinutesOpt = None, at: AtOpt = None, json: JsonOpt = False) -> None:
    """The day's moves within the time you have."""
    user = acting_user()
    now = parse_when(at, future=True) or timezone.now()
    day = moves.today(user, now, minutes)
    if json:
        print_json(
            {
                "day": timezone.localdate(now).isoformat(),
                "budget": day.budget,
                "minutes": day.minutes,
                "considered": day.considered,
                "notice": day.notice,
                "moves": [_move_json(m) for m in day.moves],
            }
        )
        return
    console.print(digests.text(day, now).split("\n", 1)[0], style="bold", markup=False)
    if not day.moves:
        console.print(_("Nothing pressing today: your network is in good shape."), markup=False)
    for k, move in enumerate(day.moves, 1):
        console.print()
        console.print(
            f"[bold]{k}. {escape(move.title)}[/bold]  [dim]{escape(moves.minutes_label(move))} · "
            f"{escape(str(moves.KIND_LABELS[move.kind]))} · {escape(move.key)}[/dim]"
        )
        for why in move.why:
            console.print("   " + why, markup=False)
        if move.say:
            console.print("   " + _("Say: %(message)s") % {"message": move.say}, markup=False)
    if day.notice:
        console.print()
        console.print(day.notice, style="yellow", markup=False)
    if day.moves:
        console.print()
        console.print(
            _("Mark one: entregent move done KEY (or snooze / dismiss)."),
            style="dim",
            markup=False,
        )


def _decide(key: str, state: str, days: int | None = None, note: str = "") -> None:
    user = acting_user()
    success(moves.decide(user, key, state, timezone.now(), days=days, note=note))


@move_app.command(
    "done",
    help=_("Mark a move done: records the message, favour or introduction it implies."),
    epilog=_epilog("entregent move done rescue:12", 'entregent move done loop:3 --note "Sent"'),
)
@guarded
def move_done(key: KeyArg, note: NoteOpt = "") -> None:
    """Mark a move done."""
    _decide(key, "done", note=note)


@move_app.command(
    "snooze",
    help=_("Put a move off for a few days (3 by default)."),
    epilog=_epilog("entregent move snooze rescue:12 --days 7"),
)
@guarded
def move_snooze(
    key: KeyArg,
    days: Annotated[int | None, typer.Option(min=1, help=_("How many days."))] = None,
) -> None:
    """Put a move off for a few days."""
    _decide(key, "snoozed", days)


@move_app.command(
    "dismiss",
    help=_("Drop a move: it does not come back for six months."),
    epilog=_epilog("entregent move dismiss letgo:40"),
)
@guarded
def move_dismiss(
    key: KeyArg,
    days: Annotated[int | None, typer.Option(min=1, help=_("How many days (default 180)."))] = None,
) -> None:
    """Drop a move."""
    _decide(key, "dismissed", days)


def _trend_cell(values: list[int]) -> str:
    """A row of block characters for a series (a text sparkline)."""
    blocks = "▁▂▃▄▅▆▇█"
    top = max(values) if values else 0
    if top <= 0:
        return blocks[0] * len(values)
    return "".join(blocks[min(int(v / top * (len(blocks) - 1)), len(blocks) - 1)] for v in values)


@app.command(
    help=_(
        "Network health: contacts vs real network, circles vs Dunbar sizes, load vs capacity, "
        "reciprocity, recognition and open loops, with the trend over twelve months."
    ),
    epilog=_epilog("entregent health", "entregent health --json"),
)
@guarded
def health(at: AtOpt = None, json: JsonOpt = False) -> None:
    """Network health now and over the last twelve months."""
    user = acting_user()
    report = healths.health(user, parse_when(at, future=True) or timezone.now())
    if json:
        print_json(
            {
                "now": report.now.as_dict(),
                "trend": [p.as_dict() for p in report.trend],
                "notes": report.notes,
            }
        )
        return
    p = report.now
    series = [*report.trend, p]
    table = Table(title=_("Network health on %(day)s") % {"day": p.at}, title_justify="left")
    table.add_column(_("measure"))
    table.add_column(_("now"), justify="right")
    table.add_column(_("reference"), justify="right")
    table.add_column(_("12 months"))
    rows = [
        (_("contacts"), p.contacts, "", [s.contacts for s in series]),
        (
            _("real network (alive, two-way, know you)"),
            p.real,
            "",
            [s.real for s in series],
        ),
        (
            _("active relationships vs capacity"),
            p.active,
            str(p.capacity),
            [s.active for s in series],
        ),
    ]
    for k, size in enumerate((5, 15, 50, 150)):
        rows.append(
            (
                _("within the %(size)d") % {"size": size},
                p.circles[k],
                str(size),
                [s.circles[k] for s in series],
            )
        )
    rows += [
        (_("two-way active ties"), p.two_way, "", [s.two_way for s in series]),
        (_("one-way active ties"), p.one_way, "0", [s.one_way for s in series]),
        (_("ties where you owe"), p.owing, "0", [s.owing for s in series]),
        (
            _("closest 50 who know your offer"),
            p.inner_know_offer,
            str(p.inner),
            [s.inner_know_offer for s in series],
        ),
        (_("open gratitude loops"), p.open_loops, "", [s.open_loops for s in series]),
        (_("overdue loops"), p.overdue_loops, "0", [s.overdue_loops for s in series]),
    ]
    for label, value, reference, values in rows:
        table.add_row(escape(label), str(value), reference, _trend_cell(values))
    console.print(table)
    console.print(
        _("Trend: month ends from %(first)s to today.") % {"first": series[0].at},
        style="dim",
        markup=False,
    )
    for note in report.notes:
        console.print("• " + note, markup=False)


@app.command(
    help=_(
        "Your calendar feed: write it to a file, or show (and renew, or revoke) the secret "
        "address a calendar app subscribes to."
    ),
    epilog=_epilog("entregent feed -o moves.ics", "entregent feed --url", "entregent feed --new"),
)
@guarded
def feed(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write the feed to this file."))
    ] = None,
    url: Annotated[bool, typer.Option("--url", help=_("Show the subscription address."))] = False,
    new: Annotated[
        bool, typer.Option("--new", help=_("Make a new address; the old one stops working."))
    ] = False,
    revoke: Annotated[
        bool, typer.Option("--revoke", help=_("Turn the subscription address off."))
    ] = False,
    at: AtOpt = None,
) -> None:
    """Write the calendar feed, or manage its subscription address."""
    user = acting_user()
    if revoke:
        services.revoke_feed_token(user)
        success(_("The feed address is off; “entregent feed --new” makes a new one."))
        return
    if new or url:
        token = Preferences.objects.filter(owner=user).values_list("feed_token", flat=True).first()
        if new or not token:
            token = services.new_feed_token(user)
        console.print(feeds.feed_url(token), markup=False)
        console.print(
            _("Subscribe to it in your calendar app while “entregent serve” runs."),
            style="dim",
            markup=False,
        )
        if output is None:
            return
    data = feeds.calendar(user, parse_when(at, future=True) or timezone.now())
    write_output(data, output, _("Calendar written to %(path)s.") % {"path": output})


@app.command(
    help=_(
        "The day's moves as a digest: printed, or emailed once a day (cron-safe: two runs "
        "at once send one email)."
    ),
    epilog=_epilog("entregent digest", "entregent digest --email --to me@example.org"),
)
@guarded
def digest(
    email: Annotated[bool, typer.Option("--email", help=_("Send it by email."))] = False,
    to: Annotated[str, typer.Option("--to", help=_("Send to this address."))] = "",
    minutes: MinutesOpt = None,
    at: AtOpt = None,
) -> None:
    """The day's moves as a digest."""
    user = acting_user()
    now = parse_when(at, future=True) or timezone.now()
    if not email:
        typer.echo(digests.text(moves.today(user, now, minutes), now), nl=False)
        return
    sent, said = digests.send(user, now, to=to, minutes=minutes)
    if sent:
        success(_("Digest sent to %(to)s.") % {"to": to or digests.recipient_of(user)})
    else:
        console.print(said, markup=False)


@app.command(
    help=_("Your settings: minutes a day for your network, and your capacity."),
    epilog=_epilog("entregent prefs", "entregent prefs --minutes 30 --capacity 120"),
)
@guarded
def prefs(
    minutes: Annotated[
        int | None, typer.Option("--minutes", min=0, help=_("Minutes a day (0: the default)."))
    ] = None,
    capacity: Annotated[
        int | None,
        typer.Option("--capacity", min=0, help=_("Active relationships (0: the default).")),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Show or change your settings."""
    user = acting_user()
    changes: dict[str, int | None] = {}
    if minutes is not None:
        changes["daily_minutes"] = minutes or None
    if capacity is not None:
        changes["capacity"] = capacity or None
    if changes:
        services.set_preferences(user, **changes)
    values = {"daily_minutes": moves.daily_minutes(user), "capacity": capacity_of(user)}
    if json:
        print_json(values)
        return
    console.print(
        _("Minutes a day: %(daily_minutes)d · capacity: %(capacity)d") % values, markup=False
    )
