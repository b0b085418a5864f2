"""The Import screen: upload, dry run, confirm or cancel, reports, duplicates side by side."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.network import merging, services
from entregent.network.models import MergeSuggestion, Person
from entregent.web import imports


def card(*lines: str) -> str:
    """One vCard 3.0 from its content lines."""
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""])


CARDS = (
    card("FN:Anne Martin", "EMAIL:anne@example.org", "ORG:Armor")
    + card("FN:Bruno Petit", "TEL:+33 6 12 34 56 78")
    + card("FN:Chloé Roux", "UID:chloe-1")
)
BAD = card("NOTE:nobody to know this card by")


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> Path:
    """Each test keeps its uploads in a folder of its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def web(owner, me) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def vcf(content: str, name: str = "contacts.vcf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/vcard")


def upload(client: Client, *files: SimpleUploadedFile, fmt: str = "auto"):
    return client.post(reverse("import-upload"), {"files": list(files), "format": fmt})


def token_of(response) -> str:
    assert response.status_code == 302, response.content[:500]
    parts = response["Location"].strip("/").split("/")
    assert parts[0] == "import" and len(parts) == 2, response["Location"]
    return parts[1]


def contacts(owner) -> list[str]:
    return sorted(
        Person.objects.filter(owner=owner, is_me=False).values_list("full_name", flat=True)
    )


def uploads(tmp_path: Path) -> list[Path]:
    root = tmp_path / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_shows_the_upload_form(web) -> None:
    page = web.get(reverse("import")).content.decode()
    assert 'type="file"' in page and "multiple" in page and '<label for="import-files">' in page
    assert 'value="auto"' in page and "detect automatically" in page


def test_it_dry_runs_then_imports_on_confirm(owner, web, _data_dir) -> None:
    token = token_of(upload(web, vcf(CARDS)))
    assert contacts(owner) == []  # the dry run wrote nothing
    review = web.get(reverse("import-review", args=[token]))
    assert review.status_code == 200
    page = review.content.decode()
    assert "Dry run: nothing is written yet" in page and "contacts.vcf" in page
    (report,) = review.context["reports"]
    assert report["counts"]["created"] == 3 and report["format"] == "vcard"
    assert str(_data_dir) not in page  # the server's folder is never shown
    done = web.post(reverse("import-confirm", args=[token]))
    assert done.status_code == 302 and done["Location"] == reverse("import-done", args=[token])
    assert contacts(owner) == ["Anne Martin", "Bruno Petit", "Chloé Roux"]
    final = web.get(done["Location"])
    assert final.status_code == 200 and final.context["reports"][0]["counts"]["created"] == 3
    assert "Import done" in final.content.decode()
    assert uploads(_data_dir) == []  # the files are gone


def test_it_adds_nothing_twice_when_the_same_file_comes_again(owner, web) -> None:
    web.post(reverse("import-confirm", args=[token_of(upload(web, vcf(CARDS)))]))
    token = token_of(upload(web, vcf(CARDS)))
    report = web.get(reverse("import-review", args=[token])).context["reports"][0]
    assert report["counts"]["created"] == 0 and report["counts"]["unchanged"] == 3
    web.post(reverse("import-confirm", args=[token]))
    assert contacts(owner) == ["Anne Martin", "Bruno Petit", "Chloé Roux"]


def test_it_reports_a_bad_card_skipped_and_imports_the_good_ones(owner, web) -> None:
    token = token_of(upload(web, vcf(CARDS + BAD)))
    web.post(reverse("import-confirm", args=[token]))
    assert len(contacts(owner)) == 3
    page = web.get(reverse("import-done", args=[token]))
    (report,) = page.context["reports"]
    assert report["counts"]["skipped"] == 1
    assert "no name, nickname, organisation, email or phone" in report["skipped"][0]["reason"]
    assert "card 4" in page.content.decode()


def test_it_explains_an_unreadable_file_without_failing(owner, web, _data_dir) -> None:
    binary = SimpleUploadedFile("photo.bin", bytes(range(256)) * 20)
    token = token_of(upload(web, binary))
    review = web.get(reverse("import-review", args=[token]))
    assert review.status_code == 200
    page = review.content.decode()
    assert "is not a format entregent reads" in page and "photo.bin" in page
    assert "--format" not in page and "choose its format in the list" in page
    assert str(_data_dir) not in page
    assert "Confirm the import" not in page and review.context["anything"] is False


