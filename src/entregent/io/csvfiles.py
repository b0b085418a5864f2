"""Contacts from CSV exports (LinkedIn connections, Google Contacts, Outlook) and a safe writer.

Each product names its columns differently by version and language, and LinkedIn puts a "Notes:"
preamble before its header. So the readers never trust positions: they look for the header line
among the first lines of the file, by the columns they recognise, then give each column a role
(given name, e-mail, phone…). Pure functions: bytes in, a `Parsed` out, never an exception.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.engine.text import fold
from entregent.io.records import ContactRecord, Parsed, Skipped

__all__ = ["parse_google_csv", "parse_linkedin", "parse_outlook_csv", "sniff_csv", "write_csv"]

# Column roles.
FULL, GIVEN, MIDDLE, FAMILY = "full", "given", "middle", "family"
EMAIL, PHONE, URL = "email", "phone", "url"
ORG, TITLE, COURTESY = "org", "title", "courtesy"
NOTES, TAGS, CONNECTED = "notes", "tags", "connected"

# Columns that identify a person: a header needs one of them to be taken for a header.
_IDENTIFYING = {FULL, GIVEN, FAMILY, EMAIL, PHONE}

# Header keys (folded, letters and digits only) in English, French and German.
_EXACT_ROLES: dict[str, str] = {
    **dict.fromkeys(["name", "fullname", "displayname", "nomcomplet", "vollstandigername"], FULL),
    **dict.fromkeys(["firstname", "givenname", "prenom", "vorname"], GIVEN),
    **dict.fromkeys(
        ["middlename", "additionalname", "deuxiemeprenom", "weiterevornamen", "zweitervorname"],
        MIDDLE,
    ),
    **dict.fromkeys(
        ["lastname", "familyname", "surname", "nom", "nomdefamille", "nachname"], FAMILY
    ),
    **dict.fromkeys(
        ["company", "organization", "organisation", "societe", "entreprise", "firma"], ORG
    ),
    **dict.fromkeys(["jobtitle", "position", "fonction", "poste", "intituledeposte"], TITLE),
    # Outlook's "Title" is the courtesy title (Mr, Dr); it stands for the job title only in a
    # file that has no job-title column (see `_map_columns`).
    **dict.fromkeys(["title", "titre"], COURTESY),
    **dict.fromkeys(["notes", "note", "notizen", "remarques"], NOTES),
    **dict.fromkeys(
        ["groupmembership", "labels", "categories", "kategorien", "libelles", "etiquettes"], TAGS
    ),
    **dict.fromkeys(
        ["connectedon", "datedeconnexion", "connectele", "connecteele", "verbundenam"], CONNECTED
    ),
}
_EMAIL_KEY = re.compile(
    r"(?:primary|secondary|other)?"
    r"(?:e?mail|courriel|adresse(?:de)?(?:e?mail|courriel|messagerie))"
    r"\d*(?:address|adresse|value|valeur)?\d*"
)
_URL_KEY = re.compile(
    r"(?:personal|business|personnel|professionnel)?"
    r"(?:website|webpage|pageweb|siteweb|siteinternet|webseite|homepage|url|profileurl"
    r"|urldeprofil|urlduprofil)\d*(?:value|valeur)?"
)
_ORG_KEY = re.compile(r"organi[sz]ation\d*(?:name)?")
_TITLE_KEY = re.compile(r"organi[sz]ation\d*(?:job)?title")
_PHONE_WORDS = ("phone", "telefon", "mobil", "portable", "cellular")
_NOT_PHONE_WORDS = ("fax", "telecopie", "telex", "phonetic", "type", "label")

# What tells the exports apart in `sniff_csv`.
_LINKEDIN_URL_KEYS = {"url", "profileurl", "urldeprofil", "urlduprofil"}
_GOOGLE_KEY = re.compile(
    r"(?:email|phone|website|organization|address|relation|im|event|customfield)\d+"
    r"(?:value|type|label|name|title|formatted)"
)
_GOOGLE_KEYS = {
    "groupmembership", "labels", "givenname", "familyname", "additionalname", "nameprefix",
    "namesuffix", "organizationname", "organizationtitle", "fileas", "phoneticfirstname",
    "yominame",
}  # fmt: skip
_OUTLOOK_KEYS = {
    "emailaddress", "email2address", "email3address", "emaildisplayname", "businessphone",
    "homephone", "mobilephone", "primaryphone", "jobtitle", "webpage", "categories", "company",
    "department", "adressedemessagerie", "adressedemessagerie2", "prenom", "societe", "service",
    "telmobile", "telephonemobile", "fonction", "emailadresse", "vorname", "nachname", "firma",
    "mobiltelefon", "kategorien",
}  # fmt: skip
_MESSAGES_KEY = "conversationid"  # LinkedIn's messages.csv

_SCAN_LINES = 50  # the header is looked for among this many first lines
_DELIMITERS = (",", ";", "\t")
_MULTI = re.compile(r"\s*:::\s*")  # Google's separator of several values in one cell
_EMAIL_SPLIT = re.compile(r"\s*(?::::|[;,])\s*")
_TAG_SPLIT = re.compile(r"\s*(?::::|;)\s*")

_MONTHS: dict[str, int] = {
    **dict.fromkeys(["jan", "january", "janv", "janvier", "januar", "janner"], 1),
    **dict.fromkeys(["feb", "february", "fev", "fevr", "fevrier", "februar"], 2),
    **dict.fromkeys(["mar", "march", "mars", "marz", "mrz"], 3),
    **dict.fromkeys(["apr", "april", "avr", "avril"], 4),
    **dict.fromkeys(["may", "mai"], 5),
    **dict.fromkeys(["jun", "june", "juin", "juni"], 6),
    **dict.fromkeys(["jul", "july", "juil", "juillet", "juli"], 7),
    **dict.fromkeys(["aug", "august", "aou", "aout"], 8),
    **dict.fromkeys(["sep", "sept", "september", "septembre"], 9),
    **dict.fromkeys(["oct", "october", "octobre", "okt", "oktober"], 10),
    **dict.fromkeys(["nov", "november", "novembre"], 11),
    **dict.fromkeys(["dec", "december", "decembre", "dez", "dezember"], 12),
}
_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:er)?[\s\-./]+([a-z]+)\.?[\s\-./,]+(\d{2,4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{2,4})")
_NUMERIC_DAY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2,4})")

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class _Table:
    """A CSV file once its header is found: its lines, where the header is, how cells split."""

    lines: list[str]
    header_index: int  # 0-based index of the header in `lines`
    delimiter: str
    keys: list[str]  # the header's cells, folded to letters and digits
    roles: dict[str, list[int]]  # role → indexes of the columns that hold it


@dataclass
class _Text:
    """The decoded file, split into physical lines, and a notice when the encoding was a guess."""

    lines: list[str]
    notice: str


# Reading --------------------------------------------------------------------------------------


def parse_linkedin(data: bytes, *, name: str = "") -> Parsed:
    """Read LinkedIn's Connections.csv: one contact per connection, keyed by the profile address.

    The header is found by its column names (exports put a "Notes:" preamble first and some
    tools reorder columns); "Connected On" becomes an aware datetime at noon, local time.
    """
    parsed = Parsed(format="linkedin")
    text = _decode(data, name)
    _add_notice(parsed, text.notice)
    table = _find_table(text.lines)
    if table is None or not _is_linkedin(table):
        if _has_messages_header(text.lines):
            parsed.notices.append(
                _(
                    "%(name)s is a LinkedIn messages export, not the list of connections "
                    "(Connections.csv); nothing was read."
                )
                % {"name": _file_name(name)}
            )
        else:
            parsed.notices.append(
                _(
                    "%(name)s has no LinkedIn connections header (First Name, Last Name, URL, "
                    "Connected On…); nothing was read."
                )
                % {"name": _file_name(name)}
            )
        return parsed
    _read_rows(parsed, table, _linkedin_record)
    return parsed


def parse_google_csv(data: bytes, *, name: str = "") -> Parsed:
    """Read a Google Contacts CSV export, legacy ("Given Name", "E-mail 1 - Value") or current."""
    return _parse_address_book(data, name, "google")


def parse_outlook_csv(data: bytes, *, name: str = "") -> Parsed:
    """Read an Outlook CSV export, with English, French or German column names."""
    return _parse_address_book(data, name, "outlook")


def sniff_csv(data: bytes) -> str | None:
    """Tell which export a CSV file is, from its header: "linkedin", "google", "outlook" or None.

    A LinkedIn messages.csv answers "linkedin", so that `parse_linkedin` explains what it is.
    """
    lines = _decode(data, "").lines
    table = _find_table(lines)
    if table is None:
        return "linkedin" if _has_messages_header(lines) else None
    if _is_linkedin(table):
        return "linkedin"
    if any(key in _GOOGLE_KEYS or _GOOGLE_KEY.fullmatch(key) for key in table.keys):
        return "google"
    if any(key in _OUTLOOK_KEYS for key in table.keys):
        return "outlook"
    return None


def _parse_address_book(data: bytes, name: str, kind: str) -> Parsed:
    """Read a Google or Outlook export: both are a header and one contact per row."""
    parsed = Parsed(format=kind)
    text = _decode(data, name)
    _add_notice(parsed, text.notice)
    table = _find_table(text.lines)
    if table is None:
        if not any(line.strip() for line in text.lines):
            message = _("%(name)s is empty; nothing was read.")
        else:
            message = _(
                "%(name)s has no header with contact columns (name, e-mail, phone…); "
                "nothing was read."
            )
        parsed.notices.append(message % {"name": _file_name(name)})
        return parsed
    _read_rows(parsed, table, _address_book_record)
    return parsed


def _linkedin_record(table: _Table, ref: str, row: list[str]) -> ContactRecord | Skipped:
    """One connection from a row, or why it was skipped."""
    emails = _emails(row, table.roles)
    urls = _values(row, table.roles, URL)
    full_name = _person_name(row, table.roles)
    if not full_name:
        if not emails:
            return Skipped(ref, _("The line has no name."))
        full_name = emails[0]
    connected = _parse_day(_first(row, table.roles, CONNECTED))
    return ContactRecord(
        ref=ref,
        full_name=full_name,
        # The profile address is LinkedIn's only stable identifier; the folded name stands in.
        external_id=urls[0] if urls else f"name:{fold(full_name)}",
        emails=emails,
        urls=urls,
        organization=_first(row, table.roles, ORG),
        title=_first(row, table.roles, TITLE),
        connected_on=(
            dt.datetime.combine(connected, dt.time(12), tzinfo=timezone.get_default_timezone())
            if connected
            else None
        ),
    )


def _address_book_record(table: _Table, ref: str, row: list[str]) -> ContactRecord | Skipped:
    """One contact from a Google or Outlook row, or why it was skipped."""
    emails = _emails(row, table.roles)
    phones = _values(row, table.roles, PHONE)
    organization = _first(row, table.roles, ORG)
    full_name = _person_name(row, table.roles)
    if not (full_name or emails or phones):
        return Skipped(ref, _("The line has no name, e-mail address or phone number."))
    tags = _unique(
        re.sub(r"^\*\s*", "", tag)  # Google marks its own groups: "* My Contacts", "* starred"
        for cell in _cells(row, table.roles.get(TAGS, []))
        for tag in _TAG_SPLIT.split(cell)
    )
    return ContactRecord(
        ref=ref,
        full_name=full_name or (emails[0] if emails else organization or phones[0]),
        emails=emails,
        phones=phones,
        urls=_values(row, table.roles, URL),
        organization=organization,
        title=_first(row, table.roles, TITLE),
        notes=_first(row, table.roles, NOTES, split=False),
        tags=tags,
    )


def _read_rows(
    parsed: Parsed,
    table: _Table,
    build: Callable[[_Table, str, list[str]], ContactRecord | Skipped],
) -> None:
    """Build a contact from each row after the header, or say why a row was skipped."""
    for line, row, error in _rows(table):
        if not error and not any(cell.strip() for cell in row):
            continue  # a blank line is no record
        ref = _("line %(n)d") % {"n": line}
        problem = _row_problem(table, row, error)
        result = Skipped(ref, problem) if problem else build(table, ref, row)
        if isinstance(result, Skipped):
            parsed.skipped.append(result)
        else:
            parsed.contacts.append(result)


def _row_problem(table: _Table, row: list[str], error: str) -> str:
    """Why a row cannot be read as a record at all; empty when it can."""
    if error:
        return _("The line could not be read as CSV (%(error)s).") % {"error": error}
    if len(row) == 1 and len(table.keys) > 1:
        # A lone field where the header has several: a broken or stray line, not a contact.
        return _("Broken line: a single field where the header has %(count)d columns.") % {
            "count": len(table.keys)
        }
    return ""


def _person_name(row: list[str], roles: dict[str, list[int]]) -> str:
    """The full name if a column holds it, else the given, middle and family names joined."""
    full = _first(row, roles, FULL, split=False)
    if full:
        return full
    parts = (_first(row, roles, role, split=False) for role in (GIVEN, MIDDLE, FAMILY))
    return " ".join(part for part in parts if part)


def _emails(row: list[str], roles: dict[str, list[int]]) -> list[str]:
    """The row's e-mail addresses, split when a cell holds several, without duplicates.

    A value without "@" is left out: Outlook puts Exchange's internal address ("/o=...") in
    this column for colleagues of the same organisation.
    """
    found = []
    for cell in _cells(row, roles.get(EMAIL, [])):
        for value in _EMAIL_SPLIT.split(cell):
            value = re.sub(r"^mailto:", "", value.strip().strip("<>"), flags=re.IGNORECASE)
            if "@" in value:
                found.append(value)
    return _unique(found, key=str.casefold)


def _values(row: list[str], roles: dict[str, list[int]], role: str) -> list[str]:
    """Every value of a repeatable role (phones, web addresses), Google's " ::: " split."""
    return _unique(
        value for cell in _cells(row, roles.get(role, [])) for value in _MULTI.split(cell) if value
    )


