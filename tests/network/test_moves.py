"""The day's moves on the demo network and on small hand-made ones: every kind of candidate,
the budget, decisions (done, snoozed, dismissed) and what a done move records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from entregent.demo import X_NAME, Y_NAME, build_demo
from entregent.network import moves, reaching, services
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.models import (
    Exchange,
    Interaction,
    Intro,
    Move,
    Need,
    OfferTold,
    Person,
    Task,
)

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def demo(owner):
    build_demo(owner, people=150, seed=7, today=dt.date(2026, 11, 29))
    return owner


def _kinds(found: moves.Today) -> set[str]:
    return {m.kind for m in found.moves}


def test_it_starts_the_first_day_with_mr_y_and_a_loop_or_a_tie(demo) -> None:
    day = moves.today(demo, NOW)
    keys = [m.key for m in day.moves]
    give = next(m for m in day.moves if m.kind == "give" and m.person.full_name == Y_NAME)
    assert "holiday rental" in give.why[0]
    assert any(X_NAME in why for why in give.why)  # Mr Y leads to Mr X
    assert give.say.startswith("Bonjour Yves")
    assert {"loop", "rescue"} & _kinds(day)
    assert day.minutes <= day.budget == 20
    assert len({m.person.pk for m in day.moves}) == len(keys)  # nobody twice


def test_it_weighs_every_kind_of_candidate(demo) -> None:
    services.set_preferences(demo, capacity=60)  # the demo keeps more than 60 ties
    kinds = _kinds(moves.candidates(demo, NOW))
    assert kinds == {"give", "loop", "rescue", "recognise", "goal", "let_go"}
    keys = [m.key for m in moves.candidates(demo, NOW).moves]
    assert any(k.startswith("tell:") for k in keys) and any(k.startswith("answer:") for k in keys)
    assert any(k.startswith("warm:") for k in keys)


def test_it_explains_each_move(demo) -> None:
    for move in moves.candidates(demo, NOW).moves:
        assert move.why and move.minutes > 0 and move.title
        if move.kind != "let_go":
            assert move.say, move.key


def test_it_is_the_same_list_for_the_same_moment(demo) -> None:
    first = [m.key for m in moves.today(demo, NOW, 60).moves]
    assert first == [m.key for m in moves.today(demo, NOW, 60).moves]
    assert len(first) >= 5


def test_it_fits_a_short_day(demo) -> None:
    day = moves.today(demo, NOW, 3)
    assert day.moves and all(m.minutes <= 3 for m in day.moves)
    assert day.minutes <= 3
    with pytest.raises(InvalidInput):
        moves.today(demo, NOW, 0)


def test_it_keeps_a_dismissed_move_away_for_months(demo) -> None:
    key = moves.today(demo, NOW).moves[0].key
    moves.decide(demo, key, "dismissed", NOW)
    for days in (1, 30, 179):
        later = NOW + dt.timedelta(days=days)
        assert key not in [m.key for m in moves.candidates_left(demo, later)]
    assert Move.objects.get(owner=demo, key=key).state == "dismissed"


def test_it_brings_a_snoozed_move_back(demo) -> None:
    rescue = next(m for m in moves.candidates(demo, NOW).moves if m.kind == "rescue")
    moves.decide(demo, rescue.key, "snoozed", NOW, days=2)
    assert rescue.key not in [m.key for m in moves.candidates_left(demo, NOW)]
    back = [m.key for m in moves.candidates_left(demo, NOW + dt.timedelta(days=2))]
    assert rescue.key in back


def test_it_logs_the_message_of_a_done_rescue(demo) -> None:
    rescue = next(m for m in moves.candidates(demo, NOW).moves if m.kind == "rescue")
    said = moves.decide(demo, rescue.key, "done", NOW, note="Coffee next week")
    contact = Interaction.objects.get(owner=demo, summary="Coffee next week")
    assert contact.direction == "me" and list(contact.participants.all()) == [rescue.person]
    assert rescue.person.full_name in said
    assert rescue.key not in [m.key for m in moves.candidates_left(demo, NOW)]


def test_it_closes_the_loop_of_a_done_thank_you(demo) -> None:
    loop = next(m for m in moves.candidates(demo, NOW).moves if m.kind == "loop")
    task = Task.objects.get(pk=int(loop.key.split(":")[1]))
    moves.decide(demo, loop.key, "done", NOW)
    task.refresh_from_db()
    assert task.done_at is not None
    assert Exchange.objects.get(pk=task.exchange_id).thanked_at is not None
    with pytest.raises(NotFound):
        moves.decide(demo, loop.key, "done", NOW)


def test_it_records_the_favour_of_a_done_give(demo) -> None:
    give = next(m for m in moves.today(demo, NOW).moves if m.key.startswith("give:G"))
    need_id = int(give.key.split(":")[1][1:].split("-")[0])
    moves.decide(demo, give.key, "done", NOW)
    assert Need.objects.get(pk=need_id).status == "met"
    assert Exchange.objects.filter(owner=demo, receiver=give.person, status="given").exists()


def test_it_records_what_was_told(demo) -> None:
    tell = next(m for m in moves.candidates(demo, NOW).moves if m.key.startswith("tell:"))
    _prefix, person, offer = tell.key.split(":")
    moves.decide(demo, tell.key, "done", NOW)
    assert OfferTold.objects.filter(person_id=int(person), offer_id=int(offer)).exists()


def test_it_lets_go_on_purpose(demo) -> None:
    services.set_preferences(demo, capacity=60)
    before = moves.network_view(demo, NOW).measures.load.active
    let_go = next(m for m in moves.candidates(demo, NOW).moves if m.kind == "let_go")
    moves.decide(demo, let_go.key, "done", NOW)
    assert Person.objects.get(pk=let_go.person.pk).released_at is not None
    assert moves.network_view(demo, NOW).measures.load.active == before - 1


def test_it_steps_toward_a_goal(demo) -> None:
    warm = next(m for m in moves.candidates(demo, NOW).moves if m.key.startswith("warm:"))
    assert warm.person.full_name == Y_NAME and "Bonjour Yves" in warm.say
    moves.decide(demo, warm.key, "done", NOW)
    intro = Intro.objects.get(owner=demo, intermediary=warm.person)
    assert intro.status == "planned"
    keys = [m.key for m in moves.candidates(demo, NOW).moves]
    assert f"intro:{intro.pk}:ask" in keys and not any(k.startswith("warm:") for k in keys)
    moves.decide(demo, f"intro:{intro.pk}:ask", "done", NOW)
    intro.refresh_from_db()
    assert intro.status == "asked"
    later = [m.key for m in moves.candidates(demo, NOW + dt.timedelta(days=8)).moves]
    assert f"intro:{intro.pk}:follow" in later


def test_it_asks_to_report_after_a_meeting(owner, me) -> None:
    via, target = services.add_person(owner, "Yves"), services.add_person(owner, "Xavier")
    intro = reaching.start_intro(owner, target, via)
    reaching.advance_intro(intro, "met", when=NOW - dt.timedelta(days=8))
    loop = next(
        m for m in moves.candidates(owner, NOW).moves if m.kind == "loop" and "Xavier" in m.say
    )
    moves.decide(owner, loop.key, "done", NOW, note="A contract in view")
    intro.refresh_from_db()
    assert intro.status == "outcome_reported" and intro.outcome == "A contract in view"


def test_it_refuses_bad_keys_and_others_people(demo, outsider) -> None:
    with pytest.raises(InvalidInput):
        moves.decide(demo, "nonsense", "done", NOW)
    with pytest.raises(InvalidInput):
        moves.decide(demo, "rescue:1", "maybe", NOW)
    stranger = Person.objects.filter(owner=demo, is_me=False).first()
    with pytest.raises(NotFound):
        moves.decide(outsider, f"rescue:{stranger.pk}", "done", NOW)
    assert not Interaction.objects.filter(owner=outsider).exists()


def test_it_has_nothing_to_propose_for_an_empty_network(owner, me) -> None:
    day = moves.today(owner, NOW)
    assert day.moves == [] and day.considered == 0


def test_it_never_rewrites_the_past_when_letting_go(demo) -> None:
    from entregent.network import health

    services.set_preferences(demo, capacity=60)
    before = health.health(demo, NOW).trend
    let_go = next(m for m in moves.candidates(demo, NOW).moves if m.kind == "let_go")
    moves.decide(demo, let_go.key, "done", NOW)
    after = health.health(demo, NOW + dt.timedelta(hours=1))
    assert [p.active for p in after.trend] == [p.active for p in before]
    assert after.now.active == health.health(demo, NOW).now.active


def test_it_keeps_a_dismissed_goal_step_away_whatever_the_chain(demo) -> None:
    warm = next(m for m in moves.candidates(demo, NOW).moves if m.key.startswith("warm:"))
    moves.decide(demo, warm.key, "dismissed", NOW)
    goal = warm.key.split(":")[1]
    assert Move.objects.get(owner=demo).key == f"warm:{goal}"
    later = moves.candidates_left(demo, NOW + dt.timedelta(days=1))
    assert not any(m.key.startswith(f"warm:{goal}:") for m in later)


def test_it_hangs_the_introduction_on_an_organisation_goal(demo) -> None:
    from entregent.network.models import Goal

    Goal.objects.filter(owner=demo).update(status="reached")
    yves = Person.objects.get(owner=demo, full_name=Y_NAME)
    zoe = services.add_person(demo, "Zoé Kerbot", organization="Kerbot")
    services.link_people(demo, yves, zoe, kind="colleague", strength=4)
    goal = services.add_goal(demo, organization=zoe.organization)
    warm = next(
        m for m in moves.candidates(demo, NOW).moves if m.key.startswith(f"warm:{goal.pk}:")
    )
    assert warm.person == yves
    moves.decide(demo, warm.key, "done", NOW)
    assert Goal.objects.filter(owner=demo, status="active").get() == goal
    assert Intro.objects.get(owner=demo, intermediary=yves).goal == goal
    assert not any(m.key.startswith("warm:") for m in moves.candidates(demo, NOW).moves)


def test_it_writes_directly_to_someone_known_at_the_goal(demo) -> None:
    from entregent.network.models import Goal, Organization

    Goal.objects.filter(owner=demo).update(status="reached")
    goal = services.add_goal(
        demo, organization=Organization.objects.get(owner=demo, name="Banque Lambda")
    )
    direct = next(
        m for m in moves.candidates(demo, NOW).moves if m.key.startswith(f"warm:{goal.pk}:")
    )
    _w, _g, via, target = direct.key.split(":")
    assert via == target and "Banque Lambda" in direct.title
    moves.decide(demo, direct.key, "done", NOW)
    assert not Intro.objects.filter(owner=demo, goal=goal).exists()
    assert Interaction.objects.filter(
        owner=demo, participants__pk=int(via), direction="me", occurred_at=NOW
    ).exists()
