"""iCalendar: real invitations and exports read right, every rule of the parser, fuzzing."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from entregent.io.ics import parse_ics
from entregent.io.records import InteractionRecord, Parsed, Participant
from tests.conftest import realdata_dir

NOW = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
UTC = dt.UTC
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ORGANISER = b"ORGANIZER:mailto:me@example.com"


def calendar(*events: str, head: str = "") -> bytes:
    """A calendar of VEVENTs given by their content lines (one string per event), CRLF."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//entregent//tests//EN"]
    if head:
        lines.append(head)
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR", ""])).encode("utf-8")


def meeting(*lines: str, uid: str = "m1@example.com", summary: str = "Coffee") -> str:
    """The lines of a meeting organised by Alice with Bob invited, plus `lines`."""
    return "\n".join(
        [
            f"UID:{uid}",
            f"SUMMARY:{summary}",
            "ORGANIZER;CN=Alice Martin:mailto:Alice@Example.com",
            "ATTENDEE;CN=Bob Stone;PARTSTAT=ACCEPTED:mailto:bob@example.com",
            *lines,
        ]
    )


def when(record: InteractionRecord) -> dt.datetime:
    """When a meeting took place, in UTC (for comparisons across zones)."""
    return record.occurred_at.astimezone(UTC)


def default_zone() -> dt.tzinfo:
    """The zone floating and all-day times are read in."""
    return timezone.get_default_timezone()


# --- Real-world samples (../shared/realdata/ics, read in place) ---------------------------


@functools.cache
def _sample_bytes(name: str) -> bytes:
    """A sample's bytes, read once per test run."""
    return (realdata_dir("ics") / name).read_bytes()


def _sample_names() -> list[str]:
    """Every calendar of the samples folder."""
    return sorted(path.name for path in realdata_dir("ics").glob("*.ics"))


def sample(name: str, now: dt.datetime, *, organised: bool = False) -> Parsed:
    """A sample parsed at `now`; `organised` adds an organiser to each event.

    Many samples are personal calendars with nobody invited, which give no meeting; an
    organiser line lets their times, zones and recurrences be checked all the same.
    """
    data = _sample_bytes(name)
    if organised:
        data = data.replace(b"BEGIN:VEVENT", b"BEGIN:VEVENT\n" + ORGANISER)
    return parse_ics(data, now=now, name=name)


@pytest.mark.realdata
def test_it_reads_every_real_sample_without_raising() -> None:
    names = _sample_names()
    assert len(names) >= 19
    for name in names:
        for now in (NOW, dt.datetime(2010, 1, 1, tzinfo=UTC)):
            parsed = parse_ics(_sample_bytes(name), now=now, name=name)
            assert isinstance(parsed, Parsed)
            assert not any("could not be read" in notice for notice in parsed.notices), name


@pytest.mark.realdata
def test_it_reads_the_outlook_2010_invitation() -> None:
    parsed = sample("biweekly__outlook-2010.ics", dt.datetime(2014, 1, 1, tzinfo=UTC))
    [record] = parsed.interactions
    assert record.kind == "meeting"
    assert record.summary == "Team Meeting"
    assert record.initiator == Participant("bobsmith@example.com", "Smith, Bob")
    # The first address is folded with a TAB in the middle of "example".
    assert record.participants == [
        Participant("johndoe@example.com", "Doe, John"),
        Participant("janedoe@example.com", "Doe, Jane"),
    ]
    # "Eastern Standard Time" is a Windows name: read as America/New_York.
    assert record.occurred_at == dt.datetime(2013, 6, 10, 12, tzinfo=NEW_YORK)
    assert record.external_id.startswith("040000009200E00074C5B7101A82E008")
    assert record.ref == "event 1"


@pytest.mark.realdata
def test_it_reads_a_blank_tzid_in_the_default_zone() -> None:
    parsed = sample("ical4j__blankTzid.ics", dt.datetime(2016, 1, 1, tzinfo=UTC))
    [record] = parsed.interactions
    assert record.initiator == Participant("roberts@company.com", "Bruce Roberts")
    # The organiser is also listed as an attendee: named once, as the initiator.
    assert record.participants == [Participant("sam@company.com", "Sam Peter")]
    assert record.occurred_at == dt.datetime(2015, 8, 26, 9, tzinfo=default_zone())
    assert record.external_id == "t21ocubdt9jagerldbkak7uhcg@google.com"
    assert not parsed.notices