def test_it_imports_several_files_at_once(owner, web) -> None:
    linkedin = (
        "Notes:\nWhen exporting your connection data...\n\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Denis,Lambert,https://www.linkedin.com/in/denis-lambert,,Bretagne Conseil,CEO,"
        "12 Mar 2021\n"
    )
    token = token_of(
        upload(
            web,
            vcf(CARDS),
            SimpleUploadedFile("Connections.csv", linkedin.encode(), content_type="text/csv"),
        )
    )
    reports = web.get(reverse("import-review", args=[token])).context["reports"]
    assert [r["format"] for r in reports] == ["vcard", "linkedin"]
    web.post(reverse("import-confirm", args=[token]))
    assert "Denis Lambert" in contacts(owner) and len(contacts(owner)) == 4


def test_it_uses_the_format_chosen(owner, web) -> None:
    token = token_of(upload(web, vcf(CARDS, name="cards.txt"), fmt="vcard"))
    assert (
        web.get(reverse("import-review", args=[token])).context["reports"][0]["counts"]["created"]
        == 3
    )
    assert upload(web, vcf(CARDS), fmt="word")["Location"] == reverse("import")


def test_it_keeps_the_uploads_private_and_deletes_them_on_cancel(owner, web, _data_dir) -> None:
    token = token_of(upload(web, vcf(CARDS)))
    files = uploads(_data_dir)
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    for folder in {f.parent for f in files} | {_data_dir / "uploads"}:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert token in web.get(reverse("import")).content.decode()  # waiting for a decision
    response = web.post(reverse("import-cancel", args=[token]))
    assert response.status_code == 302 and uploads(_data_dir) == []
    assert contacts(owner) == []
    assert web.get(reverse("import-review", args=[token])).status_code == 404
    assert web.post(reverse("import-confirm", args=[token])).status_code == 404


def test_it_deletes_uploads_left_for_more_than_a_day(owner, web, _data_dir) -> None:
    token_of(upload(web, vcf(CARDS)))
    assert imports.sweep() == 0 and uploads(_data_dir)
    assert imports.sweep(now=__import__("time").time() + 25 * 3600) == 1
    assert uploads(_data_dir) == []


def test_it_refuses_uploads_over_the_limit_with_a_message(owner, web, settings) -> None:
    settings.ENTREGENT_UPLOAD_MAX_BYTES = 1000
    response = upload(web, vcf(CARDS * 20))
    assert response.status_code == 302 and response["Location"] == reverse("import")
    page = web.get(response["Location"]).content.decode()
    assert "too large for the web" in page and contacts(owner) == []


def test_it_asks_for_a_file(web) -> None:
    response = web.post(reverse("import-upload"), {"format": "auto"})
    assert response["Location"] == reverse("import")
    assert "Choose at least one file" in web.get(reverse("import")).content.decode()


def test_it_imports_a_confirmed_upload_once(owner, web) -> None:
    token = token_of(upload(web, vcf(CARDS)))
    (Path(imports._root()) / str(owner.pk) / token / "upload.json").rename(
        Path(imports._root()) / str(owner.pk) / token / "claimed-elsewhere.json"
    )  # as if another request were importing it at this moment
    response = web.post(reverse("import-confirm", args=[token]))
    assert response["Location"] == reverse("import") and contacts(owner) == []


def test_it_checks_ownership(owner, me, outsider, web) -> None:
    token = token_of(upload(web, vcf(CARDS)))
    a = services.add_person(owner, "Zoé Secret")
    b = services.add_person(owner, "Zoe Secret")
    suggestion = merging.suggest_merge(a, b, 95.0, "similar names")
    web.post(reverse("import-confirm", args=[token_of(upload(web, vcf(BAD)))]))
    other = Client()
    other.force_login(outsider)
    for url in (reverse("import-review", args=[token]), reverse("import-done", args=[token])):
        assert other.get(url).status_code == 404
    assert other.post(reverse("import-confirm", args=[token])).status_code == 404
    assert other.post(reverse("import-cancel", args=[token])).status_code == 404
    assert token not in other.get(reverse("import")).content.decode()
    page = other.get(reverse("duplicates")).content.decode()
    assert "Secret" not in page
    merge = reverse("import-merge", args=[suggestion.pk])
    assert other.post(merge, {"keep": a.pk}).status_code == 404
    assert other.post(reverse("import-apart", args=[suggestion.pk])).status_code == 404
    other.post(reverse("import-scan"))
    assert MergeSuggestion.objects.filter(owner=outsider).count() == 0
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    assert web.get(reverse("import-review", args=[token])).status_code == 200  # still waiting