def _first(row: list[str], roles: dict[str, list[int]], role: str, *, split: bool = True) -> str:
    """The first non-empty value of a role; of a multi-value cell, its first value."""
    for cell in _cells(row, roles.get(role, [])):
        return _MULTI.split(cell)[0] if split else cell
    return ""


def _cells(row: list[str], indexes: list[int]) -> list[str]:
    """The non-empty cells at these indexes, trimmed (a short row lacks its last cells)."""
    cells = (_clean(row[index]) for index in indexes if index < len(row))
    return [cell for cell in cells if cell]


def _clean(value: str) -> str:
    """A cell's text, trimmed and in composed Unicode (macOS tools write decomposed accents)."""
    return unicodedata.normalize("NFC", value).strip()


def _unique(values: Iterable[str], key: Callable[[str], str] = str.casefold) -> list[str]:
    """The values in order, without repeats (compared by `key`) and without empty ones."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and key(value) not in seen:
            seen.add(key(value))
            kept.append(value)
    return kept


def _parse_day(text: str) -> dt.date | None:
    """A calendar day from the shapes exports write: "12 Jan 2024", "2024-01-12", "1/12/24"…

    Numeric days with "/" are read month first (LinkedIn is American), with "." or "-" day
    first (European); either way a part above 12 settles the order.
    """
    text = fold(text).strip()
    if not text:
        return None
    if match := _ISO_DAY.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_MONTH_YEAR.match(text):
        day, month, year = int(match[1]), _month(match[2]), int(match[3])
    elif match := _MONTH_DAY_YEAR.match(text):
        month, day, year = _month(match[1]), int(match[2]), int(match[3])
    elif match := _NUMERIC_DAY.match(text):
        first, second, year = int(match[1]), int(match[3]), int(match[4])
        month_first = (match[2] == "/" and first <= 12) or second > 12
        month, day = (first, second) if month_first else (second, first)
    else:
        return None
    if year < 100:
        year += 2000
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(word: str) -> int:
    """A month's number from its name or abbreviation in English, French or German; 0 if none."""
    for candidate in (word, word[:4], word[:3]):
        if candidate in _MONTHS:
            return _MONTHS[candidate]
    return 0


