"""Mailboxes: real-world samples, one hand-written mailbox per rule, agreement with the `email`
package on generated mail, and fuzzing (nothing may raise)."""

from __future__ import annotations

import datetime as dt
import email.policy
import io
import mailbox
import random
import tempfile
import time
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, getaddresses, parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entregent.io.mail import (
    _plain_entries,
    decode_words,
    iter_mbox_messages,
    naive_header_loop,
    parse_addresses,
    parse_date,
    parse_maildir,
    parse_mbox,
    parse_mbox_file,
)
from entregent.io.records import Parsed, Participant
from tests.conftest import realdata_dir

UTC = dt.UTC


def _mbox(*messages: str, newline: str = "\n") -> bytes:
    """An mbox from message texts written with "\\n"; each gets an envelope line."""
    parts = []
    for index, text in enumerate(messages):
        envelope = f"From sender{index}@example.com Mon Jan  1 12:00:0{index % 10} 2024\n"
        parts.append(envelope + text.rstrip("\n") + "\n\n")
    return "".join(parts).replace("\n", newline).encode("utf-8")


def _one(text: str) -> Parsed:
    """Parse a mailbox of one message."""
    return parse_mbox(_mbox(text))


# ---------------------------------------------------------------------------------------------
# Real-world samples (../shared/realdata/mbox, see SOURCES.md)


def _sample(name: str) -> Parsed:
    """Parse a real-world sample in place."""
    return parse_mbox((realdata_dir("mbox") / name).read_bytes(), name=name)


@pytest.mark.realdata
def test_it_reads_every_real_world_sample_without_raising() -> None:
    folder = realdata_dir("mbox")
    for path in sorted(folder.iterdir()):
        parsed = parse_maildir(path) if path.is_dir() else parse_mbox_file(path)
        assert parsed.read_anything, path.name
        for record in parsed.interactions:
            assert record.kind == "email" and record.occurred_at.tzinfo is not None
            assert record.external_id and len(record.external_id) <= 255


@pytest.mark.realdata
def test_it_reads_the_95_messages_of_the_tea_party() -> None:
    parsed = _sample("mailutils__teaparty.mbox")
    assert len(parsed.interactions) == 95 and not parsed.skipped and not parsed.notices
    first = parsed.interactions[0]
    assert first.initiator == Participant("hare@wonder.land", "March Hare")  # double space
    assert first.participants == [Participant("alice@wonder.land", "Alice")]
    assert first.external_id == "200207292200.3301@wonder.land"
    assert first.occurred_at == dt.datetime(2002, 7, 29, 21, 0, 1, tzinfo=UTC)
    assert first.summary == "Invitation" and first.ref == "message 1"
    assert len({r.external_id for r in parsed.interactions}) == 95


@pytest.mark.realdata
def test_it_reads_the_mime_messages_of_mbox1() -> None:
    parsed = _sample("mailutils__mbox1")
    assert len(parsed.interactions) == 5
    senders = {r.initiator.email for r in parsed.interactions if r.initiator}
    assert senders == {"foobar@nonexistent.net", "bar@dontmailme.org", "gray@example.net"}
    assert parsed.interactions[0].external_id == "200112282018.fBSKI8N04906@nonexistent.net"
    # Messages 3 and 5 share a Message-ID but are different mails: both are kept.
    ids = [r.external_id for r in parsed.interactions]
    assert len(set(ids)) == 5 and ids[4].startswith(ids[2] + "#")


@pytest.mark.realdata
def test_it_takes_the_envelope_sender_when_there_is_no_from_header() -> None:
    parsed = _sample("mailutils__relational.mbox")
    assert len(parsed.interactions) == 9 and not parsed.skipped
    senders = [r.initiator.email for r in parsed.interactions if r.initiator]
    assert senders[3:8] == ["b1ff@de.res.example.com"] * 5
    assert [p.email for p in parsed.interactions[0].participants] == [
        "foo@example.com.invalid",
        "baz@example.com.invalid",
        "qux@example.com.invalid",
    ]
    assert len(parsed.interactions[8].participants) == 6  # a To folded over three lines
    # No Date header: the envelope date, read as UTC.
    assert parsed.interactions[0].occurred_at == dt.datetime(2001, 5, 6, 22, 17, 15, tzinfo=UTC)


