"""The Import screen: upload, dry-run report, confirm, and merge suggestions.

Uploaded files wait in a private folder of the data dir (one per user and upload, readable by
the server's account only) between the dry run and the confirmation, and are deleted on
confirm, on cancel, or after a day. Both runs go through `io.importing.import_paths`, exactly
as `entregent import` (and `--dry-run`) does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from entregent.io.importing import import_paths
from entregent.io.loader import Report
from entregent.network import merging
from entregent.network.errors import EntregentError
from entregent.network.models import ContactPoint, MergeSuggestion, Person, PersonSource, Tag
from entregent.web.params import safe_next

# What the web accepts in one upload, all files together (a mailbox larger than this is
# better imported with `entregent import`, which reads files of any size in place).
DEFAULT_UPLOAD_LIMIT = 100 * 1024 * 1024
KEEP_FOR = dt.timedelta(days=1)  # an upload neither confirmed nor cancelled is deleted after
SHOWN_SKIPPED = 200  # per file on the page; the rest are counted
PAGE_SIZE = 20
WEB_FORMATS = ("auto", "vcard", "linkedin", "google", "outlook", "ics", "mbox")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^\w.\- ]+")


def upload_limit() -> int:
    """The largest request body an upload may have, in bytes (a setting may lower it)."""
    return int(getattr(settings, "ENTREGENT_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_LIMIT))


def too_big(request: HttpRequest) -> str:
    """The message for an upload over the limit, or "" (read before Django parses the body).

    A body over the limit is read and dropped, never parsed nor saved, so the browser gets a
    clean page instead of a reset connection.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = upload_limit()
    if length <= limit:
        return ""
    while request.read(1 << 20):
        pass
    return _(
        "These files are too large for the web (%(size)s MB; at most %(limit)s MB at once): "
        "upload fewer at a time, or use “entregent import” on the server."
    ) % {"size": _megabytes(length), "limit": _megabytes(limit)}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def format_label(fmt: str) -> str:
    """A file format as the user knows it."""
    labels = {
        "auto": _("detect automatically"),
        "vcard": "vCard",
        "linkedin": _("LinkedIn CSV (Connections.csv)"),
        "google": _("Google CSV"),
        "outlook": _("Outlook CSV"),
        "ics": _("iCalendar (.ics)"),
        "mbox": _("mbox mailbox"),
        "maildir": "maildir",
    }
    return labels.get(fmt, _("unknown"))


# The private folder of uploads ----------------------------------------------------------------


def _root() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _private_dir(folder: Path) -> Path:
    """Create a folder only the server's account may open (whatever the umask)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def _user_dir(request: HttpRequest) -> Path:
    root = _private_dir(_root())
    return _private_dir(root / str(request.user.pk))


def _upload_dir(request: HttpRequest, token: str, waiting: bool = True) -> Path:
    """The folder of one of this user's uploads; 404 for another user's or a finished one
    (`waiting=False` also finds one a confirm is importing at this moment)."""
    if not _TOKEN.match(token):
        raise Http404
    folder = _root() / str(request.user.pk) / token
    if not (folder / "upload.json").is_file() if waiting else not folder.is_dir():
        raise Http404
    return folder


def sweep(now: float | None = None) -> int:
    """Delete every upload left waiting for more than a day (anyone's); returns how many."""
    root = _root()
    if not root.is_dir():
        return 0
    limit = (now or time.time()) - KEEP_FOR.total_seconds()
    removed = 0
    for user in root.iterdir():
        try:
            folders = list(user.iterdir()) if user.is_dir() else []
        except OSError:  # removed meanwhile by a confirm or a cancel
            continue
        for folder in folders:
            try:
                stale = folder.stat().st_mtime < limit
            except OSError:
                continue
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed


def _safe_name(name: str, k: int) -> str:
    """A file name to keep on disk: the upload's own base name, tamed."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return base[-100:] or f"file-{k + 1}"


def _save(folder: Path, files: list[UploadedFile]) -> list[dict[str, str]]:
    """Write the uploaded files into the folder, readable by the server's account only."""
    saved = []
    for k, upload in enumerate(files):
        where = _private_dir(folder / "files" / str(k)) / _safe_name(upload.name or "", k)
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        saved.append({"name": upload.name or where.name, "path": str(where.relative_to(folder))})
    return saved


def _write_json(where: Path, data: dict[str, Any]) -> None:
    fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)


