"""Import files: recognise each file's format, parse it, load it, report per file.

A file that cannot be read at all (missing, empty, binary, of no known format) gives a report
with a notice and nothing read; the other files are still imported, each in its own
transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from entregent.io import csvfiles, ics, mail, vcard
from entregent.io.loader import Progress, Report, load
from entregent.io.records import Parsed

FORMATS = ("auto", "vcard", "linkedin", "google", "outlook", "ics", "mbox", "maildir")
MAX_BYTES = 1 << 30  # one gibibyte: beyond, split the file (a mailbox per year, say)
_EXTENSIONS = {
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".ics": "ics",
    ".ical": "ics",
    ".ifb": "ics",
    ".mbox": "mbox",
    ".mbx": "mbox",
}


def _head(data: bytes) -> str:
    """The start of a file as text, whatever its encoding, for recognising its format."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace").lstrip("\ufeff")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect(path: Path, data: bytes) -> str | None:
    """The format of a file from its content, then its name; None when unknown."""
    text = _head(data).lstrip()
    upper = text[:2000].upper()
    if "BEGIN:VCARD" in upper:
        return "vcard"
    if "BEGIN:VCALENDAR" in upper or upper.startswith("BEGIN:VEVENT"):
        return "ics"
    if text.startswith("From ") or ("\nMESSAGE-ID:" in "\n" + upper and "\nFROM:" in "\n" + upper):
        return "mbox"
    sniffed = csvfiles.sniff_csv(data)
    if sniffed:
        return sniffed
    return _EXTENSIONS.get(path.suffix.lower())


def parse_path(path: Path, fmt: str, now: dt.datetime) -> Parsed:
    """Read and parse one file (or maildir folder); never raises on what the file holds."""
    if path.is_dir():
        if fmt not in ("auto", "maildir"):
            return _unreadable(fmt, _("%(path)s is a folder.") % {"path": path})
        return mail.parse_maildir(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        return _unreadable(
            fmt, _("Cannot read %(path)s: %(why)s") % {"path": path, "why": exc.strerror}
        )
    if not head.strip():
        return _unreadable(fmt, _("%(path)s is empty.") % {"path": path})
    chosen = detect(path, head) if fmt == "auto" else fmt
    if chosen is None:
        return _unreadable(
            "unknown",
            _(
                "%(path)s is not a format entregent reads (vCard, LinkedIn, Google or Outlook "
                "CSV, iCalendar, mbox); give --format if it is one of them."
            )
            % {"path": path},
        )
    if chosen in ("mbox", "maildir"):
        return mail.parse_mbox_file(path)  # memory-mapped: a mailbox of any size
    if size > MAX_BYTES:
        return _unreadable(
            chosen,
            _("%(path)s is larger than 1 GB; split it and import the parts.") % {"path": path},
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(
            fmt, _("Cannot read %(path)s: %(why)s") % {"path": path, "why": exc.strerror}
        )
    name = path.name
    if chosen == "vcard":
        return vcard.parse_vcards(data, name=name)
    if chosen == "ics":
        return ics.parse_ics(data, now=now, name=name)
    if chosen == "linkedin":
        return csvfiles.parse_linkedin(data, name=name)
    if chosen == "google":
        return csvfiles.parse_google_csv(data, name=name)
    return csvfiles.parse_outlook_csv(data, name=name)


def _unreadable(fmt: str, why: str) -> Parsed:
    return Parsed(format=fmt if fmt != "auto" else "unknown", notices=[why])


def import_paths(
    owner: AbstractBaseUser,
    paths: list[Path],
    *,
    fmt: str = "auto",
    dry_run: bool = False,
    now: dt.datetime,
    progress: Progress | None = None,
) -> list[Report]:
    """Import each file in its own transaction; one report per file, in order."""
    reports = []
    for path in paths:
        parsed = parse_path(path, fmt, now)
        if not parsed.read_anything:
            report = Report(
                name=str(path),
                format=parsed.format,
                dry_run=dry_run,
                skipped=list(parsed.skipped),
                notices=list(parsed.notices)
                or [_("Nothing could be read from %(path)s.") % {"path": path}],
            )
        else:
            try:
                report = load(owner, parsed, name=str(path), dry_run=dry_run, progress=progress)
            except DatabaseError as exc:  # the file's transaction is rolled back: nothing half
                report = Report(
                    name=str(path),
                    format=parsed.format,
                    dry_run=dry_run,
                    skipped=list(parsed.skipped),
                    notices=[
                        _("%(path)s could not be written, nothing of it was imported: %(why)s")
                        % {"path": path, "why": str(exc).strip().splitlines()[0][:200]}
                    ],
                )
        reports.append(report)
    return reports
