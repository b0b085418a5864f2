"""The `entregent` commands: quick capture and listings, thin over services and queries.

Each command parses its arguments, calls one or two services, and prints a line (or JSON).
Help texts are translated at import, after `main.run` has chosen the language.
"""

from __future__ import annotations

import os
import secrets
import sys
from typing import Annotated, Any

import typer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from entregent.cli import render
from entregent.cli.support import (
    acting_user,
    console,
    guarded,
    parse_when,
    print_json,
    success,
)
from entregent.demo import DEMO_PASSWORD, DEMO_USERNAME
from entregent.network import queries, services
from entregent.network.errors import EntregentError, InvalidInput
from entregent.network.explain import network_view
from entregent.network.models import Exchange, Interaction, Link, Rung
from entregent.network.normalize import normalize

app = typer.Typer(
    help=_(
        "entregent: turn a pile of contacts into a real network. Give first, ask with tact "
        "and thank, be recognised."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print machine-readable JSON."))]
OnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        help=_("When: 2026-03-14, “2026-03-14 09:30”, today, yesterday or 3d (default: now)."),
    ),
]
NoteOpt = Annotated[str, typer.Option("--note", help=_("A few words about it."))]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help=_("Measure the network as it was on this date (default: now).")),
]


def _migrate() -> None:
    """Bring the database schema up to date, quietly."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def _epilog(*examples: str) -> str:
    return _("Example:") + "\n\n" + "\n\n".join(f"  {e}" for e in examples)


@app.command(
    help=_("Set up the database and your account. Safe to run again."),
    epilog=_epilog(
        'entregent init --username claire --name "Claire Dubois" --email claire@dubois.fr'
    ),
)
@guarded
def init(
    username: Annotated[str, typer.Option(help=_("Login name of the account."))] = "",
    name: Annotated[
        str, typer.Option(help=_("Your full name (you are a person of your network)."))
    ] = "",
    password: Annotated[
        str, typer.Option(help=_("Password for the web app (generated and printed when omitted)."))
    ] = "",
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            help=_(
                "Your own address (repeat for several): imported mail and meetings you sent "
                "count as your initiative."
            ),
        ),
    ] = None,
) -> None:
    """Set up the database and your account. Safe to run again."""
    _migrate()
    User = get_user_model()
    username = (
        username or os.environ.get("ENTREGENT_USER", "") or os.environ.get("USER", "") or "me"
    )
    user = User.objects.filter(username=username).first()
    if user is None:
        if password and len(password) < 8:
            raise InvalidInput(_("The password must have at least 8 characters."))
        shown = password or secrets.token_urlsafe(9)
        # Staff, not superuser: the admin lets each account see its own network only.
        user = User.objects.create_user(username=username, password=shown, is_staff=True)
        success(_("Account “%(user)s” created.") % {"user": username})
        if not password:
            console.print(
                _("Web password: %(password)s (change it in the admin)") % {"password": shown},
                markup=False,
            )
    else:
        console.print(_("Account “%(user)s” already exists.") % {"user": username}, markup=False)
    me = services.ensure_me(user, name or None)
    known = set(me.contact_points.filter(kind="email").values_list("value", flat=True))
    for address in email or []:
        try:
            value = normalize("email", address)
        except ValueError:
            raise InvalidInput(
                _("“%(value)s” is not an email address.") % {"value": address}
            ) from None
        if value not in known:
            services.add_contact_point(me, "email", value)
    console.print(_("You are “%(name)s” in your network.") % {"name": me.full_name}, markup=False)
    mine = list(me.contact_points.filter(kind="email").values_list("value", flat=True))
    if mine:
        console.print(_("Your addresses: %(emails)s") % {"emails": ", ".join(mine)}, markup=False)
    console.print(_("Data: %(where)s") % {"where": render.database_location()}, markup=False)


@app.command(
    help=_("Load a realistic demo network (three years of a consultant's relationships)."),
    epilog=_epilog("entregent demo", "entregent demo --people 100000 --seed 3 --reset"),
)
@guarded
def demo(
    people: Annotated[int, typer.Option(min=10, help=_("How many contacts."))] = 150,
    seed: Annotated[
        int,
        typer.Option(help=_("Random seed: the same seed and day give the same network.")),
    ] = 7,
    today: Annotated[
        str | None,
        typer.Option(help=_("The day the history ends on, as 2026-11-29 (default: today).")),
    ] = None,
    reset: Annotated[bool, typer.Option(help=_("Replace the existing network."))] = False,
    if_empty: Annotated[
        bool, typer.Option(help=_("Load only when there is no network yet; otherwise keep it."))
    ] = False,
) -> None:
    """Load a realistic demo network (three years of a consultant's relationships)."""
    from entregent.demo import build_demo

    day = parse_when(today).date() if today else None
    _migrate()
    User = get_user_model()
    if not User.objects.exists():
        user = User.objects.create_user(
            username=DEMO_USERNAME, password=DEMO_PASSWORD, is_staff=True
        )
        success(_("Account “demo” created (password “demo”)."))
    else:
        user = acting_user()
    if queries.has_network(user):
        if if_empty:
            console.print(_("A network is already there; keeping it."), markup=False)
            return
        if not reset:
            raise InvalidInput(
                _("Your network is not empty; add --reset to replace it with the demo.")
            )
    with transaction.atomic():
        services.clear_network(user)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not sys.stdout.isatty(),
        ) as bar:
            tasks: dict[str, Any] = {}

            def report(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(_(stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            summary = build_demo(user, people=people, seed=seed, today=day, progress=report)
    success(
        _(
            "Demo network loaded: %(people)d people, %(interactions)d interactions, "
            "%(links)d links, %(needs)d needs, %(offers)d offers, %(favours)d favours."
        )
        % vars(summary)
    )


@app.command(
    help=_("Add a person to your network."),
    epilog=_epilog(
        'entregent add "Yves Martin" --org "Armor Distribution" '
        '--email yves@armor.fr --phone "06 12 34 56 78" --tag client'
    ),
)
@guarded
def add(
    name: Annotated[str, typer.Argument(help=_("Full name."))],
    org: Annotated[str, typer.Option("--org", help=_("Organisation."))] = "",
    title: Annotated[str, typer.Option(help=_("Job title."))] = "",
    email: Annotated[list[str] | None, typer.Option(help=_("Email (repeatable)."))] = None,
    phone: Annotated[list[str] | None, typer.Option(help=_("Phone (repeatable)."))] = None,
    url: Annotated[list[str] | None, typer.Option(help=_("Web address (repeatable)."))] = None,
    tag: Annotated[list[str] | None, typer.Option(help=_("Tag (repeatable)."))] = None,
    lang: Annotated[str, typer.Option(help=_("Their language: fr or en."))] = "",
) -> None:
    """Add a person to your network."""
    user = acting_user()
    person = services.add_person(
        user,
        name,
        organization=org,
        title=title,
        emails=email or [],
        phones=phone or [],
        urls=url or [],
        tags=tag or [],
        language=lang.lower(),
    )
    success(_("Added %(name)s (#%(id)d).") % {"name": person.full_name, "id": person.pk})


@app.command(
    help=_("Log an interaction: who, how, who initiated, when."),
    epilog=_epilog(
        "entregent log Yves --kind meeting --by them --on 2026-03-14 "
        '--note "Lunch, talked about his holidays"'
    ),
)
@guarded
def log(
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help=_("One or more people."))],
    kind: Annotated[str, typer.Option(help=_("meeting, call, email, message, social or other."))],
    by: Annotated[
        str, typer.Option("--by", help=_("Who took the initiative: me, them or mutual."))
    ] = "mutual",
    on: OnOpt = None,
    note: NoteOpt = "",
) -> None:
    """Log an interaction: who, how, who initiated, when."""
    user = acting_user()
    _check(kind, Interaction.Kind, _("kind"))
    _check(by, Interaction.Direction, _("initiative (--by)"))
    people = [queries.find_person(user, n) for n in names]
    interaction = services.log_interaction(
        user, people, kind=kind, direction=by, occurred_at=parse_when(on), summary=note
    )
    success(
        _("Logged a %(kind)s with %(names)s on %(date)s.")
        % {
            "kind": interaction.get_kind_display(),
            "names": ", ".join(p.full_name for p in people),
            "date": f"{timezone.localtime(interaction.occurred_at):%Y-%m-%d %H:%M}",
        }
    )


@app.command(
    help=_("Record that two people know each other."),
    epilog=_epilog(
        'entregent knows "Yves Martin" "Xavier Lambert" '
        '--context "works regularly with" --strength 4'
    ),
)
@guarded
def knows(
    a: Annotated[str, typer.Argument(help=_("A person."))],
    b: Annotated[str, typer.Argument(help=_("Another person they know."))],
    context: Annotated[str, typer.Option(help=_("How they know each other."))] = "",
    strength: Annotated[int, typer.Option(help=_("How well, from 1 to 5."))] = 3,
    kind: Annotated[
        str, typer.Option(help=_("knows, colleague, client, family, friend or partner."))
    ] = "knows",
) -> None:
    """Record that two people know each other."""
    user = acting_user()
    _check(kind, Link.Kind, _("link kind"))
    first, second = queries.find_person(user, a), queries.find_person(user, b)
    services.link_people(user, first, second, kind=kind, context=context, strength=strength)
    success(_("%(a)s and %(b)s know each other.") % {"a": first.full_name, "b": second.full_name})


@app.command(
    help=_("Record what someone is looking for."),
    epilog=_epilog('entregent need Yves "Cherche une location de vacances en Bretagne"'),
)
@guarded
def need(
    name: Annotated[str, typer.Argument(help=_("Whose need."))],
    text: Annotated[
        list[str], typer.Argument(metavar="TEXT...", help=_("What they are looking for."))
    ],
) -> None:
    """Record what someone is looking for."""
    user = acting_user()
    person = queries.find_person(user, name)
    item = services.add_need(person, " ".join(text))
    success(_("Need #%(id)d of %(name)s recorded.") % {"id": item.pk, "name": person.full_name})


@app.command(
    help=_("Record what someone can give; “me” records an offer of yours."),
    epilog=_epilog(
        'entregent offer me "I know a great holiday rental in Brittany"',
        'entregent offer Sophie "Peut présenter des acheteurs"',
    ),
)
@guarded
def offer(
    name: Annotated[str, typer.Argument(help=_("Whose offer; “me” for yours."))],
    text: Annotated[list[str], typer.Argument(metavar="TEXT...", help=_("What they can give."))],
) -> None:
    """Record what someone can give; “me” records an offer of yours."""
    user = acting_user()
    person = queries.find_person(user, name)
    item = services.add_offer(person, " ".join(text))
    success(_("Offer #%(id)d of %(name)s recorded.") % {"id": item.pk, "name": person.full_name})


def _favour(name: str, rung: str, note: str, on: str | None, *, i_gave: bool) -> Exchange:
    user = acting_user()
    _check(rung, Rung, _("rung"))
    when = parse_when(on)
    other = queries.find_person(user, name)
    with transaction.atomic():  # creating "me" and the favour stand or fall together
        me = services.ensure_me(user)
        giver, receiver = (me, other) if i_gave else (other, me)
        return services.record_favour(user, giver, receiver, rung, occurred_at=when, note=note)


@app.command(
    help=_("Record a favour you gave (give first)."),
    epilog=_epilog('entregent gave Yves information --note "Sent the rental contact"'),
)
@guarded
def gave(
    name: Annotated[str, typer.Argument(help=_("Who received it."))],
    rung: Annotated[
        str,
        typer.Argument(help=_("information, advice, introduction, recommendation or business.")),
    ],
    note: NoteOpt = "",
    on: OnOpt = None,
) -> None:
    """Record a favour you gave (give first)."""
    exchange = _favour(name, rung, note, on, i_gave=True)
    success(
        _("You gave %(name)s: %(rung)s.")
        % {"name": exchange.receiver.full_name, "rung": exchange.get_rung_display()}
    )


@app.command(
    help=_("Record a favour you received; it opens a thank-you loop."),
    epilog=_epilog('entregent received Yves introduction --note "Introduced me to Xavier"'),
)
@guarded
def received(
    name: Annotated[str, typer.Argument(help=_("Who gave it."))],
    rung: Annotated[
        str,
        typer.Argument(help=_("information, advice, introduction, recommendation or business.")),
    ],
    note: NoteOpt = "",
    on: OnOpt = None,
) -> None:
    """Record a favour you received; it opens a thank-you loop."""
    exchange = _favour(name, rung, note, on, i_gave=False)
    task = exchange.tasks.first()
    success(
        _("%(name)s gave you: %(rung)s. Thank them by %(due)s.")
        % {
            "name": exchange.giver.full_name,
            "rung": exchange.get_rung_display(),
            "due": task.due if task else "—",
        }
    )


@app.command(
    help=_("Record that you told someone about one of your offers."),
    epilog=_epilog('entregent told Yves "pitch"', "entregent told Yves '#3'"),
)
@guarded
def told(
    name: Annotated[str, typer.Argument(help=_("Who you told."))],
    offer_ref: Annotated[
        str, typer.Argument(metavar="OFFER", help=_("Your offer: #id or words of it."))
    ],
    channel: Annotated[str, typer.Option(help=_("How: meeting, email, call…"))] = "",
    on: OnOpt = None,
) -> None:
    """Record that you told someone about one of your offers."""
    user = acting_user()
    person = queries.find_person(user, name)
    item = queries.find_my_offer(user, offer_ref)
    services.tell_offer(person, item, when=parse_when(on), channel=channel)
    success(
        _("%(name)s now knows your offer “%(offer)s”.") % {"name": person.full_name, "offer": item}
    )


@app.command(
    help=_("Show everything about a person."),
    epilog=_epilog("entregent show Yves", "entregent show yves@armor.fr --json"),
)
@guarded
def show(
    name: Annotated[str, typer.Argument(help=_("Name, #id, email or phone."))],
    at: AtOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show everything about a person, with every measure explained."""
    user = acting_user()
    card = queries.person_card(queries.find_person(user, name))
    view = (
        None
        if card.person.is_me
        else network_view(user, parse_when(at, future=True) or timezone.now())
    )
    if json:
        data = render.card_json(card)
        if view is not None:
            data["measures"] = render.measures_json(view, card.person.pk)
        print_json(data)
    else:
        render.print_card(card, view.explain(card.person.pk) if view else None)


@app.command(
    help=_("List the people of your network."),
    epilog=_epilog("entregent people --tag client", "entregent people --org armor --json"),
)
@guarded
def people(
    tag: Annotated[str, typer.Option(help=_("Only people with this tag."))] = "",
    org: Annotated[
        str, typer.Option("--org", help=_("Only people whose organisation contains this."))
    ] = "",
    limit: Annotated[int, typer.Option(min=0, help=_("At most this many (0: all)."))] = 0,
    json: JsonOpt = False,
) -> None:
    """List the people of your network."""
    user = acting_user()
    rows = queries.people_list(user, tag=tag, organization=org)
    if limit:
        rows = rows[:limit]
    if json:
        print_json([render.person_row_json(p) for p in rows])
        return
    table = Table(
        _("Name"),
        _("Organisation"),
        _("Title"),
        _("Tags"),
        _("Last contact"),
        _("Interactions"),
        box=None,
        pad_edge=False,
    )
    count = 0
    for p in rows:
        count += 1
        table.add_row(
            Text(p.full_name),
            Text(p.organization.name if p.organization else ""),
            Text(p.title),
            Text(", ".join(t.name for t in p.tags.all())),
            render.day(p.last_contact),
            str(p.interaction_count),
        )
    console.print(table)
    console.print(_("%(count)d people") % {"count": count}, markup=False)


@app.command(
    help=_("Serve the web app with waitress (a production WSGI server)."),
    epilog=_epilog("entregent serve", "entregent serve --port 8080"),
)
@guarded
def serve(
    host: Annotated[str, typer.Option(help=_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help=_("Port."))] = 8000,
    threads: Annotated[int, typer.Option(min=1, help=_("Worker threads."))] = 4,
) -> None:
    """Serve the web app with waitress (a production WSGI server)."""
    import waitress

    from entregent.wsgi import application

    _migrate()
    shown_host = f"[{host}]" if ":" in host else host
    console.print(
        _("entregent is running at http://%(host)s:%(port)d/ (Ctrl+C to stop)")
        % {"host": shown_host, "port": port},
        markup=False,
    )
    demo_user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    if demo_user is not None and demo_user.check_password(DEMO_PASSWORD):
        console.print(_("Log in as demo / demo"), markup=False)
    console.print(_("Data: %(where)s") % {"where": render.database_location()}, markup=False)
    sys.stdout.flush()
    waitress.serve(
        application, host=host, port=port, threads=threads, ident="entregent", _quiet=True
    )


def _check(value: str, choices: Any, what: str) -> None:
    """Refuse an unknown choice before anything is looked up or written (the services' rule)."""
    services._choice(value, choices, what)


__all__ = ["EntregentError", "app"]

# Register the other commands on the same app (imported last: they import this module).
from entregent.cli import files, give, insight, moves, reach  # noqa: E402, F401
