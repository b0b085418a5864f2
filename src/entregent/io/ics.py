"""Read meetings from an iCalendar file (RFC 5545): one interaction per occurrence.

How the file is read, so that one bad line or one broken event never loses the rest:
1. Decode the bytes (UTF-8, else Windows-1252), unfold the lines (RFC 5545 §3.1) and cut them
   into VEVENT and VTIMEZONE blocks; lines outside them (calendar headers, garbage) are ignored.
2. Parse each block with icalendar on its own, after dropping the lines icalendar cannot split.
3. Read start times as wall-clock time plus TZID, and resolve the TZID ourselves: IANA name,
   Windows name, the file's own VTIMEZONE, an Outlook display name "(UTC+01:00) Paris…", else
   the default time zone. Nothing depends on icalendar's process-wide time-zone cache.
4. Keep the latest version of each event (same UID and RECURRENCE-ID), by SEQUENCE then
   DTSTAMP (RFC 5546 §2.1.5), then expand recurring events with dateutil within the window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import re
import warnings
import zoneinfo
from dataclasses import dataclass
from typing import Any

from dateutil.rrule import rrule, rruleset, rrulestr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Component
from icalendar.parser import Contentline
from icalendar.prop import vBroken

from entregent.engine.text import fold
from entregent.io.records import InteractionRecord, Parsed, Participant, Skipped
from entregent.network.normalize import normalize_email

MAX_OCCURRENCES = 1000  # per event, within the window
MAX_STEPS = 50_000  # occurrences walked through per event, before and in the window
MAX_WINDOW_DAYS = 100 * 366
_MIDDAY = dt.time(12)
_END_OF_DAY = dt.time(23, 59, 59)
# Sub-daily rules are not meetings, and dateutil can spin for seconds on impossible ones.
_FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}
_MONTH_LENGTHS = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}  # the others have 31 days

# Windows time-zone names (Outlook, Exchange, Teams) → IANA, after the CLDR table.
WINDOWS_ZONES: dict[str, str] = {
    "Dateline Standard Time": "Etc/GMT+12",
    "UTC-11": "Etc/GMT+11",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time (Mexico)": "America/Tijuana",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver",
    "Central America Standard Time": "America/Guatemala",
    "Central Standard Time": "America/Chicago",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "SA Pacific Standard Time": "America/Bogota",
    "Eastern Standard Time": "America/New_York",
    "US Eastern Standard Time": "America/Indiana/Indianapolis",
    "Venezuela Standard Time": "America/Caracas",
    "Atlantic Standard Time": "America/Halifax",
    "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago",
    "Newfoundland Standard Time": "America/St_Johns",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "SA Eastern Standard Time": "America/Cayenne",
    "Greenland Standard Time": "America/Nuuk",
    "Montevideo Standard Time": "America/Montevideo",
    "Azores Standard Time": "Atlantic/Azores",
    "Cape Verde Standard Time": "Atlantic/Cape_Verde",
    "UTC": "Etc/UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "Morocco Standard Time": "Africa/Casablanca",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Namibia Standard Time": "Africa/Windhoek",
    "GTB Standard Time": "Europe/Bucharest",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kyiv",
    "Kaliningrad Standard Time": "Europe/Kaliningrad",
    "Egypt Standard Time": "Africa/Cairo",
    "South Africa Standard Time": "Africa/Johannesburg",
    "Israel Standard Time": "Asia/Jerusalem",
    "Jordan Standard Time": "Asia/Amman",
    "Middle East Standard Time": "Asia/Beirut",
    "Syria Standard Time": "Asia/Damascus",
    "Turkey Standard Time": "Europe/Istanbul",
    "Belarus Standard Time": "Europe/Minsk",
    "Russian Standard Time": "Europe/Moscow",
    "Arab Standard Time": "Asia/Riyadh",
    "Arabic Standard Time": "Asia/Baghdad",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Iran Standard Time": "Asia/Tehran",
    "Arabian Standard Time": "Asia/Dubai",
    "Azerbaijan Standard Time": "Asia/Baku",
    "Georgian Standard Time": "Asia/Tbilisi",
    "Caucasus Standard Time": "Asia/Yerevan",
    "Mauritius Standard Time": "Indian/Mauritius",
    "Afghanistan Standard Time": "Asia/Kabul",
    "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
    "Pakistan Standard Time": "Asia/Karachi",
    "India Standard Time": "Asia/Kolkata",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Kathmandu",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Myanmar Standard Time": "Asia/Yangon",
    "SE Asia Standard Time": "Asia/Bangkok",
    "North Asia Standard Time": "Asia/Krasnoyarsk",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "Taipei Standard Time": "Asia/Taipei",
    "W. Australia Standard Time": "Australia/Perth",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Tasmania Standard Time": "Australia/Hobart",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    "Vladivostok Standard Time": "Asia/Vladivostok",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Fiji Standard Time": "Pacific/Fiji",
}

# Outlook Web App writes the display name instead: "(UTC-05:00) Eastern Time (US & Canada)".
# The places after the offset → IANA; an unlisted display name keeps its fixed offset.
DISPLAY_ZONES: dict[str, str] = {
    "Hawaii": "Pacific/Honolulu",
    "Alaska": "America/Anchorage",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Arizona": "America/Phoenix",
    "Mountain Time (US & Canada)": "America/Denver",
    "Central Time (US & Canada)": "America/Chicago",
    "Eastern Time (US & Canada)": "America/New_York",
    "Atlantic Time (Canada)": "America/Halifax",
    "Brasilia": "America/Sao_Paulo",
    "Coordinated Universal Time": "Etc/UTC",
    "Dublin, Edinburgh, Lisbon, London": "Europe/London",
    "Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
    "Belgrade, Bratislava, Budapest, Ljubljana, Prague": "Europe/Budapest",
    "Brussels, Copenhagen, Madrid, Paris": "Europe/Paris",
    "Sarajevo, Skopje, Warsaw, Zagreb": "Europe/Warsaw",
    "Athens, Bucharest": "Europe/Bucharest",
    "Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius": "Europe/Kyiv",
    "Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius": "Europe/Kyiv",
    "Jerusalem": "Asia/Jerusalem",
    "Istanbul": "Europe/Istanbul",
    "Moscow, St. Petersburg": "Europe/Moscow",
    "Abu Dhabi, Muscat": "Asia/Dubai",
    "Chennai, Kolkata, Mumbai, New Delhi": "Asia/Kolkata",
    "Beijing, Chongqing, Hong Kong, Urumqi": "Asia/Shanghai",
    "Kuala Lumpur, Singapore": "Asia/Singapore",
    "Osaka, Sapporo, Tokyo": "Asia/Tokyo",
    "Seoul": "Asia/Seoul",
    "Perth": "Australia/Perth",
    "Adelaide": "Australia/Adelaide",
    "Brisbane": "Australia/Brisbane",
    "Canberra, Melbourne, Sydney": "Australia/Sydney",
    "Hobart": "Australia/Hobart",
    "Auckland, Wellington": "Pacific/Auckland",
}

_WINDOWS = {fold(name): iana for name, iana in WINDOWS_ZONES.items()}
_DISPLAY = {fold(name): iana for name, iana in DISPLAY_ZONES.items()}
_DISPLAY_NAME = re.compile(r"^\((?:UTC|GMT)(?:([+-])(\d{1,2}):?(\d{2}))?\)\s*(.*)$", re.IGNORECASE)
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?")
_BLOCKS = {"VEVENT", "VTIMEZONE"}
_BOUNDARIES = {*_BLOCKS, "VCALENDAR"}


@dataclass(frozen=True)
class _Moment:
    """A time as the file wrote it: wall-clock time and its zone (None: floating or unknown)."""

    wall: dt.datetime  # naive; midnight for a date
    zone: dt.tzinfo | None
    all_day: bool = False

    def aware(self, default: dt.tzinfo) -> dt.datetime:
        """The moment as an aware datetime; all-day events are placed at noon, local time."""
        wall = dt.datetime.combine(self.wall.date(), _MIDDAY) if self.all_day else self.wall
        moment = wall.replace(tzinfo=self.zone or default)
        if isinstance(moment.tzinfo, zoneinfo.ZoneInfo | dt.timezone):
            return moment
        # A zone built from the file's VTIMEZONE: hand back a plain fixed offset instead.
        return moment.astimezone(dt.timezone(moment.utcoffset() or dt.timedelta()))

    def key(self) -> str:
        """The moment in external ids: UTC when it is fixed, as written when it floats."""
        if self.all_day:
            return self.wall.date().isoformat()
        if self.zone is None:
            return self.wall.isoformat()
        utc = self.wall.replace(tzinfo=self.zone).astimezone(dt.UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")

    def wall_in(self, series: _Moment, frame: dt.tzinfo) -> dt.datetime:
        """This moment on the wall clock a series repeats in, to match it with occurrences."""
        if series.all_day:
            return dt.datetime.combine(self.wall.date(), dt.time())
        if self.all_day:
            return dt.datetime.combine(self.wall.date(), series.wall.time())
        if self.zone is None or series.zone is None:
            return self.wall
        return self.wall.replace(tzinfo=self.zone).astimezone(frame).replace(tzinfo=None)


@dataclass
class _Event:
    """What one VEVENT says, before recurrence: None marks what the event does not state."""

    ref: str
    order: int
    uid: str
    start: _Moment | None
    recurrence_id: _Moment | None
    organizer: Participant | None
    attendees: list[Participant] | None
    summary: str
    cancelled: bool
    sequence: int
    stamp: dt.datetime
    rules: list[str]
    rdates: list[_Moment]
    exdates: list[_Moment]
    replaces: str = ""  # the key of the occurrence a RECURRENCE-ID override replaces

    @property
    def recurs(self) -> bool:
        """True for a series (RRULE or RDATE), which is expanded into occurrences."""
        return bool(self.rules or self.rdates) and self.recurrence_id is None


class _Zones:
    """Resolves TZID parameters, remembering the names it could not place.

    The file's VTIMEZONE blocks are only built when a TZID needs them: most name IANA or
    Windows zones, and building one from its 1601 rules is slow.
    """

    def __init__(self, blocks: list[list[str]]) -> None:
        self.blocks = {fold(_zone_name(block)): block for block in blocks}
        self.unknown: set[str] = set()
        self.known: dict[str, dt.tzinfo | None] = {}

    def resolve(self, tzid: str) -> dt.tzinfo | None:
        """The zone a TZID names, or None (read in the default zone) when blank or unknown."""
        name = tzid.strip().strip('"').strip()
        if not name:
            return None
        if name not in self.known:
            zone = _iana(name) or _iana(_WINDOWS.get(fold(name), ""))
            zone = zone or _defined_zone(self.blocks.get(fold(name))) or _display_zone(name)
            if zone is None:
                self.unknown.add(name)
            self.known[name] = zone
        return self.known[name]


def parse_ics(data: bytes, *, now: dt.datetime, name: str = "", window_days: int = 730) -> Parsed:
    """Read the meetings of an .ics file that took place before `now` (a recurring series only
    within the `window_days` before it).

    Never raises: a broken event becomes a `Skipped`, a file that is not a calendar gives an
    empty `Parsed` with a notice.
    """
    parsed = Parsed(format="ics")
    try:
        _parse(data, now, name, window_days, parsed)
    except Exception as error:  # the last line of defence of "never raises"
        parsed.notices.append(_("The calendar could not be read: %(error)s") % {"error": error})
    return parsed


def _parse(data: bytes, now: dt.datetime, name: str, window_days: int, parsed: Parsed) -> None:
    """Fill `parsed` from the file (the steps of the module docstring)."""
    default = timezone.get_default_timezone()
    if timezone.is_naive(now):
        now = timezone.make_aware(now, default)
    start = now - dt.timedelta(days=max(0, min(window_days, MAX_WINDOW_DAYS)))
    lines = _lines(_decode(data))
    if not any(line.strip().upper() in ("BEGIN:VCALENDAR", "BEGIN:VEVENT") for line in lines):
        if name:
            message = _("“%(name)s” is not an iCalendar file: nothing was read.") % {"name": name}
        else:
            message = _("This is not an iCalendar file: nothing was read.")
        parsed.notices.append(message)
        return
    blocks = _blocks(lines)
    event_blocks = [block for kind, block in blocks if kind == "VEVENT"]
    if not event_blocks:
        parsed.notices.append(_("The calendar holds no events."))
        return
    zones = _Zones([block for kind, block in blocks if kind == "VTIMEZONE"])
    events: list[_Event] = []
    for order, block in enumerate(event_blocks, start=1):
        ref = _("event %(n)d") % {"n": order}
        try:
            events.append(_read_event(_component(block, nested=False), ref, order, zones))
        except Exception as error:  # one unreadable event must not lose the others
            parsed.skipped.append(Skipped(ref, _unreadable(error)))
    _to_records(events, default, start, now, parsed)
    for tzid in sorted(zones.unknown):
        parsed.notices.append(
            _("The time zone “%(zone)s” is unknown: its times were read in %(default)s.")
            % {"zone": tzid, "default": default}
        )


def _unreadable(error: Exception) -> str:
    """The skip reason of an event that broke the parser."""
    return _("The event could not be read: %(error)s") % {"error": error}


# --- 1. Bytes to blocks ---------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """The text of the file: UTF-8 (with or without BOM), else Windows-1252, else lossy."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding).replace("\ufeff", "")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace").replace("\ufeff", "")