def _read_json(where: Path) -> dict[str, Any]:
    try:
        return json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None


def _claim(folder: Path) -> dict[str, Any] | None:
    """Take the upload for a confirm or a cancel; None when another request took it first.

    Renaming is atomic, so a double click or two server processes import a file once.
    """
    claimed = folder / f"claimed-{secrets.token_hex(4)}.json"
    try:
        os.rename(folder / "upload.json", claimed)
    except FileNotFoundError:
        return None
    try:
        return json.loads(claimed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# Reports ----------------------------------------------------------------------------------------


def _report_data(report: Report, shown_name: str, disk_path: str) -> dict[str, Any]:
    """A report as plain data for the page: the file's own name, never the server's path."""

    def clean(text: str) -> str:
        return text.replace(disk_path, shown_name)

    return {
        "name": shown_name,
        "format": report.format,
        "format_label": format_label(report.format),
        "read_anything": report.read_anything,
        "dry_run": report.dry_run,
        "counts": report.counts(),
        "skipped": [
            {"ref": clean(s.ref), "reason": clean(s.reason)} for s in report.skipped[:SHOWN_SKIPPED]
        ],
        "more_skipped": max(0, len(report.skipped) - SHOWN_SKIPPED),
        "warnings": [
            {"ref": clean(s.ref), "reason": clean(s.reason)}
            for s in report.warnings[:SHOWN_SKIPPED]
        ],
        "more_warnings": max(0, len(report.warnings) - SHOWN_SKIPPED),
        "warning_count": len(report.warnings),
        "notices": [_for_the_web(clean(n), shown_name) for n in report.notices],
    }


def _for_the_web(notice: str, shown_name: str) -> str:
    """A notice that tells the CLI's user to give --format says what to do on this screen."""
    if "--format" not in notice:
        return notice
    return _(
        "%(name)s is not a format entregent reads (vCard, LinkedIn, Google or Outlook CSV, "
        "iCalendar, mbox). If it is one of them, choose its format in the list and upload it again."
    ) % {"name": shown_name}


def _run(
    request: HttpRequest, folder: Path, meta: dict[str, Any], dry_run: bool
) -> list[dict[str, Any]]:
    """Import (or dry-run) the upload's files as `entregent import` does; reports as data."""
    paths = [folder / f["path"] for f in meta["files"]]
    reports = import_paths(
        request.user, paths, fmt=meta["format"], dry_run=dry_run, now=timezone.now()
    )
    return [
        _report_data(report, f["name"], str(where))
        for report, f, where in zip(reports, meta["files"], paths, strict=True)
    ]


def _totals(reports: list[dict[str, Any]]) -> dict[str, int]:
    keys = reports[0]["counts"] if reports else {}
    return {key: sum(r["counts"][key] for r in reports) for key in keys}


# Views ------------------------------------------------------------------------------------------


@login_required
def import_screen(request: HttpRequest) -> HttpResponse:
    """The upload form, the uploads waiting for a confirmation, and the open suggestions."""
    sweep()
    waiting = []
    mine = _root() / str(request.user.pk)
    for folder in mine.iterdir() if mine.is_dir() else ():
        try:
            meta = json.loads((folder / "upload.json").read_text(encoding="utf-8"))
            since = folder.stat().st_mtime
        except (OSError, ValueError):
            continue  # confirmed, cancelled or swept meanwhile
        names = [f["name"] for f in meta["files"]]
        waiting.append({"token": folder.name, "names": names, "since": since})
    waiting.sort(key=lambda w: w["since"], reverse=True)
    return render(
        request,
        "web/import.html",
        {
            "formats": [(f, format_label(f)) for f in WEB_FORMATS],
            "limit": _megabytes(upload_limit()),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "waiting": waiting,
            "open_suggestions": MergeSuggestion.objects.filter(
                owner=request.user, state=MergeSuggestion.State.OPEN
            ).count(),
        },
    )


@csrf_exempt  # the size is checked before the body is parsed; the CSRF check follows at once
@login_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    """Receive the files, refuse them when too large or too many, else dry-run them."""
    message = too_big(request)
    if not message:
        try:
            request.FILES  # noqa: B018 - parsed here so that its errors get a message
        except TooManyFilesSent:
            message = _("At most %(n)d files at once.") % {
                "n": settings.DATA_UPLOAD_MAX_NUMBER_FILES
            }
        except RequestDataTooBig:
            message = _("This form is too large.")
    if message:
        messages.error(request, message)
        return redirect("import")
    return _dry_run(request)


@csrf_protect
def _dry_run(request: HttpRequest) -> HttpResponse:
    files = request.FILES.getlist("files")
    fmt = request.POST.get("format", "auto")
    if fmt not in WEB_FORMATS:
        messages.error(request, _("Choose a format from the list."))
        return redirect("import")
    if not files:
        messages.error(request, _("Choose at least one file to import."))
        return redirect("import")
    if sum(f.size or 0 for f in files) > upload_limit():  # a body without a length
        messages.error(request, _("These files are too large for the web."))
        return redirect("import")
    sweep()
    token = secrets.token_hex(16)
    folder = _private_dir(_user_dir(request) / token)
    try:
        meta: dict[str, Any] = {"format": fmt, "files": _save(folder, files)}
        meta["reports"] = _run(request, folder, meta, dry_run=True)
        _write_json(folder / "upload.json", meta)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return redirect("import-review", token=token)


@login_required
def import_review(request: HttpRequest, token: str) -> HttpResponse:
    """The dry-run report, file by file, with Confirm and Cancel."""
    meta = _read_json(_upload_dir(request, token) / "upload.json")
    return _report(
        request, token, meta["reports"], dry_run=True, chosen_format=format_label(meta["format"])
    )


def _report(
    request: HttpRequest, token: str, reports: list[dict], *, dry_run: bool, **extra: object
) -> HttpResponse:
    """The import report, file by file: the dry run before Confirm, or what was imported."""
    context = {
        "token": token,
        "reports": reports,
        "totals": _totals(reports),
        "dry_run": dry_run,
        "anything": any(r["read_anything"] for r in reports),
    }
    return render(request, "web/import_report.html", context | extra)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import for real (each file in its own transaction), then show the final report."""
    folder = _upload_dir(request, token, waiting=False)
    meta = _claim(folder)
    if meta is None:
        messages.error(request, _("This upload was already imported or cancelled."))
        return redirect("import")
    try:
        reports = _run(request, folder, meta, dry_run=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    done = request.session.get("import-done", {})
    done = {token: reports, **{k: v for k, v in list(done.items())[:4]}}  # the last five
    request.session["import-done"] = done
    return redirect("import-done", token=token)


@login_required
@require_POST
def import_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Drop the upload: its files are deleted and nothing is imported."""
    folder = _upload_dir(request, token, waiting=False)
    if _claim(folder) is None:
        messages.error(request, _("This upload was already imported or cancelled."))
        return redirect("import")
    shutil.rmtree(folder, ignore_errors=True)
    messages.success(request, _("Import cancelled; the uploaded files are deleted."))
    return redirect("import")


@login_required
def import_done(request: HttpRequest, token: str) -> HttpResponse:
    """The report of a confirmed import, with every record skipped and why."""
    reports = request.session.get("import-done", {}).get(token)
    if reports is None or not _TOKEN.match(token):
        raise Http404
    suggestions = MergeSuggestion.objects.filter(
        owner=request.user, state=MergeSuggestion.State.OPEN
    )
    return _report(request, token, reports, dry_run=False, open_suggestions=suggestions.count())


# Merge suggestions ------------------------------------------------------------------------------


def _people_of(owner: Any, ids: set[int]) -> dict[int, Person]:
    """The people of a page of suggestions with all a card shows, in a fixed number of queries."""
    rows = (
        Person.objects.filter(owner=owner, pk__in=ids)
        .select_related("organization")
        .prefetch_related(
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("kind", "value")),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("sources", queryset=PersonSource.objects.order_by("source", "pk")),
        )
        .annotate(interaction_count=Count("interactions"), last=Max("interactions__occurred_at"))
    )
    people = {}
    for person in rows:
        person.source_names = sorted({s.source for s in person.sources.all()})
        people[person.pk] = person
    return people


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    """Open merge suggestions, each pair side by side, with Merge and Keep apart."""
    rows = MergeSuggestion.objects.filter(
        owner=request.user, state=MergeSuggestion.State.OPEN
    ).order_by("-score", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    pairs = list(page.object_list)
    people = _people_of(request.user, {s.a_id for s in pairs} | {s.b_id for s in pairs})
    items = [
        {"s": s, "a": people[s.a_id], "b": people[s.b_id], "score": round(s.score)}
        for s in pairs
        if s.a_id in people and s.b_id in people
    ]
    return render(request, "web/import_duplicates.html", {"page": page, "items": items})


def _suggestion(request: HttpRequest, pk: int) -> MergeSuggestion:
    return get_object_or_404(
        MergeSuggestion.objects.select_related("a", "b"),
        pk=pk,
        owner=request.user,
        state=MergeSuggestion.State.OPEN,
    )


def _after_decision(request: HttpRequest, pk: int, said: str, ok: bool) -> HttpResponse:
    if request.htmx:
        return render(request, "web/_import_decided.html", {"said": said, "ok": ok, "pk": pk})
    (messages.success if ok else messages.error)(request, said)
    return redirect(safe_next(request) or "duplicates")


@login_required
@require_POST
def duplicates_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the pair, keeping the record chosen; everything of the other moves over."""
    s = _suggestion(request, pk)
    keep_id = request.POST.get("keep", "")
    if keep_id not in (str(s.a_id), str(s.b_id)):
        return _after_decision(request, pk, _("Choose which record to keep."), ok=False)
    keep, other = (s.a, s.b) if keep_id == str(s.a_id) else (s.b, s.a)
    try:
        kept = merging.merge_people(keep, other)
    except EntregentError as exc:
        return _after_decision(request, pk, str(exc), ok=False)
    return _after_decision(
        request, pk, _("Merged into %(name)s.") % {"name": kept.full_name}, ok=True
    )


@login_required
@require_POST
def duplicates_apart(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the two are different people: they are not suggested again."""
    s = _suggestion(request, pk)
    try:
        merging.keep_apart(s.a, s.b)
    except EntregentError as exc:
        return _after_decision(request, pk, str(exc), ok=False)
    return _after_decision(
        request,
        pk,
        _("%(a)s and %(b)s are kept apart.") % {"a": s.a.full_name, "b": s.b.full_name},
        ok=True,
    )


@login_required
@require_POST
def duplicates_scan(request: HttpRequest) -> HttpResponse:
    """Look through the whole network for similar names (as `entregent duplicates --scan`)."""
    found = merging.scan_duplicates(request.user)
    if found:
        messages.success(
            request,
            ngettext(
                "%(n)d new possible duplicate found.", "%(n)d new possible duplicates found.", found
            )
            % {"n": found},
        )
    else:
        messages.success(request, _("No new possible duplicate found."))
    return redirect("duplicates")


urlpatterns: list[URLPattern] = [
    path("import/", import_screen, name="import"),
    path("import/upload/", import_upload, name="import-upload"),
    path("import/duplicates/", duplicates, name="duplicates"),
    path("import/duplicates/scan/", duplicates_scan, name="import-scan"),
    path("import/duplicates/<int:pk>/merge/", duplicates_merge, name="import-merge"),
    path("import/duplicates/<int:pk>/apart/", duplicates_apart, name="import-apart"),
    path("import/<str:token>/", import_review, name="import-review"),
    path("import/<str:token>/confirm/", import_confirm, name="import-confirm"),
    path("import/<str:token>/cancel/", import_cancel, name="import-cancel"),
    path("import/<str:token>/done/", import_done, name="import-done"),
]