@pytest.mark.realdata
def test_it_expands_the_lotus_daily_series_in_its_own_vtimezone() -> None:
    parsed = sample("ical4j__calconnect.ics", dt.datetime(2006, 1, 1, tzinfo=UTC))
    records = parsed.interactions
    assert [when(r).isoformat() for r in records] == [
        f"2005-04-{day}T13:00:00+00:00" for day in (11, 12, 13, 14, 15)
    ]
    assert records[0].occurred_at.utcoffset() == dt.timedelta(hours=-4)  # the file's "Eastern"
    assert records[0].initiator == Participant("icalchair@coffeebean.com", "iCal Chair/CoffeeBean")
    assert records[0].participants == [
        Participant("icalparticipant@coffeebean.com", "iCal Participant/CoffeeBean")
    ]
    uid = "E88157FE01BE8A5C85256FDB006EBCC3-Lotus_Notes_Generated"
    assert records[0].external_id == f"{uid}#2005-04-11T13:00:00Z"
    assert len({r.external_id for r in records}) == 5


@pytest.mark.realdata
def test_it_leaves_the_meeting_room_out_of_the_groupwise_meeting() -> None:
    parsed = sample("ical4j__groupwise.ics", dt.datetime(2009, 1, 1, tzinfo=UTC))
    [record] = parsed.interactions
    assert record.initiator == Participant("jane.doe@university.edu", "Jane Doe")
    assert record.participants == []  # CUTYPE=RESOURCE: a room, not a person
    assert when(record) == dt.datetime(2008, 12, 17, 7, 30, tzinfo=UTC)


@pytest.mark.realdata
def test_it_keeps_the_latest_version_across_concatenated_calendars() -> None:
    parsed = sample("ical4j__incoming.ics", dt.datetime(1998, 1, 1, tzinfo=UTC))
    assert len(parsed.interactions) + len(parsed.skipped) == 9
    [record] = parsed.interactions
    assert record.summary == "Pool party"  # SEQUENCE 2, the latest DTSTAMP
    assert record.initiator == Participant("b@example.com", "")  # lowercase "Mailto:"
    # The room (no mailto:) and the NON-PARTICIPANT copied for information are left out.
    assert [p.email for p in record.participants] == [
        "a@example.com",
        "c@example.com",
        "d@example.com",
    ]
    reasons = {s.ref: s.reason for s in parsed.skipped}
    assert "later version" in reasons["event 1"]
    assert "later version" in reasons["event 8"]  # the CANCEL has an older SEQUENCE
    assert "no start time" in reasons["event 7"]  # iTIP replies carry no DTSTART


@pytest.mark.realdata
def test_it_reads_google_overrides_without_their_series() -> None:
    parsed = sample("icalevents__recurrenceid_google.ics", dt.datetime(2021, 4, 1, tzinfo=UTC))
    days = sorted(when(r) for r in parsed.interactions)
    assert days == [dt.datetime(2021, 3, day, 11, tzinfo=UTC) for day in (24, 25, 26, 27)]
    ids = {r.external_id for r in parsed.interactions}
    assert "5kml9evtgr3lffqh2lc2lu86kp@google.com#2021-03-24T11:00:00Z" in ids
    assert len(ids) == 4
    # The address is folded in the middle of the domain.
    assert parsed.interactions[0].participants == [
        Participant("hst9ma4s2h5hf2iafmrqffki9o@group.calendar.google.com", "")
    ]


@pytest.mark.realdata
def test_it_reads_google_daily_and_all_day_events() -> None:
    parsed = sample(
        "icalevents__google_2024.ics", dt.datetime(2024, 6, 1, tzinfo=UTC), organised=True
    )
    series = [r for r in parsed.interactions if r.ref == "event 1"]
    assert len(series) == 30  # COUNT=30
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    # 07:00 on the wall clock on both sides of the change to summer time (31 March).
    assert series[0].occurred_at == dt.datetime(2024, 3, 25, 7, tzinfo=zurich)
    assert series[-1].occurred_at == dt.datetime(2024, 4, 23, 7, tzinfo=zurich)
    assert when(series[-1]).hour == 5
    all_day = [r for r in parsed.interactions if r.ref != "event 1"]
    assert [r.occurred_at for r in all_day] == [
        dt.datetime(2024, 3, 25, 12, tzinfo=default_zone()),
        dt.datetime(2024, 3, 27, 12, tzinfo=default_zone()),
    ]
    assert len(parsed.interactions) == 32


