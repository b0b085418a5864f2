"""Load parsed records into a user's network: identity resolution, batched writes, a report.

Part of the services layer for bulk writes (DESIGN.md: "io/ … loads them through services in
batches"): a file is loaded in one transaction, with a handful of queries to read what exists
and bulk inserts for what is new, so a 100,000-message mailbox loads in seconds. Identity
resolution, in order (docs/method.md, "Imports"):

1. the same record of the same source seen before (source + the file's own id);
2. a shared email, phone or profile address;
3. the same name (accents, case and hyphens aside) at the same organisation;
4. a close name (rapidfuzz token-sort ratio ≥ 92) at the same organisation.
The same or a close name (≥ 90) otherwise is never merged: the person is created and the pair
is listed as a merge suggestion. A card of the user themself is not imported.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from entregent.engine.text import fold
from entregent.io.records import ContactRecord, InteractionRecord, Parsed, Participant, Skipped
from entregent.network import snapshots
from entregent.network.models import (
    ContactPoint,
    Interaction,
    MergeSuggestion,
    Organization,
    Person,
    PersonSource,
    Tag,
)
from entregent.network.normalize import normalize

SOURCES = {
    "vcard": "vcard",
    "linkedin": "linkedin",
    "google": "google",
    "outlook": "outlook",
    "ics": "ics",
    "mbox": "mail",  # one source for both: a message read from mbox and maildir is one message
    "maildir": "mail",
}
SAME_NAME = 92.0  # token-sort ratio at the same organisation: the same person
CLOSE_NAME = 90.0  # otherwise, from here: a merge suggestion
BLOCK_LIMIT = 200  # a word shared by more names than this is too common to block on
BATCH = 2000
MAX_ID = 255

Progress = Callable[[str, int, int], None]


@dataclass
class Report:
    """What loading one file did (or would do, in a dry run), and everything it left out."""

    name: str
    format: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    interactions_created: int = 0
    interactions_existing: int = 0
    interactions_updated: int = 0
    suggestions: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    read_anything: bool = False

    def counts(self) -> dict[str, int]:
        """The figures of the report, by name (for JSON and tests)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "interactions_created": self.interactions_created,
            "interactions_existing": self.interactions_existing,
            "interactions_updated": self.interactions_updated,
            "suggestions": self.suggestions,
        }


@dataclass(eq=False)  # compared and hashed by identity: two new people may share a name
class _New:
    """A person to create at the end of the batch (indexes point at it meanwhile)."""

    full_name: str
    organization: str = ""
    title: str = ""
    notes: str = ""
    language: str = ""
    photo: bytes | None = None
    photo_type: str = ""
    points: set[tuple[str, str]] = field(default_factory=set)
    pk: int | None = None


Ref = int | _New  # an existing person's id, or one being created


