"""vCard in and out: a tolerant reader for what address books really write, a strict writer.

The reader works on bytes, line by line, rather than through `vobject`, because real files mix
charsets inside one file, fold in the middle of UTF-8 sequences and break the grammar in ways a
strict parser refuses. It follows RFC 6350 (4.0), RFC 2425/2426 (3.0) and the vCard 2.1
specification (versit, 1996), in these steps:

1. decode a UTF-16 file to UTF-8 (byte-order marks go, even at the start of a line);
2. split physical lines on any line ending (CRLF, LF, CR, and the CR CR LF of some iPhones);
3. join continuations into logical lines: folds (RFC 6350 §3.2), 2.1 quoted-printable soft
   breaks, unindented 2.1 base64, and 2.1 values continued after a trailing backslash;
4. gather logical lines into cards, nested cards (2.1 AGENT) included, recovering a card whose
   BEGIN:VCARD or END:VCARD is missing;
5. decode each value (quoted-printable, then its CHARSET, else UTF-8, else Windows-1252),
   unescape it, and map the card onto a `ContactRecord`.

The writer produces RFC 6350 vCard 4.0 that the reader re-imports unchanged.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from django.utils.translation import gettext as _

from entregent.io.records import ContactRecord, Parsed, Skipped

FORMAT = "vcard"

# Step 2: CR CR LF (iOS) and CR LF are one break each; a lone CR (old Mac files) is one too.
_LINE_BREAK = re.compile(rb"\r*\n|\r+")
# A line that starts a property, loosely (any case) and strictly (upper-case, as 2.1 writers do).
_PROPERTY_START = re.compile(rb"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+[;:]")
_UPPER_PROPERTY_START = re.compile(rb"(?:[A-Za-z0-9_-]+\.)?([A-Z][A-Z0-9-]*)[;:]")
_BASE64_LINE = re.compile(rb"[ \t]*[A-Za-z0-9+/]+=*[ \t]*")
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_SEPARATORS = {";": re.compile(r"\\.|;", re.DOTALL), ",": re.compile(r"\\.|,", re.DOTALL)}
_UNESCAPED = {"n": "\n", "N": "\n", ",": ",", ";": ";", ":": ":", "\\": "\\", '"': '"'}

# Properties a quoted-printable soft break must not swallow when a value wrongly ends in "=".
_KNOWN = frozenset(
    "ADR AGENT BDAY BEGIN CATEGORIES EMAIL END FN GEO IMPP KEY LABEL LANG LOGO N NICKNAME NOTE "
    "ORG PHOTO PRODID REV ROLE SOUND TEL TITLE TZ UID URL VERSION".split()
)
_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "JPG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
    "HEIC": "image/heic",
}
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
_PRODID = "-//entregent//vCard export//EN"
_NO_PREF = 101  # RFC 6350 PREF runs from 1 (most preferred) to 100


@dataclass
class _Property:
    """One content line: its group (`item1`), upper-case name, parameters and raw value."""

    group: str
    name: str
    params: dict[str, list[str]]
    value: bytes

    def param(self, key: str) -> str:
        """The first value of a parameter, upper-cased, or ""."""
        values = self.params.get(key)
        return values[0].upper() if values else ""


@dataclass
class _Card:
    """The properties between BEGIN:VCARD and END:VCARD, numbered in file order."""

    number: int
    props: list[_Property] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """Where the card is, for the import report."""
        return _("card %(n)d") % {"n": self.number}


# --- Reading -------------------------------------------------------------------------------


def parse_vcards(data: bytes, *, name: str = "") -> Parsed:
    """Read every card of a vCard file (2.1, 3.0 or 4.0); never raises on what the file holds.

    A card that cannot name anybody becomes a `Skipped`; a file with no readable card gives an
    empty `Parsed` with a notice saying why.
    """
    parsed = Parsed(format=FORMAT)
    where = name or _("this file")
    cards = 0
    try:
        text, transcoded = _to_utf8(data)
        cards = _read(text, transcoded, parsed)
    except Exception as exc:  # the contract: a broken file is reported, never raised
        parsed.notices.append(
            _("Reading %(name)s stopped early: %(error)s") % {"name": where, "error": repr(exc)}
        )
    if not parsed.contacts:
        if cards:
            parsed.notices.append(_("No card in %(name)s could be read.") % {"name": where})
        else:
            parsed.notices.append(
                _("No vCard found in %(name)s (no BEGIN:VCARD … END:VCARD block).")
                % {"name": where}
            )
    return parsed


def _to_utf8(data: bytes) -> tuple[bytes, bool]:
    """Step 1: the file as UTF-8 bytes, and whether it was transcoded from UTF-16."""
    encoding = ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif len(data) >= 2 and (data[0] == 0) != (data[1] == 0):
        # No BOM: "\0B\0E" is UTF-16BE, "B\0E\0" UTF-16LE; confirm on the first bytes.
        head = data[:64]
        zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
        if zeros_even > len(head) // 4 and zeros_odd * 4 < zeros_even:
            encoding = "utf-16-be"
        elif zeros_odd > len(head) // 4 and zeros_even * 4 < zeros_odd:
            encoding = "utf-16-le"
    if not encoding:
        return data, False
    text = data.decode(encoding, errors="replace").lstrip("\ufeff")
    return text.encode("utf-8", errors="replace"), True


def _logical_lines(data: bytes) -> list[bytes]:
    """Steps 2 and 3: physical lines joined into one bytes string per property."""
    out: list[bytes] = []
    parts: list[bytes] = []  # the logical line being built, joined once complete
    qp = b64 = False
    for line in _LINE_BREAK.split(data):
        if parts:
            last = parts[-1]
            if qp and last.endswith(b"=") and not _starts_known_property(line):
                # 2.1 quoted-printable soft break: the "=" goes, the next line follows as is;
                # an empty next line ends the value (Android writes one after a soft break).
                parts[-1] = last[:-1]
                parts.append(line)
                continue
            if line[:1] in (b" ", b"\t"):
                parts.append(line[1:])
                continue
            if b64 and b":" not in line and _BASE64_LINE.fullmatch(line):
                parts.append(line)  # 2.1 base64 written without indentation
                continue
            if _odd_backslashes(last) and line and not _PROPERTY_START.match(line):
                parts.append(b"n" + line)  # "\" + line break reads as an escaped newline
                continue
            out.append(b"".join(parts))
            parts = []
        if line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]  # files concatenated with their byte-order marks
        if not line.strip() or line.startswith(b"#"):
            continue  # blank lines between cards, and 2.1 "#" comments
        parts = [line]
        colon = line.find(b":")
        head = (line if colon < 0 else line[:colon]).upper()
        qp = b"QUOTED-PRINTABLE" in head
        b64 = b"BASE64" in head or b"ENCODING=B" in head
    if parts:
        out.append(b"".join(parts))
    return out


def _starts_known_property(line: bytes) -> bool:
    """Whether a line is surely a property of its own, not the rest of a soft-broken value."""
    match = _UPPER_PROPERTY_START.match(line)
    if not match:
        return False
    name = match.group(1).decode("ascii")
    return name in _KNOWN or name.startswith("X-")


def _odd_backslashes(value: bytes) -> bool:
    """Whether a value ends with an odd run of backslashes, i.e. an unfinished escape."""
    return (len(value) - len(value.rstrip(b"\\"))) % 2 == 1


def _parse_line(line: bytes) -> _Property | None:
    """Split a logical line into group, name, parameters and value; None when it is no property."""
    colon = line.find(b":")
    if colon < 0:
        return None
    if b'"' in line[:colon]:
        colon = _unquoted_colon(line, colon)
    head = line[:colon].decode("utf-8", errors="replace")
    name_part, _sep, param_part = head.partition(";")
    group, _dot, name = name_part.strip().rpartition(".")
    if not _NAME.fullmatch(name):
        return None
    params: dict[str, list[str]] = {}
    for param in _split_params(param_part) if param_part else ():
        key, equals, raw = param.partition("=")
        key = key.strip().upper()
        if not key:
            continue
        if not equals:  # 2.1 bare parameter: "EMAIL;PREF;INTERNET", "PHOTO;BASE64"
            raw, key = key, "ENCODING" if key in _ENCODINGS else "TYPE"
        values = [v.strip().strip('"') for v in raw.split(",")]
        params.setdefault(key, []).extend(v for v in values if v)
    return _Property(group, name.upper(), params, line[colon + 1 :])


def _unquoted_colon(line: bytes, fallback: int) -> int:
    """The first ":" outside double quotes (a 4.0 parameter value may hold one)."""
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return index
    return fallback


def _split_params(text: str) -> list[str]:
    """Parameters split on ";" outside double quotes (SORT-AS="a;b" is one parameter)."""
    if '"' not in text:
        return text.split(";")
    parts: list[str] = []
    start, quoted = 0, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _read(data: bytes, transcoded: bool, parsed: Parsed) -> int:
    """Step 4: gather properties into cards and turn each into a record; return the card count."""
    stack: list[_Card] = []  # open cards, innermost last
    orphans: list[_Property] = []  # properties outside any card, kept in case END:VCARD comes
    skipping = ""  # inside a card, the kind of a foreign BEGIN block being passed over
    count = 0
    for line in _logical_lines(data):
        prop = _parse_line(line)
        if prop is None:
            continue
        kind = prop.value.strip().upper() if prop.name in ("BEGIN", "END") else b""
        if skipping:
            if prop.name == "END" and kind in (skipping.encode(), b"VCARD"):
                skipping = ""
                if kind != b"VCARD":
                    continue
            else:
                continue
        if prop.name == "BEGIN" and kind == b"VCARD":
            count += 1
            stack.append(_Card(count))
            orphans = []
        elif prop.name == "END" and kind == b"VCARD":
            if stack:
                _finish(stack.pop(), transcoded, parsed)
            elif orphans:
                count += 1
                card = _Card(count, orphans)
                parsed.notices.append(
                    _("No BEGIN:VCARD line before %(ref)s; it was read anyway.") % {"ref": card.ref}
                )
                _finish(card, transcoded, parsed)
                orphans = []
        elif prop.name in ("BEGIN", "END"):
            if not stack:
                orphans = []  # a foreign block (a SOGo VLIST) outside cards: dropped
            elif prop.name == "BEGIN" and kind:
                skipping = kind.decode("utf-8", errors="replace")
        elif stack:
            stack[-1].props.append(prop)
        else:
            orphans.append(prop)
    if len(stack) == 1:
        parsed.notices.append(
            _("No END:VCARD line after %(ref)s; it was read up to the end of the file.")
            % {"ref": stack[0].ref}
        )
    elif stack:  # one notice, not one per card: a file may lack every END:VCARD
        parsed.notices.append(
            _(
                "%(count)s cards, from %(ref)s on, have no END:VCARD line; each was read up to "
                "the next card or the end of the file."
            )
            % {"count": len(stack), "ref": stack[0].ref}
        )
    while stack:
        _finish(stack.pop(), transcoded, parsed)
    return count


def _finish(card: _Card, transcoded: bool, parsed: Parsed) -> None:
    """Turn a card into a record or a skip; a card that breaks the reader is skipped alone."""
    try:
        result = _record(card, transcoded, parsed.notices)
    except Exception as exc:  # one odd card must not cost the rest of the file
        result = Skipped(
            card.ref, _("this card could not be read (%(error)s)") % {"error": repr(exc)}
        )
    if isinstance(result, Skipped):
        parsed.skipped.append(result)
    else:
        parsed.contacts.append(result)


def _record(card: _Card, transcoded: bool, notices: list[str]) -> ContactRecord | Skipped:
    """Step 5: map a card's properties onto a ContactRecord."""
    by_name: dict[str, list[_Property]] = {}
    for prop in card.props:
        by_name.setdefault(prop.name, []).append(prop)

    def texts(*names: str) -> list[str]:
        """Every value of these properties, as plain text, in file order."""
        return [_unescape(_text(p, transcoded)).strip() for n in names for p in by_name.get(n, [])]

    def ranked(name: str) -> list[str]:
        """The non-empty values of a property, most preferred first."""
        props = sorted(by_name.get(name, []), key=_rank)  # stable: file order among equals
        values = (_unescape(_text(p, transcoded)).strip() for p in props)
        return [v for v in values if v]

    emails, phones = ranked("EMAIL"), ranked("TEL")
    urls = [u for u in texts("URL") if u]
    urls += [
        u for u in texts("X-SOCIALPROFILE", "IMPP") if u.lower().startswith(("http:", "https:"))
    ]
    organization = _first(_components(p, transcoded)[0] for p in by_name.get("ORG", []))
    nickname = _first(
        _first(_unescape(v).strip() for v in _split(_text(p, transcoded), ","))
        for p in by_name.get("NICKNAME", [])
    )
    full_name = (
        _first(texts("FN"))
        or _first(_name_from_n(_components(p, transcoded)) for p in by_name.get("N", []))
        or nickname
        or organization
        or _first(emails)
        or _first(phones)
    )
    if not full_name:
        return Skipped(
            card.ref, _("no name, nickname, organisation, email or phone to know this person by")
        )
    tags = [
        tag
        for p in by_name.get("CATEGORIES", [])
        for tag in (_unescape(v).strip() for v in _split(_text(p, transcoded), ","))
        if tag
    ]
    photo, photo_type, broken = _photo(by_name.get("PHOTO", []))
    if broken and photo is None:
        notices.append(
            _("The photo of %(ref)s could not be decoded and was left out.") % {"ref": card.ref}
        )
    return ContactRecord(
        ref=card.ref,
        full_name=full_name,
        external_id=_first(texts("UID")),
        emails=emails,
        phones=phones,
        urls=urls,
        organization=organization,
        title=_first(texts("TITLE")) or _first(texts("ROLE")),
        notes="\n".join(n for n in texts("NOTE") if n),
        tags=tags,
        language=_language(by_name.get("LANG", []), transcoded),
        photo=photo,
        photo_type=photo_type,
    )