@pytest.mark.realdata
def test_it_skips_the_cancelled_apple_event() -> None:
    parsed = sample("nodeical__tentative-apple-calendar.ics", dt.datetime(2022, 8, 1, tzinfo=UTC))
    assert [r.summary for r in parsed.interactions] == ["Tentative", "Confirmed"]
    # Apple repeats the address as the name: the name is left empty.
    assert parsed.interactions[0].initiator == Participant("tentative@example.com", "")
    reasons = {s.ref: s.reason for s in parsed.skipped}
    assert "cancelled" in reasons["event 3"]
    assert "no organiser and no attendees" in reasons["event 4"]
    vancouver = zoneinfo.ZoneInfo("America/Vancouver")
    assert parsed.interactions[1].occurred_at == dt.datetime(2022, 7, 5, 9, tzinfo=vancouver)


@pytest.mark.realdata
def test_it_reads_outlook_web_display_names_as_zones() -> None:
    parsed = sample(
        "nodeical__Office-2012-owa.ics", dt.datetime(2021, 1, 1, tzinfo=UTC), organised=True
    )
    by_ref = {r.ref: r for r in parsed.interactions}
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    assert by_ref["event 1"].occurred_at == dt.datetime(2020, 10, 28, 13, 30, tzinfo=sydney)
    assert by_ref["event 2"].summary == "TEST"  # " TEST": the leading space is dropped
    assert when(by_ref["event 2"]) == dt.datetime(2020, 10, 28, 17, 30, tzinfo=UTC)
    assert not any("unknown" in notice for notice in parsed.notices)


@pytest.mark.realdata
def test_it_reads_windows_zone_names_and_exdates_of_exchange() -> None:
    parsed = sample(
        "nodeical__ms_timezones.ics", dt.datetime(2020, 12, 31, tzinfo=UTC), organised=True
    )
    first = next(r for r in parsed.interactions if r.ref == "event 1")
    assert when(first) == dt.datetime(2020, 9, 10, 7, tzinfo=UTC)  # W. Europe Standard Time
    # Its DTSTART reads TZID="W. Europe Standard Time:20200609T090000": the value is recovered.
    jira = [r for r in parsed.interactions if r.ref == "event 2"]
    assert jira[0].summary == "Log Yesterday's Jira time"
    assert when(jira[0]) == dt.datetime(2020, 6, 9, 7, tzinfo=UTC)
    assert len({r.external_id for r in jira}) == len(jira) > 100
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    series = {r.occurred_at for r in parsed.interactions if r.ref == "event 4"}
    assert dt.datetime(2020, 7, 7, 12, tzinfo=pacific) in series
    assert dt.datetime(2020, 7, 9, 12, tzinfo=pacific) in series
    assert dt.datetime(2020, 7, 21, 12, tzinfo=pacific) not in series  # EXDATE
    assert dt.datetime(2020, 9, 3, 12, tzinfo=pacific) not in series  # EXDATE
    assert not any("unknown" in notice for notice in parsed.notices)


@pytest.mark.realdata
def test_it_repeats_a_yearly_all_day_holiday_at_noon() -> None:
    parsed = sample(
        "nodeical__yearly-recurring-unicode.ics",
        dt.datetime(2014, 1, 1, tzinfo=UTC),
        organised=True,
    )
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert [r.occurred_at for r in parsed.interactions] == [
        dt.datetime(2012, 7, 14, 12, tzinfo=berlin),
        dt.datetime(2013, 7, 14, 12, tzinfo=berlin),
    ]
    assert parsed.interactions[0].summary == "Fête Nationale - Férié"
    uid = "FA9831E7-C238-4FEC-95E5-CD46BD466421"
    assert parsed.interactions[0].external_id == f"{uid}#2012-07-14"


