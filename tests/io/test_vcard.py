"""vCard: real exports from phones, mail clients and servers read right; our 4.0 reads back."""

from __future__ import annotations

import base64
import codecs
import functools
import time
from pathlib import Path

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from entregent.io.records import ContactRecord, Parsed
from entregent.io.vcard import parse_vcards, write_vcards
from tests.conftest import realdata_dir

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8ffff3f0005fe02fea7d6a4b70000000049454e44ae426082"
)


def card(*lines: str, eol: str = "\r\n") -> bytes:
    """A card from its content lines, framed by BEGIN and END, in UTF-8."""
    return eol.join(["BEGIN:VCARD", *lines, "END:VCARD", ""]).encode("utf-8")


def only(parsed: Parsed) -> ContactRecord:
    """The single contact a one-card file must give."""
    assert len(parsed.contacts) == 1, (parsed.contacts, parsed.skipped, parsed.notices)
    return parsed.contacts[0]


# --- Real-world samples (../shared/realdata/vcard, read in place) -------------------------


@functools.cache
def _sample_bytes(name: str) -> bytes:
    """A sample's bytes, read once per test run."""
    return (realdata_dir("vcard") / name).read_bytes()


def sample(name: str) -> Parsed:
    """A sample file parsed, with its name given as the importer gives it."""
    return parse_vcards(_sample_bytes(name), name=name)


def _sample_names() -> list[str]:
    """Every file of the vCard samples folder (the JSON of expected values included)."""
    return sorted(p.name for p in realdata_dir("vcard").iterdir() if p.is_file())


@pytest.mark.realdata
def test_it_reads_every_sample_without_raising() -> None:
    names = _sample_names()
    assert len(names) >= 70
    for name in names:
        parsed = sample(name)
        assert parsed.format == "vcard"
        for record in parsed.contacts:
            assert record.full_name.strip(), name
            assert record.ref.startswith("card ")
        for skipped in parsed.skipped:
            assert skipped.reason
        if not parsed.contacts:
            assert parsed.notices, name


@pytest.mark.realdata
def test_it_reads_the_six_android_cards_with_quoted_printable_names() -> None:
    parsed = sample("ezvcard__John_Doe_ANDROID.vcf")
    assert len(parsed.contacts) == 6
    emails = {e for c in parsed.contacts for e in c.emails}
    assert {
        "john.doe@company.com",
        "jane.doe@company.com",
        "bob@company.com",
        "henry@company.com",
    } <= emails
    assert parsed.contacts[2].full_name == "Ñ Ñ Ñ Ñ Ñ"
    assert set(parsed.contacts[3].full_name.split()) == {"Ñ"}
    # No N or FN on the first two cards: the email names them.
    assert parsed.contacts[0].full_name == "john.doe@company.com"
    # Card 5's photo is truncated base64: the card stays, the photo goes, a notice says so.
    assert parsed.contacts[4].photo is None
    assert any("card 5" in n for n in parsed.notices)


@pytest.mark.realdata
def test_it_reads_the_blackberry_card() -> None:
    record = only(sample("ezvcard__John_Doe_BLACK_BERRY.vcf"))
    assert record.full_name == "John Doe"
    assert record.photo is not None
    assert record.photo_type == "image/jpeg"


@pytest.mark.realdata
def test_it_reads_evolution_with_quoted_parameters_and_folded_values() -> None:
    record = only(sample("ezvcard__John_Doe_EVOLUTION.vcf"))
    assert record.full_name == "Mr. John Richter, James Doe Sr."
    # SOURCES lists johnny5@aol.com too, but the file gives it as X-AIM: a chat handle.
    assert record.emails == ["john.doe@ibm.com"]
    assert record.phones == ["905-666-1234", "905-555-1234"]
    assert record.urls == ["http://www.ibm.com"]
    assert record.organization == "IBM"
    assert record.tags == ["VIP"]
    assert record.external_id == "477343c8e6bf375a9bac1f96a5000837"


@pytest.mark.realdata
def test_it_reads_gmail_escapes_and_double_space_folds() -> None:
    record = only(sample("ezvcard__John_Doe_GMAIL.vcf"))
    assert record.full_name == "Mr. John Richter, James Doe Sr."
    assert record.emails == ["john.doe@ibm.com"]
    assert record.urls == ["http://www.ibm.com"]  # "http\://" unescaped
    assert record.notes.startswith("THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CO")
    assert '"AS IS"' in record.notes
    assert "LIMITED TO, THE IMPLIED" in record.notes
    assert record.notes.endswith("DAMAGE.\nFavotire Color: Blue")


@pytest.mark.realdata
def test_it_reads_the_iphone_card_with_cr_cr_lf_endings() -> None:
    record = only(sample("ezvcard__John_Doe_IPHONE.vcf"))
    assert record.full_name == "Mr. John Richter James Doe Sr."
    assert record.emails == ["john.doe@ibm.com"]
    assert record.organization == "IBM"
    assert record.photo is not None
    assert record.photo.startswith(b"\xff\xd8\xff")


@pytest.mark.realdata
def test_it_reads_lotus_notes() -> None:
    record = only(sample("ezvcard__John_Doe_LOTUS_NOTES.vcf"))
    assert record.emails == ["john.doe@ibm.com", "billy_bob@gmail.com"]
    assert record.full_name == "Mr. Doe John I Johny"


