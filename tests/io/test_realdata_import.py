"""Every real-world sample of ../shared/realdata imports end to end, and a second import of
everything changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from entregent.io.importing import import_paths
from entregent.network import services
from entregent.network.models import (
    ContactPoint,
    Interaction,
    MergeSuggestion,
    Organization,
    Person,
    PersonSource,
)
from tests.conftest import realdata_dir

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))
KINDS = ("vcard", "linkedin", "google-csv", "outlook-csv", "ics", "mbox")


def _samples() -> list[Path]:
    files: list[Path] = []
    for kind in KINDS:
        folder = realdata_dir(kind)
        files += sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and not p.name.endswith((".expected.vcf", ".json"))
        )
    files.append(realdata_dir("mbox", "maildir__mailutils_mbox1"))
    return files


def _counts(owner) -> dict[str, int]:
    return {
        m.__name__: m.objects.filter(owner=owner).count()
        for m in (Person, ContactPoint, Organization, Interaction, PersonSource, MergeSuggestion)
    }


def test_it_imports_every_sample_and_nothing_twice(owner, me) -> None:
    services.add_contact_point(me, "email", "claire@dubois.fr")
    files = _samples()
    first = import_paths(owner, files, now=NOW)
    assert len(first) == len(files) >= 90
    read = [r for r in first if r.read_anything]
    assert len(read) >= 70  # a few samples are empty, broken on purpose, or hold no meeting
    for report in first:
        # Whatever a file holds, the report says something: figures, skipped records or why.
        assert any(report.counts().values()) or report.notices, report.name
    after_first = _counts(owner)
    assert after_first["Person"] > 100 and after_first["Interaction"] > 150
    second = import_paths(owner, files, now=NOW)
    assert sum(r.counts()["created"] for r in second) == 0
    assert sum(r.counts()["updated"] for r in second) == 0
    assert sum(r.counts()["interactions_created"] for r in second) == 0
    assert sum(r.counts()["interactions_existing"] for r in second) == sum(
        r.counts()["interactions_created"] + r.counts()["interactions_existing"] for r in first
    )
    assert _counts(owner) == after_first


def test_it_finds_the_people_sources_md_names(owner, me) -> None:
    vcard, linkedin = realdata_dir("vcard"), realdata_dir("linkedin")
    import_paths(
        owner,
        [
            vcard / "ezvcard__John_Doe_ANDROID.vcf",
            vcard / "ezvcard__rfc2426-example.vcf",
            vcard / "aosp__v30_ios_613_multiline.vcf",
            linkedin / "hirefrank__Connections.csv",
            realdata_dir("mbox") / "mailutils__teaparty.mbox",
        ],
        now=NOW,
    )
    emails = set(
        ContactPoint.objects.filter(owner=owner, kind="email").values_list("value", flat=True)
    )
    assert {
        "john.doe@company.com",
        "frank_dawson@lotus.com",
        "howes@netscape.com",
        "bob@smithauto.com",
    } <= emails
    bob = Person.objects.get(owner=owner, contact_points__value="bob@smithauto.com")
    assert bob.full_name == "Bob Smith" and bob.organization.name == "Smith Auto Repair"
    assert Interaction.objects.filter(owner=owner, kind="social").count() == 10
    assert Interaction.objects.filter(owner=owner, kind="email").count() >= 90