class _Index:
    """What the user's network already holds, read once, updated as records are staged."""

    def __init__(self, owner: AbstractBaseUser, source: str) -> None:
        self.owner = owner
        self.source = source
        people = (
            Person.objects.filter(owner=owner)
            .order_by("pk")
            .values_list("pk", "full_name", "is_me", "organization__name_key")
        )
        self.me: int | None = None
        self.name_of: dict[Ref, str] = {}
        self.org_of: dict[Ref, str] = {}
        self.by_name: dict[str, list[Ref]] = {}
        self.by_token: dict[str, list[Ref]] = {}
        for pk, name, is_me, org in people:
            if is_me:
                self.me = pk
            self._add_name(pk, name, org or "")
        self.by_point: dict[tuple[str, str], Ref] = {
            (k, v): p
            for k, v, p in ContactPoint.objects.filter(owner=owner).values_list(
                "kind", "value", "person_id"
            )
        }
        self.my_emails = {v for (k, v), p in self.by_point.items() if p == self.me and k == "email"}
        if getattr(owner, "email", ""):
            self.my_emails.add(owner.email.strip().lower())
        self.by_source: dict[str, Ref] = {}
        self.versions: dict[str, set[str]] = {}
        for external, person, seen in PersonSource.objects.filter(
            owner=owner, source=source
        ).values_list("external_id", "person_id", "seen"):
            self.by_source[external] = person
            self.versions[external] = set(seen.split())
        self.orgs = dict(Organization.objects.filter(owner=owner).values_list("name_key", "pk"))
        self.pairs = {
            (a, b) for a, b in MergeSuggestion.objects.filter(owner=owner).values_list("a", "b")
        }

    def _add_name(self, ref: Ref, name: str, org_key: str) -> None:
        key = _name_key(name)
        self.name_of[ref] = key
        self.org_of[ref] = org_key
        self.by_name.setdefault(key, []).append(ref)
        for token in set(key.split()):
            if len(token) > 1:
                self.by_token.setdefault(token, []).append(ref)

    def exported(self, uid: str) -> int | None:
        """The person an export's UID names, when it is one of this user's people."""
        tail = uid[len(EXPORT_UID) :]
        if tail.isdigit() and int(tail) in self.name_of and int(tail) != self.me:
            return int(tail)
        return None

    def add(self, new: _New) -> None:
        self._add_name(new, new.full_name, fold(new.organization))

    def resolve_name(self, name: str, org: str) -> tuple[Ref | None, Ref | None, float]:
        """(the same person, a possible one, its score) by name and organisation."""
        key, org_key = _name_key(name), fold(org)
        same_name = [ref for ref in self.by_name.get(key, ()) if ref != self.me]
        for ref in same_name:
            if org_key and self.org_of[ref] == org_key:
                return ref, None, 100.0
        if same_name:  # the same name, but nothing says it is the same person: ask
            return None, same_name[0], 100.0
        # Compare only with names sharing a word, skipping words so common (a frequent first
        # name) that they say little, unless the name has nothing rarer.
        blocks = [self.by_token.get(t, []) for t in sorted(set(key.split())) if len(t) > 1]
        blocks = [b for b in blocks if b]
        if not blocks:
            return None, None, 0.0
        rare = [b for b in blocks if len(b) <= BLOCK_LIMIT] or [min(blocks, key=len)]
        # Blocks hold existing people by id, then new ones in file order: a stable order.
        candidates = list(dict.fromkeys(ref for b in rare for ref in b if ref != self.me))
        found = process.extractOne(
            key,
            [self.name_of[ref] for ref in candidates],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=CLOSE_NAME,
        )
        best, best_score = (candidates[found[2]], float(found[1])) if found else (None, 0.0)
        if best is None or best_score < CLOSE_NAME:
            return None, None, best_score
        if best_score >= SAME_NAME and org_key and self.org_of[best] == org_key:
            return best, None, best_score
        return None, best, best_score


def _name_key(name: str) -> str:
    """A name folded for comparison: case, accents and hyphens aside ("Jean-Marc" = "jean marc")."""
    return " ".join(fold(name).replace("-", " ").split())


def _points(record: ContactRecord, report: Report) -> set[tuple[str, str]]:
    """The record's contact points, normalised; a value that cannot be read is reported."""
    out = set()
    for kind, values in (("email", record.emails), ("phone", record.phones), ("url", record.urls)):
        for raw in values:
            try:
                value = normalize(kind, raw)
            except ValueError:
                digits = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
                if kind == "phone" and sum(ch.isdigit() for ch in digits) >= 5:
                    # No country can be told (a local number of another country): keep it as
                    # written rather than lose it.
                    out.add((kind, digits[:32]))
                    report.warnings.append(
                        Skipped(
                            record.ref,
                            _("phone “%(value)s” kept as written: its country is unknown")
                            % {"value": raw[:80]},
                        )
                    )
                    continue
                report.warnings.append(
                    Skipped(
                        record.ref,
                        _("%(kind)s “%(value)s” not understood, left out")
                        % {"kind": kind, "value": raw[:80]},
                    )
                )
                continue
            if value and len(value) <= 320:
                out.add((kind, value))
    return out


