"""Mailboxes (mbox files, Maildir folders) → one "email" interaction per message.

Only the header block of each message is read; bodies are never decoded or kept. The bytes are
scanned directly instead of going through the `email` package, which parses every MIME part of
every message and is several times too slow for mailboxes of a hundred thousand messages:

1. Split the mbox at envelope lines (RFC 4155): "From " at the start of a line that looks like
   an envelope, a sender then a date with a month name and a time. Body lines quoted as
   ">From " never match, nor do unquoted ones such as "From the desk of…"; a blank line before
   is not required, as real files (Roundcube, GNU Mailutils) omit it.
2. The header block ends at the first empty line (RFC 5322 §2.1); keep only From, To, Cc, Date,
   Message-ID and Subject, unfolded (RFC 5322 §2.2.3).
3. Decode header bytes as UTF-8, else Windows-1252; decode RFC 2047 encoded words only where
   "=?" appears; read plain address lists with a regular expression, and hand comments,
   groups and escapes to `email.utils.getaddresses`.
4. Read the date with a fast path for the usual RFC 5322 §3.3 shape, `parsedate_to_datetime`
   otherwise, then the envelope date, then (Maildir) the delivery time in the file name.
5. Keep one record per Message-ID: a copy (same sender, date and subject) is left out; a
   different message reusing the identifier is kept under a derived one. A message without a
   Message-ID gets a hash of its people, date and subject, so re-imports find it again.
"""

from __future__ import annotations

import binascii
import contextlib
import datetime as dt
import functools
import gc
import hashlib
import mailbox
import mmap
import re
from collections.abc import Iterator
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.io.records import InteractionRecord, Parsed, Participant, Skipped

Buffer = bytes | mmap.mmap

_MAX_ID = 255  # the length of Interaction.external_id
_MAX_CACHE = 50_000  # parsed address headers remembered while reading one mailbox
_MAX_HEAD = 1 << 20  # a Maildir header block longer than this is cut: only junk is that long
_MAX_VALUE = 1 << 16  # a header value is cut there (real To lists stay far below)
_MAX_SUBJECT = 2048

# An envelope line: "From ", a sender (possibly empty), then a month name and a time further on
# ("From alice@example.com Mon Jan  1 12:00:00 2024", "From - Mon Jan…"). Two separate searches
# on a line cut at 1,000 characters keep hostile lines from costing quadratic time.
_ENVELOPE_LINE = 1000
_ENVELOPE_SENDER = re.compile(rb"From \S*[ \t]")
_MONTH_NAME = re.compile(rb"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
_TIME = re.compile(rb"\d:\d\d")
# A wanted field and its value with any folded lines, on a header block starting with b"\n".
_FIELD = re.compile(
    rb"\n((?i:from|to|cc|date|message-id|subject))[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)"
)
_ADDRESS = re.compile(r"[^\s@<>]+@[^\s@<>]+")
# One entry of a plain address list, "address" or "name <address>" (the name maybe quoted),
# with the comma after it.
_ATOMS = r'[^<>\s,"()\\:;@]+'
_ADDRESS_ENTRY = re.compile(
    rf'(?:(?:[ \t]*"([^"\\]*)"[ \t]*|([^",<>()\\:;]*))<({_ATOMS}@{_ATOMS})>'
    rf"|[ \t]*({_ATOMS}@{_ATOMS}))"
    r"[ \t]*(?:,[ \t]*|\Z)"
)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
_LIST_TAG = re.compile(r"^(?:\[[^\]]*\]\s*)+")  # "[team] " added by a mailing list

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# "Mon, 1 Jan 2024 12:00:00 +0100", the weekday and the seconds being optional (RFC 5322 §3.3).
_RFC_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+"
    r"(\d{1,2}):(\d\d)(?::(\d\d))?\s*([+-])(\d\d)(\d\d)(?!\d)"
)
# The asctime() shape of envelope lines: "Mon Jan  1 12:00:00 [+0000 | EST] 2024".
_ENVELOPE_DATE = re.compile(
    r"([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d\d)(?::(\d\d))?"
    r"(?:\s+([+-]\d{4}|[A-Z]{1,5}))?\s+(\d{4})"
)
_MAILDIR_TIME = re.compile(r"(\d{9,10})\.")
_ZONES: dict[int, dt.timezone] = {0: dt.UTC}