@pytest.mark.realdata
def test_it_reads_outlook_with_its_photo_and_leaves_the_im_address_out() -> None:
    record = only(sample("ezvcard__John_Doe_MS_OUTLOOK.vcf"))
    assert record.emails == ["john.doe@ibm.cm"]
    assert record.organization == "IBM"
    assert record.title == "Money Counter"
    assert record.photo is not None
    assert record.photo_type == "image/jpeg"


@pytest.mark.realdata
def test_it_reads_the_three_gmail_cards() -> None:
    parsed = sample("ezvcard__gmail-list.vcf")
    assert [(c.full_name, c.emails) for c in parsed.contacts] == [
        ("Arnold Smith", ["asmithk@gmail.com"]),
        ("Chris Beatle", ["chrisy55d@yahoo.com"]),
        ("Doug White", ["dwhite@gmail.com"]),
    ]
    assert [c.ref for c in parsed.contacts] == ["card 1", "card 2", "card 3"]


@pytest.mark.realdata
def test_it_reads_gmail_groups_and_custom_labels() -> None:
    record = only(sample("ezvcard__gmail-single.vcf"))
    assert (record.full_name, record.emails) == ("Greg Dartmouth", ["gdartmouth@hotmail.com"])
    assert record.phones == ["555 555 1111", "555 555 2222"]  # item1.TEL keeps its place
    assert record.urls == ["http://TheProfile.com"]
    second = only(sample("ezvcard__gmail-single2.vcf"))
    assert len(second.emails) == 5
    assert "customcategory@example.com" in second.emails


@pytest.mark.realdata
def test_it_reads_outlook_2003_quoted_printable_notes() -> None:
    record = only(sample("ezvcard__outlook-2003.vcf"))
    assert record.full_name == "John Doe III"
    assert record.emails == ["jdoe@hotmail.com"]
    assert record.organization == "Company, The"
    assert record.notes == "This is the note field!!\nSecond line\n\nThird line is empty"
    assert record.title == "The Job Title"


@pytest.mark.realdata
def test_it_reads_outlook_2007() -> None:
    record = only(sample("ezvcard__outlook-2007.vcf"))
    assert record.emails == ["mike.angstadt@gmail.com"]
    assert "Angstadt" in record.full_name
    assert record.notes.startswith("This is the NOTE field\t\nI assume")
    assert record.photo_type == "image/jpeg"


@pytest.mark.realdata
def test_it_reads_thunderbird_with_charset_on_3_0_properties() -> None:
    record = only(sample("ezvcard__thunderbird-MoreFunctionsForAddressBook.vcf"))
    assert record.full_name == "John Doe"
    assert record.emails[0] == "doe.john@hotmail.com"
    assert {f"additional-email{n}@company.com" for n in ("", "1", "2", "3")} <= set(record.emails)


@pytest.mark.realdata
def test_it_reads_fullcontact_4_0() -> None:
    record = only(sample("ezvcard__fullcontact.vcf"))
    assert record.emails == [
        "home@example.com",
        "work@example.com",
        "school@example.com",
        "other@example.com",
        "custom@example.com",
    ]
    assert record.organization == "Organization1"
    assert record.title == "Title1"
    assert record.photo is None  # given by address only
    assert record.notes == "Notes line 1\nNotes line 2"


@pytest.mark.realdata
def test_it_reads_the_rfc_examples() -> None:
    simon = only(sample("ezvcard__rfc6350-example.vcf"))
    assert (simon.full_name, simon.emails) == (
        "Simon Perreault",
        ["simon.perreault@viagenie.ca"],
    )
    assert simon.language == "fr"  # LANG;PREF=1:fr before LANG;PREF=2:en
    assert simon.phones[0] == "tel:+1-418-656-9254;ext=102"  # raw: the loader normalises
    frank, tim = sample("ezvcard__rfc2426-example.vcf").contacts
    assert (frank.full_name, frank.emails) == (
        "Frank Dawson",
        ["Frank_Dawson@Lotus.com", "fdawson@earthlink.net"],
    )
    assert (tim.full_name, tim.emails) == ("Tim Howes", ["howes@netscape.com"])


@pytest.mark.realdata
def test_it_reads_the_complicated_android_card() -> None:
    record = only(sample("aosp__v21_complicated.vcf"))
    assert record.full_name == "Joe Due"
    assert record.organization == "Gump Shrimp Co."
    assert record.title == "Shrimp Man"
    assert record.emails[0] == "forrestgump@walladalla.com"
    assert "Now's the time for all folk to come to the aid of their country." in record.notes
    assert record.photo is not None
    assert record.photo_type == "image/jpeg"


@pytest.mark.realdata
def test_it_reads_shift_jis_names() -> None:
    parsed = sample("aosp__v21_multiple_entry.vcf")
    assert [c.full_name for c in parsed.contacts] == ["安藤ロイド3", "安藤ロイド4", "安藤ロイド5"]