@pytest.mark.realdata
def test_it_replaces_an_occurrence_of_a_teams_series_by_its_override() -> None:
    parsed = sample("radicale__event_issue2151.ics", dt.datetime(2026, 8, 1, tzinfo=UTC))
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    series = [r for r in parsed.interactions if r.ref == "event 1"]
    fridays = {r.occurred_at.date() for r in series}
    assert dt.date(2026, 1, 23) in fridays
    assert dt.date(2026, 1, 30) not in fridays  # replaced by the override
    assert dt.date(2026, 4, 3) not in fridays  # EXDATE
    assert dt.date(2026, 7, 31) in fridays  # UNTIL=20260731T090000Z is 11:00 in Berlin
    assert len(series) == 26
    [moved] = [r for r in parsed.interactions if r.ref == "event 2"]
    assert moved.occurred_at == dt.datetime(2026, 1, 30, 10, 30, tzinfo=berlin)
    assert moved.external_id.endswith("#2026-01-30T10:00:00Z")  # the occurrence it replaces
    assert all(len(r.participants) == 3 for r in parsed.interactions)
    assert series[0].initiator is not None
    assert series[0].initiator.name == "XXXXXXXX XXXXX"


@pytest.mark.realdata
def test_it_reads_umlauts_in_a_vevent_without_calendar() -> None:
    parsed = sample(
        "icalendar__issue_101_umlauts_in_organizer.ics", dt.datetime(2014, 1, 1, tzinfo=UTC)
    )
    [record] = parsed.interactions
    assert record.initiator == Participant("adm-acme@mydomain.de", "acme, ädmin")
    assert record.summary == "wichtiger termin 1"


@pytest.mark.realdata
def test_it_reads_a_vtimezone_with_a_non_ascii_name() -> None:
    parsed = sample(
        "icalendar__issue_237_non_ascii_tzid.ics",
        dt.datetime(2018, 1, 1, tzinfo=UTC),
        organised=True,
    )
    [record] = parsed.interactions
    assert record.occurred_at.utcoffset() == dt.timedelta(hours=-3)
    assert when(record) == dt.datetime(2017, 5, 11, 16, 30, tzinfo=UTC)
    assert record.external_id.startswith("ics-")  # no UID: an id from what it says


@pytest.mark.realdata
def test_it_reports_the_broken_samples_and_reads_what_it_can() -> None:
    broken = sample("icalendar__broken_ical.ics", dt.datetime(2015, 1, 1, tzinfo=UTC))
    assert not broken.interactions
    assert [s.ref for s in broken.skipped] == ["event 1"]
    assert "no start time" in broken.skipped[0].reason  # "DTSTART;;VALUE=…" cannot be read

    garbage = sample(
        "icalendar__issue_104_broken_calendar.ics",
        dt.datetime(2015, 1, 1, tzinfo=UTC),
        organised=True,
    )
    assert [r.summary for r in garbage.interactions] == ["Broken Eevnt"]

    bad_names = sample("vobject__badline.ics", dt.datetime(1988, 1, 1, tzinfo=UTC), organised=True)
    assert [r.occurred_at.year for r in bad_names.interactions] == [1987]

    empty = sample("icalendar__bom_calendar.ics", NOW)
    assert not empty.interactions and not empty.skipped
    assert empty.notices == ["The calendar holds no events."]

    unicode = sample("vobject__utf8_test.ics", dt.datetime(2007, 1, 1, tzinfo=UTC), organised=True)
    assert unicode.interactions[0].summary == "The title こんにちはキティ"


# --- The rules, on hand-written calendars -------------------------------------------------


def test_it_names_the_organiser_and_leaves_declined_attendees_out() -> None:
    data = calendar(
        meeting(
            "DTSTART:20240510T090000Z",
            'ATTENDEE;CN="Dupont, Chloé";PARTSTAT=TENTATIVE:MAILTO:Chloe@Example.FR',
            "ATTENDEE;CN=Dan;PARTSTAT=DECLINED:mailto:dan@example.com",
            "ATTENDEE;CN=Alice Martin;PARTSTAT=ACCEPTED:mailto:alice@example.com",
            "ATTENDEE;CN=Room 4;CUTYPE=ROOM:mailto:room4@example.com",
            "ATTENDEE;CN=Bob again:mailto:bob@example.com",
        )
    )
    [record] = parse_ics(data, now=NOW).interactions
    assert record.initiator == Participant("alice@example.com", "Alice Martin")
    assert record.participants == [
        Participant("bob@example.com", "Bob Stone"),
        Participant("chloe@example.fr", "Dupont, Chloé"),
    ]
    assert record.kind == "meeting"
    assert record.summary == "Coffee"
    assert record.external_id == "m1@example.com"
    assert record.ref == "event 1"
    assert record.occurred_at == dt.datetime(2024, 5, 10, 9, tzinfo=UTC)