def _lines(text: str) -> list[str]:
    """Unfolded content lines, whatever the line endings (CRLF, LF or old Mac CR)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n[ \t]", "", text).split("\n")


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The VEVENT and VTIMEZONE blocks in file order, as ("VEVENT", lines).

    A block runs from its BEGIN to its END; one a file leaves open ends at the next block or
    calendar boundary. Lines outside blocks (calendar properties, garbage) are left out.
    """
    blocks: list[tuple[str, list[str]]] = []
    kind, current = "", []
    for line in lines:
        keyword, _colon, component = line.strip().upper().partition(":")
        closes = keyword == "END" and component == kind
        if kind and not closes and keyword in ("BEGIN", "END") and component in _BOUNDARIES:
            blocks.append((kind, current))  # left open: what it had is kept
            kind = ""
        if kind:
            current.append(line)
            if closes:
                blocks.append((kind, current))
                kind = ""
        elif keyword == "BEGIN" and component in _BLOCKS:
            kind, current = component, [line]
    if kind:
        blocks.append((kind, current))
    return blocks


def _component(block: list[str], *, nested: bool = True) -> Component:
    """Parse one block with icalendar, after making it well-formed (icalendar would raise).

    Lines icalendar cannot split are dropped, BEGIN/END are made to pair up, and with
    `nested=False` the sub-components (a VEVENT's alarms) are left out altogether.
    """
    kept: list[str] = []
    open_names: list[str] = []  # the components the current line is in, outermost first

    def keep(text: str) -> None:
        if nested or len(open_names) == 1:
            kept.append(text)

    for line in block:
        try:
            name, _params, value = Contentline(line).parts()
        except ValueError:
            continue  # icalendar cannot split it
        name, value = name.upper(), str(value).strip().upper()
        if name == "BEGIN":
            open_names.append(value)
            keep(f"BEGIN:{value}")
        elif name == "END" and value in open_names:
            while open_names:  # also closes what was left open inside
                keep(f"END:{open_names[-1]}")
                if open_names.pop() == value:
                    break
        elif name != "END" and open_names:
            keep(line)
        if kept and not open_names:
            break  # the block is complete: anything after it belongs to nothing
    while open_names:
        keep(f"END:{open_names[-1]}")
        open_names.pop()
    with warnings.catch_warnings():  # icalendar warns when it guesses a zone: we resolve them
        warnings.simplefilter("ignore")
        component = Component.from_ical("\r\n".join(kept) + "\r\n")
    if isinstance(component, list):  # defensive: icalendar returns one component here
        component = component[0]
    return component


