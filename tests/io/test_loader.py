"""Loading parsed records: identity resolution, idempotence, updates, interactions, dry runs."""

from __future__ import annotations

import datetime as dt

import pytest
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
            card("card 2", "anne-sophie DURAND", phones=["0611223344"]),
            card("card 3", "Jean-Marc Lefevre", organization="Acme"),
            card("card 4", "Jean Marc Lefebvre", organization="Globex"),
        ),
    )
    counts = report.counts()
    assert (counts["merged"], counts["unchanged"], counts["created"]) == (2, 1, 1)
    yves.refresh_from_db()
    assert yves.title == "Directeur"  # a blank filled, nothing overwritten
    assert anne.contact_points.filter(kind="phone").exists()
    assert Person.objects.filter(owner=owner, full_name__startswith="Jean").count() == 2
    suggestion = MergeSuggestion.objects.get(owner=owner)
    assert jean.pk in (suggestion.a_id, suggestion.b_id) and report.suggestions == 1


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