def _zone(minutes: int) -> dt.timezone:
    """A fixed-offset zone, cached: a mailbox uses a handful of offsets thousands of times."""
    zone = _ZONES.get(minutes)
    if zone is None:
        zone = _ZONES[minutes] = dt.timezone(dt.timedelta(minutes=minutes))
    return zone


# ---------------------------------------------------------------------------------------------
# Splitting


def iter_mbox_messages(data: Buffer) -> Iterator[tuple[bytes, bytes]]:
    """Yield (envelope line, header block) for each message of an mbox, bodies left unread.

    The header block starts with b"\\n" (so every field name follows a newline) and ends before
    the empty line. Nothing is yielded when the data does not start with a "From " line.
    """
    for start, head_start, end in _message_spans(data):
        yield _envelope_line(data, start, head_start), _header_block(data, head_start, end)


def _mbox_start(data: Buffer) -> int:
    """Where the first envelope line begins (after a byte-order mark or blank lines), or -1."""
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    head = data[start : start + 4096]
    start += len(head) - len(head.lstrip())
    return start if data[start : start + 5] == b"From " else -1


def _message_spans(data: Buffer) -> Iterator[tuple[int, int, int]]:
    """Yield (envelope start, header start, end) of each message, in order."""
    size = len(data)
    start = _mbox_start(data)
    if start < 0:
        return
    find = data.find
    while start < size:
        eol = find(b"\n", start)
        head_start = size if eol < 0 else eol + 1
        pos = head_start - 1
        while True:
            candidate = find(b"\nFrom ", pos)
            if candidate < 0:
                end = size
                break
            if _is_envelope(data[candidate + 1 : candidate + 1 + _ENVELOPE_LINE]):
                end = candidate + 1
                break
            pos = candidate + 1
        yield start, head_start, end
        start = end


def _is_envelope(line: bytes) -> bool:
    """Whether a line starting with "From " looks like an envelope: sender, month, time."""
    line = line.split(b"\n", 1)[0]
    sender = _ENVELOPE_SENDER.match(line)
    if sender is None:
        return False
    month = _MONTH_NAME.search(line, sender.end())
    return month is not None and _TIME.search(line, month.end()) is not None


def _envelope_line(data: Buffer, start: int, head_start: int) -> bytes:
    """The envelope line without its line ending (cut short: only its start matters)."""
    return data[start : min(head_start, start + _ENVELOPE_LINE)].rstrip(b"\r\n")


def _header_block(data: Buffer, head_start: int, end: int) -> bytes:
    """The header block of a message: from the newline before its first field to its blank line.

    The likelier line ending is searched first, the other only within the header it found, so
    a body is never scanned twice.
    """
    lo = head_start - 1
    if data[lo - 1 : lo] == b"\r":
        stop = data.find(b"\n\r\n", lo, end)
        if stop < 0:
            stop = end
        other = data.find(b"\n\n", lo, stop)
    else:
        stop = data.find(b"\n\n", lo, end)
        if stop < 0:
            stop = end
        # Looking for a bare "\r" is a memchr, far cheaper than looking for "\n\r\n".
        other = data.find(b"\n\r\n", lo, stop) if data.find(b"\r", lo, stop) >= 0 else -1
    if other >= 0:
        stop = other
    return data[lo:stop]


# ---------------------------------------------------------------------------------------------
# Fields


def _fields(block: bytes) -> dict[bytes, bytes]:
    """The wanted fields of a header block (b"\\n" first), still folded; the first of a
    repeated field wins, except To and Cc whose repeats are joined."""
    pairs = _FIELD.findall(block)
    found = {name.lower(): value for name, value in reversed(pairs)}
    if len(found) < len(pairs):  # a repeated field (rare): join repeated To and Cc
        for key in (b"to", b"cc"):
            values = [value for name, value in pairs if name.lower() == key]
            if len(values) > 1:
                found[key] = b",".join(values)
    return found