def _zone_name(block: list[str]) -> str:
    """The TZID a VTIMEZONE block defines ("" when it has none)."""
    for line in block:
        if line.upper().startswith("TZID"):
            try:
                return str(Contentline(line).parts()[2]).strip()
            except ValueError:
                continue
    return ""


def _defined_zone(block: list[str] | None) -> dt.tzinfo | None:
    """The zone a VTIMEZONE block defines, or None when it is missing or broken."""
    if block is None:
        return None
    rules = [line.upper() for line in block if line.upper().startswith("RRULE")]
    if not all("FREQ=YEARLY" in rule and _possible(rule) for rule in rules):
        return None  # not a real zone, and dateutil could spin on it for long
    try:
        # lookup_tzid=False: build from this file, never from icalendar's shared cache.
        zone = _component(block).to_tz(lookup_tzid=False)
        for month in (1, 7):  # a zone built from nonsense fails when used
            dt.datetime(2020, month, 1, tzinfo=zone).utcoffset()
    except Exception:  # a broken VTIMEZONE: its events fall back to the default zone
        return None
    return zone


# --- 2. Time zones --------------------------------------------------------------------------


def _iana(name: str) -> dt.tzinfo | None:
    """The IANA zone of that name, also found at the end of "/mozilla.org/…/Europe/Paris"."""
    parts = [part for part in name.split("/") if part]
    for first in range(max(0, len(parts) - 3), len(parts)):
        candidate = "/".join(parts[first:])
        if not candidate or candidate.startswith((".", "-")):
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
            continue
    return None