def test_it_reads_a_meeting_with_attendees_and_no_organiser() -> None:
    data = calendar("UID:x\nDTSTART:20240510T090000Z\nATTENDEE:mailto:eve@example.com")
    [record] = parse_ics(data, now=NOW).interactions
    assert record.initiator is None
    assert record.participants == [Participant("eve@example.com", "")]


def test_it_expands_a_weekly_series_with_exdate_and_an_override() -> None:
    data = calendar(
        meeting(
            "DTSTART;TZID=Europe/Paris:20240301T100000",
            "RRULE:FREQ=WEEKLY;COUNT=6",
            "EXDATE;TZID=Europe/Paris:20240315T100000",
        ),
        meeting(
            "RECURRENCE-ID;TZID=Europe/Paris:20240322T100000",
            "DTSTART;TZID=Europe/Paris:20240322T150000",
            "SEQUENCE:1",
            summary="Coffee\\, later",
        ),
    )
    records = parse_ics(data, now=NOW).interactions
    series = [r.occurred_at for r in records if r.ref == "event 1"]
    assert series == [dt.datetime(2024, 3, day, 10, tzinfo=PARIS) for day in (1, 8, 29)] + [
        dt.datetime(2024, 4, 5, 10, tzinfo=PARIS)
    ]  # summer time: still 10:00 in Paris
    [moved] = [r for r in records if r.ref == "event 2"]
    assert moved.occurred_at == dt.datetime(2024, 3, 22, 15, tzinfo=PARIS)
    assert moved.summary == "Coffee, later"
    assert moved.external_id == "m1@example.com#2024-03-22T09:00:00Z"
    assert records[0].external_id == "m1@example.com#2024-03-01T09:00:00Z"


def test_it_borrows_what_an_override_omits_from_its_series() -> None:
    data = calendar(
        meeting("DTSTART:20240301T100000Z", "RRULE:FREQ=DAILY;COUNT=3"),
        "UID:m1@example.com\nRECURRENCE-ID:20240302T100000Z\nDTSTART:20240302T120000Z",
    )
    moved = parse_ics(data, now=NOW).interactions[-1]
    assert moved.ref == "event 2"
    assert moved.summary == "Coffee"
    assert moved.initiator == Participant("alice@example.com", "Alice Martin")
    assert moved.participants == [Participant("bob@example.com", "Bob Stone")]


def test_it_drops_the_occurrence_a_cancelled_override_replaces() -> None:
    data = calendar(
        meeting("DTSTART:20240301T100000Z", "RRULE:FREQ=DAILY;COUNT=3"),
        meeting("RECURRENCE-ID:20240302T100000Z", "DTSTART:20240302T100000Z", "STATUS:CANCELLED"),
    )
    parsed = parse_ics(data, now=NOW)
    assert [when(r).day for r in parsed.interactions] == [1, 3]
    assert parsed.skipped[0].ref == "event 2"


def test_it_reads_rdates_and_periods() -> None:
    data = calendar(
        meeting(
            "DTSTART:20240301T100000Z",
            "RDATE:20240305T100000Z,20240307T100000Z",
            "RDATE;VALUE=PERIOD:20240309T100000Z/20240309T110000Z",
        )
    )
    records = parse_ics(data, now=NOW).interactions
    assert [when(r).day for r in records] == [1, 5, 7, 9]
    assert len({r.external_id for r in records}) == 4


def test_it_places_all_day_events_at_noon_in_the_default_zone() -> None:
    data = calendar(meeting("DTSTART;VALUE=DATE:20240315", "DTEND;VALUE=DATE:20240316"))
    [record] = parse_ics(data, now=NOW).interactions
    assert record.occurred_at == dt.datetime(2024, 3, 15, 12, tzinfo=default_zone())


def test_it_places_all_day_events_at_noon_in_their_own_zone() -> None:
    data = calendar(meeting("DTSTART;TZID=Asia/Tokyo;VALUE=DATE:20240315"))
    [record] = parse_ics(data, now=NOW).interactions
    assert record.occurred_at == dt.datetime(
        2024, 3, 15, 12, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")
    )