def _decode(raw: bytes) -> str:
    """Header bytes as text, unfolded (RFC 5322 §2.2.3): UTF-8 when valid, else
    Windows-1252 (a superset of Latin-1)."""
    raw = raw[:_MAX_VALUE]
    if b"\n" in raw:
        raw = raw.replace(b"\r\n", b"").replace(b"\n", b"")
    try:
        return raw.decode().strip()
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace").strip()


def _text(raw: bytes) -> str:
    """An unstructured header (Subject) as text, encoded words decoded."""
    text = _decode(raw[:_MAX_SUBJECT])
    return decode_words(text) if "=?" in text else text


@functools.lru_cache(maxsize=1024)  # names and subjects repeat across a mailbox
def decode_words(text: str) -> str:
    """Decode the RFC 2047 encoded words in a header; a broken word is left as it was written.

    Whitespace between two adjacent encoded words is dropped (RFC 2047 §6.2).
    """
    parts: list[str] = []
    pos = 0
    after_word = False
    for match in _ENCODED_WORD.finditer(text):
        gap = text[pos : match.start()]
        if gap and not (after_word and gap.isspace()):
            parts.append(gap)
        parts.append(_decode_word(match))
        pos = match.end()
        after_word = True
    parts.append(text[pos:])
    return "".join(parts)


def _decode_word(match: re.Match[str]) -> str:
    """One encoded word, =?charset?B|Q?text?=, decoded with unknown bytes replaced."""
    charset = match.group(1).split("*", 1)[0]  # RFC 2231 adds a language: "utf-8*fr"
    payload = match.group(3).encode("utf-8", "replace")
    try:
        if match.group(2) not in "bB":
            raw = binascii.a2b_qp(payload, header=True)
        elif _BASE64.fullmatch(payload) is not None:
            raw = binascii.a2b_base64(payload + b"=" * (-len(payload) % 4))
        else:
            return match.group(0)
    except (binascii.Error, ValueError):
        return match.group(0)
    try:
        return raw.decode(charset, "replace")
    except (LookupError, ValueError, TypeError):  # unknown, binary-only or strict-only codecs
        return raw.decode("utf-8", "replace")


def _name(raw: str, email: str) -> str:
    """A display name, decoded, whitespace collapsed, outer quotes dropped; none when it only
    repeats the address."""
    if "=?" in raw:
        raw = decode_words(raw)
    if "  " in raw or "\t" in raw or "\n" in raw:
        raw = " ".join(raw.split())
    name = raw.strip(" '\"")
    return "" if name.lower() == email else name


def _plain_entries(value: str) -> list[tuple[str | None, ...]] | None:
    """The entries of a plain address list as (quoted name, name, address, bare address), or
    None when the list is not plain.

    Plain means comma-separated entries, each "address" or "name <address>", the name maybe
    in double quotes: nearly every real header. Each entry is matched where the previous one
    ended, never searched for, so that junk costs linear time.
    """
    entries: list[tuple[str | None, ...]] = []
    pos, size = 0, len(value)
    match = _ADDRESS_ENTRY.match
    while pos < size:
        entry = match(value, pos)
        if entry is None:
            return None
        entries.append(entry.groups())
        pos = entry.end()
    return entries or None


def parse_addresses(value: str) -> list[Participant]:
    """The people of an address header ("Ann <ann@x.org>, bob@y.org"), in order."""
    return [Participant(email, name) for email, name in _people_of(value)]


def _people_of(value: str) -> list[tuple[str, str]]:
    """(email, name) of each entry of an address header.

    Plain lists are read with regular expressions; comments, groups, escapes and anything
    odd go to `email.utils.getaddresses`, which is exact but some ten times slower. An entry
    keeps its address when it looks like one (x@y, no spaces) and its name when it has one;
    an entry with neither is dropped.
    """
    people: list[tuple[str, str]] = []
    entries = _plain_entries(value)
    if entries is not None:
        for quoted, plain, bracketed, bare in entries:
            address = (bracketed or bare or "").lower()
            name = quoted or plain or ""
            name = _name(name, address) if name else ""
            if len(address) > 254:  # longer than SMTP allows: junk
                address = ""
            if address or name:
                people.append((address, name))
        return people
    try:
        pairs = getaddresses([value])
    except Exception:  # the stdlib parser has raised on hostile input in past releases
        return []
    for raw_name, raw_address in pairs:
        address = raw_address.strip().lower()
        if len(address) > 254 or _ADDRESS.fullmatch(address) is None:
            address = ""
        name = _name(raw_name, address) if raw_name else ""
        if address or name:
            people.append((address, name))
    return people


