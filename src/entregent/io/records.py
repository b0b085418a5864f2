"""What every parser returns: plain records, a list of what it skipped and why.

Parsers are pure: they take the bytes of a file and return a `Parsed`, never raise on bad
input (a bad record becomes a `Skipped` with its place in the file and the reason), and never
touch the database. The loader (`io/loader.py`) resolves identities and writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ContactRecord:
    """One person as a file describes them.

    `ref` says where the record is in the file ("card 3", "line 12"), for the report.
    `external_id` identifies the record within its source across imports (a vCard UID, a
    LinkedIn profile address…); empty when the source has none (the loader then relies on
    emails, phones, addresses and names).
    """

    ref: str
    full_name: str
    external_id: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    organization: str = ""
    title: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    language: str = ""  # "fr", "en" or ""
    photo: bytes | None = None
    photo_type: str = ""  # a MIME type such as "image/jpeg"
    connected_on: dt.datetime | None = None  # when the connection was made (LinkedIn)


@dataclass
class Participant:
    """Someone in an interaction, as a file names them (either part may be empty)."""

    email: str = ""
    name: str = ""


@dataclass
class InteractionRecord:
    """One contact event: a meeting from a calendar, an email from a mailbox.

    `initiator` is the organiser or the sender; `participants` everyone else who took part
    (declined attendees are left out by the parser). The loader decides the direction from
    whether the initiator is the user.
    """

    ref: str
    external_id: str
    occurred_at: dt.datetime  # aware
    kind: str  # "meeting", "call", "email", "message", "social" or "other"
    initiator: Participant | None
    participants: list[Participant] = field(default_factory=list)
    summary: str = ""


@dataclass
class Skipped:
    """A record left out, where it was and why (a translated sentence)."""

    ref: str
    reason: str


@dataclass
class Parsed:
    """Everything a parser read from one file."""

    format: str
    contacts: list[ContactRecord] = field(default_factory=list)
    interactions: list[InteractionRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # about the whole file

    @property
    def read_anything(self) -> bool:
        """False when not a single record could be read (the CLI then exits with status 2)."""
        return bool(self.contacts or self.interactions)
