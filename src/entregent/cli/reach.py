"""`entregent reach`, `entregent intro …` and `entregent loops`: reaching a target with tact."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.markup import escape

from entregent.cli import render
from entregent.cli.commands import AtOpt, JsonOpt, _epilog, app
from entregent.cli.support import (
    acting_user,
    console,
    err_console,
    guarded,
    parse_when,
    print_json,
    success,
)
from entregent.network import queries, reaching, services
from entregent.network import reach as reaching_reads
from entregent.network.errors import Ambiguous, NotFound
from entregent.network.explain import network_view, percent
from entregent.network.models import Intro, Rung, Task

intro_app = typer.Typer(
    help=_("The introduction lifecycle: start, asked, made, met, outcome, thanked, declined."),
    no_args_is_help=True,
)
app.add_typer(intro_app, name="intro")


def _step_json(step: reaching_reads.Step) -> dict[str, Any]:
    return {
        "people": [{"id": p.pk, "name": p.full_name} for p in step.people],
        "hops": [round(h, 3) for h in step.hops],
        "chance": round(step.chance, 4),
        "ask": step.ask or None,
        "ask_text": step.ask_text or None,
        "why_ask": step.why_ask or None,
        "give_first": [
            {
                "key": o.key,
                "need": o.need.text,
                "offer": o.offer.text,
                "offered_by": o.offer.person.full_name,
            }
            for o in step.give_first
        ],
        "message": step.message or None,
    }


@app.command(
    help=_(
        "The best chains of introductions to a person, someone at an organisation, or a "
        "goal, with the give-first, the right ask and a draft message."
    ),
    epilog=_epilog(
        'entregent reach "Xavier Lambert"',
        'entregent reach "someone at Banque Lambda" --json',
        "entregent reach goal:3",
    ),
)
@guarded
def reach(
    target: Annotated[
        str, typer.Argument(help=_("A person, “someone at ORGANISATION”, or goal:ID."))
    ],
    limit: Annotated[int, typer.Option(min=1, max=10, help=_("How many chains."))] = 3,
    at: AtOpt = None,
    json: JsonOpt = False,
) -> None:
    """The best chains of introductions to a target, each with give-first, ask and draft."""
    user = acting_user()
    found = reaching_reads.reach(
        user, target, parse_when(at, future=True) or timezone.now(), k=limit
    )
    if json:
        print_json(
            {
                "target": found.target_label,
                "chains": [_step_json(s) for s in found.chains],
                "nearest": [{"id": p.pk, "name": p.full_name} for p in found.nearest],
            }
        )
        return
    title = _("Reaching %(target)s") % {"target": found.target_label}
    console.print(f"[bold cyan]{escape(title)}[/bold cyan]")

    if not found.chains:
        console.print("  " + _("Nobody you know connects to them yet."), markup=False)
        if found.nearest:
            console.print(
                "  "
                + _("Start from the people nearest to them: %(names)s.")
                % {"names": ", ".join(p.full_name for p in found.nearest)},
                markup=False,
            )
        return
    for n, step in enumerate(found.chains, 1):
        chain = " → ".join([_("you"), *(p.full_name for p in step.people)])
        console.print(
            f"\n[bold]{n}. {escape(chain)}[/bold]  "
            + _("chance %(p)s") % {"p": percent(step.chance)}
        )
        if len(step.people) == 1:
            console.print(
                "   " + _("Direct: you know them already; get in touch yourself."), markup=False
            )
            continue
        if step.give_first:
            for gift in step.give_first[:2]:
                console.print(
                    "   "
                    + _("Give first (%(key)s): %(need)s ← %(offer)s")
                    % {"key": gift.key, "need": gift.need.text, "offer": gift.offer.text},
                    markup=False,
                )
        else:
            console.print(
                "   "
                + _(
                    "Give first: nothing yet — build the tie first (a call, "
                    "news, an article they would like)."
                ),
                markup=False,
            )
        console.print(
            "   "
            + _("Ask %(name)s for %(ask)s. %(why)s")
            % {"name": step.first.full_name, "ask": step.ask_text, "why": step.why_ask},
            markup=False,
        )
        console.print("   " + _("Say: %(message)s") % {"message": step.message}, markup=False)
    first = found.chains[0]
    if len(first.people) > 1:
        console.print(
            "\n"
            + _('To start: entregent intro start "%(target)s" --via "%(via)s"')
            % {"target": first.people[-1].full_name, "via": first.first.full_name},
            markup=False,
        )


def _find_intro(user: Any, ref: str) -> Intro:
    """An introduction by #id, or the open one to or through a named person."""
    raw = ref.strip()
    intros = Intro.objects.filter(owner=user).select_related("intermediary", "target")
    if raw.lstrip("#").isdigit():
        intro = intros.filter(pk=int(raw.lstrip("#"))).first()
        if intro is None:
            raise NotFound(_("You have no introduction #%(id)s.") % {"id": raw.lstrip("#")})
        return intro
    person = queries.find_person(user, raw)
    open_ones = list(
        intros.exclude(status__in=("thanked", "declined")).filter(target=person)
        | intros.exclude(status__in=("thanked", "declined")).filter(intermediary=person)
    )
    if not open_ones:
        raise NotFound(
            _("No open introduction to or through %(name)s.") % {"name": person.full_name}
        )
    if len(open_ones) > 1:
        raise Ambiguous(
            _("Several open introductions involve %(name)s; use #id.") % {"name": person.full_name},
            [i.target for i in open_ones],
        )
    return open_ones[0]