def _moment(
    year: str, month: int, day: str, hour: str, minute: str, second: str | None, offset: int
) -> dt.datetime | None:
    """The date read off a header or an envelope line, or None when it does not exist (31 Feb);
    a leap second becomes :59."""
    try:
        return dt.datetime(
            int(year),
            month,
            int(day),
            int(hour),
            int(minute),
            min(int(second or 0), 59),
            tzinfo=_zone(offset),
        )
    except ValueError:
        return None


def parse_date(value: str) -> dt.datetime | None:
    """An RFC 5322 date as an aware datetime, or None; "-0000" and missing zones mean UTC."""
    match = _RFC_DATE.match(value)
    if match is not None:
        day, month, year, hour, minute, second, sign, zh, zm = match.groups()
        month_number = _MONTHS.get(month.lower())
        offset = int(zh) * 60 + int(zm)
        if month_number is not None and offset < 24 * 60:
            when = _moment(
                year, month_number, day, hour, minute, second, -offset if sign == "-" else offset
            )
            if when is not None:
                return when
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _envelope_date(text: str) -> dt.datetime | None:
    """The date of an envelope line ("Mon Jan  1 12:00:00 2024"); no numeric zone means UTC."""
    match = _ENVELOPE_DATE.search(text)
    if match is not None:
        month, day, hour, minute, second, zone, year = match.groups()
        month_number = _MONTHS.get(month.lower())
        if month_number is not None:
            offset = 0
            if zone and zone[0] in "+-" and int(zone[1:3]) < 24:
                offset = int(zone[1:3]) * 60 + int(zone[3:5])
                offset = -offset if zone[0] == "-" else offset
            when = _moment(year, month_number, day, hour, minute, second, offset)
            if when is not None:
                return when
    return parse_date(text)


def _envelope_sender(envelope: str) -> Participant | None:
    """The sender of an envelope line, when it is a real address: not "MAILER-DAEMON", "-",
    nor the "1234…@xxx" of Google Takeout."""
    sender = envelope[5:].lstrip().partition(" ")[0]
    if _ADDRESS.fullmatch(sender) is None or "." not in sender.rpartition("@")[2]:
        return None
    return Participant(email=sender.lower())


def _message_id(raw: str) -> str:
    """The identifier inside the angle brackets (or the bare value), at most 255 characters."""
    lt = raw.find("<")
    if lt >= 0:
        gt = raw.find(">", lt)
        raw = raw[lt + 1 : gt] if gt > 0 else raw[lt + 1 :]
    raw = raw.strip()
    if len(raw) > _MAX_ID:
        return "sha1:" + hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()
    return raw


# ---------------------------------------------------------------------------------------------
# Records