@pytest.mark.parametrize(
    ("tzid", "zone"),
    [
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Romance Standard Time", "Europe/Paris"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("GMT Standard Time", "Europe/London"),
        ("India Standard Time", "Asia/Kolkata"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ('"romance standard time"', "Europe/Paris"),
        ("/mozilla.org/20050126_1/America/Chicago", "America/Chicago"),
        ('"(UTC+01:00) Brussels, Copenhagen, Madrid, Paris"', "Europe/Paris"),
    ],
)
def test_it_maps_zone_names_to_iana(tzid: str, zone: str) -> None:
    data = calendar(meeting(f"DTSTART;TZID={tzid}:20240115T090000"))
    parsed = parse_ics(data, now=NOW)
    [record] = parsed.interactions
    assert record.occurred_at == dt.datetime(2024, 1, 15, 9, tzinfo=zoneinfo.ZoneInfo(zone))
    assert not parsed.notices


def test_it_keeps_the_offset_of_an_unlisted_display_name() -> None:
    data = calendar(meeting('DTSTART;TZID="(UTC+05:45) Somewhere":20240115T090000'))
    [record] = parse_ics(data, now=NOW).interactions
    assert record.occurred_at.utcoffset() == dt.timedelta(hours=5, minutes=45)
    assert record.occurred_at.hour == 9


def test_it_prefers_the_file_vtimezone_for_a_custom_name() -> None:
    zone = "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Customized Time Zone",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0330",
            "TZOFFSETTO:+0330",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    )
    data = calendar(meeting("DTSTART;TZID=Customized Time Zone:20240115T090000"), head=zone)
    [record] = parse_ics(data, now=NOW).interactions
    assert when(record) == dt.datetime(2024, 1, 15, 5, 30, tzinfo=UTC)


def test_it_reads_an_unknown_tzid_in_the_default_zone_with_a_notice() -> None:
    data = calendar(meeting("DTSTART;TZID=Middle Earth/Shire:20240115T090000"))
    parsed = parse_ics(data, now=NOW)
    [record] = parsed.interactions
    assert record.occurred_at == dt.datetime(2024, 1, 15, 9, tzinfo=default_zone())
    assert len(parsed.notices) == 1
    assert "Middle Earth/Shire" in parsed.notices[0]


def test_it_reads_floating_times_and_blank_tzids_in_the_default_zone() -> None:
    data = calendar(
        meeting("DTSTART:20240115T090000", uid="a"),
        meeting("DTSTART;TZID=:20240116T090000", uid="b"),
    )
    parsed = parse_ics(data, now=NOW)
    assert [r.occurred_at for r in parsed.interactions] == [
        dt.datetime(2024, 1, 15, 9, tzinfo=default_zone()),
        dt.datetime(2024, 1, 16, 9, tzinfo=default_zone()),
    ]
    assert not parsed.notices


def test_it_skips_cancelled_events_with_a_reason() -> None:
    data = calendar(
        meeting("DTSTART:20240115T090000Z", "STATUS:CANCELLED", uid="a"),
        meeting("DTSTART:20240116T090000Z", uid="b"),
    )
    parsed = parse_ics(data, now=NOW)
    assert [r.external_id for r in parsed.interactions] == ["b"]
    [skipped] = parsed.skipped
    assert skipped.ref == "event 1"
    assert skipped.reason == "The event was cancelled."


def test_it_skips_events_where_nobody_is_named() -> None:
    data = calendar("UID:gym\nSUMMARY:Gym\nDTSTART:20240115T090000Z")
    parsed = parse_ics(data, now=NOW)
    assert not parsed.interactions
    assert "no organiser and no attendees" in parsed.skipped[0].reason


def test_it_leaves_future_meetings_and_old_repeats_out_with_notices() -> None:
    data = calendar(
        meeting("DTSTART:20240701T090000Z", uid="future"),
        meeting("DTSTART:20200101T090000Z", uid="old"),
        meeting("DTSTART:20240520T090000Z", "RRULE:FREQ=WEEKLY", uid="weekly"),
        meeting("DTSTART:20240901T090000Z", "RRULE:FREQ=DAILY", uid="later"),
        meeting("DTSTART:20200101T090000Z", "RRULE:FREQ=WEEKLY;COUNT=3", uid="old-series"),
    )
    parsed = parse_ics(data, now=NOW, window_days=365)
    assert [when(r).date().isoformat() for r in parsed.interactions] == [
        "2020-01-01",  # a one-off meeting is history, however old
        "2024-05-20",
        "2024-05-27",
    ]
    assert parsed.notices == [
        "2 events start after 2024-06-01: they have not happened yet and were left out.",
        "1 event took place before 2023-06-02 and was left out.",
    ]


