"""`import`, `export`, `backup`, `restore`, `duplicates`, `merge` and `apart` from the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from entregent.cli.commands import app
from entregent.network import services
from entregent.network.models import Interaction, MergeSuggestion, Person

runner = CliRunner()

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoé Le Goff\r\nN:Le Goff;Zoé;;;\r\n"
    "EMAIL;TYPE=work:zoe@kerlann.fr\r\nORG:Kerlann\r\nTITLE:CEO\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nEND:VCARD\r\n"
    'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:=HYPERLINK("http://x")\r\nEMAIL:bad@x.org\r\n'
    "END:VCARD\r\n"
)
MBOX = (
    "From zoe@kerlann.fr Mon Nov 23 10:00:00 2026\n"
    "From: Zoé Le Goff <zoe@kerlann.fr>\nTo: Claire <claire@dubois.fr>\n"
    "Subject: Devis\nDate: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <m1@kerlann.fr>\n\n"
    "Bonjour\n\n"
    "From claire@dubois.fr Tue Nov 24 10:00:00 2026\n"
    "From: Claire <claire@dubois.fr>\nTo: Zoé Le Goff <zoe@kerlann.fr>, hugo@armor.fr\n"
    "Subject: Re: Devis\nDate: Tue, 24 Nov 2026 10:00:00 +0100\nMessage-ID: <m2@dubois.fr>\n\n"
    ">From the minutes\n"
)


@pytest.fixture
def cli(owner, me, monkeypatch):
    monkeypatch.setenv("ENTREGENT_USER", "owner")
    services.add_contact_point(me, "email", "claire@dubois.fr")
    return lambda *args: runner.invoke(app, list(args))


def test_it_imports_files_once_and_reports_what_it_skipped(cli, owner, tmp_path) -> None:
    cards, mbox = tmp_path / "contacts.vcf", tmp_path / "mail.mbox"
    cards.write_text(CARDS, encoding="utf-8")
    mbox.write_text(MBOX, encoding="utf-8")
    result = cli("import", str(cards), str(mbox))
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output and "skipped card 2" in result.output
    assert "interactions: 2 new" in result.output
    assert Person.objects.filter(owner=owner, is_me=False).count() == 3  # Zoé, the formula, Hugo
    second = json.loads(cli("import", str(cards), str(mbox), "--json").output)
    assert [r["created"] for r in second] == [0, 0]
    assert second[1]["interactions_existing"] == 2
    assert Interaction.objects.filter(owner=owner).count() == 2


def test_it_shows_a_dry_run_and_writes_nothing(cli, owner, tmp_path) -> None:
    cards = tmp_path / "contacts.vcf"
    cards.write_text(CARDS, encoding="utf-8")
    result = cli("import", str(cards), "--dry-run")
    assert result.exit_code == 0 and "Dry run: nothing was written." in result.output
    assert "2 created" in result.output
    assert not Person.objects.filter(owner=owner, is_me=False).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (bytes(range(256)) * 40, "not a format entregent reads"),
        (b"\x00\x01garbage", "not a format entregent reads"),
    ],
)
def test_it_exits_2_when_nothing_could_be_read(cli, tmp_path, content, message) -> None:
    path = tmp_path / "file.bin"
    path.write_bytes(content)
    result = cli("import", str(path))
    assert result.exit_code == 2 and message in result.output


def test_it_imports_what_it_can_when_one_file_is_bad(cli, owner, tmp_path) -> None:
    good, bad = tmp_path / "good.vcf", tmp_path / "bad.vcf"
    good.write_text(CARDS, encoding="utf-8")
    bad.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3")
    result = cli("import", str(good), str(bad), str(tmp_path / "missing.vcf"))
    assert result.exit_code == 0, result.output
    assert "Cannot read" in result.output
    assert Person.objects.filter(owner=owner, full_name="Zoé Le Goff").exists()


def test_it_exports_vcard_csv_and_json(cli, owner, tmp_path) -> None:
    services.add_person(owner, "=cmd|' /C calc'!A0", emails=["x@evil.org"], phones=["+33612345678"])
    services.add_person(owner, "Zoé Le Goff", organization="Kerlann", emails=["zoe@kerlann.fr"])
    out = tmp_path / "out.csv"
    assert cli("export", "--format", "csv", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert "'=cmd" in data.decode("utf-8-sig")
    vcf = cli("export", "--format", "vcard").stdout_bytes
    assert vcf.count(b"BEGIN:VCARD") == 2 and b"VERSION:4.0" in vcf
    rows = json.loads(cli("export", "--format", "json").output)
    assert {r["name"] for r in rows} == {"=cmd|' /C calc'!A0", "Zoé Le Goff"}
    assert cli("export", "--format", "pdf").exit_code == 2


def test_it_backs_up_and_restores_into_a_new_account(cli, owner, tmp_path, monkeypatch) -> None:
    from django.contrib.auth import get_user_model

    services.add_person(owner, "Zoé", emails=["z@k.fr"])
    path = tmp_path / "backup.json"
    assert cli("backup", str(path)).exit_code == 0
    get_user_model().objects.create_user(username="fresh", password="x")
    monkeypatch.setenv("ENTREGENT_USER", "fresh")
    result = cli("restore", str(path))
    assert result.exit_code == 0, result.output
    assert Person.objects.filter(owner__username="fresh", full_name="Zoé").exists()
    again = cli("restore", str(path))
    assert again.exit_code == 2 and "already holds" in again.output
    path.write_text("{not json", encoding="utf-8")
    assert "not an entregent backup" in cli("restore", str(path)).output


def test_it_lists_merges_and_keeps_apart_duplicates(cli, owner) -> None:
    a = services.add_person(owner, "Gwenaëlle Quéré", organization="Kerlann")
    b = services.add_person(owner, "Gwenaelle Quere", organization="Kerlann")
    c = services.add_person(owner, "Jean Martin", organization="Acme")
    d = services.add_person(owner, "Jean Martin", organization="Globex")
    listing = cli("duplicates", "--scan")
    assert listing.exit_code == 0 and "Gwenaelle Quere" in listing.output
    assert len(json.loads(cli("duplicates", "--json").output)) == 2
    assert cli("apart", f"#{c.pk}", f"#{d.pk}").exit_code == 0
    result = cli("merge", f"#{a.pk}", f"#{b.pk}")
    assert result.exit_code == 0 and "Merged into Gwenaëlle Quéré" in result.output
    assert not Person.objects.filter(pk=b.pk).exists()
    assert json.loads(cli("duplicates", "--json").output) == []
    assert MergeSuggestion.objects.get(owner=owner).state == "apart"


def test_it_records_the_users_own_addresses(db, monkeypatch) -> None:
    monkeypatch.delenv("ENTREGENT_USER", raising=False)
    first = runner.invoke(
        app, ["init", "--username", "c", "--password", "longenough", "--email", "Claire@Dubois.fr"]
    )
    assert first.exit_code == 0 and "Your addresses: claire@dubois.fr" in first.output
    again = runner.invoke(
        app, ["init", "--username", "c", "--email", "claire@dubois.fr", "--email", "c@perso.fr"]
    )
    assert "claire@dubois.fr, c@perso.fr" in again.output or "c@perso.fr, claire" in again.output
    bad = runner.invoke(app, ["init", "--username", "c", "--email", "not an address"])
    assert bad.exit_code == 2 and "is not an email address" in bad.output


def test_it_reads_what_it_can_of_a_50_mb_file(cli, owner, tmp_path) -> None:
    import os

    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\nEND:VCARD\r\n"
    big = tmp_path / "big.vcf"
    with big.open("wb") as out:
        out.write(card.format(name="Zoé", email="z@k.fr").encode())
        for _ in range(50):
            out.write(os.urandom(500_000).hex().encode() + b"\r\n")  # 50 MB of junk lines
        out.write(card.format(name="Anne", email="a@k.fr").encode())
    result = cli("import", str(big))
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(50_000_000))
    refused = cli("import", str(junk))
    assert refused.exit_code == 2 and "not a format entregent reads" in refused.output


def test_it_says_how_to_upgrade_an_old_database(cli, monkeypatch) -> None:
    from django.db import OperationalError

    from entregent.network import moves

    def old(*args, **kwargs):
        raise OperationalError("no such column: network_person.photo")

    monkeypatch.setattr(moves, "today", old)
    result = cli("today")
    assert result.exit_code == 2 and "run “entregent init”" in result.output
