"""Every service: what it writes, what it refuses, and that a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from entregent.network import services
from entregent.network.errors import InvalidInput
from entregent.network.models import (
    ContactPoint,
    Exchange,
    Interaction,
    Link,
    Need,
    Organization,
    Person,
    Task,
)

WHEN = timezone.make_aware(dt.datetime(2026, 3, 14, 12, 0))


def test_it_creates_me_once(owner) -> None:
    first = services.ensure_me(owner, "Claire Dubois")
    again = services.ensure_me(owner)
    assert first.pk == again.pk and again.is_me
    assert Person.objects.filter(owner=owner, is_me=True).count() == 1


def test_it_adds_a_person_with_everything(owner) -> None:
    person = services.add_person(
        owner,
        "  Yves Martin ",
        organization="Armor",
        title="CEO",
        emails=["Yves@Armor.FR"],
        phones=["06 12 34 56 78"],
        urls=["armor.fr"],
        tags=["Client", "bretagne"],
        language="fr",
    )
    assert person.full_name == "Yves Martin" and person.name_key == "yves martin"
    assert person.organization.name == "Armor"
    assert set(person.contact_points.values_list("value", flat=True)) == {
        "yves@armor.fr",
        "+33612345678",
        "https://armor.fr",
    }
    assert sorted(person.tags.values_list("name", flat=True)) == ["bretagne", "client"]


def test_it_reuses_an_organisation_whatever_its_case(owner) -> None:
    services.add_person(owner, "A", organization="Banque Lambda")
    services.add_person(owner, "B", organization="BANQUE LAMBDA")
    assert Organization.objects.filter(owner=owner).count() == 1


def test_it_writes_nothing_when_a_contact_point_is_bad(owner) -> None:
    with pytest.raises(InvalidInput, match="not an email"):
        services.add_person(owner, "Yves", organization="Armor", emails=["nope"])
    assert not Person.objects.filter(owner=owner).exists()
    assert not Organization.objects.filter(owner=owner).exists()


def test_it_refuses_an_email_that_belongs_to_someone_else(owner) -> None:
    services.add_person(owner, "Yves", emails=["y@armor.fr"])
    with pytest.raises(InvalidInput, match="already belongs to Yves"):
        services.add_person(owner, "Other", emails=["Y@ARMOR.fr"])
    assert Person.objects.filter(owner=owner).count() == 1


def test_it_keeps_owners_apart_on_contact_points(owner, outsider) -> None:
    services.add_person(owner, "Yves", emails=["y@armor.fr"])
    services.add_person(outsider, "Yves", emails=["y@armor.fr"])
    assert ContactPoint.objects.filter(value="y@armor.fr").count() == 2


@pytest.mark.parametrize("name", ["", "   "])
def test_it_refuses_an_empty_name(owner, name: str) -> None:
    with pytest.raises(InvalidInput, match="name cannot be empty"):
        services.add_person(owner, name)


def test_it_updates_a_person(owner) -> None:
    person = services.add_person(owner, "Yves")
    services.update_person(
        person, full_name="Yves Martin", organization="Armor", closeness=4, language="fr"
    )
    person.refresh_from_db()
    assert (person.name_key, person.organization.name, person.closeness) == (
        "yves martin",
        "Armor",
        4,
    )
    with pytest.raises(InvalidInput):
        services.update_person(person, closeness=9)
    with pytest.raises(InvalidInput):
        services.update_person(person, is_me=True)


def test_it_links_two_people_once_whatever_the_order(owner) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    services.link_people(owner, b, a, context="works with", strength=4)
    link = services.link_people(owner, a, b, strength=5)
    assert Link.objects.filter(owner=owner).count() == 1
    assert (link.a_id, link.b_id, link.strength) == (min(a.pk, b.pk), max(a.pk, b.pk), 5)


def test_it_refuses_bad_links(owner, me) -> None:
    a = services.add_person(owner, "A")
    with pytest.raises(InvalidInput):
        services.link_people(owner, a, a)
    with pytest.raises(InvalidInput):
        services.link_people(owner, a, me)
    b = services.add_person(owner, "B")
    with pytest.raises(InvalidInput, match="between 1 and 5"):
        services.link_people(owner, a, b, strength=6)
    with pytest.raises(InvalidInput, match="Unknown link kind"):
        services.link_people(owner, a, b, kind="enemy")
    assert not Link.objects.exists()


def test_it_logs_an_interaction_with_its_direction(owner, me) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    interaction = services.log_interaction(
        owner, [a, b, me], kind="meeting", direction="them", occurred_at=WHEN, summary=" Lunch "
    )
    assert interaction.direction == "them" and interaction.summary == "Lunch"
    assert set(interaction.participants.all()) == {a, b}  # the user is implicit


def test_it_makes_dates_aware(owner) -> None:
    a = services.add_person(owner, "A")
    interaction = services.log_interaction(owner, [a], kind="call", occurred_at=dt.date(2026, 1, 2))
    assert timezone.is_aware(interaction.occurred_at)


def test_it_does_not_import_an_interaction_twice(owner) -> None:
    a = services.add_person(owner, "A")
    first = services.log_interaction(owner, [a], kind="email", source="mbox", external_id="<m1>")
    again = services.log_interaction(owner, [a], kind="email", source="mbox", external_id="<m1>")
    assert first.pk == again.pk and Interaction.objects.count() == 1


@pytest.mark.parametrize(("kind", "direction"), [("fax", "me"), ("call", "nobody")])
def test_it_refuses_unknown_kinds_and_directions(owner, kind: str, direction: str) -> None:
    a = services.add_person(owner, "A")
    with pytest.raises(InvalidInput, match="Unknown"):
        services.log_interaction(owner, [a], kind=kind, direction=direction)
    assert not Interaction.objects.exists()


def test_it_refuses_an_interaction_with_only_me(owner, me) -> None:
    with pytest.raises(InvalidInput, match="other than yourself"):
        services.log_interaction(owner, [me], kind="call")


def test_it_refuses_another_owners_person(owner, outsider) -> None:
    theirs = services.add_person(outsider, "Secret")
    with pytest.raises(InvalidInput, match="another user"):
        services.log_interaction(owner, [theirs], kind="call")


def test_it_records_needs_and_offers(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    need = services.add_need(y, "Cherche une location", tags=["Vacances", " "])
    offer = services.add_offer(me, "I know a rental")
    assert need.tags == ["vacances"] and need.status == "open" and offer.person == me
    with pytest.raises(InvalidInput, match="need cannot be empty"):
        services.add_need(y, "  ")
    services.close_need(need, "withdrawn", WHEN)
    assert need.status == "withdrawn" and need.closed_at == WHEN
    services.close_need(need, "open")
    assert need.closed_at is None
    services.close_offer(offer)
    assert offer.status == "withdrawn"


def test_it_rewords_needs_and_offers_and_forgets_their_vectors(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    need = services.add_need(y, "Cherche une location")
    Need.objects.filter(pk=need.pk).update(vector=b"\0" * 8, vector_key="old")
    need.refresh_from_db()
    services.update_need_text(need, "  Cherche une maison en Bretagne ")
    need.refresh_from_db()
    assert need.text == "Cherche une maison en Bretagne"
    assert need.vector is None and need.vector_key == ""
    with pytest.raises(InvalidInput, match="need cannot be empty"):
        services.update_need_text(need, " ")
    with pytest.raises(InvalidInput, match="too long"):
        services.update_need_text(need, "x" * 2001)
    need.refresh_from_db()
    assert need.text == "Cherche une maison en Bretagne"
    offer = services.update_offer_text(services.add_offer(me, "I know a rental"), "A rental")
    assert offer.text == "A rental"
    with pytest.raises(InvalidInput, match="offer cannot be empty"):
        services.update_offer_text(offer, "")


def test_it_opens_a_gratitude_loop_on_a_favour_received(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    exchange = services.record_favour(owner, y, me, "introduction", occurred_at=WHEN)
    task = Task.objects.get(exchange=exchange)
    assert task.kind == "thank" and task.due == dt.date(2026, 3, 16) and task.person == y
    services.mark_thanked(exchange, WHEN + dt.timedelta(days=1))
    task.refresh_from_db()
    assert task.done_at is not None and exchange.thanked_at is not None
    services.mark_outcome_reported(exchange, WHEN + dt.timedelta(days=5))
    assert exchange.outcome_reported_at == WHEN + dt.timedelta(days=5)


def test_it_opens_no_loop_for_a_favour_given(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    need = services.add_need(y, "Cherche une location")
    services.record_favour(owner, me, y, "information", need=need)
    need.refresh_from_db()
    assert need.status == "met"  # giving what was needed meets the need
    assert not Task.objects.exists()


def test_it_closes_the_loop_when_the_thank_task_is_done(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    exchange = services.record_favour(owner, y, me, "advice")
    services.complete_task(exchange.tasks.get(), WHEN)
    exchange.refresh_from_db()
    assert exchange.thanked_at == WHEN


@pytest.mark.parametrize("rung", ["job", "", "Advice"])
def test_it_refuses_unknown_rungs(owner, me, rung: str) -> None:
    y = services.add_person(owner, "Yves")
    with pytest.raises(InvalidInput, match="Unknown rung"):
        services.record_favour(owner, y, me, rung)
    assert not Exchange.objects.exists()


def test_it_refuses_a_favour_to_oneself(owner, me) -> None:
    with pytest.raises(InvalidInput):
        services.record_favour(owner, me, me, "advice")


def test_it_records_which_offers_someone_was_told(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    offer = services.add_offer(me, "Sales training")
    told = services.tell_offer(y, offer, when=WHEN, channel="lunch")
    assert told.told_at == WHEN
    not_mine = services.add_offer(y, "Knows a lawyer")
    with pytest.raises(InvalidInput, match="Only your own offers"):
        services.tell_offer(services.add_person(owner, "Zoé"), not_mine)
    with pytest.raises(InvalidInput):
        services.tell_offer(me, offer)


def test_it_sets_and_clears_recognition(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    rec = services.set_recognition(y, level=3, perception="The sales person to call")
    assert rec.level_override == 3
    rec = services.set_recognition(y, evidence="Recommended me", clear_level=True)
    assert rec.level_override is None and rec.perception == "The sales person to call"
    with pytest.raises(InvalidInput):
        services.set_recognition(y, level=7)
    with pytest.raises(InvalidInput):
        services.set_recognition(me, level=1)


def test_it_adds_goals_intros_and_tasks(owner, me) -> None:
    x, y = services.add_person(owner, "X"), services.add_person(owner, "Y")
    goal = services.add_goal(owner, person=x, why="Decisive prospect")
    intro = services.add_intro(owner, requester=me, intermediary=y, target=x, goal=goal)
    assert intro.status == "planned" and intro.goal == goal
    with pytest.raises(InvalidInput):
        services.add_goal(owner)
    with pytest.raises(InvalidInput):
        services.add_intro(owner, requester=me, intermediary=y, target=y)
    task = services.add_task(owner, "Call Y", due=dt.date(2026, 4, 1), person=y)
    services.complete_task(task, WHEN)
    assert task.done_at == WHEN
    with pytest.raises(InvalidInput):
        services.add_task(owner, "")


def test_it_deletes_a_person_and_their_lone_interactions(owner, me) -> None:
    a, b = services.add_person(owner, "A"), services.add_person(owner, "B")
    services.log_interaction(owner, [a], kind="call")
    shared = services.log_interaction(owner, [a, b], kind="meeting")
    services.delete_person(a)
    assert list(Interaction.objects.all()) == [shared]
    with pytest.raises(InvalidInput):
        services.delete_person(me)


def test_it_clears_only_the_owners_network(owner, outsider, me) -> None:
    services.add_person(owner, "A", organization="Org", tags=["t"])
    services.add_person(outsider, "B")
    services.clear_network(owner)
    assert not Person.objects.filter(owner=owner).exists()
    assert Person.objects.filter(owner=outsider).count() == 1
    assert not Need.objects.exists()


def test_it_refuses_to_tie_rows_of_two_owners(owner, outsider, me) -> None:
    mine = services.add_person(owner, "Mine")
    theirs = services.add_person(outsider, "Theirs")
    other_me = services.ensure_me(outsider)
    their_offer = services.add_offer(other_me, "Their offer")
    with pytest.raises(InvalidInput, match="another user"):
        services.link_people(owner, mine, theirs)
    with pytest.raises(InvalidInput, match="another user"):
        services.record_favour(owner, me, theirs, "advice")
    with pytest.raises(InvalidInput, match="another user"):
        services.add_intro(owner, requester=me, intermediary=mine, target=theirs)
    with pytest.raises(InvalidInput, match="another user"):
        services.tell_offer(mine, their_offer)
    assert not Exchange.objects.exists() and not Link.objects.exists()


def test_it_dates_the_thank_you_in_local_time(owner, me) -> None:
    y = services.add_person(owner, "Yves")
    # 00:30 in Paris on the 14th is still the 13th in UTC: the loop is due on the 16th.
    late = dt.datetime(2026, 3, 14, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with timezone.override("Europe/Paris"):
        exchange = services.record_favour(owner, y, me, "advice", occurred_at=late)
    assert exchange.tasks.get().due == dt.date(2026, 3, 16)