def _display_zone(name: str) -> dt.tzinfo | None:
    """The zone of an Outlook display name: its places if listed, else its fixed offset."""
    match = _DISPLAY_NAME.match(name)
    if not match:
        return None
    sign, hours, minutes, places = match.groups()
    zone = _iana(_DISPLAY.get(fold(places), ""))
    if zone is not None:
        return zone
    if not hours:
        return dt.UTC
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes))
    if offset >= dt.timedelta(hours=24):
        return None
    return dt.timezone(-offset if sign == "-" else offset, name)


# --- 3. One VEVENT --------------------------------------------------------------------------


def _read_event(component: Component, ref: str, order: int, zones: _Zones) -> _Event:
    """What a VEVENT says about one meeting or a series, with times resolved."""
    organizer = _person(_first(component, "ORGANIZER"))
    attendees = None
    if _all(component, "ATTENDEE"):
        attendees = [
            person
            for prop in _all(component, "ATTENDEE")
            if _takes_part(prop) and (person := _person(prop)) is not None
        ]
    stamp = _moment(_first(component, "DTSTAMP"), zones)
    recurrence_id = _moment(_first(component, "RECURRENCE-ID"), zones)
    return _Event(
        ref=ref,
        order=order,
        uid=str(_first(component, "UID") or "").strip(),
        start=_moment(_first(component, "DTSTART"), zones),
        recurrence_id=recurrence_id,
        organizer=organizer,
        attendees=attendees,
        summary=str(_first(component, "SUMMARY") or "").strip(),
        cancelled=str(_first(component, "STATUS") or "").strip().upper() == "CANCELLED",
        sequence=_integer(_first(component, "SEQUENCE")),
        stamp=stamp.aware(dt.UTC) if stamp else dt.datetime.min.replace(tzinfo=dt.UTC),
        rules=[_text(prop) for prop in _all(component, "RRULE")],
        rdates=_moments(_all(component, "RDATE"), zones),
        exdates=_moments(_all(component, "EXDATE"), zones),
        replaces=recurrence_id.key() if recurrence_id else "",
    )


