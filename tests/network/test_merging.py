"""Merging two records of one person, keeping two people apart, and finding duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from entregent.network import merging, services
from entregent.network.errors import InvalidInput
from entregent.network.models import (
    ContactPoint,
    Exchange,
    Interaction,
    Link,
    MergeSuggestion,
    Need,
    Person,
)

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


def test_it_moves_everything_to_the_person_kept(owner, me) -> None:
    keep = services.add_person(owner, "Yves Martin", emails=["y@armor.fr"], tags=["client"])
    other = services.add_person(
        owner,
        "Y. Martin",
        organization="Armor",
        title="DG",
        emails=["y@armor.fr".replace("y@", "yves@")],
        tags=["golf"],
        notes="Aime la voile",
    )
    anne = services.add_person(owner, "Anne")
    services.log_interaction(owner, [other], kind="call", occurred_at=NOW)
    services.log_interaction(owner, [keep, other], kind="meeting", occurred_at=NOW)
    services.link_people(owner, other, anne, kind="colleague", strength=4)
    services.add_need(other, "Cherche un comptable")
    services.record_favour(owner, other, me, "advice", occurred_at=NOW)
    services.record_favour(owner, other, keep, "advice", occurred_at=NOW)
    kept = merging.merge_people(keep, other)
    assert not Person.objects.filter(pk=other.pk).exists()
    assert kept.organization.name == "Armor" and kept.title == "DG" and "voile" in kept.notes
    assert set(ContactPoint.objects.filter(person=kept).values_list("value", flat=True)) == {
        "y@armor.fr",
        "yves@armor.fr",
    }
    assert sorted(kept.tags.values_list("name", flat=True)) == ["client", "golf"]
    assert Interaction.objects.filter(participants=kept).count() == 2
    assert Interaction.participants.through.objects.filter(person=kept).count() == 2
    assert (
        Link.objects.filter(b=anne, a=kept).exists() or Link.objects.filter(a=anne, b=kept).exists()
    )
    assert Need.objects.get().person == kept
    assert Exchange.objects.get().giver == kept  # the favour between the two records is gone


def test_it_never_merges_the_user(owner, me) -> None:
    twin = services.add_person(owner, "Claire D.")
    for pair in ((twin, me), (me, twin), (me, me)):
        with pytest.raises(InvalidInput):
            merging.merge_people(*pair)
    assert Person.objects.filter(pk=me.pk).exists() and Person.objects.filter(pk=twin.pk).exists()


def test_it_carries_decisions_and_recognition_over(owner, me) -> None:
    from entregent.network.models import Move, Recognition

    a = services.add_person(owner, "Jean Martin", organization="Acme")
    b = services.add_person(owner, "J. Martin", organization="Acme")
    c = services.add_person(owner, "Jean Martin", organization="Globex")
    merging.keep_apart(b, c)
    services.set_recognition(a, level=1, evidence="replied to my mail")
    services.set_recognition(b, level=2, evidence="called me first")
    services.record_move(owner, f"rescue:{b.pk}", "rescue", "dismissed", until=NOW.date(), person=b)
    merging.merge_people(a, b)
    assert MergeSuggestion.objects.get(owner=owner).state == "apart"
    assert merging.scan_duplicates(owner) == 0  # a and c were kept apart through b
    evidence = Recognition.objects.get(person=a).evidence
    assert "replied" in evidence and "called me first" in evidence
    assert Move.objects.get(owner=owner).key == f"rescue:{a.pk}"


def test_it_keeps_two_people_apart_for_good(owner, me) -> None:
    a = services.add_person(owner, "Jean Martin", organization="Acme")
    b = services.add_person(owner, "Jean Martin ", organization="Globex")
    assert merging.scan_duplicates(owner) == 1
    merging.keep_apart(b, a)
    assert MergeSuggestion.objects.get().state == "apart"
    assert merging.scan_duplicates(owner) == 0


def test_it_finds_similar_names_across_the_network(owner, me) -> None:
    services.add_person(owner, "Gwenaëlle Quéré", organization="Kerlann")
    services.add_person(owner, "Gwenaelle Quere", organization="Kerlann")
    services.add_person(owner, "Paul Roux")
    assert merging.scan_duplicates(owner) == 1
    pair = MergeSuggestion.objects.get()
    assert {pair.a.full_name, pair.b.full_name} == {"Gwenaëlle Quéré", "Gwenaelle Quere"}


def test_it_refuses_people_of_two_accounts(owner, me, outsider) -> None:
    mine = services.add_person(owner, "Zoé")
    theirs = services.add_person(outsider, "Zoé")
    with pytest.raises(InvalidInput):
        merging.merge_people(mine, theirs)