@intro_app.command(
    "start",
    help=_("Plan reaching TARGET through an intermediary: an introduction and a goal."),
    epilog=_epilog('entregent intro start "Xavier Lambert" --via "Yves Martin"'),
)
@guarded
def intro_start(
    target: Annotated[str, typer.Argument(help=_("The person to reach."))],
    via: Annotated[str, typer.Option("--via", help=_("The intermediary."))],
    why: Annotated[str, typer.Option(help=_("Why you want to meet them."))] = "",
) -> None:
    """Plan reaching TARGET through an intermediary."""
    user = acting_user()
    intro = reaching.start_intro(
        user, queries.find_person(user, target), queries.find_person(user, via), why=why
    )
    success(
        _(
            "Introduction #%(id)d planned: you → %(via)s → %(target)s. When you have asked: "
            "entregent intro asked %(id)d --rung advice"
        )
        % {"id": intro.pk, "via": intro.intermediary.full_name, "target": intro.target.full_name}
    )


def _warn_over_ask(user: Any, intro: Intro, rung: str) -> None:
    """An ask above what the relationship bears: say so, why, and the better ask."""
    warning = reaching_reads.over_ask(network_view(user, timezone.now()), intro, rung)
    if warning:
        err_console.print("entregent: " + warning, markup=False)


def _step_command(step: str, help_text: str, example: str) -> None:
    @intro_app.command(step, help=help_text, epilog=_epilog(example))
    @guarded
    def command(
        ref: Annotated[
            str,
            typer.Argument(help=_("The introduction: #id, or the target or intermediary's name.")),
        ],
        text: Annotated[str, typer.Argument(help=_("How it went (for “outcome”)."))] = "",
        rung: Annotated[
            str,
            typer.Option(
                help=_("What you asked for (for “asked”): information, advice, introduction…")
            ),
        ] = "advice",
        on: Annotated[str | None, typer.Option("--on", help=_("When (default: now)."))] = None,
    ) -> None:
        user = acting_user()
        intro = _find_intro(user, ref)
        if step == "asked":
            services._choice(rung, Rung, _("rung"))
            _warn_over_ask(user, intro, rung)
        intro = reaching.advance_intro(intro, step, text=text, rung=rung, when=parse_when(on))
        success(
            _("Introduction #%(id)d: %(status)s.")
            % {"id": intro.pk, "status": intro.get_status_display()}
        )
        for task in intro.tasks.filter(done_at=None).order_by("due"):
            console.print(
                "  "
                + _("To do by %(due)s: %(title)s")
                % {"due": render.day(task.due), "title": task.title},
                markup=False,
            )


for _name, _help, _example in (
    (
        "asked",
        _("You asked the intermediary (say for what with --rung)."),
        "entregent intro asked 3 --rung advice",
    ),
    (
        "made",
        _("The intermediary made the introduction: thank them within two days."),
        'entregent intro made "Xavier Lambert"',
    ),
    (
        "met",
        _("You met the target: tell the intermediary how it went within a week."),
        "entregent intro met 3",
    ),
    (
        "outcome",
        _("Record how it went, and that you told the intermediary."),
        'entregent intro outcome 3 "Signed a pilot with Banque Lambda"',
    ),
    (
        "thanked",
        _("You thanked the intermediary: the gratitude loop closes."),
        "entregent intro thanked 3",
    ),
    (
        "declined",
        _("The intermediary declined; nothing more is due."),
        "entregent intro declined 3",
    ),
):
    _step_command(_name, _help, _example)


@app.command(
    help=_("Open gratitude loops: thank-yous and outcome reports due, overdue first."),
    epilog=_epilog("entregent loops", "entregent loops --json"),
)
@guarded
def loops(at: AtOpt = None, json: JsonOpt = False) -> None:
    """Open gratitude loops: thank-yous and outcome reports due, overdue first."""
    user = acting_user()
    today = (parse_when(at, future=True) or timezone.now()).date()
    tasks = list(
        Task.objects.filter(
            owner=user, done_at=None, kind__in=(Task.Kind.THANK, Task.Kind.REPORT_OUTCOME)
        )
        .select_related("person")
        .order_by("due", "pk")
    )
    rows = [
        {
            "task": t.pk,
            "kind": t.kind,
            "title": t.title,
            "person": t.person.full_name if t.person else None,
            "due": render.day(t.due),
            "overdue_days": max((today - t.due).days, 0) if t.due else 0,
        }
        for t in tasks
    ]
    if json:
        print_json(rows)
        return
    if not rows:
        console.print(
            _("No open gratitude loop: everyone has been thanked and told."), markup=False
        )
        return
    for row in rows:
        late = (
            _("overdue by %(days)d days") % {"days": row["overdue_days"]}
            if row["overdue_days"]
            else _("due %(day)s") % {"day": row["due"]}
        )
        style = "red" if row["overdue_days"] else "yellow"
        console.print(f"[{style}]{escape(late)}[/{style}]  {escape(row['title'])}")
    console.print(
        _("%(n)d open loops. Close one with “entregent intro thanked …” or in the admin's tasks.")
        % {"n": len(rows)},
        markup=False,
    )