def _all(component: Component, name: str) -> list[Any]:
    """Every value of a property (icalendar gives one value, or a list when repeated)."""
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(component: Component, name: str) -> Any:
    """The first value of a property, or None."""
    values = _all(component, name)
    return values[0] if values else None


def _text(prop: object) -> str:
    """A property's value as iCalendar text (how RRULE reaches dateutil); "" if unreadable."""
    try:
        raw = prop.to_ical() if hasattr(prop, "to_ical") else prop
    except (TypeError, ValueError):  # icalendar cannot write back what it half-read
        return ""
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)


def _integer(prop: object) -> int:
    """SEQUENCE as a number; 0 when missing or unreadable."""
    try:
        return int(str(prop).strip()) if prop is not None else 0
    except ValueError:
        return 0


def _moment(prop: object, zones: _Zones) -> _Moment | None:
    """A DTSTART-like property as a `_Moment`, or None when it is missing or unreadable."""
    if prop is None:
        return None
    params = getattr(prop, "params", {})
    tzid = str(params.get("TZID", "") or "")
    value = None if isinstance(prop, vBroken) else getattr(prop, "dt", None)
    if value is None:  # icalendar could not read it: try the text ourselves
        raw = str(prop)
        if not raw.strip() and ":" in tzid:
            # Exchange sometimes quotes the value into the parameter: TZID="zone:20200609T0900…".
            tzid, _colon, raw = tzid.rpartition(":")
        value = _lenient_time(raw)
    return _moment_of(value, tzid, zones, _is_date(params))


def _moments(props: list[Any], zones: _Zones) -> list[_Moment]:
    """Every date of RDATE or EXDATE lines (a line may hold several, comma-separated)."""
    moments = []
    for prop in props:
        params = getattr(prop, "params", {})
        tzid = str(params.get("TZID", "") or "")
        for item in getattr(prop, "dts", []):
            item_tzid = tzid or str(getattr(item, "params", {}).get("TZID", "") or "")
            moment = _moment_of(getattr(item, "dt", None), item_tzid, zones, _is_date(params))
            if moment is not None:
                moments.append(moment)
    return moments


def _is_date(params: Any) -> bool:
    """True for VALUE=DATE, which icalendar turns into midnight when a TZID comes with it."""
    return str(params.get("VALUE", "") or "").strip().upper() == "DATE"


def _moment_of(value: object, tzid: str, zones: _Zones, is_date: bool = False) -> _Moment | None:
    """Wall-clock time plus zone from what icalendar decoded (a date, a datetime, a period)."""
    if isinstance(value, tuple) and value:  # a PERIOD: its start
        value = value[0]
    if isinstance(value, dt.datetime) and is_date:
        value = value.date()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and not tzid:  # written in UTC ("…Z")
            return _Moment(value.astimezone(dt.UTC).replace(tzinfo=None), dt.UTC)
        return _Moment(value.replace(tzinfo=None), zones.resolve(tzid))
    if isinstance(value, dt.date):
        return _Moment(dt.datetime.combine(value, dt.time()), zones.resolve(tzid), all_day=True)
    return None


