"""Loading parsed records: identity resolution, idempotence, updates, interactions, dry runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from entregent.io.loader import load
from entregent.io.records import ContactRecord, InteractionRecord, Parsed, Participant
from entregent.network import services
from entregent.network.explain import network_view
from entregent.network.models import (
    ContactPoint,
    Interaction,
    MergeSuggestion,
    Person,
    PersonSource,
)

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


def cards(*records: ContactRecord) -> Parsed:
    return Parsed(format="vcard", contacts=list(records))


def card(ref: str, name: str, **fields) -> ContactRecord:
    return ContactRecord(ref=ref, full_name=name, **fields)


def mails(*records: InteractionRecord) -> Parsed:
    return Parsed(format="mbox", interactions=list(records))


def mail(ref: str, sender: str, *to: str, when: dt.datetime = NOW) -> InteractionRecord:
    return InteractionRecord(
        ref=ref,
        external_id=f"{ref}@example.org",
        occurred_at=when,
        kind="email",
        initiator=Participant(email=sender, name=""),
        participants=[Participant(email=a, name="") for a in to],
        summary=f"About {ref}",
    )


def test_it_creates_people_with_their_details(owner, me) -> None:
    report = load(
        owner,
        cards(
            card(
                "card 1",
                "Zoé Le Goff",
                emails=["Zoe@Kerlann.fr"],
                phones=["06 12 34 56 78"],
                organization="Kerlann",
                title="CEO",
                tags=["Client"],
                external_id="uid-1",
            ),
            card("card 2", "Bob", emails=["bob@example.org"]),
        ),
    )
    assert report.counts()["created"] == 2 and report.skipped == []
    zoe = Person.objects.get(owner=owner, full_name="Zoé Le Goff")
    assert zoe.organization.name == "Kerlann" and zoe.title == "CEO"
    assert set(zoe.contact_points.values_list("kind", "value")) == {
        ("email", "zoe@kerlann.fr"),
        ("phone", "+33612345678"),
    }
    assert list(zoe.tags.values_list("name", flat=True)) == ["client"]
    assert PersonSource.objects.get(person=zoe).external_id == "uid-1"


def test_it_adds_nothing_the_second_time(owner, me) -> None:
    parsed = cards(
        card("card 1", "Zoé Le Goff", emails=["zoe@kerlann.fr"], external_id="uid-1"),
        card("card 2", "Bob", phones=["+44 20 7946 0958"]),
    )
    load(owner, parsed)
    counts = {m: m.objects.filter(owner=owner).count() for m in (Person, ContactPoint)}
    again = load(owner, parsed)
    assert again.counts()["created"] == 0 and again.counts()["updated"] == 0
    assert {m: m.objects.filter(owner=owner).count() for m in counts} == counts


def test_it_updates_what_changed_in_the_same_source(owner, me) -> None:
    load(owner, cards(card("card 1", "Zoé", emails=["z@k.fr"], title="CTO", external_id="u1")))
    report = load(
        owner,
        cards(
            card("card 1", "Zoé", emails=["z@k.fr", "zoe@perso.fr"], title="CEO", external_id="u1")
        ),
    )
    assert report.counts()["updated"] == 1 and report.counts()["created"] == 0
    zoe = Person.objects.get(owner=owner, full_name="Zoé")
    assert zoe.title == "CEO" and zoe.contact_points.count() == 2


def test_it_merges_by_email_phone_or_name_but_only_suggests_close_names(owner, me) -> None:
    yves = services.add_person(owner, "Yves Martin", organization="Armor", emails=["y@armor.fr"])
    anne = services.add_person(owner, "Anne-Sophie Durand", organization="Kerlann")
    jean = services.add_person(owner, "Jean-Marc Lefèvre", organization="Acme")
    report = load(
        owner,
        cards(
            card("card 1", "Y. Martin", emails=["Y@ARMOR.FR"], title="Directeur"),
            card("card 2", "anne-sophie DURAND", organization="Kerlann", phones=["0611223344"]),
            card("card 3", "Jean-Marc Lefevre", organization="Acme"),
            card("card 4", "Jean Marc Lefebvre", organization="Globex"),
            card("card 5", "Anne-Sophie Durand", emails=["asd@gmail.com"]),
        ),
    )
    counts = report.counts()
    assert (counts["merged"], counts["unchanged"], counts["created"]) == (3, 0, 2)
    yves.refresh_from_db()
    assert yves.title == "Directeur"  # a blank filled, nothing overwritten
    assert anne.contact_points.filter(kind="phone").exists()
    assert Person.objects.filter(owner=owner, full_name__startswith="Jean").count() == 2
    # The same name elsewhere, or with no organisation to tell: listed, never merged.
    pairs = {(s.a_id, s.b_id) for s in MergeSuggestion.objects.filter(owner=owner)}
    assert report.suggestions == 2 and len(pairs) == 2
    assert any(jean.pk in pair for pair in pairs) and any(anne.pk in pair for pair in pairs)


def test_it_counts_every_record_once(owner, me) -> None:
    services.add_person(owner, "Anne Martin", emails=["anne@x.org"])
    report = load(
        owner,
        cards(
            card("card 1", "Anne Martin", emails=["anne@x.org"]),
            card("card 2", "A. Martin", emails=["anne@x.org"], title="CEO"),
            card("card 3", "Paul", emails=["paul@x.org"]),
        ),
    )
    counts = report.counts()
    assert counts["created"] + counts["merged"] + counts["unchanged"] + counts["updated"] == 3


def test_it_never_imports_the_users_own_card(owner, me) -> None:
    services.add_contact_point(me, "email", "claire@dubois.fr")
    parsed = Parsed(
        format="linkedin",
        contacts=[
            card(
                "line 5",
                "Claire Dubois",
                emails=["claire@dubois.fr"],
                title="Boss",
                external_id="https://linkedin.com/in/claire",
                connected_on=timezone.make_aware(dt.datetime(2024, 1, 1, 12)),
            )
        ],
    )
    report = load(owner, parsed)
    assert [s.reason for s in report.skipped] == ["this is you: your own card is not imported"]
    me.refresh_from_db()
    assert me.title == "" and not Interaction.objects.filter(owner=owner).exists()


def test_it_strips_what_postgresql_refuses(owner, me) -> None:
    long_name = "Straße " * 28 + "Ä"
    report = load(
        owner,
        Parsed(
            format="vcard",
            contacts=[
                card("card 1", "Bad\x00One", notes="a\x00b"),
                card("card 2", long_name, organization="Großstraße " * 19),
            ],
            interactions=[],
        ),
    )
    assert report.counts()["created"] == 2
    assert Person.objects.filter(owner=owner, full_name="BadOne", notes="ab").exists()


def test_it_takes_the_new_version_of_a_record_from_its_source(owner, me) -> None:
    load(owner, cards(card("card 1", "Zoé Le Goff", title="CTO", notes="x", external_id="u1")))
    report = load(owner, cards(card("card 1", "Zoé Quéré", title="", external_id="u1")))
    assert report.counts()["updated"] == 1
    zoe = Person.objects.get(owner=owner, is_me=False)
    assert (zoe.full_name, zoe.title, zoe.notes) == ("Zoé Quéré", "", "")


def test_it_finds_its_own_export_again(owner, me) -> None:
    from entregent.io import export, vcard

    services.add_person(owner, "Jean Martin", notes="plumber")
    services.add_person(owner, "Jean Martin", notes="lawyer")
    data = export.to_vcard(owner)
    again = load(owner, vcard.parse_vcards(data))
    assert again.counts()["unchanged"] == 2 and again.counts()["created"] == 0
    other = get_user_model().objects.create_user(username="fresh", password="x")
    fresh = load(other, vcard.parse_vcards(data))
    assert fresh.counts()["created"] == 2 and fresh.suggestions == 1
    assert sorted(Person.objects.filter(owner=other).values_list("notes", flat=True)) == [
        "lawyer",
        "plumber",
    ]


def test_it_writes_nothing_in_a_dry_run(owner, me) -> None:
    parsed = cards(card("card 1", "Zoé", emails=["z@k.fr"]), card("card 2", ""))
    dry = load(owner, parsed, dry_run=True)
    assert dry.counts()["created"] == 1 and dry.counts()["skipped"] == 1
    assert not Person.objects.filter(owner=owner, is_me=False).exists()
    assert load(owner, parsed).counts() == dry.counts()


def test_it_reports_values_it_cannot_read(owner, me) -> None:
    report = load(owner, cards(card("card 9", "Zoé", phones=["call me maybe"], emails=["nope"])))
    assert report.counts()["created"] == 1
    assert [w.ref for w in report.warnings] == ["card 9", "card 9"]


def test_it_loads_mail_with_who_started_it(owner, me) -> None:
    services.add_contact_point(me, "email", "claire@dubois.fr")
    report = load(
        owner,
        mails(
            mail("m1", "claire@dubois.fr", "yves@armor.fr"),
            mail("m2", "yves@armor.fr", "claire@dubois.fr", "anne@kerlann.fr"),
            mail("m3", "claire@dubois.fr", "claire@dubois.fr"),
        ),
    )
    assert report.counts()["interactions_created"] == 2
    assert [s.ref for s in report.skipped] == ["m3"]  # nobody but the user
    first = Interaction.objects.get(external_id="m1@example.org")
    second = Interaction.objects.get(external_id="m2@example.org")
    assert first.direction == "me" and second.direction == "them"
    assert sorted(p.full_name for p in second.participants.all()) == ["Anne", "Yves"]
    assert not second.participants.filter(is_me=True).exists()
    again = load(owner, mails(mail("m1", "claire@dubois.fr", "yves@armor.fr")))
    assert again.counts()["interactions_existing"] == 1
    assert Interaction.objects.filter(owner=owner).count() == 2


def test_it_records_the_linkedin_connection_once(owner, me) -> None:
    when = timezone.make_aware(dt.datetime(2024, 1, 12, 12, 0))
    parsed = Parsed(
        format="linkedin",
        contacts=[
            card(
                "line 5",
                "Zoé",
                urls=["https://www.linkedin.com/in/zoe"],
                external_id="https://www.linkedin.com/in/zoe",
                connected_on=when,
            )
        ],
    )
    load(owner, parsed)
    load(owner, parsed)
    social = Interaction.objects.get(owner=owner, kind="social")
    assert social.occurred_at == when and social.participants.get().full_name == "Zoé"


def test_it_shows_imported_history_in_the_measures(owner, me) -> None:
    services.add_contact_point(me, "email", "me@x.org")
    load(
        owner,
        mails(
            *(
                mail(f"m{k}", "a@x.org", "me@x.org", when=NOW - dt.timedelta(days=k * 5, hours=1))
                for k in range(5)
            )
        ),
    )
    view = network_view(owner, NOW)
    person = Person.objects.get(owner=owner, full_name="A")
    assert view.measures.active_days[view.measures.index(person.pk)] == 5


def test_it_keeps_each_users_records_apart(owner, me, outsider) -> None:
    load(owner, cards(card("card 1", "Zoé", emails=["z@k.fr"])))
    report = load(outsider, cards(card("card 1", "Zoé", emails=["z@k.fr"])))
    assert report.counts()["created"] == 1
    assert Person.objects.filter(full_name="Zoé").count() == 2


@pytest.mark.parametrize("count", [1, 2500])
def test_it_loads_in_batches(owner, me, count: int) -> None:
    parsed = cards(
        *(card(f"card {k}", f"Person {k}", emails=[f"p{k}@x.org"]) for k in range(count))
    )
    assert load(owner, parsed).counts()["created"] == count
    assert ContactPoint.objects.filter(owner=owner).count() == count


def test_it_moves_a_rescheduled_meeting(owner, me) -> None:
    def meeting(when: dt.datetime, title: str) -> Parsed:
        return Parsed(
            format="ics",
            interactions=[
                InteractionRecord(
                    ref="event 1",
                    external_id="uid-7",
                    occurred_at=when,
                    kind="meeting",
                    initiator=Participant(email="a@x.org"),
                    summary=title,
                )
            ],
        )

    load(owner, meeting(NOW, "Point"))
    report = load(owner, meeting(NOW + dt.timedelta(hours=2), "Point (moved)"))
    assert report.counts()["interactions_updated"] == 1
    moved = Interaction.objects.get(owner=owner)
    assert moved.occurred_at == NOW + dt.timedelta(hours=2) and moved.summary == "Point (moved)"
    assert (
        load(owner, meeting(NOW + dt.timedelta(hours=2), "Point (moved)")).counts()[
            "interactions_updated"
        ]
        == 0
    )


def test_it_drops_nul_characters_from_mail(owner, me) -> None:
    record = mail("m\x001", "a@x.org", "me@x.org")
    record.summary = "Sub\x00ject"
    record.initiator = Participant(email="a@x.org", name="An\x00ne")
    assert load(owner, mails(record)).counts()["interactions_created"] == 1
    saved = Interaction.objects.get(owner=owner)
    assert saved.summary == "Subject" and saved.external_id == "m1@example.org"
    assert saved.participants.filter(full_name="Anne").exists()