def test_it_lists_suggestions_side_by_side(owner, me, web) -> None:
    a = services.add_person(owner, "Anne Martin", organization="Armor", emails=["a@ex.org"])
    b = services.add_person(owner, "Anne Martín", tags=["golf"])
    services.log_interaction(owner, [b], kind="call")
    merging.suggest_merge(a, b, 93.4, "similar names on import")
    response = web.get(reverse("duplicates"))
    page = response.content.decode()
    assert page.count('class="pair-card"') == 2 and "a@ex.org" in page and "golf" in page
    assert "similar names on import · 93 % alike" in page and "Armor" in page
    assert reverse("person", args=[a.pk]) in page and reverse("person", args=[b.pk]) in page
    (item,) = response.context["items"]
    assert item["b"].interaction_count == 1 and item["a"].interaction_count == 0


def test_it_merges_keeping_the_record_chosen(owner, me, web) -> None:
    a = services.add_person(owner, "Anne Martin")
    b = services.add_person(owner, "Anne Martín", emails=["anne@ex.org"])
    s = merging.suggest_merge(a, b, 93.0)
    bad = web.post(reverse("import-merge", args=[s.pk]), {"keep": me.pk})
    assert bad.status_code == 302 and Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    response = web.post(reverse("import-merge", args=[s.pk]), {"keep": b.pk})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=a.pk).exists()
    assert Person.objects.get(pk=b.pk).contact_points.get().value == "anne@ex.org"
    assert "Merged into Anne Martín." in web.get(response["Location"]).content.decode()


def test_it_keeps_a_pair_apart_in_place(owner, me, web) -> None:
    a, b = services.add_person(owner, "Jean Morel"), services.add_person(owner, "Jean Morels")
    s = merging.suggest_merge(a, b, 91.0)
    response = web.post(reverse("import-apart", args=[s.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"kept apart" in response.content
    assert MergeSuggestion.objects.get(pk=s.pk).state == MergeSuggestion.State.APART
    assert web.get(reverse("duplicates")).context["items"] == []
    assert web.post(reverse("import-apart", args=[s.pk])).status_code == 404  # decided


def test_it_scans_for_duplicates(owner, me, web) -> None:
    services.add_person(owner, "Gwenaëlle Quéré")
    services.add_person(owner, "Gwenaelle Quere")
    response = web.post(reverse("import-scan"))
    assert response.status_code == 302
    assert "1 new possible duplicate found." in web.get(response["Location"]).content.decode()
    assert len(web.get(reverse("duplicates")).context["items"]) == 1


def test_it_enforces_csrf(owner, me) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert upload(client, vcf(CARDS)).status_code == 403
    assert contacts(owner) == []
    a, b = services.add_person(owner, "Jean Morel"), services.add_person(owner, "Jean Morels")
    s = merging.suggest_merge(a, b, 91.0)
    assert client.post(reverse("import-apart", args=[s.pk])).status_code == 403
    assert client.post(reverse("import-merge", args=[s.pk]), {"keep": a.pk}).status_code == 403
    assert client.post(reverse("import-scan")).status_code == 403


def test_it_escapes_names(owner, me, web) -> None:
    evil = "<script>alert(1)</script>"
    token = token_of(upload(web, vcf(card(f"FN:{evil}")), vcf(BAD, name=f"{evil}.vcf")))
    page = web.get(reverse("import-review", args=[token])).content.decode()
    assert "<script>alert" not in page
    a, b = services.add_person(owner, f"{evil} A"), services.add_person(owner, f"{evil} B")
    merging.suggest_merge(a, b, 90.0)
    page = web.get(reverse("duplicates")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_it_speaks_french(owner, me, web) -> None:
    page = web.get(reverse("import"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page
    page = web.get(reverse("duplicates"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page


def test_it_asks_to_log_in(db) -> None:
    for url in (reverse("import"), reverse("duplicates")):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def _pairs(owner, count: int, start: int) -> None:
    for k in range(start, start + count):
        a = services.add_person(owner, f"Pair {k:03d}", emails=[f"p{k}@ex.org"], tags=["x"])
        b = services.add_person(owner, f"Pair {k:03d}b", organization="Armor")
        services.log_interaction(owner, [a, b], kind="meeting")
        merging.suggest_merge(a, b, 90.0)


def test_it_keeps_the_same_number_of_queries_as_suggestions_grow(owner, me, web) -> None:
    _pairs(owner, 3, 0)
    with CaptureQueriesContext(connection) as few:
        web.get(reverse("duplicates"))
    _pairs(owner, 30, 3)
    with CaptureQueriesContext(connection) as many:
        response = web.get(reverse("duplicates"))
    assert len(response.context["items"]) == imports.PAGE_SIZE
    assert len(many) == len(few)