def test_it_expands_only_within_the_window() -> None:
    data = calendar(meeting("DTSTART:20000103T090000Z", "RRULE:FREQ=WEEKLY"))
    records = parse_ics(data, now=NOW, window_days=30).interactions
    assert len(records) == 4
    assert all(NOW - dt.timedelta(days=30) <= r.occurred_at <= NOW for r in records)


def test_it_gives_the_same_ids_on_a_second_parse() -> None:
    data = calendar(
        meeting("DTSTART;TZID=Romance Standard Time:20240101T090000", "RRULE:FREQ=DAILY"),
        "SUMMARY:No UID\nDTSTART:20240102T090000\nORGANIZER:mailto:x@example.com",
    )
    first = parse_ics(data, now=NOW)
    later = parse_ics(data, now=NOW + dt.timedelta(days=10))
    ids = {r.external_id: r.occurred_at for r in first.interactions}
    again = {r.external_id: r.occurred_at for r in later.interactions}
    assert len(ids) == len(first.interactions) == 153 + 1  # 1 January to 1 June, and one more
    assert all(again[key] == value for key, value in ids.items())
    assert len(again) == len(ids) + 10


def test_it_keeps_the_latest_version_of_an_event() -> None:
    data = calendar(
        meeting("DTSTART:20240110T090000Z", "SEQUENCE:2", summary="Second"),
        meeting("DTSTART:20240109T090000Z", "SEQUENCE:1", summary="First"),
    )
    parsed = parse_ics(data, now=NOW)
    assert [r.summary for r in parsed.interactions] == ["Second"]
    assert parsed.interactions[0].ref == "event 1"
    assert parsed.skipped[0].ref == "event 2"
    assert "event 1" in parsed.skipped[0].reason


def test_it_caps_the_occurrences_of_a_series() -> None:
    data = calendar(meeting("DTSTART:20100101T090000Z", "RRULE:FREQ=DAILY"))
    parsed = parse_ics(data, now=NOW, window_days=3650)
    assert len(parsed.interactions) == 1000
    assert any("more than 1000 times" in notice for notice in parsed.notices)


