"""CSV exports: LinkedIn connections, Google and Outlook address books, and the safe writer."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entregent.io.csvfiles import (
    parse_google_csv,
    parse_linkedin,
    parse_outlook_csv,
    sniff_csv,
    write_csv,
)
from entregent.io.records import ContactRecord, Parsed
from tests.conftest import REALDATA, realdata_dir

PARSERS = [parse_linkedin, parse_google_csv, parse_outlook_csv]
REAL_FOLDERS = ["linkedin", "google-csv", "outlook-csv"]


def _noon(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=timezone.get_default_timezone())


def _by_name(parsed: Parsed) -> dict[str, ContactRecord]:
    return {contact.full_name: contact for contact in parsed.contacts}


def _expected_vcard(path: Path) -> dict[str, list[str]]:
    """The values of an *.expected.vcf, by property name (parameters dropped)."""
    values: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        prop, _sep, value = line.partition(":")
        values.setdefault(prop.split(";")[0], []).append(value)
    return values


def _real(folder: str, name: str) -> bytes:
    return (realdata_dir(folder) / name).read_bytes()


# Real samples ---------------------------------------------------------------------------------


@pytest.mark.realdata
def test_it_reads_every_real_sample_without_an_exception() -> None:
    files = [path for folder in REAL_FOLDERS for path in realdata_dir(folder).glob("*.csv")]
    assert len(files) == 7
    for path in files:
        for parse in PARSERS:
            parsed = parse(path.read_bytes(), name=path.name)
            assert isinstance(parsed, Parsed)
        assert sniff_csv(path.read_bytes()) in {"linkedin", "google", "outlook"}


@pytest.mark.realdata
def test_it_reads_linkedin_connections_after_a_bom_and_a_preamble() -> None:
    parsed = parse_linkedin(_real("linkedin", "kawsay__Connections.csv"), name="Connections.csv")
    assert parsed.format == "linkedin"
    assert (parsed.skipped, parsed.notices) == ([], [])
    jose, aesop = parsed.contacts
    assert jose.full_name == "José García"
    assert jose.emails == []
    assert (jose.organization, jose.title) == ("Acme, Inc.", "Senior Engineer")
    assert jose.urls == ["https://www.linkedin.com/in/josegarcia"]
    assert jose.external_id == "https://www.linkedin.com/in/josegarcia"
    assert jose.connected_on == _noon(2024, 1, 15)
    assert jose.ref == "line 5"
    assert aesop.full_name == "Æsop Fontaine"
    assert aesop.emails == ["aesop@example.com"]
    assert (aesop.organization, aesop.title) == ("Globex", "Director, Operations")
    assert aesop.connected_on == _noon(2024, 2, 3)
    assert aesop.ref == "line 6"


@pytest.mark.realdata
def test_it_reads_ten_linkedin_connections_without_emails() -> None:
    parsed = parse_linkedin(_real("linkedin", "hirefrank__Connections.csv"))
    assert len(parsed.contacts) == 10
    assert not any(contact.emails for contact in parsed.contacts)
    people = _by_name(parsed)
    assert people["Eve Kim"].organization == "Stripe Inc"
    assert people["Jane Doe"].organization == "Stripe"
    assert people["Grace Zhao"].connected_on == _noon(2024, 10, 10)
    assert people["Ada Lovelace"].ref == "line 5"
    assert all(contact.connected_on.tzinfo is not None for contact in parsed.contacts)


@pytest.mark.realdata
def test_it_finds_linkedin_columns_by_name_not_position() -> None:
    parsed = parse_linkedin(_real("linkedin", "labeldekho__Connections.csv"))
    assert len(parsed.contacts) == 10
    assert sum(1 for contact in parsed.contacts if contact.emails) == 7
    alice = _by_name(parsed)["Alice Johnson"]
    assert alice.emails == ["alice.johnson@techcorp.com"]
    assert alice.external_id == "https://linkedin.com/in/alicejohnson"
    assert (alice.organization, alice.title) == ("TechCorp", "CTO")
    assert alice.connected_on == _noon(2023, 1, 15)
    assert alice.ref == "line 6"


@pytest.mark.realdata
@pytest.mark.parametrize("file", ["kawsay__messages.csv", "labeldekho__Messages.csv"])
def test_it_explains_that_linkedin_messages_are_not_connections(file: str) -> None:
    data = _real("linkedin", file)
    parsed = parse_linkedin(data, name=file)
    assert not parsed.read_anything
    assert parsed.skipped == []
    assert len(parsed.notices) == 1
    assert file in parsed.notices[0]
    assert "messages" in parsed.notices[0]
    assert sniff_csv(data) == "linkedin"


@pytest.mark.realdata
def test_it_reads_the_legacy_google_export_as_its_expected_vcard_says() -> None:
    folder = realdata_dir("google-csv")
    parsed = parse_google_csv((folder / "roundcube__gmail.csv").read_bytes())
    expected = _expected_vcard(folder / "roundcube__gmail.expected.vcf")
    assert parsed.format == "google"
    (contact,) = parsed.contacts
    assert contact.full_name == expected["FN"][0] == "Prefix Firstname Middle Lastname Suffix"
    assert contact.emails == expected["EMAIL"]
    assert contact.phones == expected["TEL"]
    assert contact.urls == expected["URL"]
    assert [contact.organization] == expected["ORG"]
    assert [contact.title] == expected["TITLE"]
    assert [contact.notes] == expected["NOTE"] == ['note"note']
    assert contact.tags == expected["CATEGORIES"][0].split(",") == ["My Contacts", "Test"]
    assert (contact.external_id, contact.ref) == ("", "line 2")


@pytest.mark.realdata
def test_it_names_a_nameless_outlook_row_after_its_first_email() -> None:
    folder = realdata_dir("outlook-csv")
    parsed = parse_outlook_csv((folder / "roundcube__outlook.csv").read_bytes())
    expected = _expected_vcard(folder / "roundcube__outlook.expected.vcf")
    assert parsed.format == "outlook"
    (contact,) = parsed.contacts
    assert [contact.full_name] == expected["FN"] == ["test1@domain.tld"]
    assert contact.emails == expected["EMAIL"]
    assert len(contact.emails) == 3


@pytest.mark.realdata
def test_it_sniffs_the_real_samples() -> None:
    assert sniff_csv(_real("linkedin", "hirefrank__Connections.csv")) == "linkedin"
    assert sniff_csv(_real("linkedin", "labeldekho__Connections.csv")) == "linkedin"
    assert sniff_csv(_real("google-csv", "roundcube__gmail.csv")) == "google"
    assert sniff_csv(_real("outlook-csv", "roundcube__outlook.csv")) == "outlook"


# LinkedIn, hand-written -----------------------------------------------------------------------

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def _linkedin(*rows: str, header: str = LINKEDIN_HEADER) -> bytes:
    return ('Notes:\n"Some text, with a comma"\n\n' + "\n".join([header, *rows]) + "\n").encode()


def test_it_reads_a_linkedin_file_with_bom_preamble_and_crlf() -> None:
    text = '\ufeffNotes:\r\n"When exporting…"\r\n\r\n' + LINKEDIN_HEADER + "\r\n"
    text += 'Zoé,Martin,https://www.linkedin.com/in/zoe,zoe@ex.fr,"Acme, SA",CEO,12 Jan 2024\r\n'
    (zoe,) = parse_linkedin(text.encode()).contacts
    assert zoe.full_name == "Zoé Martin"
    assert zoe.organization == "Acme, SA"
    assert zoe.connected_on == _noon(2024, 1, 12)
    assert zoe.ref == "line 5"


def test_it_reads_french_linkedin_headers_and_dates() -> None:
    header = "Prénom,Nom,URL,Adresse e-mail,Entreprise,Poste,Date de connexion"
    data = _linkedin(
        "Léa,Roux,https://www.linkedin.com/in/lea,,Orange,DRH,3 févr. 2023", header=header
    )
    (lea,) = parse_linkedin(data).contacts
    assert (lea.full_name, lea.organization, lea.title) == ("Léa Roux", "Orange", "DRH")
    assert lea.connected_on == _noon(2023, 2, 3)


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("12 Jan 2024", (2024, 1, 12)),
        ("01 Sep 2023", (2023, 9, 1)),
        ("2024-01-12", (2024, 1, 12)),
        ("2024-01-12 09:30:00 UTC", (2024, 1, 12)),
        ("Jan 12, 2024", (2024, 1, 12)),
        ("January 12 2024", (2024, 1, 12)),
        ("12-Jan-24", (2024, 1, 12)),
        ("1er juillet 2022", (2022, 7, 1)),
        ("12 juin 2022", (2022, 6, 12)),
        ("1/12/2024", (2024, 1, 12)),
        ("25/12/2024", (2024, 12, 25)),
        ("12.01.2024", (2024, 1, 12)),
        ("3. März 2021", (2021, 3, 3)),
    ],
)
def test_it_reads_connection_dates_in_many_shapes(written: str, day: tuple[int, int, int]) -> None:
    (contact,) = parse_linkedin(_linkedin(f'Ann,Lee,https://l.in/ann,,X,Y,"{written}"')).contacts
    assert contact.connected_on == _noon(*day)


@pytest.mark.parametrize("written", ["", "yesterday", "31 Feb 2024", "13/13/2024", "12 Foo 2024"])
def test_it_keeps_a_connection_whose_date_is_unreadable(written: str) -> None:
    (contact,) = parse_linkedin(_linkedin(f'Ann,Lee,https://l.in/ann,,X,Y,"{written}"')).contacts
    assert contact.full_name == "Ann Lee"
    assert contact.connected_on is None


def test_it_keys_a_connection_without_profile_address_by_its_name() -> None:
    first = parse_linkedin(_linkedin("Ann,Lée,,,X,Y,12 Jan 2024")).contacts[0]
    again = parse_linkedin(_linkedin("ANN, LEE ,,,Z,W,13 Jan 2024")).contacts[0]
    assert first.urls == []
    assert first.external_id == again.external_id == "name:ann lee"


def test_it_reads_linkedin_files_with_missing_columns() -> None:
    data = _linkedin("Ann,Lee,https://l.in/ann", header="First Name,Last Name,URL")
    (ann,) = parse_linkedin(data).contacts
    assert (ann.full_name, ann.external_id, ann.connected_on) == (
        "Ann Lee",
        "https://l.in/ann",
        None,
    )


def test_it_skips_nameless_and_broken_linkedin_lines() -> None:
    data = _linkedin(
        ",,https://l.in/ghost,,X,Y,12 Jan 2024",
        ",,https://l.in/mail,ann@ex.com,X,Y,12 Jan 2024",
        "",
        "BADROW",
        "Bob,Ray,https://l.in/bob,,X,Y,12 Jan 2024",
    )
    parsed = parse_linkedin(data)
    assert [c.full_name for c in parsed.contacts] == ["ann@ex.com", "Bob Ray"]
    assert [c.ref for c in parsed.contacts] == ["line 6", "line 9"]
    assert [s.ref for s in parsed.skipped] == ["line 5", "line 8"]
    assert all(s.reason for s in parsed.skipped)


def test_it_says_when_a_file_is_not_linkedin_connections() -> None:
    parsed = parse_linkedin(b"Name,E-mail 1 - Value\nAnn,ann@ex.com\n", name="google.csv")
    assert not parsed.read_anything
    assert "google.csv" in parsed.notices[0]
    assert parse_linkedin(b"").notices


# Google and Outlook, hand-written -------------------------------------------------------------


def test_it_reads_the_current_google_export_with_labels_and_multi_value_cells() -> None:
    header = (
        "First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Organization Name,"
        "Organization Title,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,"
        "Phone 1 - Value,Website 1 - Label,Website 1 - Value"
    )
    row = (
        'Ann,Marie,Lee,AN,Dr,Acme ::: Beta,CTO,"Met at PyCon,\nliked it",* myContacts ::: Friends,'
        "* Home ::: Work,ann@ex.com ::: ann@work.com ::: ANN@ex.com,Mobile,+33 6 12 ::: 01 02,"
        ",https://ann.dev"
    )
    data = "\n".join([header, row, "Bob,,Ray,,,,,,,,bob@ex.com,,,,"]).encode()
    parsed = parse_google_csv(data)
    ann, bob = parsed.contacts
    assert ann.full_name == "Ann Marie Lee"
    assert ann.emails == ["ann@ex.com", "ann@work.com"]
    assert ann.phones == ["+33 6 12", "01 02"]
    assert ann.urls == ["https://ann.dev"]
    assert (ann.organization, ann.title) == ("Acme", "CTO")
    assert ann.notes == "Met at PyCon,\nliked it"
    assert ann.tags == ["myContacts", "Friends"]
    assert (ann.ref, bob.ref) == ("line 2", "line 4")  # Ann's notes take two lines
    assert sniff_csv(data) == "google"


OUTLOOK_EN = (
    "First Name,Middle Name,Last Name,Title,Suffix,Web Page,Notes,E-mail Address,E-mail Type,"
    "E-mail Display Name,E-mail 2 Address,Primary Phone,Home Phone,Mobile Phone,Pager,Home Fax,"
    "Business Phone,Company,Job Title,Department,Categories"
)


def test_it_reads_an_english_outlook_export() -> None:
    row = (
        "John,,Smith,Mr.,,www.js.com,Old friend,john@ex.com,SMTP,John Smith (john@ex.com),"
        "/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=js,,+44 20 1,+44 7 1,555,666,+44 20 2,"
        "Acme Ltd,Buyer,Sales,Business;VIP"
    )
    data = f"{OUTLOOK_EN}\r\n{row}\r\n".encode()
    (john,) = parse_outlook_csv(data).contacts
    assert john.full_name == "John Smith"
    assert john.emails == ["john@ex.com"]  # not the Exchange address, not the display name
    assert john.phones == ["+44 20 1", "+44 7 1", "+44 20 2"]  # no pager, no fax
    assert (john.organization, john.title) == ("Acme Ltd", "Buyer")  # "Title" is "Mr."
    assert (john.urls, john.notes, john.tags) == (["www.js.com"], "Old friend", ["Business", "VIP"])
    assert sniff_csv(data) == "outlook"


def test_it_reads_a_utf16_tab_separated_outlook_export() -> None:
    text = f"{OUTLOOK_EN}\r\nJérôme,,Dupré,,,,,jd@ex.fr,,,,,,,,,,Société X,Chef,,\r\n"
    tabbed = text.replace(",", "\t")
    for data in (
        tabbed.encode("utf-16"),
        codecs.BOM_UTF16_BE + tabbed.encode("utf-16-be"),
        tabbed.encode("utf-16-le"),  # without a BOM
    ):
        parsed = parse_outlook_csv(data)
        (jerome,) = parsed.contacts
        assert (jerome.full_name, jerome.organization) == ("Jérôme Dupré", "Société X")
        assert parsed.notices == []
        assert sniff_csv(data) == "outlook"


FRENCH_OUTLOOK = (
    "Titre;Prénom;Deuxième prénom;Nom;Suffixe;Société;Service;Fonction;Télécopie (bureau);"
    "Téléphone (bureau);Téléphone société;Tél. mobile;Adresse de messagerie;Type de messagerie;"
    "Nom complet de l'adresse de messagerie;Adresse de messagerie 2;Catégories;Notes;Page Web"
)


def test_it_reads_a_french_outlook_export_in_windows_1252_with_semicolons() -> None:
    row = (
        "Mme;Hélène;;Lefèvre;;Crédit Mutuel;RH;Directrice;01 00;01 11;01 22;06 33;"
        "helene@cm.fr;SMTP;Hélène Lefèvre;h.lefevre@perso.fr;Clients;Vue au salon;cm.fr"
    )
    data = f"{FRENCH_OUTLOOK}\r\n{row}\r\n".encode("cp1252")
    parsed = parse_outlook_csv(data, name="contacts.csv")
    (helene,) = parsed.contacts
    assert helene.full_name == "Hélène Lefèvre"
    assert (helene.organization, helene.title) == ("Crédit Mutuel", "Directrice")
    assert helene.emails == ["helene@cm.fr", "h.lefevre@perso.fr"]
    assert helene.phones == ["01 11", "01 22", "06 33"]
    assert (helene.tags, helene.notes, helene.urls) == (["Clients"], "Vue au salon", ["cm.fr"])
    assert len(parsed.notices) == 1
    assert "contacts.csv" in parsed.notices[0]
    assert sniff_csv(data) == "outlook"


def test_it_takes_the_french_titre_for_the_job_when_there_is_no_other() -> None:
    data = "Prénom;Nom;Adresse de messagerie;Société;Titre\nLuc;Roy;luc@ex.fr;SNCF;Chef\n"
    (luc,) = parse_outlook_csv(data.encode()).contacts
    assert (luc.full_name, luc.organization, luc.title) == ("Luc Roy", "SNCF", "Chef")


def test_it_reads_a_german_outlook_export() -> None:
    header = (
        "Anrede,Vorname,Weitere Vornamen,Nachname,Firma,Abteilung,Position,Fax geschäftlich,"
        "Telefon geschäftlich,Mobiltelefon,E-Mail-Adresse,E-Mail-Typ,E-Mail: Angezeigter Name,"
        "E-Mail 2: Adresse,Kategorien,Notizen,Webseite"
    )
    row = (
        "Herr,Jürgen,,Groß,Müller AG,IT,Leiter,0 1,0 2,0 3,jg@m.de,SMTP,Jürgen,j@g.de,Kunde,Hi,m.de"
    )
    (jurgen,) = parse_outlook_csv(f"{header}\n{row}\n".encode("utf-8-sig")).contacts
    assert (jurgen.full_name, jurgen.organization, jurgen.title) == (
        "Jürgen Groß",
        "Müller AG",
        "Leiter",
    )
    assert jurgen.phones == ["0 2", "0 3"]
    assert jurgen.emails == ["jg@m.de", "j@g.de"]
    assert (jurgen.tags, jurgen.notes, jurgen.urls) == (["Kunde"], "Hi", ["m.de"])


def test_it_names_nameless_rows_or_skips_them_with_a_reason() -> None:
    data = (
        b"First Name,Last Name,E-mail Address,Mobile Phone,Company\n"
        b",,ann@ex.com,,\n"
        b",,,+33 6 1,Acme\n"
        b",,,+33 6 2,\n"
        b",,,,Lonely Corp\n"
        b",,,,\n"
        b"\n"
    )
    parsed = parse_outlook_csv(data)
    assert [c.full_name for c in parsed.contacts] == ["ann@ex.com", "Acme", "+33 6 2"]
    assert [c.external_id for c in parsed.contacts] == ["", "", ""]
    (skipped,) = parsed.skipped
    assert skipped.ref == "line 5"
    assert "name" in skipped.reason


def test_it_says_when_there_is_no_contact_header() -> None:
    for data in (b"", b"\n\n", b"a,b,c\n1,2,3\n", b"\x00\xff\xfe garbage"):
        for parse in (parse_google_csv, parse_outlook_csv):
            parsed = parse(data, name="x.csv")
            assert not parsed.read_anything
            assert parsed.notices
        assert sniff_csv(data) is None


def test_it_skips_a_line_the_csv_reader_refuses() -> None:
    data = (
        b'Name,E-mail 1 - Value\nAnn,ann@ex.com\n"'
        + b"x" * 200_000
        + b'",big@ex.com\nBob,bob@ex.com\n'
    )
    parsed = parse_google_csv(data)
    assert parsed.contacts[0].full_name == "Ann"
    assert parsed.skipped
    assert parsed.skipped[0].ref == "line 3"


# Writing --------------------------------------------------------------------------------------


def _read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_it_writes_a_csv_that_excel_opens_cleanly() -> None:
    data = write_csv(
        [{"name": "Ann, Lee", "note": 'say "hi"\nbye', "extra": "ignored"}, {"name": "Bob"}],
        ["name", "note"],
    )
    assert data.startswith(codecs.BOM_UTF8)
    assert data.endswith(b"\r\n")
    assert b"\r\nBob,\r\n" in data
    assert data.decode("utf-8-sig").startswith('name,note\r\n"Ann, Lee","say ""hi""\nbye"\r\n')
    assert _read_back(data) == [["name", "note"], ["Ann, Lee", 'say "hi"\nbye'], ["Bob", ""]]


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("http://x")', "+33 6 12 34", "-2", "@SUM(A1)", "\tx", "\rx", " =cmd"],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(value: str) -> None:
    assert _read_back(write_csv([{"v": value}], ["v"]))[1] == ["'" + value]


@pytest.mark.parametrize("value", ["a=b", "ann@ex.com", "O'Neil", "", "1+1", "Zoé – CEO"])
def test_it_leaves_harmless_cells_alone(value: str) -> None:
    assert _read_back(write_csv([{"v": value}], ["v"]))[1] == [value]


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"])), max_size=4))
def test_it_round_trips_values_quoting_only_dangerous_ones(values: list[str]) -> None:
    columns = [f"c{index}" for index in range(len(values))]
    data = write_csv([dict(zip(columns, values, strict=True))], columns)
    back = _read_back(data)
    assert back[0] == columns
    got = back[1] if values else []
    dangerous = [v.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) for v in values]
    assert got == [("'" + v) if bad else v for v, bad in zip(values, dangerous, strict=True)]


# Fuzzing --------------------------------------------------------------------------------------


def _check_never_raises(data: bytes) -> None:
    for parse in PARSERS:
        parsed = parse(data, name="fuzz.csv")
        assert isinstance(parsed, Parsed)
        assert all(isinstance(contact.full_name, str) for contact in parsed.contacts)
    assert sniff_csv(data) in {None, "linkedin", "google", "outlook"}


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_it_never_raises_on_random_bytes(data: bytes) -> None:
    _check_never_raises(data)


# Seeds of the mutation fuzzing: the real samples when present, and hand-written files.
_SEEDS = [
    *(
        path.read_bytes()
        for folder in REAL_FOLDERS
        for path in sorted((REALDATA / folder).glob("*.csv"))
    ),
    _linkedin("Ann,Lee,https://l.in/ann,ann@ex.com,X,Y,12 Jan 2024"),
    f"{FRENCH_OUTLOOK}\r\nMme;Hé;;Le;;C;;D;;;;;h@c.fr;;;;;;\r\n".encode("cp1252"),
    f"{OUTLOOK_EN}\nA,,B,,,,,a@b.c\n".encode("utf-16"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.integers(0, 2)), max_size=8),
)
def test_it_never_raises_on_mutated_files(seed: bytes, edits: list[tuple[int, int, int]]) -> None:
    data = bytearray(seed)
    for position, byte, action in edits:
        at = position % (len(data) + 1)
        if action == 0:
            data[at:at] = bytes([byte])  # insert
        elif action == 1:
            del data[at : at + 1 + byte % 4]  # delete a few
        else:
            data[at : at + 1] = bytes([byte])  # replace
    _check_never_raises(bytes(data))