@pytest.mark.realdata
def test_it_reads_nested_cards_innermost_first() -> None:
    parsed = sample("aosp__v21_nest.vcf")
    assert [c.full_name for c in parsed.contacts] == ["nest1", "nest2", "parent"]
    assert parsed.contacts[2].phones == ["1"]


@pytest.mark.realdata
def test_it_ignores_comment_lines_but_not_a_hash_inside_a_soft_break() -> None:
    record = only(sample("aosp__v21_invalid_comment_line.vcf"))
    assert record.full_name == "Conference Call"
    assert record.notes == (
        "This is an (sharp ->#<- sharp) example. This message must NOT be ignored."
    )


@pytest.mark.realdata
def test_it_joins_an_indented_2_1_continuation() -> None:
    record = only(sample("aosp__v21_invalid_multiple_line.vcf"))
    assert record.emails == ['"Omega" <omega@example.com>']
    assert record.full_name == "Omega"


@pytest.mark.realdata
def test_it_joins_2_1_lines_continued_by_a_backslash() -> None:
    record = only(sample("aosp__v21_adr_multiple_line.vcf"))
    assert record.full_name == "bogus"
    assert record.urls == ["http://bogus.com/"]


@pytest.mark.realdata
def test_it_keeps_a_card_whose_photo_is_malformed() -> None:
    parsed = sample("aosp__v21_malformed_photo.vcf")
    record = only(parsed)
    assert record.full_name == "fullname"
    assert record.photo is None
    assert parsed.notices


@pytest.mark.realdata
def test_it_takes_preferred_values_first_and_the_first_org_and_title() -> None:
    record = only(sample("aosp__v21_pref_handling.vcf"))
    assert record.phones[0] == "2"  # TEL;WORK;PREF
    assert (record.organization, record.title) == ("Company", "Engineer")


@pytest.mark.realdata
def test_it_reads_2_1_photos_and_ios_cards() -> None:
    blackberry = only(sample("aosp__v21_blackberry_photo.vcf"))
    assert blackberry.photo is not None
    assert blackberry.photo.startswith(b"\x89PNG")
    ios = only(sample("aosp__v30_ios_613_multiline.vcf"))
    assert (ios.full_name, ios.emails, ios.organization) == (
        "Bob Smith",
        ["bob@smithauto.com"],
        "Smith Auto Repair",
    )
    winmo = only(sample("aosp__v21_winmo_65.vcf"))
    assert winmo.full_name == "Example"


@pytest.mark.realdata
def test_it_reads_4_0_sort_as_in_japanese() -> None:
    record = only(sample("aosp__v40_sort_as.vcf"))
    assert record.full_name == "安藤 ロイド"
    assert record.organization == "グーグル"


@pytest.mark.realdata
def test_it_reads_lowercase_and_versionless_cards() -> None:
    ian = only(sample("kcontacts__vcard3.vcf"))
    assert (ian.full_name, ian.emails, ian.title) == (
        "ian geiser",
        ["geiseri@yahoo.com"],
        "VP of Engineering",
    )
    ximian = only(sample("kcontacts__vcard4.vcf"))
    assert ximian.organization == "Ximian, Inc."
    assert ximian.full_name == "Ximian, Inc."  # no usable FN or N: the organisation names it
    assert ximian.emails == ["hello@ximian.com"]


@pytest.mark.realdata
def test_it_skips_a_card_that_names_nobody() -> None:
    parsed = sample("kcontacts__vcard7.vcf")
    assert parsed.contacts == []
    assert [s.ref for s in parsed.skipped] == ["card 1"]
    assert parsed.skipped[0].reason
    assert parsed.notices


@pytest.mark.realdata
def test_it_reads_utf8_folded_inside_a_character() -> None:
    record = only(sample("kcontacts__vcard9.vcf"))
    assert record.full_name.startswith("βγδεαβγδ1")
    assert "\ufffd" not in record.full_name
    assert record.notes.startswith("Длинный комментарий на русском языке")


@pytest.mark.realdata
def test_it_reads_kcontacts_photos_and_apple_company_cards() -> None:
    looking = only(sample("kcontacts__vcard12.vcf"))
    assert (looking.full_name, looking.emails) == ("Good Looking", ["goodlooking@example.com"])
    assert looking.photo_type == "image/png"  # TYPE=WORK is no MIME type: the bytes tell
    broken = only(sample("kcontacts__vcardwithitemasapplesupport.vcf"))
    assert (broken.full_name, broken.organization) == ("Name of Broken Card", "SOME COMPANY")


@pytest.mark.realdata
def test_it_reads_khard_fixtures() -> None:
    assert only(sample("khard__korean-c.vcf")).full_name == "최유림"
    assert only(sample("khard__labels.vcf")).organization == "Test Inc"
    photo = only(sample("khard__photov4.vcf"))
    assert photo.photo is not None
    assert photo.photo.startswith(b"\x89PNG")
    assert photo.photo_type == "image/png"
    altid = only(sample("khard__altid.vcf"))
    assert altid.full_name == "altid"
    unparsable = sample("khard__unparsable.vcf")
    assert only(unparsable).full_name == "second contact with minimal Vcard"
    assert unparsable.notices  # END:VCARD is missing