def _fingerprint(record: InteractionRecord) -> str:
    """A hash of what identifies a message without a Message-ID: people, date, subject."""
    parts = [
        record.initiator.email if record.initiator else "",
        ",".join(p.email for p in record.participants),
        record.occurred_at.astimezone(dt.UTC).isoformat(),
        record.summary,
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def _same_message(one: InteractionRecord, other: InteractionRecord) -> bool:
    """Whether two records sharing a Message-ID are copies of one message: same sender, date
    and subject, a mailing list's "[tag] " before the subject aside."""
    return (
        (one.initiator.email if one.initiator else "")
        == (other.initiator.email if other.initiator else "")
        and one.occurred_at == other.occurred_at
        and _LIST_TAG.sub("", one.summary) == _LIST_TAG.sub("", other.summary)
    )


class _Reader:
    """Turns header blocks into records, keeping one record per Message-ID."""

    def __init__(self, kind: str) -> None:
        self.parsed = Parsed(format=kind)
        self.by_id: dict[str, InteractionRecord] = {}
        self.duplicates = 0
        self.reused = 0
        # A mailbox names the same few people over and over: parse each header value once.
        self.people: dict[bytes, tuple[tuple[str, str], ...]] = {}

    def _people(self, raw: bytes) -> list[Participant]:
        """The people of an address header, through the cache of values already parsed."""
        pairs = self.people.get(raw)
        if pairs is None:
            if len(self.people) >= _MAX_CACHE:
                self.people.clear()
            pairs = self.people[raw] = tuple(_people_of(_decode(raw)))
        return [Participant(email, name) for email, name in pairs]

    def add(
        self,
        ref: str,
        block: bytes,
        envelope: bytes = b"",
        fallback: dt.datetime | None = None,
    ) -> None:
        """Read one message; a message without a date or without any person is skipped."""
        fields = _fields(block)
        raw_date = fields.get(b"date")
        when = parse_date(_decode(raw_date)) if raw_date else None
        if when is None and envelope:
            when = _envelope_date(_decode(envelope))
        if when is None:
            when = fallback
        if when is None:
            self.parsed.skipped.append(
                Skipped(ref, _("No readable date: the Date header is missing or unreadable."))
            )
            return

        raw_from = fields.get(b"from")
        senders = self._people(raw_from) if raw_from else []
        initiator = senders[0] if senders else None
        if initiator is None and envelope:
            initiator = _envelope_sender(_decode(envelope))
        participants: list[Participant] = []
        seen: set[str] = set()
        for key in (b"to", b"cc"):
            raw = fields.get(key)
            if raw:
                for person in self._people(raw):
                    if person.email and person.email in seen:
                        continue
                    seen.add(person.email)
                    participants.append(person)
        if initiator is None and not participants:
            self.parsed.skipped.append(Skipped(ref, _("No sender and no recipient.")))
            return

        raw_subject = fields.get(b"subject")
        summary = " ".join(_text(raw_subject).split()) if raw_subject else ""
        raw_id = fields.get(b"message-id")
        record = InteractionRecord(
            ref=ref,
            external_id=_message_id(_decode(raw_id)) if raw_id else "",
            occurred_at=when,
            kind="email",
            initiator=initiator,
            participants=participants,
            summary=summary,
        )
        self._keep(record)

    def _keep(self, record: InteractionRecord) -> None:
        """Add a record unless it is a copy of one already read (same Message-ID, sender, date
        and subject); a different message reusing a Message-ID gets an identifier of its own."""
        if not record.external_id:
            record.external_id = "sha1:" + _fingerprint(record)
        first = self.by_id.get(record.external_id)
        if first is not None:
            if _same_message(record, first):
                self.duplicates += 1
                return
            suffix = _fingerprint(record)[:12]
            record.external_id = f"{record.external_id[: _MAX_ID - 13]}#{suffix}"
            if record.external_id in self.by_id:
                self.duplicates += 1
                return
            self.reused += 1
        self.by_id[record.external_id] = record
        self.parsed.interactions.append(record)

    def finish(self) -> Parsed:
        """The records, with a notice for the duplicates and the reused identifiers."""
        if self.duplicates:
            self.parsed.notices.append(
                ngettext(
                    "%(count)d message repeated one already read (same Message-ID) and was "
                    "left out.",
                    "%(count)d messages repeated ones already read (same Message-ID) and were "
                    "left out.",
                    self.duplicates,
                )
                % {"count": self.duplicates}
            )
        if self.reused:
            self.parsed.notices.append(
                ngettext(
                    "%(count)d message reused the Message-ID of a different message; it was "
                    "kept under an identifier of its own.",
                    "%(count)d messages reused the Message-ID of a different message; they "
                    "were kept under identifiers of their own.",
                    self.reused,
                )
                % {"count": self.reused}
            )
        return self.parsed


# ---------------------------------------------------------------------------------------------
# Entry points


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: every record made while reading survives, so its
    passes over them free nothing and cost a quarter of the reading time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_mbox(data: Buffer, *, name: str = "") -> Parsed:
    """Read an mbox (any of mboxo, mboxrd, mboxcl; LF or CRLF) into email interactions."""
    reader = _Reader("mbox")
    number = 0
    label = _("message %(n)d")  # translated once, not per message
    with _no_gc():
        for number, (start, head_start, end) in enumerate(_message_spans(data), 1):
            reader.add(
                label % {"n": number},
                _header_block(data, head_start, end),
                _envelope_line(data, start, head_start),
            )
    if number == 0:
        reader.parsed.notices.append(
            _("%(name)s is not an mbox mailbox: it does not start with a “From ” line.")
            % {"name": name or _("The file")}
        )
    return reader.finish()


def parse_mbox_file(path: Path) -> Parsed:
    """Read an mbox file through a memory map, so a mailbox of gigabytes is not copied."""
    try:
        with path.open("rb") as handle:
            if path.stat().st_size == 0:
                return parse_mbox(b"", name=path.name)
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return parse_mbox(data, name=path.name)
    except (OSError, ValueError) as error:
        parsed = Parsed(format="mbox")
        parsed.notices.append(
            _("%(name)s cannot be read: %(error)s") % {"name": path.name, "error": error}
        )
        return parsed


def _maildir_files(folder: Path) -> list[Path]:
    """The message files of a Maildir (cur/ and new/), or the plain files of a folder."""
    boxes = [folder / "cur", folder / "new"]
    if not any(box.is_dir() for box in boxes):
        boxes = [folder]
    files: list[Path] = []
    for box in boxes:
        if box.is_dir():
            files.extend(
                sorted(p for p in box.iterdir() if not p.name.startswith(".") and p.is_file())
            )
    return files


def _read_head(path: Path) -> bytes:
    """The start of a message file, up to and including its blank line (bodies stay unread)."""
    with path.open("rb") as handle:
        head = handle.read(16384)
        while b"\n\n" not in head and b"\n\r\n" not in head and len(head) < _MAX_HEAD:
            more = handle.read(65536)
            if not more:
                break
            head += more
    return head


def parse_maildir(folder: Path) -> Parsed:
    """Read a Maildir (messages in cur/ and new/) or a folder of message files."""
    reader = _Reader("maildir")
    try:
        files = _maildir_files(folder)
    except OSError as error:
        reader.parsed.notices.append(
            _("%(name)s cannot be read: %(error)s") % {"name": folder.name, "error": error}
        )
        return reader.parsed
    if not files:
        reader.parsed.notices.append(
            _("%(name)s holds no message files.") % {"name": folder.name or str(folder)}
        )
    with _no_gc():
        for number, path in enumerate(files, 1):
            where = f"{path.parent.name}/{path.name}"
            ref = _("message %(n)d (%(file)s)") % {"n": number, "file": where}
            _read_message_file(reader, ref, path)
    return reader.finish()


def _read_message_file(reader: _Reader, ref: str, path: Path) -> None:
    """Read one Maildir file; the delivery time in its name stands in for a missing date."""
    try:
        head = b"\n" + _read_head(path)
    except OSError as error:
        reader.parsed.skipped.append(
            Skipped(ref, _("Cannot read the file: %(error)s") % {"error": error})
        )
        return
    envelope = b""
    head_start = 1
    if head[1:6] == b"From ":  # some tools keep the envelope line in each file
        eol = head.find(b"\n", 1)
        head_start = len(head) if eol < 0 else eol + 1
        envelope = _envelope_line(head, 1, head_start)
    stamp = _MAILDIR_TIME.match(path.name)
    delivered = None
    if stamp is not None:
        delivered = dt.datetime.fromtimestamp(int(stamp.group(1)), tz=dt.UTC)
    reader.add(ref, _header_block(head, head_start, len(head)), envelope, delivered)


def naive_header_loop(path: Path | str) -> int:
    """The baseline a benchmark times `parse_mbox` against: the `mailbox` module reading the
    same six headers of every message. Returns the number of messages."""
    count = 0
    for message in mailbox.mbox(str(path), create=False):
        (
            message["From"],
            message["To"],
            message["Cc"],
            message["Date"],
            message["Message-ID"],
            message["Subject"],
        )
        count += 1
    return count