# Finding the header ---------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> _Text:
    """The file's text split into physical lines, from its BOM, else UTF-8, else Windows-1252.

    Outlook often writes UTF-16, Excel saves French files in Windows-1252; Latin-1 is the last
    resort because it decodes anything.
    """
    data = bytes(data)
    notice = ""
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif utf16 := _utf16_without_bom(data):
        text = data.decode(utf16, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            notice = _(
                "%(name)s is not in UTF-8; it was read as Windows-1252 (Western European), "
                "check its accents."
            ) % {"name": _file_name(name)}
    text = text.lstrip("\ufeff")
    return _Text(io.StringIO(text, newline="").readlines(), notice)


def _utf16_without_bom(data: bytes) -> str:
    """The UTF-16 codec when NUL bytes fill every other byte of the start; empty if not UTF-16."""
    head = data[:400]
    if len(head) < 4:
        return ""
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if odd > len(head) * 0.4 and even == 0:
        return "utf-16-le"
    if even > len(head) * 0.4 and odd == 0:
        return "utf-16-be"
    return ""


def _find_table(lines: list[str]) -> _Table | None:
    """The header: of the first lines and delimiters, the split that names most known columns.

    It must name a person (a name, an e-mail or a phone column), so that LinkedIn's "Notes:"
    preamble is not taken for a header.
    """
    best: _Table | None = None
    best_score = 0
    for index, line in enumerate(lines[:_SCAN_LINES]):
        for delimiter in _DELIMITERS:
            if delimiter != "," and delimiter not in line:
                continue
            keys = [_key(cell) for cell in _split_line(line, delimiter)]
            roles = _map_columns(keys)
            score = sum(len(columns) for columns in roles.values())
            if score > best_score and _IDENTIFYING & roles.keys():
                best = _Table(lines, index, delimiter, keys, roles)
                best_score = score
    return best


def _has_messages_header(lines: list[str]) -> bool:
    """Whether one of the first lines is the header of a LinkedIn messages.csv."""
    return any(
        _MESSAGES_KEY in {_key(cell) for cell in _split_line(line, delimiter)}
        for line in lines[:_SCAN_LINES]
        for delimiter in _DELIMITERS
    )


def _is_linkedin(table: _Table) -> bool:
    """Whether the header is LinkedIn's: a connection date, or a profile "URL" beside names."""
    if CONNECTED in table.roles:
        return True
    named = bool({GIVEN, FAMILY, FULL} & table.roles.keys())
    return named and any(key in _LINKEDIN_URL_KEYS for key in table.keys)


def _split_line(line: str, delimiter: str) -> list[str]:
    """One line's cells; none when it is not valid CSV."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _key(cell: str) -> str:
    """A header cell reduced to what matters: "E-mail 2 Address" → "email2address"."""
    return re.sub(r"[^0-9a-z]", "", fold(cell))


def _map_columns(keys: list[str]) -> dict[str, list[int]]:
    """Each role and the indexes of the columns that hold it, in the header's order."""
    roles: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        role = _role(key)
        if role:
            roles.setdefault(role, []).append(index)
    courtesy = roles.pop(COURTESY, [])
    if courtesy and TITLE not in roles:
        roles[TITLE] = courtesy
    return roles


def _role(key: str) -> str:
    """The role of a header key, "" for a column the readers do not use."""
    if key in _EXACT_ROLES:
        return _EXACT_ROLES[key]
    if _EMAIL_KEY.fullmatch(key):
        return EMAIL
    if _URL_KEY.fullmatch(key):
        return URL
    if _TITLE_KEY.fullmatch(key):
        return TITLE
    if _ORG_KEY.fullmatch(key):
        return ORG
    if not any(word in key for word in _NOT_PHONE_WORDS) and (
        key.startswith("tel") or any(word in key for word in _PHONE_WORDS)
    ):
        return PHONE
    return ""


def _rows(table: _Table) -> Iterator[tuple[int, list[str], str]]:
    """Each row after the header with the physical line it starts on, or the CSV error met."""
    reader = csv.reader(table.lines[table.header_index + 1 :], delimiter=table.delimiter)
    first_line = table.header_index + 2  # the physical number of the line after the header
    while True:
        line = first_line + reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a field too large, for one
            yield line, [], str(error)
            continue
        yield line, row, ""


def _file_name(name: str) -> str:
    """The file's name for a message, or a stand-in when the caller gave none."""
    return name or _("This file")


def _add_notice(parsed: Parsed, notice: str) -> None:
    """Add a notice about the whole file, when there is one."""
    if notice:
        parsed.notices.append(notice)


# Writing --------------------------------------------------------------------------------------


def write_csv(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    """A CSV file that Excel opens cleanly: UTF-8 with a BOM, CRLF line ends, quoted as needed.

    Safe against formula injection (OWASP "CSV injection"): a cell whose first character, after
    any spaces, is "=", "+", "-", "@", a tab or a carriage return gets a single quote in front,
    so spreadsheets show it as text instead of running it. Phone numbers such as "+33 6…" and
    negative numbers are prefixed too; that is the accepted price of safety. Keys of a row that
    are not in `columns` are left out; a missing one gives an empty cell.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_neutralise(column) for column in columns])
    for row in rows:
        writer.writerow([_neutralise(row.get(column)) for column in columns])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8", errors="replace")


def _neutralise(value: object) -> str:
    """A cell's text, quote-prefixed when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(_FORMULA_STARTS):
        return "'" + text
    return text