def _lenient_time(raw: str) -> dt.date | dt.datetime | None:
    """The first DATE or DATE-TIME found in a text ("20200609T0900" too), else None."""
    match = _DATE_TIME.search(raw)
    if not match:
        return None
    year, month, day, hour, minute, second, utc = match.groups()
    try:
        if hour is None:
            return dt.date(int(year), int(month), int(day))
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
        )
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if utc else moment


def _person(prop: object) -> Participant | None:
    """ORGANIZER or ATTENDEE as a participant: the mailto: address (or EMAIL=) and the CN."""
    if prop is None:
        return None
    params = getattr(prop, "params", {})
    value = str(prop).strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    elif ":" in value:  # another kind of address (urn:uuid:…): only EMAIL= can help
        value = ""
    email = ""
    for candidate in (value, str(params.get("EMAIL", "") or "")):
        try:
            email = normalize_email(candidate)
            break
        except ValueError:
            continue
    name = str(params.get("CN", "") or "").strip().strip('"').strip()
    if fold(name) in (email, f"mailto:{email}"):
        name = ""  # Apple repeats the address as the name
    if not email and not name:
        return None
    return Participant(email=email, name=name)


def _takes_part(prop: object) -> bool:
    """False for declined invitations, rooms and resources, and people copied for information."""
    params = getattr(prop, "params", {})

    def param(key: str) -> str:
        return str(params.get(key, "") or "").strip().upper()

    return (
        param("PARTSTAT") != "DECLINED"
        and param("CUTYPE") not in ("ROOM", "RESOURCE")
        and param("ROLE") != "NON-PARTICIPANT"
    )


# --- 4. Versions, recurrence and records ----------------------------------------------------


def _to_records(
    events: list[_Event], default: dt.tzinfo, start: dt.datetime, now: dt.datetime, parsed: Parsed
) -> None:
    """Turn the events into interaction records, occurrences in the window only."""
    latest: dict[tuple[str, str], _Event] = {}
    for event in events:
        if not event.uid:
            continue
        kept = latest.get((event.uid, event.replaces))
        if kept is None or (event.sequence, event.stamp) >= (kept.sequence, kept.stamp):
            latest[(event.uid, event.replaces)] = event
    masters = {uid: event for (uid, rid), event in latest.items() if not rid}
    overrides: dict[str, list[_Event]] = {}
    for (uid, rid), event in latest.items():
        if rid:
            overrides.setdefault(uid, []).append(event)

    future = outside = 0
    for event in events:
        winner = latest.get((event.uid, event.replaces))
        if winner is not None and winner is not event:
            reason = _("A later version of the same event replaces it (%(ref)s).")
            parsed.skipped.append(Skipped(event.ref, reason % {"ref": winner.ref}))
            continue
        master = masters.get(event.uid) if event.recurrence_id else None
        reason = _skip_reason(event, master)
        if reason:
            parsed.skipped.append(Skipped(event.ref, reason))
            continue
        try:
            moments = _occurrences(event, overrides.get(event.uid, []), default, start, now, parsed)
            records = [_record(event, master, moment, default) for moment in moments]
            first = (event.start or event.recurrence_id or moments[0]).aware(default)
        except Exception as error:  # odd dates or zones must not lose the other events
            parsed.skipped.append(Skipped(event.ref, _unreadable(error)))
            continue
        if not records:  # counted, not listed: out of the window is not a fault of the file
            future, outside = (future + 1, outside) if first > now else (future, outside + 1)
        parsed.interactions.extend(records)
    if future:
        parsed.notices.append(
            ngettext(
                "%(count)d event starts after %(now)s: it has not happened yet and was left out.",
                "%(count)d events start after %(now)s: they have not happened yet and were "
                "left out.",
                future,
            )
            % {"count": future, "now": now.date().isoformat()}
        )
    if outside:
        parsed.notices.append(
            ngettext(
                "%(count)d event took place before %(start)s and was left out.",
                "%(count)d events took place before %(start)s and were left out.",
                outside,
            )
            % {"count": outside, "start": start.date().isoformat()}
        )