def _first(values: Iterable[str]) -> str:
    """The first non-empty string, or ""."""
    return next((v for v in values if v), "")


def _rank(prop: _Property) -> int:
    """How preferred a value is: PREF=n (4.0), a PREF type (2.1, 3.0), else last."""
    pref = prop.param("PREF")
    if pref:
        return max(1, min(100, int(pref[:3]))) if pref.isdecimal() else 1
    return 1 if any(t.upper() == "PREF" for t in prop.params.get("TYPE", ())) else _NO_PREF


def _text(prop: _Property, transcoded: bool) -> str:
    """A value as text: quoted-printable undone, charset decoded, line endings made "\\n"."""
    raw = prop.value
    if prop.param("ENCODING") == "QUOTED-PRINTABLE":
        raw = binascii.a2b_qp(raw)
    text = _decode(raw, "" if transcoded else prop.param("CHARSET"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decode(raw: bytes, charset: str) -> str:
    """Bytes as text in the declared charset, else UTF-8, else Windows-1252.

    Writers lie about charsets (ThunderSync declares UTF-8 and writes Latin-1), so a declared
    charset that fails falls back too; mostly-valid UTF-8 keeps its one bad byte as U+FFFD.
    """
    if raw.isascii():
        return raw.decode("ascii")
    if charset and charset.replace("_", "-") not in ("UTF-8", "UTF8"):
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        loose = raw.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    if sum(1 for char in loose if char > "\x7f") - bad > bad:
        return loose
    return raw.decode("cp1252", errors="replace")


def _split(text: str, separator: str) -> list[str]:
    """A value split on a separator that is not escaped by a backslash (still escaped)."""
    if "\\" not in text:
        return text.split(separator)
    parts: list[str] = []
    start = 0
    for match in _SEPARATORS[separator].finditer(text):
        if match.group() == separator:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _unescape(text: str) -> str:
    """Backslash escapes undone (\\n, \\, \\; \\: \\\\); an unknown escape is kept as written."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group()), text)


def _components(prop: _Property, transcoded: bool) -> list[str]:
    """A structured value (N, ORG) as its unescaped, stripped components."""
    return [_unescape(part).strip() for part in _split(_text(prop, transcoded), ";")]


def _name_from_n(parts: list[str]) -> str:
    """A display name from N (family;given;additional;prefix;suffix), in Western order."""
    parts = [*parts, "", "", "", "", ""][:5]
    family, given, additional, prefix, suffix = parts
    return " ".join(p for p in (prefix, given, additional, family, suffix) if p)


def _language(props: list[_Property], transcoded: bool) -> str:
    """The most preferred LANG that entregent speaks ("fr" or "en"), else ""."""
    for prop in sorted(props, key=_rank):
        tag = _unescape(_text(prop, transcoded)).strip().lower()
        primary = tag.replace("_", "-").split("-")[0]
        if primary in ("fr", "en"):
            return primary
    return ""


def _photo(props: list[_Property]) -> tuple[bytes | None, str, bool]:
    """The first PHOTO that decodes, its MIME type, and whether one failed to decode.

    Accepts 2.1 ENCODING=BASE64, 3.0 ENCODING=b and 4.0 data: URIs (even with an escaped
    comma, or behind ENCODING=b); a photo given by address (http:) is not fetched. The type
    is the declared one (data: URI, then MEDIATYPE or TYPE), else what the bytes begin with.
    """
    broken = False
    for prop in props:
        value = _unescape(prop.value.decode("ascii", errors="replace")).strip()
        declared = ""
        if value[:5].lower() == "data:":
            header, _comma, payload = value[5:].partition(",")
            meta = header.split(";")
            declared = meta[0].strip().lower()
            if "base64" in (m.strip().lower() for m in meta[1:]):
                data = _b64(payload)
            else:
                data = unquote_to_bytes(payload)  # RFC 2397: percent-encoded octets
        elif prop.param("ENCODING") in ("B", "BASE64"):
            data = _b64(value)
        else:
            continue  # an address (VALUE=uri): nothing to decode here
        if not data:
            broken = True
            continue
        if not _MIME.fullmatch(declared):
            declared = _declared_type(prop)
        sniffed = next((mime for sig, mime in _SIGNATURES if data.startswith(sig)), "")
        return data, declared or sniffed, broken
    return None, "", broken


def _declared_type(prop: _Property) -> str:
    """The MIME type a PHOTO's parameters give ("JPEG", "image/png"), or "" ("WORK" is none)."""
    for candidate in [*prop.params.get("MEDIATYPE", ()), *prop.params.get("TYPE", ())]:
        mime = _IMAGE_TYPES.get(candidate.upper()) or candidate.lower()
        if _MIME.fullmatch(mime):
            return mime
    return ""


def _b64(text: str) -> bytes:
    """Base64 decoded strictly (folding whitespace aside), padding restored; b"" when invalid."""
    compact = "".join(text.split())
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return b""


# --- Writing -------------------------------------------------------------------------------


def write_vcards(records: list[ContactRecord]) -> bytes:
    """Records as RFC 6350 vCard 4.0, one card each, that `parse_vcards` reads back unchanged.

    Lines end in CRLF and fold at 75 octets without splitting a UTF-8 character; text values
    escape backslash, comma, semicolon and newline (a CR counts as a newline).
    """
    return b"".join(_write_card(record) for record in records)


def _write_card(record: ContactRecord) -> bytes:
    """One record as the folded lines of one card."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{_PRODID}"]
    lines.append("FN:" + _escape(record.full_name.strip()))
    lines.append("N:" + _n_value(record.full_name))
    if record.external_id.strip():
        lines.append("UID:" + _escape(record.external_id.strip()))
    lines += ["EMAIL:" + _escape(v.strip()) for v in record.emails if v.strip()]
    lines += ["TEL:" + _escape(v.strip()) for v in record.phones if v.strip()]
    lines += ["URL:" + _escape_uri(v.strip()) for v in record.urls if v.strip()]
    for key, value in (
        ("ORG", record.organization),
        ("TITLE", record.title),
        ("NOTE", record.notes),
    ):
        if value.strip():
            lines.append(f"{key}:{_escape(value.strip())}")
    tags = [_escape(t.strip()) for t in record.tags if t.strip()]
    if tags:
        lines.append("CATEGORIES:" + ",".join(tags))
    if record.language.strip():
        lines.append("LANG:" + _escape(record.language.strip()))
    if record.photo:
        lines.append("PHOTO:" + _data_uri(record.photo, record.photo_type))
    lines.append("END:VCARD")
    return b"".join(_fold(line) for line in lines)


def _escape(text: str) -> str:
    """A text value escaped for vCard 4.0 (RFC 6350 §3.4)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _escape_uri(text: str) -> str:
    """A URI value: commas and semicolons belong to the URI; only what breaks a line is escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace("\n", "\\n")


# Lower-case words that open a family name ("Le Bihan", "de La Fontaine", "van der Berg").
_PARTICLES = frozenset(
    "le la les de du des d' l' van von der den ter ten da di del della dos das st saint mac".split()
)


def _n_value(full_name: str) -> str:
    """N guessed from the full name: the last word and the particles before it as family name
    ("Éloïse Le Bihan" → Le Bihan; Éloïse), the rest as given names."""
    words = full_name.split()
    if len(words) < 2:
        return f";{_escape(' '.join(words))};;;"
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    family, given = " ".join(words[start:]), " ".join(words[:start])
    return f"{_escape(family)};{_escape(given)};;;"


def _data_uri(photo: bytes, photo_type: str) -> str:
    """A photo as a data: URI; an unusable MIME type is replaced by what the bytes say."""
    mime = photo_type.strip().lower()
    if not _MIME.fullmatch(mime):
        mime = next((m for sig, m in _SIGNATURES if photo.startswith(sig)), "")
        mime = mime or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(photo).decode('ascii')}"


def _fold(line: str) -> bytes:
    """A content line folded at 75 octets (RFC 6350 §3.2), never inside a UTF-8 sequence."""
    raw = line.encode("utf-8", errors="replace")
    if len(raw) <= 75:
        return raw + b"\r\n"
    chunks: list[bytes] = []
    start, limit = 0, 75
    while len(raw) - start > limit:
        end = start + limit
        while raw[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        chunks.append(raw[start:end])
        start, limit = end, 74  # the leading space of a continuation line counts
    chunks.append(raw[start:])
    return b"\r\n ".join(chunks) + b"\r\n"