@pytest.mark.realdata
def test_it_names_cards_without_n_or_fn_by_their_email() -> None:
    parsed = sample("radicale__broken-vcards.vcf")
    assert [c.full_name for c in parsed.contacts] == [
        "test-misses-N-or-FN@example.com",
        "test-misses-N-or-FN@example1.com",
    ]
    assert parsed.contacts[0].external_id == "C68582D2-2E60-0001-C2C0-000000000000.vcf"


@pytest.mark.realdata
def test_it_reads_a_data_uri_behind_encoding_b() -> None:
    record = only(sample("radicale__contact_photo_with_data_uri.vcf"))
    assert record.full_name == "Contact"
    assert record.photo is not None
    assert record.photo.startswith(b"\x89PNG")
    assert record.photo_type == "image/png"


@pytest.mark.realdata
def test_it_reads_roundcube_charsets_and_utf16() -> None:
    apple = only(sample("roundcube__apple.vcf"))
    assert (apple.full_name, apple.organization) == ("Apple Computer AG", "Apple Computer AG")
    john = only(sample("roundcube__johndoe.vcf"))
    assert john.full_name == "John Doë"  # CHARSET=windows-1252
    assert john.organization == "roundcube.net"
    assert john.emails == ["roundcube@gmail.com", "inbox@roundcube.net"]  # TYPE=pref first
    assert john.notes == "The notes..."
    # No CHARSET: 0xF1 is read as Windows-1252 ("ñ"), the Polish "ń" cannot be known.
    assert only(sample("roundcube__thebat.vcf")).full_name.startswith("Piotr Iksi")
    assert only(sample("roundcube__utf-16_sample.vcf")).full_name == "Ǽgean ĽdaMonté"


@pytest.mark.realdata
def test_it_reads_sabre_monica_and_vobject_samples() -> None:
    assert only(sample("sabre__issue153.vcf")).full_name == "Test Benutzer"
    monica = sample("monica__vcard_stub.vcf")
    assert [c.full_name for c in monica.contacts] == ["Bono", "John Doe", "Johnny"]
    assert (monica.contacts[0].organization, monica.contacts[0].title) == ("U2", "Lead vocalist")
    assert monica.contacts[1].emails == ["john.doe@example.com"]
    berger = only(sample("vobject__vcard_with_groups.vcf"))
    assert (berger.full_name, berger.emails) == ("Meister Berger", ["mb@goerlitz.de"])
    assert berger.notes.startswith("The Mayor of the great city of Goerlitz in the great")


@pytest.mark.realdata
def test_it_recovers_bono_behind_a_misspelt_begin() -> None:
    # Monica rejects this file; we read the card and say its BEGIN:VCARD was missing.
    parsed = sample("monica__broken_vcard_stub.vcf")
    assert only(parsed).emails == ["bono@example.com"]
    assert parsed.notices


@pytest.mark.realdata
def test_it_reads_contact_a_the_same_way_from_every_producer() -> None:
    producers = ["android", "cozy", "davdroid", "extra-fields", "google", "ios", "sogo"]
    producers.append("thundersync")
    for producer in producers:
        record = only(sample(f"cozyvcard__contactA_{producer}.vcf"))
        assert record.full_name == "Testé de Cozy", producer
        assert record.notes == "46b12,\n3ème étage droite.", producer
        assert "testcozy@cozycloud.cc" in record.emails, producer
    assert sample("cozyvcard__contactA_cozy.vcf").contacts[0].tags == ["groupe1", "groupe2"]
    sogo = sample("cozyvcard__contactA_sogo.vcf")
    assert len(sogo.contacts) == 1  # the VLIST after the card is no person
    assert sogo.contacts[0].tags == ["groupe1", "groupe2"]
    assert only(sample("cozyvcard__contactA_extra-fields.vcf")).language == "fr"
    assert only(sample("cozyvcard__contactA_android.vcf")).organization == "Société Cozycloud"


@pytest.mark.realdata
def test_it_reads_cozy_full_exports() -> None:
    android = only(sample("cozyvcard__android-full.vcf"))
    assert (android.organization, android.title, android.urls) == (
        "SuperCorp",
        "Chairman",
        ["http://cozy.io"],
    )
    ios = only(sample("cozyvcard__ios-full.vcf"))
    assert (ios.organization, ios.title) == ("SuperCorp", "Chairman")
    assert ios.emails[:2] == ["test@cozy.io", "test2@cozy.io"]
    assert "http://twitter.com/twitteruser" in ios.urls  # X-SOCIALPROFILE
    assert not any(u.startswith(("skype:", "xmpp:")) for u in ios.urls)  # IMPP handles
    assert only(sample("cozyvcard__ffos.vcf")).phones == ["+966238347324"]
    assert only(sample("cozyvcard__apple.vcf")).full_name == "Cozy Test"