@pytest.mark.realdata
def test_it_does_not_split_inside_forwarded_messages() -> None:
    data = (realdata_dir("mbox") / "mailutils__msg.mbox").read_bytes()
    assert len(list(iter_mbox_messages(data))) == 4
    parsed = parse_mbox(data)
    # Messages 3 and 4 are the same mail: the second copy is left out, with a notice.
    assert [r.summary for r in parsed.interactions] == [
        "rfc2046",
        "nested message",
        "nested multipart + message/rfc822.",
    ]
    assert len(parsed.notices) == 1 and "1 message" in parsed.notices[0]
    assert parsed.interactions[1].external_id == "20111129114253.10123@host.example.org"


@pytest.mark.realdata
def test_it_reads_a_maildir_like_its_mbox() -> None:
    parsed = parse_maildir(realdata_dir("mbox") / "maildir__mailutils_mbox1")
    assert parsed.format == "maildir" and len(parsed.interactions) == 5
    from_mbox = _sample("mailutils__mbox1").interactions
    assert [r.external_id for r in parsed.interactions] == [r.external_id for r in from_mbox]
    assert [r.initiator for r in parsed.interactions] == [r.initiator for r in from_mbox]
    assert parsed.interactions[0].ref.startswith("message 1 (new/1284628225.")


@pytest.mark.realdata
def test_it_reads_crlf_and_keeps_three_mails_sharing_one_message_id() -> None:
    parsed = _sample("roundcube__import.mbox")
    assert [r.summary for r in parsed.interactions] == ["Import 1", "Import 2", "Import 3"]
    assert [r.initiator.email for r in parsed.interactions if r.initiator] == [
        "test@rc.net",
        "test1@rc.net",
        "test2@rc.net",
    ]
    ids = [r.external_id for r in parsed.interactions]
    assert ids[0] == "de75@tester.local" and len(set(ids)) == 3
    assert parsed.interactions[0].participants == [Participant("tb@tester.local", "Tom Tester")]


@pytest.mark.realdata
def test_it_reads_the_takeout_sample() -> None:
    parsed = _sample("takeoutreader__sample.mbox")
    assert [r.initiator.name for r in parsed.interactions if r.initiator] == [
        "Alice",
        "Facebook",
        "Boursorama",
    ]
    assert parsed.interactions[2].summary == "Votre releve de compte"


@pytest.mark.realdata
def test_it_survives_the_takeout_edge_cases() -> None:
    parsed = _sample("takeoutreader__edge_cases.mbox")
    # 3 raw messages, 2 Message-IDs: the first has no sender nor recipient (skipped), the
    # third repeats the second (left out, with a notice).
    assert [s.ref for s in parsed.skipped] == ["message 1"]
    assert [r.external_id for r in parsed.interactions] == ["dupe001@test.com"]
    assert parsed.interactions[0].initiator == Participant("dupe@test.com", "Dupe Sender")
    assert len(parsed.notices) == 1


# ---------------------------------------------------------------------------------------------
# One rule at a time


def test_it_splits_only_at_envelope_lines() -> None:
    data = _mbox(
        "From: a@example.com\nTo: b@example.com\nSubject: one\n\n"
        ">From the escaped line\n\nFrom the desk of nobody, no date here\nbye",
        "From: c@example.com\nTo: d@example.com\nSubject: two\n\nbody",
    )
    data += b"From e@example.com Tue Jan  2 10:00:00 2024\nFrom: e@example.com\nTo: f@x.org\n\n"
    parsed = parse_mbox(data)
    assert [r.summary for r in parsed.interactions] == ["one", "two", ""]
    assert [r.ref for r in parsed.interactions] == ["message 1", "message 2", "message 3"]