def _skip_reason(event: _Event, master: _Event | None) -> str:
    """Why an event gives no meeting at all, or "" when it does."""
    if event.cancelled:
        return _("The event was cancelled.")
    if event.start is None and event.recurrence_id is None:
        return _("The event has no start time.")
    organizer, participants = _people(event, master)
    if organizer is None and not participants:
        return _("Nobody is named in it: it has no organiser and no attendees.")
    return ""


def _people(event: _Event, master: _Event | None) -> tuple[Participant | None, list[Participant]]:
    """The organiser and everyone else, each once; an override borrows what it omits."""
    organizer = event.organizer or (master.organizer if master else None)
    attendees = event.attendees
    if attendees is None:
        attendees = (master.attendees if master else None) or []
    participants: list[Participant] = []
    for person in attendees:
        if organizer and _same(person, organizer):
            continue
        if not any(_same(person, kept) for kept in participants):
            participants.append(person)
    return organizer, participants


def _occurrences(
    event: _Event,
    overrides: list[_Event],
    default: dt.tzinfo,
    start: dt.datetime,
    now: dt.datetime,
    parsed: Parsed,
) -> list[_Moment]:
    """When the event took place within the window: one time, or a series' occurrences."""
    if event.recurs:
        replaced = [other.recurrence_id for other in overrides if other.recurrence_id]
        return _expand(event, event.exdates + replaced, default, start, now, parsed)
    moment = event.start or event.recurrence_id
    if not moment:
        return []
    when = moment.aware(default)
    # A one-off meeting is history however old; the window only bounds how far back a series
    # is expanded (and an occurrence overridden within it).
    earliest = start if event.recurrence_id else dt.datetime.min.replace(tzinfo=dt.UTC)
    return [moment] if earliest <= when <= now else []


def _expand(
    event: _Event,
    exclusions: list[_Moment],
    default: dt.tzinfo,
    start: dt.datetime,
    now: dt.datetime,
    parsed: Parsed,
) -> list[_Moment]:
    """The occurrences of a series that may fall in the window, capped defensively.

    The series repeats on the wall clock of its start (a 9:00 meeting stays at 9:00 across
    daylight saving), so dateutil works on naive times in that zone. DTSTART always counts.
    """
    series = event.start
    if series is None:
        return []
    frame = series.zone or default
    dates = rruleset()
    dates.rdate(series.wall)
    highest = now.astimezone(frame).replace(tzinfo=None) + dt.timedelta(days=1)
    for text in event.rules:
        try:
            rule = _rule(text, series, frame)
            if _plain(text):
                dates.rrule(rule)
            else:  # a rule dateutil might walk for ever: expanded where it can be stopped
                for wall in _walls_apart(rule, highest):
                    dates.rdate(wall)
        except Exception:  # dateutil raises many kinds of errors on odd rules
            parsed.notices.append(
                _("The repeat rule of %(ref)s could not be read: only its first date was read.")
                % {"ref": event.ref}
            )
    for extra in event.rdates:
        dates.rdate(extra.wall_in(series, frame))
    excluded = {moment.wall_in(series, frame) for moment in exclusions}
    lowest = start.astimezone(frame).replace(tzinfo=None) - dt.timedelta(days=1)
    occurrences = []
    for step, wall in enumerate(dates):
        if step >= MAX_STEPS or wall > highest:
            break
        moment = _Moment(wall, series.zone, series.all_day)
        if wall < lowest or wall in excluded or not start <= moment.aware(default) <= now:
            continue
        if len(occurrences) >= MAX_OCCURRENCES:
            parsed.notices.append(
                _("%(ref)s repeats more than %(limit)d times: only the first %(limit)d were read.")
                % {"ref": event.ref, "limit": MAX_OCCURRENCES}
            )
            break
        occurrences.append(moment)
    return occurrences


def _rule(text: str, series: _Moment, frame: dt.tzinfo) -> rrule:
    """A dateutil rule on naive wall-clock times; UNTIL is brought onto the same clock."""
    upper = text.upper()
    frequency = re.search(r"FREQ=([A-Z]+)", upper)
    if not frequency or frequency.group(1) not in _FREQUENCIES or not _possible(upper):
        raise ValueError(text)
    until = re.search(r"(?:^|;)UNTIL=([^;]*)", upper)
    rule = rrulestr(re.sub(r"(?:^|;)UNTIL=[^;]*", "", upper).strip(";"), dtstart=series.wall)
    if until and "COUNT=" not in upper:
        end = _lenient_time(until.group(1))
        if end is None:
            raise ValueError(text)
        if isinstance(end, dt.datetime) and end.tzinfo is not None:
            end = end.astimezone(frame).replace(tzinfo=None)
        elif not isinstance(end, dt.datetime):
            end = dt.datetime.combine(end, _END_OF_DAY)
        rule = rule.replace(until=end)
    return rule


