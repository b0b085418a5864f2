"""Reaching a target on a real network, and the introduction lifecycle with its loops."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from entregent.demo import X_NAME, Y_NAME, build_demo
from entregent.network import reach, reaching, services
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.models import Exchange, Goal, Intro, Task

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def demo(owner):
    build_demo(owner, people=150, seed=7, today=dt.date(2026, 11, 29))
    return owner


def test_it_goes_through_mr_y_to_mr_x(demo) -> None:
    found = reach.reach(demo, "Xavier Lambert", NOW)
    first = found.chains[0]
    assert [p.full_name for p in first.people] == [Y_NAME, X_NAME]
    assert first.chance > max(c.chance for c in found.chains[1:])
    assert first.give_first and "holiday rental" in first.give_first[0].offer.text
    assert first.ask == "advice" and "best way to get in touch" in first.ask_text
    assert first.message.startswith("Bonjour Yves")  # in Y's language
    assert "Xavier Lambert" in first.message


def test_it_reaches_someone_at_an_organisation(demo) -> None:
    found = reach.reach(demo, "someone at Banque Lambda", NOW)
    assert "Banque Lambda" in found.target_label
    assert all(c.people[-1].organization.name == "Banque Lambda" for c in found.chains)


def test_it_answers_honestly_when_nobody_connects(owner, me) -> None:
    colleague = services.add_person(owner, "Anne Colleague", organization="Kerbot")
    services.log_interaction(owner, [colleague], kind="call")
    services.add_person(owner, "Isolated Target", organization="Kerbot")
    found = reach.reach(owner, "Isolated Target", NOW)
    assert found.chains == [] and found.nearest == [colleague]
    with pytest.raises(NotFound):
        reach.reach(owner, "someone at Nowhere Inc", NOW)


def test_it_asks_for_an_introduction_only_from_a_close_tie() -> None:
    assert reach.reach_ask(4) == 2 and reach.reach_ask(3) == 2
    assert reach.reach_ask(2) == 1 and reach.reach_ask(1) == 1 and reach.reach_ask(0) == 0


def test_it_runs_the_lifecycle_with_its_tasks(owner, me) -> None:
    x, y = services.add_person(owner, "Xavier"), services.add_person(owner, "Yves")
    intro = reaching.start_intro(owner, x, y, why="decisive prospect")
    assert intro.status == "planned" and Goal.objects.get().target_person == x
    day = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    reaching.advance_intro(intro, "asked", rung="advice", when=day)
    favour = Exchange.objects.get()
    assert (favour.giver, favour.status, favour.rung) == (y, "asked", "advice")
    reaching.advance_intro(intro, "made", when=day + dt.timedelta(days=3))
    favour.refresh_from_db()
    thank = Task.objects.get(kind="thank")
    assert favour.status == "given" and favour.rung == "introduction"
    assert thank.due == dt.date(2026, 3, 7) and "introduction" in thank.title
    reaching.advance_intro(intro, "met", when=day + dt.timedelta(days=10))
    report = Task.objects.get(kind="report_outcome")
    assert report.due == dt.date(2026, 3, 19)
    reaching.advance_intro(intro, "outcome", text="A pilot is on", when=day + dt.timedelta(11))
    report.refresh_from_db()
    assert report.done_at is not None and intro.outcome == "A pilot is on"
    reaching.advance_intro(intro, "thanked", when=day + dt.timedelta(days=12))
    thank.refresh_from_db()
    favour.refresh_from_db()
    assert thank.done_at is not None and favour.thanked_at is not None
    assert Intro.objects.get().status == "thanked"
    with pytest.raises(InvalidInput, match="closed"):
        reaching.advance_intro(intro, "declined")


def test_it_refuses_to_go_back_and_records_a_decline(owner, me) -> None:
    x, y = services.add_person(owner, "Xavier"), services.add_person(owner, "Yves")
    intro = reaching.start_intro(owner, x, y)
    reaching.advance_intro(intro, "asked")
    with pytest.raises(InvalidInput, match="already"):
        reaching.advance_intro(intro, "asked")
    reaching.advance_intro(intro, "declined")
    assert Exchange.objects.get().status == "declined"
    assert not Task.objects.filter(done_at=None).exists()
    with pytest.raises(InvalidInput, match="Unknown step"):
        reaching.advance_intro(reaching.start_intro(owner, x, y), "teleported")


def test_it_learns_from_an_intermediarys_outcomes(owner, me) -> None:
    x, y = services.add_person(owner, "Xavier"), services.add_person(owner, "Yves")
    services.log_interaction(owner, [y], kind="meeting", occurred_at=NOW - dt.timedelta(days=3))
    services.link_people(owner, y, x, strength=4)
    before = reach.reach(owner, "Xavier", NOW).chains[0].chance
    for _i in range(3):
        target = services.add_person(owner, f"T{_i}")
        reaching.advance_intro(reaching.start_intro(owner, target, y), "made")
    after = reach.reach(owner, "Xavier", NOW).chains[0].chance
    assert after > before


def test_it_uses_links_observed_in_shared_meetings(owner, me) -> None:
    x, y = services.add_person(owner, "Xavier"), services.add_person(owner, "Yves")
    day = NOW - dt.timedelta(days=10)
    services.log_interaction(owner, [y], kind="call", occurred_at=day)
    assert reach.reach(owner, "Xavier", NOW).chains == []
    services.log_interaction(owner, [x, y], kind="meeting", occurred_at=day)
    chains = {
        tuple(p.full_name for p in c.people): c for c in reach.reach(owner, "Xavier", NOW).chains
    }
    # The meeting put me in touch with Xavier too (a direct chain), and showed Yves knows him.
    assert ("Xavier",) in chains
    assert chains[("Yves", "Xavier")].hops[1] == pytest.approx(0.3)  # one meeting: strength 2