def test_it_splits_at_an_envelope_line_not_preceded_by_a_blank_line() -> None:
    data = (
        b"From a@x.org Mon Jan  1 12:00:00 2024\nFrom: a@x.org\nTo: b@x.org\n\nbody\n"
        b"From c@x.org Mon Jan  1 12:00:00 2024\nFrom: c@x.org\nTo: d@x.org\n\nbody\n"
    )
    assert len(parse_mbox(data).interactions) == 2


def test_it_decodes_encoded_words_in_names_and_subjects() -> None:
    parsed = _one(
        "From: =?UTF-8?B?w4lsb2TDrWUgTcO8bGxlcg==?= <Elodie@Example.COM>\n"
        "To: =?iso-8859-1?Q?Andr=E9?= Dupont <andre@example.com>,\n"
        ' "=?utf-8?q?Zo=C3=AB?=, la" <zoe@example.com>\n'
        "Date: Mon, 1 Jan 2024 12:00:00 +0100\n"
        "Subject: =?utf-8?q?R=C3=A9union?= =?utf-8?q?_de_demain?= (ok)\n"
    )
    record = parsed.interactions[0]
    assert record.initiator == Participant("elodie@example.com", "Élodíe Müller")
    assert record.participants == [
        Participant("andre@example.com", "André Dupont"),
        Participant("zoe@example.com", "Zoë, la"),
    ]
    assert record.summary == "Réunion de demain (ok)"


def test_it_leaves_broken_encoded_words_as_they_are() -> None:
    assert decode_words("=?utf-8?B?####?= x") == "=?utf-8?B?####?= x"
    assert decode_words("=?utf-8?B?w6k?=") == "é"  # padding restored
    assert decode_words("=?no-such-charset?Q?caf=C3=A9?=") == "café"
    assert decode_words("=?idna?Q?=FF?=") == "\ufffd"
    assert decode_words("=?utf-8?Q?unterminated") == "=?utf-8?Q?unterminated"
    assert decode_words("=?utf-8*fr?q?=C3=A9t=C3=A9?=") == "été"
    parsed = _one("From: =?utf-8?B?!!!?= <a@example.com>\nTo: =?x?q?=ZZ?= <b@example.com>\n")
    assert parsed.interactions[0].participants[0].email == "b@example.com"


def test_it_unfolds_a_folded_to() -> None:
    parsed = _one(
        "From: a@example.com\nTo: Ann One <ann@example.com>,\n\tBob\n  Two <bob@example.com>,"
        "\n cat@example.com\nDate: Mon, 1 Jan 2024 12:00:00 +0000\n"
    )
    assert parsed.interactions[0].participants == [
        Participant("ann@example.com", "Ann One"),
        Participant("bob@example.com", "Bob Two"),
        Participant("cat@example.com", ""),
    ]


def test_it_falls_back_to_the_envelope_date() -> None:
    parsed = _one("From: a@example.com\nTo: b@example.com\nDate: someday soon\n")
    assert parsed.interactions[0].occurred_at == dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)


def test_it_skips_a_message_without_any_date() -> None:
    data = b"From a@example.com\nFrom: a@example.com\nTo: b@example.com\n\nbody\n"
    parsed = parse_mbox(data)
    assert not parsed.interactions
    assert parsed.skipped[0].ref == "message 1" and "date" in parsed.skipped[0].reason.lower()


def test_it_hashes_a_missing_message_id_the_same_way_every_time() -> None:
    text = "From: a@example.com\nTo: b@example.com\nDate: Mon, 1 Jan 2024 12:00:00 +0000\n"
    first = _one(text + "Subject: hello\n").interactions[0].external_id
    assert first.startswith("sha1:")
    assert _one(text + "Subject: hello\n").interactions[0].external_id == first
    assert _one(text + "Subject: other\n").interactions[0].external_id != first


