"""What every CLI command shares: the acting user, dates, output, errors in one line."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.markup import escape

from entregent.network.errors import Ambiguous, EntregentError, InvalidInput

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def acting_user() -> Any:
    """The account the CLI acts for: ENTREGENT_USER, else the only account there is."""
    User = get_user_model()
    wanted = os.environ.get("ENTREGENT_USER", "").strip()
    if wanted:
        user = User.objects.filter(username=wanted).first()
        if user is None:
            raise EntregentError(
                _(
                    "No account named “%(name)s” (ENTREGENT_USER); run “entregent init "
                    "--username %(name)s”."
                )
                % {"name": wanted}
            )
        return user
    users = list(User.objects.order_by("pk")[:2])
    if not users:
        raise EntregentError(_("No account yet; run “entregent init” or “entregent demo” first."))
    if len(users) > 1:
        raise EntregentError(_("Several accounts exist; choose one with ENTREGENT_USER=name."))
    return users[0]


_RELATIVE = {"today": 0, "aujourd'hui": 0, "yesterday": 1, "hier": 1}


def parse_when(
    value: str | None, now: dt.datetime | None = None, *, future: bool = False
) -> dt.datetime | None:
    """Read a date from the command line: YYYY-MM-DD, "YYYY-MM-DD HH:MM", today, yesterday, 3d.

    Dates of things that happened cannot be in the future; `future=True` allows it (for --at).
    """
    if value is None:
        return None
    now = now or timezone.localtime()
    text = value.strip().lower()
    if text in _RELATIVE:
        return now - dt.timedelta(days=_RELATIVE[text])
    match = re.fullmatch(r"(\d{1,5})\s*(d|j|days?|jours?)(\s*ago)?", text)
    if match:
        return now - dt.timedelta(days=int(match.group(1)))
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y"):
        try:
            parsed = dt.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if parsed.year < 1900:
            raise InvalidInput(_("The date %(date)s is too far in the past.") % {"date": value})
        if fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            parsed = parsed.replace(hour=12)
        when = timezone.make_aware(parsed)
        if not future and when > now + dt.timedelta(days=1):
            raise InvalidInput(_("The date %(date)s is in the future.") % {"date": value})
        return when
    raise InvalidInput(
        _("“%(value)s” is not a date; write 2026-03-14, “today”, “yesterday” or “3d”.")
        % {"value": value}
    )


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, no colours."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def success(message: str) -> None:
    """One green line saying what was written."""
    console.print(f"[green]✓[/green] {escape(message)}", markup=True)


def _describe(candidate: Any) -> str:
    details = [
        d for d in (candidate.organization and candidate.organization.name, candidate.title) if d
    ]
    suffix = f" — {', '.join(details)}" if details else ""
    return f"  #{candidate.pk}  {candidate.full_name}{suffix}"


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error of a command into one line on stderr: exit 2 for bad input, 1 otherwise."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except Ambiguous as exc:
            err_console.print(f"entregent: {exc}", markup=False)
            for candidate in exc.candidates:
                err_console.print(_describe(candidate), markup=False)
            raise typer.Exit(2) from None
        except EntregentError as exc:
            err_console.print(f"entregent: {exc}", markup=False)
            raise typer.Exit(2) from None
        except DatabaseError as exc:
            if os.environ.get("ENTREGENT_DEBUG") == "True":
                raise
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if any(sign in first for sign in ("no such table", "no such column", "does not exist")):
                err_console.print(
                    "entregent: "
                    + _(
                        "The database is not set up, or is from an older version; run "
                        "“entregent init” (safe to run again)."
                    ),
                    markup=False,
                )
                raise typer.Exit(2) from None
            message = _("Database error: %(detail)s") % {"detail": first}
            err_console.print(f"entregent: {message}", markup=False)
            raise typer.Exit(1) from None
        except Exception as exc:
            if os.environ.get("ENTREGENT_DEBUG") == "True":
                raise
            err_console.print(
                "entregent: "
                + _(
                    "unexpected error (%(kind)s: %(detail)s); set ENTREGENT_DEBUG=True for details."
                )
                % {"kind": type(exc).__name__, "detail": exc},
                markup=False,
            )
            raise typer.Exit(1) from None

    return wrapper


def write_output(data: bytes, output: Path | None, done: str) -> None:
    """Write bytes to a file (saying `done`), or to standard output when no file is given."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(
            _("Cannot write %(path)s: %(why)s") % {"path": output, "why": exc.strerror}
        ) from None
    success(done)