@pytest.mark.realdata
def test_it_survives_the_broken_cozy_fixtures() -> None:
    missing_begin = sample("cozycontacts__broken_begin-vcard-missing.vcf")
    assert only(missing_begin).full_name == "Contact with duplicate END:VCARD"
    assert only(sample("cozycontacts__broken_end-vcard-duplicate.vcf")).full_name == (
        "Contact with duplicate END:VCARD"
    )
    assert only(sample("cozycontacts__broken_end-vcard-missing.vcf")).full_name == (
        "Contact with missing END:VCARD"
    )
    assert len(sample("cozycontacts__broken_property-bday-invalid.vcf").contacts) == 2
    assert only(sample("cozycontacts__broken_unknown-property.vcf")).full_name == (
        "Contact with unknown property"
    )
    begin_only = sample("cozycontacts__broken_begin-vcard-only.vcf")
    assert begin_only.contacts == []
    assert begin_only.skipped
    empty = sample("cozycontacts__empty.vcf")
    assert (empty.contacts, empty.skipped) == ([], [])
    assert empty.notices
    assert "cozycontacts__empty.vcf" in empty.notices[0]


# --- Hand-written cards, one quirk each -----------------------------------------------------


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r", "\r\r\n"])
def test_it_reads_any_line_ending(eol: str) -> None:
    data = card("VERSION:3.0", "FN:Ada Lovelace", "EMAIL:ada@example.org", eol=eol) * 2
    parsed = parse_vcards(data)
    assert [c.full_name for c in parsed.contacts] == ["Ada Lovelace", "Ada Lovelace"]
    assert parsed.contacts[1].emails == ["ada@example.org"]


def test_it_reads_mixed_line_endings() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:3.0\nFN:Ada\r\r\nEMAIL:ada@example.org\rEND:VCARD"
    assert only(parse_vcards(data)).emails == ["ada@example.org"]


def test_it_unfolds_space_and_tab_continuations_dropping_one_character() -> None:
    data = card("VERSION:3.0", "FN:Ada Love", " lace", "NOTE:one", "\t two", "EMAIL:a", "  @b.org")
    record = only(parse_vcards(data))
    assert record.full_name == "Ada Lovelace"
    assert record.notes == "one two"
    assert record.emails == ["a @b.org"]


def test_it_decodes_quoted_printable_with_a_non_utf8_charset_and_soft_breaks() -> None:
    name = "安藤ロイド".encode("shift_jis")
    qp = "".join(f"={b:02X}" for b in name)
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        + f"N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{qp[:12]}=\r\n{qp[12:]};;;;\r\n".encode()
        + b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 =\r\nau lait=0D=0Asuite\r\n"
        + b"END:VCARD\r\n"
    )
    record = only(parse_vcards(data))
    assert record.full_name == "安藤ロイド"
    assert record.notes == "café au lait\nsuite"


def test_it_reads_raw_bytes_in_the_declared_charset() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-7:\xe1\xe2\xe3\r\n"
        b"ORG;CHARSET=SHIFT_JIS:" + "検索".encode("shift_jis") + b"\r\nEND:VCARD\r\n"
    )
    record = only(parse_vcards(data))
    assert (record.full_name, record.organization) == ("αβγ", "検索")


def test_it_falls_back_to_windows_1252_when_utf8_is_declared_but_wrong() -> None:
    data = card("VERSION:2.1", "FN:x").replace(b"FN:x", b"FN;CHARSET=UTF-8:Ren\xe9")
    assert only(parse_vcards(data)).full_name == "René"


def test_it_ignores_an_unknown_charset() -> None:
    data = card("VERSION:2.1", "FN;CHARSET=NO-SUCH-THING:Zoé", "NOTE;CHARSET=base64:abc")
    record = only(parse_vcards(data))
    assert (record.full_name, record.notes) == ("Zoé", "abc")


def test_it_reads_grouped_properties_with_labels() -> None:
    data = card(
        "VERSION:3.0",
        "FN:Grace Hopper",
        "item1.EMAIL;type=INTERNET:grace@navy.mil",
        "item1.X-ABLabel:_$!<Other>!$_",
        "item2.URL:http\\://hopper.example",
        "item2.X-ABLabel:_$!<HomePage>!$_",
        "item3.ORG:US Navy;Research",
        "item3.X-ABLabel:Work",
    )
    record = only(parse_vcards(data))
    assert record.emails == ["grace@navy.mil"]
    assert record.urls == ["http://hopper.example"]
    assert record.organization == "US Navy"


def _b64(data: bytes, width: int = 60) -> list[str]:
    """Bytes in base64, cut into lines of a given width."""
    text = base64.b64encode(data).decode()
    return [text[i : i + width] for i in range(0, len(text), width)]


def test_it_reads_a_2_1_base64_photo_folded_or_not() -> None:
    chunks = _b64(PNG, 20)
    indented = card(
        "VERSION:2.1", "FN:A", "PHOTO;ENCODING=BASE64;TYPE=PNG:", *(" " + c for c in chunks), ""
    )
    flush = card("VERSION:2.1", "FN:A", "PHOTO;BASE64;JPEG:" + chunks[0], *chunks[1:], "", "TEL:1")
    for data in (indented, flush):
        record = only(parse_vcards(data))
        assert record.photo == PNG
    assert only(parse_vcards(indented)).photo_type == "image/png"
    assert only(parse_vcards(flush)).photo_type == "image/jpeg"  # as declared
    assert only(parse_vcards(flush)).phones == ["1"]