def _long_id(value: str) -> str:
    """Ids longer than the column keep a stable hash of themselves."""
    if len(value) <= MAX_ID:
        return value
    return "sha1:" + hashlib.sha1(value.encode("utf-8", "replace")).hexdigest()


class _Loader:
    """Stages records against the index, then writes everything in bulk."""

    def __init__(self, owner: AbstractBaseUser, parsed: Parsed, report: Report) -> None:
        self.owner = owner
        self.parsed = parsed
        self.report = report
        self.source = SOURCES.get(parsed.format, parsed.format)
        self.index = _Index(owner, self.source)
        self.new: list[_New] = []
        self.updates: dict[int, dict[str, object]] = {}
        self.add_points: list[tuple[Ref, str, str]] = []
        self.add_sources: list[tuple[Ref, str]] = []
        self.add_tags: list[tuple[Ref, str]] = []
        self.suggest: list[tuple[Ref, Ref, float]] = []
        self.interactions: list[tuple[InteractionRecord | None, str, str, list[Ref], dict]] = []
        self.seen_ids: set[str] = set(
            Interaction.objects.filter(owner=owner, source=self.source).values_list(
                "external_id", flat=True
            )
        )
        # A meeting can be moved or retitled after it was imported; a message cannot.
        self.meetings: dict[str, tuple[int, dt.datetime, str]] = (
            {
                ext: (pk, when, summary)
                for ext, pk, when, summary in Interaction.objects.filter(
                    owner=owner, source=self.source
                ).values_list("external_id", "pk", "occurred_at", "summary")
            }
            if self.source == "ics"
            else {}
        )
        self.moved: list[tuple[int, InteractionRecord]] = []
        self.emails: dict[str, str] = {}
        self.versions_changed: set[str] = set()
        self.by_address: dict[str, Ref | None] = {}
        self.outcomes: list[tuple[int, bool]] = []  # (person, matched by email or name)

    # Contacts ----------------------------------------------------------------------------

    def contact(self, record: ContactRecord) -> None:
        record = _clean(record)
        name = " ".join(record.full_name.split())[:200]
        if not name:
            self.report.skipped.append(Skipped(record.ref, _("no name, email or phone")))
            return
        points = _points(record, self.report)
        idx = self.index
        external = _long_id(record.external_id.strip()) if record.external_id.strip() else ""
        if external.startswith("name:"):
            external = ""  # a key made of a name alone says nothing a name match would not
        if not external:
            # No id of its own: its content is its id, so the same record read again is
            # recognised even with no email, phone or organisation to match it by.
            external = "content:" + _version(record)
        ref: Ref | None = idx.by_source.get(external) if external else None
        if ref is None and external.startswith(EXPORT_UID):
            ref = idx.exported(external)  # a card of our own export, back in the same account
        by_source = ref is not None
        version = _version(record) if external else ""
        if by_source and version in idx.versions.get(external, ()):
            self.report.unchanged += 1  # this very version was imported before
            if record.connected_on is not None and "connected:" + external in self.seen_ids:
                self.report.interactions_existing += 1
            return
        if external:
            idx.versions.setdefault(external, set()).add(version)
            self.versions_changed.add(external)
        if ref is None:
            ref = next((idx.by_point[p] for p in sorted(points) if p in idx.by_point), None)
        if ref is not None and ref == idx.me:
            self.report.skipped.append(
                Skipped(record.ref, _("this is you: your own card is not imported"))
            )
            return
        possible: Ref | None = None
        score = 0.0
        if ref is None:
            ref, possible, score = idx.resolve_name(name, record.organization)
        if ref is None:
            new = _New(
                full_name=name,
                organization=record.organization.strip()[:200],
                title=record.title.strip()[:200],
                notes=record.notes.strip(),
                language=record.language if record.language in ("fr", "en") else "",
                photo=record.photo,
                photo_type=record.photo_type[:40] if record.photo else "",
            )
            self.new.append(new)
            idx.add(new)
            ref = new
            self.report.created += 1
            if possible is not None:
                self.suggest.append((new, possible, score))
        elif isinstance(ref, _New):  # twice in the same file: one person
            self.report.merged += 1
            self._update(ref, record, overwrite=False)
        else:
            self._update(ref, record, overwrite=by_source)
            self.outcomes.append((ref, not by_source))
        for point in points:
            owner_of = idx.by_point.get(point)
            if owner_of is None:
                idx.by_point[point] = ref
                self._point(ref, *point)
        if (
            external
            and external not in idx.by_source
            and not (
                by_source and external.startswith(EXPORT_UID)  # our own id: found without a row
            )
        ):
            idx.by_source[external] = ref
            self.add_sources.append((ref, external))
        for tag in record.tags:
            tag = " ".join(tag.split()).lower()[:60]
            if tag:
                self.add_tags.append((ref, tag))
        connection_id = "connected:" + external
        if record.connected_on is not None and external and connection_id not in self.seen_ids:
            self.seen_ids.add(connection_id)
            self.interactions.append(
                (
                    None,
                    connection_id,
                    "social",
                    [ref],
                    {
                        "occurred_at": record.connected_on,
                        "direction": "mutual",
                        "summary": _("Connected on %(source)s") % {"source": self.parsed.format},
                    },
                )
            )

    def _point(self, ref: Ref, kind: str, value: str) -> None:
        if isinstance(ref, _New):
            ref.points.add((kind, value))
        else:
            self.add_points.append((ref, kind, value))
            self._touch(ref)

    def _touch(self, ref: int) -> None:
        self.updates.setdefault(ref, {})

    def _update(self, ref: Ref, record: ContactRecord, *, overwrite: bool) -> None:
        """Fields a matched person takes from the record: all of the source's own fields when
        it is that source's record again (the file was updated), blanks only otherwise."""
        if isinstance(ref, _New):  # the same person twice in one file: fill the blanks
            ref.title = ref.title or record.title.strip()[:200]
            ref.notes = ref.notes or record.notes.strip()
            ref.organization = ref.organization or record.organization.strip()[:200]
            return
        self.updates.setdefault(ref, {})
        wanted = {
            "title": record.title.strip()[:200],
            "organization": record.organization.strip()[:200],
            "notes": record.notes.strip(),
            "language": record.language if record.language in ("fr", "en") else "",
        }
        if record.photo:
            wanted["photo"] = record.photo
            wanted["photo_type"] = record.photo_type[:40]
        for name, value in wanted.items():
            if value or (overwrite and name in ("title", "notes")):  # the source cleared it
                self.updates[ref].setdefault("_wanted", {})[name] = (value, overwrite)  # type: ignore[index]
        if overwrite and record.full_name.strip():
            self.updates[ref].setdefault("_wanted", {})["full_name"] = (  # type: ignore[index]
                " ".join(record.full_name.split())[:200],
                True,
            )

    # Interactions ------------------------------------------------------------------------

    def _someone(self, who: Participant) -> Ref | None:
        """The person behind a participant, created when unknown; None for the user."""
        if who.email:
            # A mailbox names the same few thousand addresses a hundred thousand times.
            known = self.by_address.get(who.email, _UNSEEN)
            if known is not _UNSEEN:
                return known  # type: ignore[return-value]
            ref = self._resolve(who)
            self.by_address[who.email] = ref
            return ref
        return self._resolve(who)

    def _resolve(self, who: Participant) -> Ref | None:
        idx = self.index
        email = self._email(who.email) if who.email else ""
        if email:
            if email in idx.my_emails:
                return None
            ref = idx.by_point.get(("email", email))
            if ref is not None:
                return None if ref == idx.me else ref
        name = " ".join((who.name or "").replace("\x00", "").split())[:200]
        if not email and not name:
            return None
        if not email:
            found = [r for r in idx.by_name.get(_name_key(name), ()) if r != idx.me]
            if found:
                return found[0]
        new = _New(full_name=name or email.split("@")[0].replace(".", " ").title() or email)
        namesakes = [r for r in idx.by_name.get(_name_key(new.full_name), ()) if r != idx.me]
        if namesakes and name:  # a known name at a new address: perhaps them, perhaps not
            self.suggest.append((new, namesakes[0], 100.0))
        self.new.append(new)
        idx.add(new)
        self.report.created += 1
        if email:
            idx.by_point[("email", email)] = new
            new.points.add(("email", email))
        return new

    def interaction(self, record: InteractionRecord) -> None:
        # NUL characters (refused by PostgreSQL) are dropped where text is written: the
        # identifier here, names in _resolve, the summary at insertion.
        external = _long_id(record.external_id.replace("\x00", "").strip())
        if not external:
            self.report.skipped.append(Skipped(record.ref, _("no identifier to recognise it by")))
            return
        if external in self.seen_ids:
            known = self.meetings.get(external)
            if known and (known[1] != record.occurred_at or known[2] != record.summary):
                self.moved.append((known[0], record))
            self.report.interactions_existing += 1
            return
        self.seen_ids.add(external)
        me_started = False
        initiator: Ref | None = None
        if record.initiator is not None:
            initiator = self._someone(record.initiator)
            me_started = initiator is None and self._is_me(record.initiator)
        people: list[Ref] = [initiator] if initiator is not None else []
        for who in record.participants:
            ref = self._someone(who)
            if ref is not None and all(ref is not p for p in people):
                people.append(ref)
        if not people:
            self.report.skipped.append(Skipped(record.ref, _("nobody but you took part")))
            return
        direction = "me" if me_started else "them" if initiator is not None else "mutual"
        occurred = record.occurred_at
        if timezone.is_naive(occurred):
            occurred = timezone.make_aware(occurred)
        self.interactions.append(
            (
                record,
                external,
                record.kind,
                people,
                {"occurred_at": occurred, "direction": direction, "summary": record.summary},
            )
        )

    def _is_me(self, who: Participant) -> bool:
        return bool(who.email) and self._email(who.email) in self.index.my_emails

    def _email(self, raw: str) -> str:
        """The normalised address, or "" when it is not one (memoised: a mailbox repeats the
        same few thousand addresses a hundred thousand times)."""
        known = self.emails.get(raw)
        if known is None:
            try:
                known = normalize("email", raw)
            except ValueError:
                known = ""
            self.emails[raw] = known
        return known

    # Writing -----------------------------------------------------------------------------

    def write(self, progress: Progress | None) -> None:
        owner = self.owner
        now = timezone.now()
        orgs = self.index.orgs
        wanted_orgs = {fold(n.organization): n.organization for n in self.new if n.organization}
        for fields in self.updates.values():
            value = fields.get("_wanted", {}).get("organization")  # type: ignore[union-attr]
            if value:
                wanted_orgs.setdefault(fold(value[0]), value[0])
        missing = [
            Organization(owner=owner, name=name, name_key=key[:200])
            for key, name in wanted_orgs.items()
            if key and key not in orgs and key[:200] not in orgs
        ]
        Organization.objects.bulk_create(missing, batch_size=BATCH)
        orgs.update({o.name_key: o.pk for o in missing})
        orgs.update(
            {k: orgs[k[:200]] for k in wanted_orgs if k and k not in orgs and k[:200] in orgs}
        )
        stamp = connection.ops.adapt_datetimefield_value(now)
        person_table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COALESCE(MAX(id), 0) FROM {person_table} WHERE owner_id = %s", [owner.pk]
            )
            after = cursor.fetchone()[0]
            for start in range(0, len(self.new), BATCH):
                _insert(
                    cursor,
                    person_table,
                    "owner_id, created_at, updated_at, full_name, name_key, is_me, "
                    "organization_id, title, language, notes, photo, photo_type",
                    [
                        (
                            owner.pk,
                            stamp,
                            stamp,
                            n.full_name,
                            fold(n.full_name)[:200],
                            False,
                            orgs.get(fold(n.organization)) if n.organization else None,
                            n.title,
                            n.language,
                            n.notes,
                            n.photo,
                            n.photo_type,
                        )
                        for n in self.new[start : start + BATCH]
                    ],
                )
                if progress:
                    progress("people", min(start + BATCH, len(self.new)), len(self.new))
            # Ids grow in insertion order; reading them back by owner and order pairs them up.
            cursor.execute(
                f"SELECT id FROM {person_table} WHERE owner_id = %s AND id > %s ORDER BY id",
                [owner.pk, after],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) != len(self.new):  # another writer for this user at the same moment
                raise RuntimeError("people were added by someone else during the import")
            for new, pk in zip(self.new, ids, strict=True):
                new.pk = pk
            self._apply_updates(orgs)
            pk = _pk
            seen: set[tuple[str, str]] = set()
            points = []
            for ref, kind, value in [
                *self.add_points,
                *((n, kind, value) for n in self.new for kind, value in sorted(n.points)),
            ]:
                if (kind, value) not in seen:
                    seen.add((kind, value))
                    points.append((owner.pk, stamp, stamp, pk(ref), kind, value, ""))
            _insert(
                cursor,
                ContactPoint._meta.db_table,
                "owner_id, created_at, updated_at, person_id, kind, value, label",
                points,
            )
            versions = self.index.versions
            _insert(
                cursor,
                PersonSource._meta.db_table,
                "owner_id, created_at, updated_at, person_id, source, external_id, seen",
                [
                    (owner.pk, stamp, stamp, pk(ref), self.source, ext, _seen(versions[ext]))
                    for ref, ext in self.add_sources
                ],
            )
        fresh = {ext for _ref, ext in self.add_sources}
        known = list(
            PersonSource.objects.filter(
                owner=owner,
                source=self.source,
                external_id__in=sorted(self.versions_changed - fresh),
            )
        )
        for row in known:
            row.seen = _seen(versions[row.external_id])
        PersonSource.objects.bulk_update(known, ["seen"], batch_size=BATCH)
        self._write_tags()
        self._write_suggestions()
        self._move_meetings()
        self._write_interactions(now, progress)

    def _apply_updates(self, orgs: dict[str, int]) -> None:
        ids = [ref for ref in self.updates if isinstance(ref, int)]
        people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("organization")}
        changed: list[Person] = []
        status: dict[int, bool] = {}
        with_points = {ref for ref, _k, _v in self.add_points}
        with_sources = {ref for ref, _e in self.add_sources}
        tagged = set(
            Person.tags.through.objects.filter(person_id__in=ids).values_list(
                "person_id", "tag__name"
            )
        )
        with_tags = {ref for ref, tag in self.add_tags if (ref, tag) not in tagged}
        for ref, fields in self.updates.items():
            person = people.get(ref)
            if person is None:
                continue
            before = _fields_of(person)
            for name, (value, overwrite) in fields.get("_wanted", {}).items():  # type: ignore[union-attr]
                if name == "organization":
                    org_id = orgs.get(fold(value))
                    if org_id and (overwrite or not person.organization_id):
                        person.organization_id = org_id
                elif overwrite or not getattr(person, name):
                    setattr(person, name, value)
            after = _fields_of(person)
            added = ref in with_points or ref in with_sources or ref in with_tags
            status[ref] = before != after or added
            if before != after:
                changed.append(person)
        for person in changed:
            person.name_key = fold(person.full_name)[:200]
        Person.objects.bulk_update(
            changed,
            [
                "full_name",
                "name_key",
                "title",
                "organization",
                "notes",
                "language",
                "photo",
                "photo_type",
            ],
            batch_size=BATCH,
        )
        # One figure per record: found again with nothing new, joined to someone known, or
        # the same source's record with something changed.
        for ref, matched in self.outcomes:
            if not status.get(ref):
                self.report.unchanged += 1
            elif matched:
                self.report.merged += 1
            else:
                self.report.updated += 1

    def _write_tags(self) -> None:
        if not self.add_tags:
            return
        owner = self.owner
        names = {t for _r, t in self.add_tags}
        tags = dict(Tag.objects.filter(owner=owner, name__in=names).values_list("name", "pk"))
        missing = [Tag(owner=owner, name=n) for n in sorted(names - set(tags))]
        Tag.objects.bulk_create(missing, batch_size=BATCH)
        tags.update({t.name: t.pk for t in missing})
        through = Person.tags.through
        through.objects.bulk_create(
            [through(person_id=_pk(r), tag_id=tags[t]) for r, t in set(self.add_tags)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    def _move_meetings(self) -> None:
        """Meetings already imported that the calendar now places or names differently."""
        for pk, record in self.moved:
            Interaction.objects.filter(pk=pk).update(
                occurred_at=record.occurred_at, summary=record.summary.replace("\x00", "")[:2000]
            )
        self.report.interactions_updated += len(self.moved)

    def _write_suggestions(self) -> None:
        rows = []
        for new, other, score in self.suggest:
            a, b = sorted((_pk(new), _pk(other)))
            if a != b and (a, b) not in self.index.pairs:
                self.index.pairs.add((a, b))
                rows.append(
                    MergeSuggestion(
                        owner=self.owner,
                        a_id=a,
                        b_id=b,
                        score=score,
                        reason=_("similar names on import"),
                    )
                )
        MergeSuggestion.objects.bulk_create(rows, ignore_conflicts=True)
        self.report.suggestions += len(rows)

    def _write_interactions(self, now: dt.datetime, progress: Progress | None) -> None:
        """Raw bulk inserts: the ORM would build a million objects for a large mailbox."""
        if not self.interactions:
            return
        table = Interaction._meta.db_table
        through = Interaction.participants.through._meta.db_table
        adapt = _datetime_adapter()
        stamp = adapt(now)
        total = len(self.interactions)
        explicit = connection.vendor == "sqlite"  # one writer at a time: ids can be chosen
        with connection.cursor() as cursor:
            if explicit:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            else:
                cursor.execute(
                    f"SELECT COALESCE(MAX(id), 0) FROM {table} WHERE owner_id = %s",
                    [self.owner.pk],
                )
            after = cursor.fetchone()[0]
            columns = (
                "owner_id, created_at, updated_at, occurred_at, kind, direction, summary, "
                "source, external_id"
            )
            for start in range(0, total, BATCH):
                rows = [
                    (
                        self.owner.pk,
                        stamp,
                        stamp,
                        adapt(extra["occurred_at"]),
                        kind,
                        extra["direction"],
                        str(extra["summary"] or "").replace("\x00", "")[:2000],
                        self.source,
                        external,
                    )
                    for _r, external, kind, _p, extra in self.interactions[start : start + BATCH]
                ]
                if explicit:
                    rows = [(after + 1 + start + k, *row) for k, row in enumerate(rows)]
                _insert(cursor, table, ("id, " if explicit else "") + columns, rows)
                if progress:
                    progress("interactions", min(start + BATCH, total), total)
            if explicit:
                ids = {c[1]: after + 1 + k for k, c in enumerate(self.interactions)}
            else:
                cursor.execute(
                    f"SELECT external_id, id FROM {table} WHERE owner_id = %s AND source = %s "
                    "AND id > %s",
                    [self.owner.pk, self.source, after],
                )
                ids = dict(cursor.fetchall())
            _insert(
                cursor,
                through,
                "interaction_id, person_id",
                [
                    (ids[external], _pk(ref))
                    for _r, external, _k, people, _e in self.interactions
                    for ref in people
                ],
            )
        self.report.interactions_created += total


_UNSEEN = object()
EXPORT_UID = "urn:entregent:person:"  # the UID `entregent export` gives a person


def _clean(record: ContactRecord) -> ContactRecord:
    """The record without NUL characters, which PostgreSQL text refuses (and nobody types)."""
    from dataclasses import fields, replace

    changes = {}
    for f in fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if isinstance(value, str) and "\x00" in value:
            changes[f.name] = value.replace("\x00", "")
        elif isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
            changes[f.name] = [v.replace("\x00", "") if isinstance(v, str) else v for v in value]
    return replace(record, **changes) if changes else record


def _version(record: ContactRecord) -> str:
    """A short digest of everything a record says, to recognise a version already imported."""
    parts = [
        record.full_name,
        "|".join(sorted(record.emails)),
        "|".join(sorted(record.phones)),
        "|".join(sorted(record.urls)),
        record.organization,
        record.title,
        record.notes,
        "|".join(sorted(record.tags)),
        record.language,
        hashlib.sha1(record.photo).hexdigest() if record.photo else "",
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def _seen(versions: set[str]) -> str:
    """The versions to keep (the latest few are enough to recognise re-imports)."""
    return " ".join(sorted(versions)[-20:])


def _datetime_adapter() -> Callable[[dt.datetime], object]:
    """How a datetime goes into a raw query: SQLite stores UTC text (what Django writes, made
    here without Django's per-value checks, a second on a 100,000-message mailbox)."""
    if connection.vendor == "sqlite":
        return lambda value: value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    return connection.ops.adapt_datetimefield_value


def _insert(cursor: object, table: str, columns: str, rows: list[tuple]) -> None:
    """Insert rows in batches with one prepared statement (the ORM would build an object, and
    prepare every field, for each row)."""
    marks = ", ".join(["%s"] * (columns.count(",") + 1))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    for start in range(0, len(rows), BATCH):
        cursor.executemany(sql, rows[start : start + BATCH])  # type: ignore[attr-defined]


def _fields_of(person: Person) -> tuple:
    """What an import may change on a person, to tell whether it did."""
    return (
        person.full_name,
        person.title,
        person.organization_id,
        person.notes,
        person.language,
        person.photo_type,
        bytes(person.photo) if person.photo else None,
    )


def _pk(ref: Ref) -> int:
    if isinstance(ref, _New):
        assert ref.pk is not None  # written before anything refers to it
        return ref.pk
    return ref


def load(
    owner: AbstractBaseUser,
    parsed: Parsed,
    *,
    name: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Load one parsed file in one transaction; a dry run does all of it and rolls back, so its
    report is exactly what a real import would do."""
    report = Report(
        name=name,
        format=parsed.format,
        dry_run=dry_run,
        skipped=list(parsed.skipped),
        notices=list(parsed.notices),
        read_anything=parsed.read_anything,
    )
    paused = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, none of them cyclic: no need to scan
    try:
        with transaction.atomic():
            _load(owner, parsed, report, dry_run, progress)
    finally:
        if paused:
            gc.enable()
    return report


def _load(
    owner: AbstractBaseUser,
    parsed: Parsed,
    report: Report,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    """Stage every record, then write (inside the caller's transaction)."""
    loader = _Loader(owner, parsed, report)
    for k, record in enumerate(parsed.contacts):
        loader.contact(record)
        if progress and k % 1000 == 999:
            progress("records", k + 1, len(parsed.contacts))
    for k, record in enumerate(parsed.interactions):
        loader.interaction(record)
        if progress and k % 5000 == 4999:
            progress("records", k + 1, len(parsed.interactions))
    loader.write(progress)
    if dry_run:
        transaction.set_rollback(True)
    else:
        snapshots.bump(owner.pk)
