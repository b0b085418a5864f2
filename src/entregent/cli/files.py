"""`entregent import`, `export`, `backup`, `restore`, `duplicates`, `merge` and `apart`."""

from __future__ import annotations

import json as jsonlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from entregent.cli.commands import JsonOpt, _epilog, app
from entregent.cli.support import (
    acting_user,
    console,
    err_console,
    guarded,
    print_json,
    success,
    write_output,
)
from entregent.io import backup as backups
from entregent.io import export as exports
from entregent.io.importing import FORMATS, import_paths
from entregent.io.loader import Report
from entregent.network import merging, queries
from entregent.network.errors import InvalidInput
from entregent.network.models import MergeSuggestion

EXPORTS = ("vcard", "csv", "json")
SHOWN_SKIPPED = 50  # per file; --json lists them all


def _report_json(report: Report) -> dict[str, Any]:
    return {
        "file": report.name,
        "format": report.format,
        "dry_run": report.dry_run,
        **report.counts(),
        "skipped_records": [{"where": s.ref, "why": s.reason} for s in report.skipped],
        "warnings": [{"where": s.ref, "why": s.reason} for s in report.warnings],
        "notices": report.notices,
    }


def _print_report(report: Report) -> None:
    c = report.counts()
    console.print(
        f"[bold]{report.name}[/bold] ({report.format}): "
        + _(
            "%(created)d created, %(updated)d updated, %(merged)d merged, %(unchanged)d "
            "unchanged, %(skipped)d skipped; interactions: %(interactions_created)d new, "
            "%(interactions_existing)d already there"
        )
        % c,
        highlight=False,
    )
    for notice in report.notices:
        console.print("  " + notice, style="yellow", markup=False)
    for item in report.skipped[:SHOWN_SKIPPED]:
        console.print(
            "  " + _("skipped %(where)s: %(why)s") % {"where": item.ref, "why": item.reason},
            markup=False,
        )
    if len(report.skipped) > SHOWN_SKIPPED:
        console.print(
            "  "
            + _("… and %(n)d more (--json lists them all)")
            % {"n": len(report.skipped) - SHOWN_SKIPPED},
            markup=False,
        )
    for item in report.warnings[:SHOWN_SKIPPED]:
        console.print(
            "  " + _("note on %(where)s: %(why)s") % {"where": item.ref, "why": item.reason},
            style="dim",
            markup=False,
        )
    if report.suggestions:
        console.print(
            "  "
            + ngettext(
                "%(n)d possible duplicate to review: entregent duplicates",
                "%(n)d possible duplicates to review: entregent duplicates",
                report.suggestions,
            )
            % {"n": report.suggestions},
            markup=False,
        )