def test_it_reads_a_3_0_and_a_4_0_photo() -> None:
    text = base64.b64encode(PNG).decode()
    v3 = card(
        "VERSION:3.0", "FN:A", f"PHOTO;ENCODING=b;TYPE=image/png:{text[:40]}", f" {text[40:]}"
    )
    v4 = card("VERSION:4.0", "FN:A", f"PHOTO:data:image/png;base64\\,{text}")
    v4_mediatype = card("VERSION:4.0", "FN:A", f"PHOTO;MEDIATYPE=image/png:data:;base64,{text}")
    for data in (v3, v4, v4_mediatype):
        record = only(parse_vcards(data))
        assert (record.photo, record.photo_type) == (PNG, "image/png")
    webp = base64.b64encode(b"RIFF\x00\x00\x00\x00WEBPVP8 ").decode()
    typed = card("VERSION:4.0", "FN:A", f"PHOTO;MEDIATYPE=image/webp:data:;base64,{webp}")
    assert only(parse_vcards(typed)).photo_type == "image/webp"


def test_it_keeps_the_card_when_its_photo_is_malformed_or_an_address() -> None:
    data = card("VERSION:3.0", "FN:A", "PHOTO;ENCODING=b;TYPE=JPEG:%%%not base64%%%", "TEL:2")
    parsed = parse_vcards(data)
    assert (only(parsed).photo, only(parsed).phones) == (None, ["2"])
    assert parsed.notices
    linked = parse_vcards(card("VERSION:4.0", "FN:A", "PHOTO:http://example.com/a.jpg"))
    assert only(linked).photo is None
    assert linked.notices == []
    # The first photo that decodes wins over a broken one before it.
    text = base64.b64encode(PNG).decode()
    both = card("VERSION:3.0", "FN:A", "PHOTO;ENCODING=b:@@", f"PHOTO;ENCODING=b:{text}")
    assert only(parse_vcards(both)).photo == PNG


