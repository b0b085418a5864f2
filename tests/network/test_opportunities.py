"""Give first on a real network: what the matcher finds, how it ranks, and acting on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from entregent.demo import X_NAME, Y_NAME, build_demo
from entregent.engine import matching
from entregent.network import opportunities, services
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.models import Exchange, Intro, Link, Need, Offer, OfferTold

TODAY = dt.date(2026, 11, 29)
NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def demo(owner):
    build_demo(owner, people=150, seed=7, today=TODAY)
    return owner


def test_it_puts_mr_y_and_the_rental_tip_near_the_top(demo) -> None:
    found = opportunities.find(demo, NOW)
    assert found.method == "semantic" and found.notice is None
    top = found.give[:3]
    rental = [o for o in top if o.person.full_name == Y_NAME]
    assert rental, [f"{o.person} {o.offer}" for o in top]
    op = rental[0]
    assert "holiday rental" in op.offer.text and op.offer.person.is_me
    assert any(X_NAME in reason for reason in op.reasons)  # Mr Y leads to Mr X
    assert op.message.startswith("Bonjour Yves")  # Y writes in French
    assert op.key == f"G{op.need.pk}-{op.offer.pk}"


def test_it_stores_vectors_once_and_again_when_a_text_changes(demo) -> None:
    opportunities.find(demo, NOW)
    need = Need.objects.filter(owner=demo, status="open").first()
    key = need.vector_key
    assert need.vector and len(bytes(need.vector)) == matching.DIMENSIONS * 4
    need.text = need.text + " (urgent)"
    need.save()
    opportunities.find(demo, NOW)
    need.refresh_from_db()
    assert need.vector_key != key and need.vector_key == matching.vector_key(need.text)


def test_it_brokers_only_between_people_who_do_not_know_each_other(demo) -> None:
    found = opportunities.find(demo, NOW)
    assert found.broker
    for op in found.broker:
        a, b = sorted((op.need.person_id, op.offer.person_id))
        assert a != b
        assert not Link.objects.filter(owner=demo, a_id=a, b_id=b).exists()
        assert not op.offer.person.is_me


def test_it_skips_a_pair_once_they_know_each_other(owner, me) -> None:
    asker = services.add_person(owner, "Zoé Le Goff")
    helper = services.add_person(owner, "Antoine Fontaine")
    services.add_need(asker, "Cherche un expert-comptable pour indépendants")
    services.add_offer(helper, "Connaît un excellent expert-comptable pour indépendants")
    assert len(opportunities.find(owner, NOW).broker) == 1
    services.link_people(owner, asker, helper)
    assert opportunities.find(owner, NOW).broker == []


def test_it_ranks_a_goal_intermediary_above_an_equal_match(owner, me) -> None:
    target = services.add_person(owner, "Xavier Lambert")
    services.add_goal(owner, person=target, why="decisive prospect")
    near = services.add_person(owner, "Yves Martin")
    far = services.add_person(owner, "Paul Durand")
    services.link_people(owner, near, target, context="works regularly with")
    for person in (far, near):
        services.add_need(person, "Cherche une location pour les vacances en Bretagne")
    services.add_offer(me, "I know a great holiday rental deal in Brittany")
    give = opportunities.find(owner, NOW).give
    assert [o.person for o in give] == [near, far]
    assert give[0].value > give[1].value


def test_it_falls_back_to_key_words_with_a_notice(owner, me, monkeypatch) -> None:
    monkeypatch.setattr(matching, "load_encoder", lambda: (None, "RuntimeError: no model"))
    asker = services.add_person(owner, "Zoé")
    services.add_need(asker, "Cherche un expert-comptable pour indépendants")
    services.add_offer(me, "Je connais un expert-comptable pour indépendants")
    found = opportunities.find(owner, NOW)
    assert found.method == "lexical" and "no model" in found.notice
    assert [o.person for o in found.give] == [asker]
    assert found.give[0].shared == ["expert", "comptable", "indépendants"]


def test_it_records_a_gift(owner, me) -> None:
    asker = services.add_person(owner, "Yves")
    need = services.add_need(asker, "Cherche une location de vacances")
    offer = services.add_offer(me, "I know a holiday rental")
    done = opportunities.act(owner, f"G{need.pk}-{offer.pk}", rung="information")
    assert "Yves" in done
    need.refresh_from_db()
    exchange = Exchange.objects.get()
    assert (exchange.giver, exchange.receiver, exchange.need, exchange.offer) == (
        me,
        asker,
        need,
        offer,
    )
    assert need.status == "met"
    assert OfferTold.objects.filter(person=asker, offer=offer).exists()  # they know it now
    with pytest.raises(InvalidInput, match="already closed"):
        opportunities.act(owner, f"G{need.pk}-{offer.pk}")


def test_it_records_a_brokered_introduction(owner, me) -> None:
    asker, helper = services.add_person(owner, "Zoé"), services.add_person(owner, "Antoine")
    need = services.add_need(asker, "Cherche un comptable")
    offer = services.add_offer(helper, "Connaît un comptable")
    opportunities.act(owner, f"b{need.pk}-{offer.pk}", keep_open=True)
    intro = Intro.objects.get()
    assert (intro.requester, intro.intermediary, intro.target, intro.status) == (
        asker,
        me,
        helper,
        "made",
    )
    assert Link.objects.filter(owner=owner).count() == 1
    favour = Exchange.objects.get()
    assert favour.rung == "introduction" and favour.intro == intro and favour.need == need
    need.refresh_from_db()
    assert need.status == "open"  # kept open on purpose


@pytest.mark.parametrize("key", ["", "X1-2", "G1", "Gx-y", "G999-999"])
def test_it_refuses_bad_keys(owner, me, key: str) -> None:
    with pytest.raises((InvalidInput, NotFound)):
        opportunities.act(owner, key)


def test_it_refuses_to_give_someone_elses_offer(owner, me) -> None:
    asker, other = services.add_person(owner, "Zoé"), services.add_person(owner, "Antoine")
    need = services.add_need(asker, "Cherche un comptable")
    offer = services.add_offer(other, "Connaît un comptable")
    with pytest.raises(InvalidInput, match="Only your own offers"):
        opportunities.act(owner, f"G{need.pk}-{offer.pk}")
    assert not Exchange.objects.exists()
    assert Offer.objects.get(pk=offer.pk).status == "open"