def test_it_keeps_a_duplicate_message_once() -> None:
    text = (
        "From: a@example.com\nTo: b@example.com\nDate: Mon, 1 Jan 2024 12:00:00 +0000\n"
        "Message-ID: <same@example.com>\nSubject: hi\n"
    )
    parsed = parse_mbox(_mbox(text, text, text + "X-Label: other\n"))
    assert [r.external_id for r in parsed.interactions] == ["same@example.com"]
    assert parsed.notices and "2 messages" in parsed.notices[0]
    without_id = text.replace("Message-ID: <same@example.com>\n", "")
    assert len(parse_mbox(_mbox(without_id, without_id)).interactions) == 1
    # The copy a mailing list sent (a tag before the subject) is the same message too.
    listed = text.replace("Subject: hi", "Subject: [team] hi")
    assert len(parse_mbox(_mbox(text, listed)).interactions) == 1


def test_it_reads_crlf_mailboxes_like_lf_ones() -> None:
    texts = (
        "From: Ann <ann@example.com>\nTo: b@example.com,\n c@example.com\n"
        "Date: Mon, 1 Jan 2024 12:00:00 +0000\nSubject: folded\n subject\n\nbody\n>From x\n",
        "From: d@example.com\nCc: e@example.com\nDate: Tue, 2 Jan 2024 12:00:00 +0000\n",
    )
    lf, crlf = parse_mbox(_mbox(*texts)), parse_mbox(_mbox(*texts, newline="\r\n"))
    assert lf.interactions == crlf.interactions and len(lf.interactions) == 2
    assert lf.interactions[0].summary == "folded subject"


def test_it_decodes_8_bit_headers_as_utf8_or_latin1() -> None:
    data = (
        b"From a@x.org Mon Jan  1 12:00:00 2024\n"
        b"From: Andr\xe9 <andre@example.com>\nTo: Zo\xc3\xab <zoe@example.com>\n"
        b"Subject: caf\xe9 \xff\x81\n\n"
    )
    record = parse_mbox(data).interactions[0]
    assert record.initiator == Participant("andre@example.com", "André")
    assert record.participants == [Participant("zoe@example.com", "Zoë")]
    assert record.summary.startswith("café")


def test_it_reads_the_real_world_date_shapes() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    expected = dt.datetime(2014, 5, 23, 19, 44, 50, tzinfo=paris)
    for value in (
        "Fri, 23 May 2014 19:44:50 +0200",
        "23 May 2014 19:44:50 +0200",
        "Fri,23 May 2014 19:44:50 +0200 (CEST)",
        "Fri, 23 may 2014 17:44:50 GMT",
        "Fri, 23 May 14 17:44:50 UT",
        "Friday, 23 May 2014 12:44:50 EST",
        "Fri, 23 May 2014 17:44:50 -0000",
        "  Fri, 23 May 2014 19:44:50 +0200",
    ):
        assert parse_date(value) == expected, value
    assert parse_date("Fri, 23 May 2014 19:44 +0200") == expected.replace(second=0)
    assert parse_date("Fri, 23 May 2014 17:44:50").tzinfo is not None  # no zone: UTC
    for broken in ("", "not-a-real-date", "Fri, 32 May 2014 19:44:50 +0200", "31 Feb 2014 1:2"):
        assert parse_date(broken) is None


def test_it_parses_plain_and_tricky_address_lists() -> None:
    assert parse_addresses('"Doe, Jane" <JANE@x.org>, bob@y.org, <c@z.org>') == [
        Participant("jane@x.org", "Doe, Jane"),
        Participant("bob@y.org", ""),
        Participant("c@z.org", ""),
    ]
    assert parse_addresses("a@x.org (Ann Comment)") == [Participant("a@x.org", "Ann Comment")]
    assert parse_addresses("undisclosed-recipients:;") == []
    assert parse_addresses("friends: a@x.org, b@x.org;") == [
        Participant("a@x.org", ""),
        Participant("b@x.org", ""),
    ]
    assert parse_addresses("not an address") == []
    assert parse_addresses("a@x.org <a@x.org>") == [Participant("a@x.org", "")]