@app.command(
    "import",
    help=_(
        "Import contacts and history: vCard, LinkedIn Connections.csv, Google or Outlook CSV, "
        "iCalendar meetings, mbox or maildir (headers only). Re-importing adds nothing twice."
    ),
    epilog=_epilog(
        "entregent import contacts.vcf Connections.csv",
        "entregent import agenda.ics --dry-run",
        "entregent import ~/Mail/archive.mbox --format mbox",
    ),
)
@guarded
def import_files(
    files: Annotated[list[Path], typer.Argument(help=_("Files (or maildir folders) to import."))],
    format: Annotated[
        str,
        typer.Option(
            "--format", help=_("auto, vcard, linkedin, google, outlook, ics, mbox, maildir.")
        ),
    ] = "auto",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would be imported; write nothing."))
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Import files into your network."""
    if format not in FORMATS:
        raise InvalidInput(
            _("Unknown format “%(format)s”; use one of: %(formats)s.")
            % {"format": format, "formats": ", ".join(FORMATS)}
        )
    user = acting_user()
    quiet = json or not sys.stderr.isatty()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        reports = import_paths(
            user,
            list(files),
            fmt=format,
            dry_run=dry_run,
            now=timezone.now(),
            progress=progress,
        )
    if json:
        print_json([_report_json(r) for r in reports])
    else:
        for report in reports:
            _print_report(report)
        if dry_run:
            console.print(_("Dry run: nothing was written."), style="bold", markup=False)
    if not any(r.read_anything for r in reports):
        raise typer.Exit(2)


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help=_("Write to this file (default: print)."))
]


def _write(data: bytes, output: Path | None, what: str) -> None:
    write_output(data, output, _("%(what)s written to %(path)s.") % {"what": what, "path": output})


@app.command(
    help=_(
        "Export your contacts: vCard 4.0 (re-imports losslessly), CSV for spreadsheets "
        "(UTF-8 with BOM, safe against formula injection) or JSON."
    ),
    epilog=_epilog(
        "entregent export --format vcard -o contacts.vcf",
        "entregent export --format csv -o contacts.csv",
    ),
)
@guarded
def export(
    format: Annotated[str, typer.Option("--format", help=_("vcard, csv or json."))] = "vcard",
    output: OutputOpt = None,
) -> None:
    """Export your contacts."""
    if format not in EXPORTS:
        raise InvalidInput(
            _("Unknown format “%(format)s”; use one of: %(formats)s.")
            % {"format": format, "formats": ", ".join(EXPORTS)}
        )
    user = acting_user()
    writer = {"vcard": exports.to_vcard, "csv": exports.to_csv, "json": exports.to_json}[format]
    _write(writer(user), output, _("Contacts"))


@app.command(
    help=_("Write a complete backup of everything you own (JSON, versioned)."),
    epilog=_epilog("entregent backup entregent-2026-11-29.json"),
)
@guarded
def backup(
    file: Annotated[Path, typer.Argument(help=_("The backup file to write."))],
) -> None:
    """Write a complete backup."""
    user = acting_user()
    data = backups.dumps(backups.backup(user)).encode("utf-8")
    _write(data, file, _("Backup"))


@app.command(
    help=_("Restore a backup into an account that holds nothing yet."),
    epilog=_epilog("entregent restore entregent-2026-11-29.json"),
)
@guarded
def restore(
    file: Annotated[Path, typer.Argument(help=_("The backup file to read."))],
) -> None:
    """Restore a backup."""
    user = acting_user()
    try:
        data = jsonlib.loads(file.read_bytes())
    except OSError as exc:
        raise InvalidInput(
            _("Cannot read %(path)s: %(why)s") % {"path": file, "why": exc.strerror}
        ) from None
    except ValueError:
        raise InvalidInput(_("This file is not an entregent backup.")) from None
    counts = backups.restore(user, data)
    success(
        _("Restored %(people)d people, %(interactions)d interactions and the rest of your network.")
        % {"people": counts.get("person", 0), "interactions": counts.get("interaction", 0)}
    )


@app.command(
    help=_(
        "People who may be the same person: the suggestions of your imports, and with --scan a "
        "fresh look through the whole network."
    ),
    epilog=_epilog("entregent duplicates", "entregent duplicates --scan --json"),
)
@guarded
def duplicates(
    scan: Annotated[
        bool, typer.Option("--scan", help=_("Look for similar names across your network."))
    ] = False,
    json: JsonOpt = False,
) -> None:
    """List possible duplicates."""
    user = acting_user()
    if scan:
        merging.scan_duplicates(user)
    rows = list(
        MergeSuggestion.objects.filter(owner=user, state=MergeSuggestion.State.OPEN)
        .select_related("a__organization", "b__organization")
        .order_by("-score", "pk")
    )

    def side(p: Any) -> dict[str, Any]:
        return {
            "id": p.pk,
            "name": p.full_name,
            "organization": p.organization.name if p.organization else "",
        }

    if json:
        print_json(
            [
                {"a": side(s.a), "b": side(s.b), "score": round(s.score, 1), "why": s.reason}
                for s in rows
            ]
        )
        return
    if not rows:
        console.print(_("No possible duplicate."), markup=False)
        return
    for s in rows:
        a_org = f" ({s.a.organization})" if s.a.organization else ""
        b_org = f" ({s.b.organization})" if s.b.organization else ""
        console.print(
            f"#{s.a.pk} {s.a.full_name}{a_org}  ≟  #{s.b.pk} {s.b.full_name}{b_org}  "
            f"{round(s.score)} %",
            markup=False,
        )
    console.print(
        _("Merge: entregent merge '#A' '#B' (A is kept) · keep apart: entregent apart '#A' '#B'"),
        style="dim",
        markup=False,
    )


PersonArg = Annotated[str, typer.Argument(help=_("A name, an email or #id."))]


@app.command(
    help=_("Merge two records of the same person: everything of the second moves to the first."),
    epilog=_epilog("entregent merge '#12' '#40'"),
)
@guarded
def merge(keep: PersonArg, other: PersonArg) -> None:
    """Merge two people."""
    user = acting_user()
    a, b = queries.find_person(user, keep), queries.find_person(user, other)
    kept = merging.merge_people(a, b)
    success(_("Merged into %(name)s (#%(id)d).") % {"name": kept.full_name, "id": kept.pk})


@app.command(
    help=_("Record that two people are not the same: they are not suggested again."),
    epilog=_epilog("entregent apart '#12' '#40'"),
)
@guarded
def apart(first: PersonArg, second: PersonArg) -> None:
    """Keep two people apart."""
    user = acting_user()
    a, b = queries.find_person(user, first), queries.find_person(user, second)
    merging.keep_apart(a, b)
    success(_("%(a)s and %(b)s are kept apart.") % {"a": a.full_name, "b": b.full_name})