def test_it_reads_utf16_with_and_without_bom_and_utf8_with_bom() -> None:
    text = card("VERSION:3.0", "FN:Zoë Ŝtraße").decode("utf-8")
    for data in (
        codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        text.encode("utf-16-be"),
        text.encode("utf-16-le"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
    ):
        assert only(parse_vcards(data)).full_name == "Zoë Ŝtraße"
    concatenated = codecs.BOM_UTF8 + card("FN:One") + codecs.BOM_UTF8 + card("FN:Two")
    parsed = parse_vcards(concatenated)
    assert ([c.full_name for c in parsed.contacts], parsed.notices) == (["One", "Two"], [])


def test_it_derives_a_name_from_n_then_nickname_then_org_then_email_then_phone() -> None:
    def name_of(*lines: str) -> str:
        return only(parse_vcards(card("VERSION:3.0", *lines))).full_name

    assert name_of("N:Curie;Marie;Salomea;Mme;") == "Mme Marie Salomea Curie"
    assert name_of("FN:", "N:Curie", "ORG:Sorbonne") == "Curie"
    assert name_of("N:;;;;", "NICKNAME:Manya,Marie", "ORG:Sorbonne") == "Manya"
    assert name_of("ORG:Sorbonne;Physique", "EMAIL:m@s.fr") == "Sorbonne"
    assert name_of("EMAIL:m@s.fr", "TEL:+33 1") == "m@s.fr"
    assert name_of("TEL:+33 1") == "+33 1"


def test_it_skips_with_a_reason_a_card_that_names_nobody_and_reads_the_next() -> None:
    data = card("VERSION:3.0", "NOTE:just a note") + card("VERSION:3.0", "FN:Next One")
    parsed = parse_vcards(data, name="two.vcf")
    assert [c.full_name for c in parsed.contacts] == ["Next One"]
    assert [c.ref for c in parsed.contacts] == ["card 2"]
    assert [s.ref for s in parsed.skipped] == ["card 1"]
    assert "name" in parsed.skipped[0].reason


def test_it_reads_a_nested_agent_card() -> None:
    data = card(
        "VERSION:2.1", "FN:Boss", "AGENT:", "BEGIN:VCARD", "FN:Assistant", "END:VCARD", "TEL:9"
    )
    parsed = parse_vcards(data)
    assert [c.full_name for c in parsed.contacts] == ["Assistant", "Boss"]
    assert parsed.contacts[1].phones == ["9"]


def test_it_recovers_missing_begin_and_end_lines() -> None:
    no_end = b"BEGIN:VCARD\nFN:First\nBEGIN:VCARD\nFN:Second\nEND:VCARD\n"
    assert {c.full_name for c in parse_vcards(no_end).contacts} == {"First", "Second"}
    no_begin = b"garbage line\nBEGIN:VLIST\nFN:a list\nEND:VLIST\nFN:Orphan\nEND:VCARD\n"
    parsed = parse_vcards(no_begin)
    assert only(parsed).full_name == "Orphan"
    assert parsed.notices


def test_it_skips_comments_and_foreign_blocks_inside_a_card() -> None:
    data = card(
        "VERSION:2.1",
        "# a comment",
        "FN:Ada",
        "BEGIN:VCALENDAR",
        "FN:not her",
        "EMAIL:not@her.org",
        "END:VCALENDAR",
        "EMAIL:ada@example.org",
        "END:",
        "garbage without colon",
    )
    record = only(parse_vcards(data))
    assert (record.full_name, record.emails) == ("Ada", ["ada@example.org"])


def test_it_joins_2_1_values_continued_by_a_backslash_or_an_indent() -> None:
    data = card("VERSION:2.1", "FN:Ada", "NOTE:first\\", "second\\", "third", "TEL:1")
    record = only(parse_vcards(data))
    assert record.notes == "first\nsecond\nthird"
    assert record.phones == ["1"]


def test_it_does_not_let_a_stray_soft_break_swallow_the_next_property() -> None:
    data = card("VERSION:2.1", "FN;ENCODING=QUOTED-PRINTABLE:Ada=", "EMAIL:ada@example.org")
    record = only(parse_vcards(data))
    assert (record.full_name, record.emails) == ("Ada", ["ada@example.org"])
    unended = (
        b"BEGIN:VCARD\r\nNOTE;QUOTED-PRINTABLE:x=\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD"
    )
    assert len(parse_vcards(unended).skipped) == 1
    assert only(parse_vcards(unended)).full_name == "B"


def test_it_reads_non_ascii_names_and_unescapes_text() -> None:
    data = card(
        "VERSION:4.0",
        "FN:Søren Kierkegård\\, fils",
        "N:Kierkegård;Søren;;;",
        "NOTE:a\\nb\\;c\\,d\\\\e\\:f \\q",
        "CATEGORIES:amis,famille\\, proche, ,travail",
        "TITLE:",
        "ROLE:Philosophe",
        "UID:urn:uuid:1234",
    )
    record = only(parse_vcards(data))
    assert record.full_name == "Søren Kierkegård, fils"
    assert record.notes == "a\nb;c,d\\e:f \\q"
    assert record.tags == ["amis", "famille, proche", "travail"]
    assert record.title == "Philosophe"
    assert record.external_id == "urn:uuid:1234"


def test_it_orders_values_by_preference_and_picks_the_language() -> None:
    data = card(
        "VERSION:4.0",
        "FN:A",
        "EMAIL:third@x.org",
        "EMAIL;PREF=2:second@x.org",
        "EMAIL;PREF=1:first@x.org",
        "TEL;TYPE=home:2",
        "TEL;TYPE=pref,cell:1",
        "LANG;PREF=1:de",
        "LANG;PREF=2:en-GB",
        "TEL;PREF=" + "9" * 5000 + ":3",
    )
    record = only(parse_vcards(data))
    assert record.emails == ["first@x.org", "second@x.org", "third@x.org"]
    assert record.phones == ["1", "3", "2"]  # any PREF, even 100, before none
    assert record.language == "en"


def test_it_keeps_web_profiles_but_not_chat_handles_as_urls() -> None:
    data = card(
        "VERSION:3.0",
        "FN:A",
        "URL:example.org",
        "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/a",
        "X-SOCIALPROFILE;type=twitter:x-apple:a",
        "IMPP:xmpp:a@jabber.org",
    )
    assert only(parse_vcards(data)).urls == ["example.org", "https://www.linkedin.com/in/a"]


def test_it_reports_a_file_with_nothing_readable() -> None:
    for data in (b"", b"\x00\x01\x02", b"Name,Email\nAda,ada@example.org\n"):
        parsed = parse_vcards(data, name="contacts.vcf")
        assert (parsed.contacts, parsed.read_anything) == ([], False)
        assert parsed.notices
        assert "contacts.vcf" in parsed.notices[-1]


def test_it_reads_ten_thousand_cards_quickly() -> None:
    one = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P {i}\r\nN:{i};P;;;\r\nEMAIL:p{i}@x.org\r\n"
    one += "TEL;TYPE=CELL:+33 6 12 34 {i}\r\nORG:Co {i};Dept\r\nEND:VCARD\r\n"
    data = "".join(one.format(i=i) for i in range(10_000)).encode()
    start = time.perf_counter()
    parsed = parse_vcards(data)
    elapsed = time.perf_counter() - start
    assert len(parsed.contacts) == 10_000
    assert parsed.contacts[-1].emails == ["p9999@x.org"]
    assert elapsed < 2.0


# --- Writing ------------------------------------------------------------------------------


def test_it_writes_crlf_lines_folded_at_75_octets_without_splitting_characters() -> None:
    record = ContactRecord(ref="", full_name="Zoë " + "é" * 100, notes="ü€𝄞" * 50)
    data = write_vcards([record])
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    for line in lines:
        line.decode("utf-8")  # every physical line is whole UTF-8
    assert lines[:2] == [b"BEGIN:VCARD", b"VERSION:4.0"]
    assert lines[-1] == b"END:VCARD"


def test_it_writes_escaped_values_and_every_field() -> None:
    record = ContactRecord(
        ref="x",
        full_name="Ada King, Countess",
        external_id="urn:uuid:42",
        emails=["ada@example.org"],
        phones=["+44 20 7946 0958"],
        urls=["https://example.org/a,b;c"],
        organization="Analytical; Engines",
        title="Mathematician",
        notes="line one\nline two\\end",
        tags=["maths", "a,b"],
        language="en",
        photo=PNG,
        photo_type="image/png",
    )
    text = write_vcards([record]).decode("utf-8").replace("\r\n ", "")
    assert "FN:Ada King\\, Countess\r\n" in text
    assert "N:Countess;Ada King\\,;;;\r\n" in text
    assert "UID:urn:uuid:42\r\n" in text
    assert "ORG:Analytical\\; Engines\r\n" in text
    assert "NOTE:line one\\nline two\\\\end\r\n" in text
    assert "CATEGORIES:maths,a\\,b\r\n" in text
    assert "URL:https://example.org/a,b;c\r\n" in text
    assert "LANG:en\r\n" in text
    assert "PHOTO:data:image/png;base64," + base64.b64encode(PNG).decode() in text


def test_it_writes_cards_that_vobject_reads_too() -> None:
    record = ContactRecord(ref="", full_name="Zoë, la Reine", emails=["z@x.org"], notes="a\nb")
    parsed = vobject.readOne(write_vcards([record]).decode("utf-8"))
    assert parsed.fn.value == "Zoë, la Reine"
    assert parsed.note.value == "a\nb"


def test_it_writes_carriage_returns_as_newlines_and_skips_blank_values() -> None:
    record = ContactRecord(ref="", full_name="A", notes="x\r\ny\rz", emails=["  ", "a@b.c "])
    back = only(parse_vcards(write_vcards([record])))
    assert back.notes == "x\ny\nz"
    assert back.emails == ["a@b.c"]


def test_it_writes_a_photo_type_the_bytes_give_when_none_is_known() -> None:
    record = ContactRecord(ref="", full_name="A", photo=PNG, photo_type="not a type")
    assert b"PHOTO:data:image/png;base64," in write_vcards([record]).replace(b"\r\n ", b"")


# --- Properties -----------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=120
).map(str.strip)
_WORD = _TEXT.filter(bool)
_FIELDS = ("full_name", "external_id", "emails", "phones", "urls", "organization", "title")
_FIELDS += ("notes", "tags", "language", "photo", "photo_type")