def test_it_reads_common_address_lists_without_the_slow_parser() -> None:
    for value in (
        "ann@x.org",
        "Ann Lee <ann@x.org>, bob@y.org,\t<c@z.org>",
        '"Lee, Ann" <ann@x.org>, =?utf-8?q?Zo=C3=AB?= Martin <zoe@y.org>',
        "ann@x.org, ",
    ):
        assert _plain_entries(value) is not None, value
    for value in ("a@x.org (Ann)", "g: a@x.org;", r'"a\"b" <a@x.org>', "Ann <a@x.org> junk"):
        assert _plain_entries(value) is None, value


def test_it_reads_hostile_headers_in_linear_time() -> None:
    size = 60_000  # quadratic work on any of these would take minutes
    junk = [b"x" * size, b"ab " * (size // 3), b"a <" * (size // 3), b"Jan 1:00 " * (size // 9)]
    envelope = b"From a@x.org Mon Jan  1 12:00:00 2024\n"
    data = b"".join(
        envelope + b"To: " + value + b"\nSubject: " + value + b"\nDate: " + value + b"\n\n"
        for value in junk
    )
    data += b"\nFrom x" + b" " * size + b"\nFrom y " + b"Jan " * (size // 4) + b"\n"
    started = time.perf_counter()
    parse_mbox(data)
    assert time.perf_counter() - started < 3


def test_it_says_when_a_file_is_not_a_mailbox() -> None:
    for data in (b"", b"BEGIN:VCARD\nEND:VCARD\n", b"From: someone@example.com\n\n"):
        parsed = parse_mbox(data, name="contacts.vcf")
        assert not parsed.read_anything and len(parsed.notices) == 1
    assert "contacts.vcf" in parse_mbox(b"hello", name="contacts.vcf").notices[0]


def test_it_skips_a_message_with_neither_sender_nor_recipient() -> None:
    parsed = parse_mbox(b"From - Mon Jan  1 12:00:00 2024\nSubject: lonely\n\nbody\n")
    assert not parsed.interactions and parsed.skipped[0].ref == "message 1"
    # The envelope sender stands in for a missing From header when it is an address.
    parsed = parse_mbox(b"From ann@example.com Mon Jan  1 12:00:00 2024\nSubject: x\n\n")
    assert parsed.interactions[0].initiator == Participant("ann@example.com", "")
    takeout = b"From 1781234567890123456@xxx Mon Jan 01 12:00:00 +0000 2024\nSubject: x\n\n"
    assert parse_mbox(takeout).skipped  # a Takeout envelope names no one


def test_it_reads_a_maildir_and_a_folder_of_message_files(tmp_path: Path) -> None:
    message = "From: a@example.com\nTo: b@example.com\nSubject: s{n}\nMessage-ID: <{n}@x>\n\nbody\n"
    for box in ("cur", "new", "tmp"):
        (tmp_path / "box" / box).mkdir(parents=True)
    (tmp_path / "box" / "new" / "1700000000.M1P1.host").write_text(message.format(n=1))
    (tmp_path / "box" / "cur" / "1700000100.M2P2.host:2,S").write_text(message.format(n=2))
    (tmp_path / "box" / "tmp" / "1700000200.M3P3.host").write_text(message.format(n=3))
    parsed = parse_maildir(tmp_path / "box")
    assert [r.summary for r in parsed.interactions] == ["s2", "s1"]  # tmp/ is not delivered
    # No Date header: the delivery time written in the file name.
    assert parsed.interactions[1].occurred_at == dt.datetime.fromtimestamp(1700000000, UTC)

    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.eml").write_text(
        "From x@y.org Mon Jan  1 12:00:00 2024\n" + message.format(n=4)
    )
    (tmp_path / "plain" / ".hidden").write_text(message.format(n=5))
    parsed = parse_maildir(tmp_path / "plain")
    assert [r.summary for r in parsed.interactions] == ["s4"]
    assert parsed.interactions[0].occurred_at == dt.datetime(2024, 1, 1, 12, tzinfo=UTC)

    assert parse_maildir(tmp_path / "missing").notices
    (tmp_path / "empty").mkdir()
    assert parse_maildir(tmp_path / "empty").notices


def test_it_reads_a_file_through_a_memory_map(tmp_path: Path) -> None:
    data = _mbox("From: a@example.com\nTo: b@example.com\nSubject: mapped\n")
    (tmp_path / "box.mbox").write_bytes(data)
    (tmp_path / "empty.mbox").write_bytes(b"")
    assert parse_mbox_file(tmp_path / "box.mbox") == parse_mbox(data)
    assert parse_mbox_file(tmp_path / "empty.mbox").notices
    assert parse_mbox_file(tmp_path / "missing.mbox").notices
    assert naive_header_loop(tmp_path / "box.mbox") == 1


# ---------------------------------------------------------------------------------------------
# Agreement with the `email` package


_FIRST = ["Ann", "Bob", "Chloé", "Dmitri", "Émile", "Günther", "Zoë", "李", "Mary-Jo", "O'Neil"]
_LAST = ["Martin", "Dubois", "Nguyễn", "Müller", "García", "Smith"]
_DOMAINS = ["example.com", "mail.example.org", "corp.example.net"]
_SUBJECTS = ["Hello", "Re: Réunion de demain", "Fwd: numbers", "Про встречу", "", "a " * 60]


def _address(rnd: random.Random) -> str:
    """A random address: bare, with a name that must be quoted, or with a non-ASCII name."""
    first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
    address = f"{rnd.choice(['ann', 'b.ob', 'c_d', 'E.F'])}{rnd.randint(1, 99)}@"
    address += rnd.choice(_DOMAINS)
    shape = rnd.random()
    if shape < 0.2:
        return address
    if shape < 0.35 and first.isascii() and last.isascii():
        return formataddr((f"{last}, {first}", address))  # quoted because of the comma
    return formataddr((f"{first} {last}", address))  # encoded words when not ASCII


def _generated_mailbox(count: int) -> bytes:
    """An mbox written by the `email` package: encoded names, folded headers, attachments.

    The classic (compat32) API is used: the modern one re-encodes commas in some folded
    address lists (a CPython bug), which no reader could agree on.
    """
    rnd = random.Random(20240101)
    out = io.BytesIO()
    start = dt.datetime(2010, 1, 1, tzinfo=UTC)
    for index in range(count):
        message = MIMEMultipart()
        message.attach(MIMEText("Hi,\n\nFrom what I read:\n" * rnd.randint(1, 5), "plain", "utf-8"))
        if rnd.random() < 0.3:
            message.attach(MIMEApplication(rnd.randbytes(3000)))
        message["Received"] = f"from relay.example.net by mx.example.com id {index}; " * 3
        message["From"] = _address(rnd)
        message["To"] = ", ".join(_address(rnd) for _ in range(rnd.randint(1, 4)))
        if rnd.random() < 0.5:
            message["Cc"] = ", ".join(_address(rnd) for _ in range(rnd.randint(1, 3)))
        zone = dt.timezone(dt.timedelta(minutes=rnd.choice([0, 60, -300, 330, -570])))
        when = (start + dt.timedelta(seconds=rnd.randint(0, 10**9))).astimezone(zone)
        message["Date"] = format_datetime(when)
        if rnd.random() < 0.9:
            message["Message-ID"] = f"<{index}.{rnd.randint(0, 10**9)}@example.com>"
        subject = f"{rnd.choice(_SUBJECTS)} {index}"
        message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
        out.write(f"From MAILER-DAEMON {when:%a %b %d %H:%M:%S %Y}\n".encode())
        BytesGenerator(out, mangle_from_=True, maxheaderlen=78).flatten(message)
        out.write(b"\n")
    return out.getvalue()


def test_it_agrees_with_the_email_package_on_generated_mail(tmp_path: Path) -> None:
    data = _generated_mailbox(300)
    (tmp_path / "generated.mbox").write_bytes(data)
    parsed = parse_mbox(data)
    assert len(parsed.interactions) == 300 and not parsed.skipped
    reference = mailbox.mbox(tmp_path / "generated.mbox", create=False)
    for record, message in zip(parsed.interactions, reference, strict=True):
        ((_name, address),) = getaddresses(message.get_all("From"))
        assert record.initiator is not None and record.initiator.email == address.lower()
        recipients = getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
        unique = list(dict.fromkeys(a.lower() for _n, a in recipients))  # ours are deduplicated
        assert [p.email for p in record.participants] == unique
        assert record.occurred_at == parsedate_to_datetime(message["Date"])
        message_id = (message["Message-ID"] or "").strip("<>")
        assert record.external_id == (message_id or record.external_id)
        if not message_id:
            assert record.external_id.startswith("sha1:")
    # With the modern policy the names come decoded: they must match ours.
    modern = mailbox.mbox(
        tmp_path / "generated.mbox",
        factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default),
        create=False,
    )
    for record, message in zip(parsed.interactions, modern, strict=True):
        names = [" ".join(a.display_name.split()) for a in message["From"].addresses]
        assert record.initiator is not None and [record.initiator.name] == names
        recipients = [*message["To"].addresses]
        recipients += message["Cc"].addresses if "Cc" in message else ()
        names = {}
        for a in recipients:
            names.setdefault(a.addr_spec.lower(), " ".join(a.display_name.split()))
        assert [p.name for p in record.participants] == list(names.values())
        assert record.summary == " ".join(str(message["Subject"]).split())


# ---------------------------------------------------------------------------------------------
# Fuzzing: nothing may raise


_SAMPLE = _mbox(
    'From: =?utf-8?q?Ann?= <ann@example.com>\nTo: "B, b" <b@x.org>,\n c@x.org\n'
    "Date: Mon, 1 Jan 2024 12:00:00 +0100\nMessage-ID: <1@x>\nSubject: =?utf-8?B?w6k=?=\n\nhi\n",
    "From: x@y.org (Comment)\nCc: group: a@b.c;\nDate: 1 Jan 99 1:2 EST\n\n>From body\n",
)
_PIECES = [
    b"From ",
    b"From a@b Mon Jan  1 12:00:00 2024\n",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"From: ",
    b"To: ",
    b"Cc: ",
    b"Date: ",
    b"Message-ID: ",
    b"Subject: ",
    b"<",
    b">",
    b'"',
    b",",
    b"=?",
    b"?=",
    b"=?utf-8?B?",
    b"=?x?Q?=",
    b"@",
    b"\xff",
    b"\xc3",
    b" ",
    b"\t",
    b"(",
    b":",
    b";",
    b"\\",
    b"Mon, 1 Jan 2024 12:00:00 +2400",
    b"99999",
]


def _check(parsed: Parsed) -> None:
    """What must hold whatever the input: aware dates and identifiers on every record."""
    assert isinstance(parsed, Parsed)
    for record in parsed.interactions:
        assert record.occurred_at.tzinfo is not None and record.external_id


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_it_never_raises_on_random_bytes(data: bytes) -> None:
    _check(parse_mbox(data))
    _check(parse_mbox(b"From x Mon Jan  1 00:00:00 2024\n" + data))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_SAMPLE)), st.sampled_from(_PIECES), st.booleans())))
def test_it_never_raises_on_mutated_mailboxes(edits: list[tuple[int, bytes, bool]]) -> None:
    data = _SAMPLE
    for position, piece, replace in edits:
        end = position + len(piece) if replace else position
        data = data[:position] + piece + data[end:]
    _check(parse_mbox(data))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_it_never_raises_on_odd_maildir_files(pieces: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "message").write_bytes(b"".join(pieces))
        _check(parse_maildir(Path(folder)))