def test_it_reads_the_first_date_of_a_rule_it_cannot_use() -> None:
    data = calendar(
        meeting("DTSTART:20240101T090000Z", "RRULE:FREQ=MINUTELY", uid="a"),
        meeting("DTSTART:20240101T090000Z", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", uid="b"),
        meeting("DTSTART:20240101T090000Z", "RRULE:FREQ=DAILY;UNTIL=2024XX", uid="c"),
    )
    parsed = parse_ics(data, now=NOW)
    assert [r.external_id for r in parsed.interactions] == [
        "a#2024-01-01T09:00:00Z",
        "b#2024-01-01T09:00:00Z",
        "c#2024-01-01T09:00:00Z",
    ]
    assert sum("repeat rule" in notice for notice in parsed.notices) == 3


def test_it_reads_the_other_events_when_one_is_broken() -> None:
    data = calendar(
        meeting("DTSTART:20240110T090000Z", "BEGIN:VALARM", "garbage", "END:VALARM", uid="a"),
        meeting("DTSTART:not a date", uid="b"),
        meeting("DTSTART:20240111T090000Z", uid="c"),
    ).replace(b"END:VCALENDAR", b"X\r\nEND:VCALENDAR")
    truncated = data + b"BEGIN:VEVENT\r\n" + meeting("DTSTART:20240112T090000Z", uid="d").encode()
    parsed = parse_ics(truncated, now=NOW)
    assert [r.external_id for r in parsed.interactions] == ["a", "c", "d"]
    assert [s.ref for s in parsed.skipped] == ["event 2"]


def test_it_reads_lf_bom_and_windows_1252_files() -> None:
    text = calendar(meeting("DTSTART:20240110T090000Z", "ATTENDEE;CN=Zoë:mailto:zoe@example.com"))
    lf = text.replace(b"\r\n", b"\n")
    for data in (b"\xef\xbb\xbf" + lf, text.decode("utf-8").encode("cp1252")):
        [record] = parse_ics(data, now=NOW).interactions
        assert record.participants[-1] == Participant("zoe@example.com", "Zoë")


def test_it_uses_the_email_parameter_when_the_address_is_not_mailto() -> None:
    data = calendar(
        meeting(
            "DTSTART:20240110T090000Z",
            "ATTENDEE;CN=Yann;EMAIL=yann@example.com:urn:uuid:1234",
            "ATTENDEE;CN=Nobody:urn:uuid:5678",
        )
    )
    [record] = parse_ics(data, now=NOW).interactions
    assert record.participants[1:] == [
        Participant("yann@example.com", "Yann"),
        Participant("", "Nobody"),
    ]


def test_it_gives_a_notice_for_a_file_that_is_not_a_calendar() -> None:
    parsed = parse_ics(b"BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n", now=NOW, name="ann.vcf")
    assert not parsed.interactions and not parsed.skipped
    assert parsed.notices == ["“ann.vcf” is not an iCalendar file: nothing was read."]
    assert not parse_ics(b"", now=NOW).read_anything


def test_it_reads_a_naive_now_in_the_default_zone() -> None:
    data = calendar(meeting("DTSTART:20240110T090000Z"))
    assert len(parse_ics(data, now=dt.datetime(2024, 6, 1)).interactions) == 1


# --- Fuzzing: nothing raises, one bad line never loses the whole file ---------------------


def _assert_sound(parsed: Parsed) -> None:
    """What any result must be: aware times, and no failure of the whole file."""
    assert isinstance(parsed, Parsed)
    assert not any(n.startswith("The calendar could not be read") for n in parsed.notices)
    for record in parsed.interactions:
        assert record.occurred_at.tzinfo is not None
        assert record.external_id


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=800))
def test_it_never_raises_on_random_bytes(data: bytes) -> None:
    _assert_sound(parse_ics(data, now=NOW))
    _assert_sound(parse_ics(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + data, now=NOW))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_it_never_raises_on_mutated_real_calendars(data: st.DataObject) -> None:
    mutated = bytearray(_sample_bytes(data.draw(st.sampled_from(_sample_names()))))
    for _step in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(mutated)))
        action = data.draw(st.sampled_from(["cut", "flip", "insert", "repeat"]))
        if action == "cut":
            del mutated[at : at + data.draw(st.integers(1, 40))]
        elif action == "flip" and at < len(mutated):
            mutated[at] ^= data.draw(st.integers(1, 255))
        elif action == "repeat":
            mutated[at:at] = mutated[data.draw(st.integers(0, len(mutated))) :][:200]
        else:
            mutated[at:at] = data.draw(
                st.sampled_from(
                    [
                        b"\r\n",
                        b":",
                        b";",
                        b'"',
                        b"\r\n ",
                        b"BEGIN:VEVENT\n",
                        b"END:VALARM\n",
                        b"RRULE:FREQ=DAILY;INTERVAL=0\n",
                        b"RECURRENCE-ID:20200101T000000Z\n",
                        b"DTSTART;TZID=Nowhere:99991231T235959\n",
                        b"EXDATE;VALUE=DATE:00010101\n",
                    ]
                )
            )
    window = data.draw(st.sampled_from([0, 30, 730, 10**9, -3]))
    _assert_sound(parse_ics(bytes(mutated), now=NOW, window_days=window))


def test_it_gives_up_quickly_on_a_rule_that_matches_no_date() -> None:
    import time

    data = calendar(meeting("DTSTART:20240101T090000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYYEARDAY=100"))
    start = time.perf_counter()
    parsed = parse_ics(data, now=NOW)
    assert time.perf_counter() - start < 10
    assert any("repeat rule" in notice for notice in parsed.notices)
    assert [r.occurred_at.date().isoformat() for r in parsed.interactions] == ["2024-01-01"]


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=DAILY;INTERVAL=0",
        "RRULE:FREQ=YEARLY;BYWEEKNO=53;BYMONTH=1;BYYEARDAY=200",
        "RRULE:FREQ=MONTHLY;BYSETPOS=40;BYDAY=MO",
    ],
)
def test_it_never_hangs_on_an_odd_repeat_rule(rule: str) -> None:
    import time

    start = time.perf_counter()
    parsed = parse_ics(calendar(meeting("DTSTART:20240101T090000Z", rule)), now=NOW)
    assert time.perf_counter() - start < 10
    assert parsed.interactions  # the first date at least