@st.composite
def contact_records(draw: st.DrawFn) -> ContactRecord:
    """Records whose every field survives a vCard: stripped text, no CR, photos typed."""
    photo = draw(st.none() | st.binary(min_size=1, max_size=400))
    return ContactRecord(
        ref="",
        full_name=draw(_WORD),
        external_id=draw(_TEXT),
        emails=draw(st.lists(_WORD, max_size=3)),
        phones=draw(st.lists(_WORD, max_size=3)),
        urls=draw(st.lists(_WORD, max_size=3)),
        organization=draw(_TEXT),
        title=draw(_TEXT),
        notes=draw(_TEXT | st.text(max_size=300).map(lambda t: t.replace("\r", "").strip())),
        tags=draw(st.lists(_WORD, max_size=4)),
        language=draw(st.sampled_from(["", "fr", "en"])),
        photo=photo,
        photo_type=draw(st.sampled_from(["image/jpeg", "image/png", "image/gif"])) if photo else "",
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(contact_records(), min_size=1, max_size=3))
def test_it_reads_back_what_it_writes(records: list[ContactRecord]) -> None:
    parsed = parse_vcards(write_vcards(records))
    assert parsed.skipped == []
    assert len(parsed.contacts) == len(records)
    for original, back in zip(records, parsed.contacts, strict=True):
        for name in _FIELDS:
            assert getattr(back, name) == getattr(original, name), name


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_it_never_raises_on_random_bytes(data: bytes) -> None:
    parsed = parse_vcards(data)
    assert isinstance(parsed, Parsed)
    assert parsed.read_anything or parsed.notices


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_it_never_raises_on_mutated_real_cards(data: st.DataObject) -> None:
    names = [n for n in _sample_names() if Path(n).suffix == ".vcf"]
    original = _sample_bytes(data.draw(st.sampled_from(names)))
    mutated = bytearray(original)
    for _step in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["truncate", "flip", "drop", "insert"]))
        if not mutated:
            break
        at = data.draw(st.integers(0, len(mutated) - 1))
        if action == "truncate":
            del mutated[at:]
        elif action == "flip":
            mutated[at] ^= data.draw(st.integers(1, 255))
        elif action == "drop":
            lines = bytes(mutated).split(b"\n")
            del lines[data.draw(st.integers(0, len(lines) - 1))]
            mutated = bytearray(b"\n".join(lines))
        else:
            mutated[at:at] = data.draw(
                st.sampled_from([b"\r\n", b"=", b"\\", b":", b";", b'"', b" ", b"BEGIN:VCARD\n"])
            )
    parsed = parse_vcards(bytes(mutated))
    assert isinstance(parsed, Parsed)
    assert parsed.read_anything or parsed.notices


def test_it_keeps_particles_with_the_family_name_on_export() -> None:
    from entregent.io.vcard import _n_value

    assert _n_value("Éloïse Le Bihan") == "Le Bihan;Éloïse;;;"
    assert _n_value("Jean de La Fontaine") == "de La Fontaine;Jean;;;"
    assert _n_value("Ada Lovelace") == "Lovelace;Ada;;;"
    assert _n_value("Le Goff") == "Goff;Le;;;"  # two words: no given name left otherwise
    assert _n_value("Madonna") == ";Madonna;;;"