_PLAIN_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTH"}
_PLAIN_DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
EXPAND_SECONDS = 2.0


def _plain(text: str) -> bool:
    """True for the rules calendars write every day (every n days, weeks, months or years,
    on some weekdays or months): they always give a date soon, so dateutil can run them here.
    Anything else may match no date for centuries, and dateutil would walk there silently."""
    parts = dict(p.partition("=")[::2] for p in text.upper().strip(";").split(";") if p)
    if not set(parts) <= _PLAIN_PARTS:
        return False
    if parts.get("FREQ") not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return False
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= 1000:
        return False
    if "BYDAY" in parts and not set(parts["BYDAY"].split(",")) <= _PLAIN_DAYS:
        return False
    months = parts.get("BYMONTH", "1").split(",")
    return all(m.isdigit() and 1 <= int(m) <= 12 for m in months)


def _walls_child(rule: rrule, highest: dt.datetime, conn: Any) -> None:
    """In a child process: the rule's dates up to `highest`, capped."""
    try:
        walls = []
        for step, wall in enumerate(rule):
            if step >= MAX_STEPS or wall > highest:
                break
            walls.append(wall)
        conn.send(walls)
    except Exception:
        conn.send(None)


def _walls_apart(rule: rrule, highest: dt.datetime) -> list[dt.datetime]:
    """The dates of an unusual rule, computed in a child process stopped after
    EXPAND_SECONDS (a loop inside dateutil cannot be interrupted otherwise); raises ValueError
    when it takes longer or fails. Where processes cannot be forked, it runs here."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        out: list[dt.datetime] = []
        for step, wall in enumerate(rule):
            if step >= MAX_STEPS or wall > highest:
                break
            out.append(wall)
        return out
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_walls_child, args=(rule, highest, sender), daemon=True)
    child.start()
    sender.close()
    try:
        walls = receiver.recv() if receiver.poll(EXPAND_SECONDS) else None
    except (EOFError, OSError):
        walls = None
    if child.is_alive():
        child.kill()
    child.join()
    receiver.close()
    if walls is None:
        raise ValueError("the repeat rule gives no date in reasonable time")
    return walls


def _possible(rule: str) -> bool:
    """False when BYMONTHDAY never meets BYMONTH (dateutil would search until year 9999)."""
    try:
        days = _numbers(rule, "BYMONTHDAY")
        months = _numbers(rule, "BYMONTH") or list(range(1, 13))
    except ValueError:
        return False
    if not days:
        return True
    lengths = [_MONTH_LENGTHS.get(month, 31) for month in months if 1 <= month <= 12]
    return any(1 <= abs(day) <= length for day in days for length in lengths)


def _numbers(rule: str, part: str) -> list[int]:
    """The numbers of one part of a rule ("BYMONTH=1,7" → [1, 7]); raises on non-numbers."""
    match = re.search(rf"(?:^|[;:]){part}=([^;]*)", rule)
    return [int(number) for number in match.group(1).split(",")] if match else []


def _record(
    event: _Event, master: _Event | None, moment: _Moment, default: dt.tzinfo
) -> InteractionRecord:
    """One occurrence as an interaction; an override borrows what it omits from its series."""
    organizer, participants = _people(event, master)
    summary = event.summary or (master.summary if master else "")
    external_id = event.uid or _content_id(event, organizer, summary)
    if event.replaces:
        external_id = f"{external_id}#{event.replaces}"
    elif event.recurs:
        external_id = f"{external_id}#{moment.key()}"
    return InteractionRecord(
        ref=event.ref,
        external_id=external_id,
        occurred_at=moment.aware(default),
        kind="meeting",
        initiator=organizer,
        participants=participants,
        summary=summary,
    )


def _same(one: Participant, other: Participant) -> bool:
    """The same person: same address, or same name when neither has an address."""
    if one.email or other.email:
        return one.email == other.email
    return fold(one.name) == fold(other.name)


def _content_id(event: _Event, organizer: Participant | None, summary: str) -> str:
    """A stable id for an event without UID, from what it says (so re-imports match)."""
    start = event.start.key() if event.start else ""
    who = organizer.email if organizer else ""
    digest = hashlib.sha256(f"{start}|{who}|{summary}".encode()).hexdigest()
    return f"ics-{digest[:24]}"
