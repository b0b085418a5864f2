"""Backup and restore: everything a user owns goes out and comes back, identical."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entregent.demo import build_demo
from entregent.io import backup
from entregent.network import reaching, services
from entregent.network.errors import InvalidInput
from entregent.network.models import Interaction, Person

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))
names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip())


def _user(name: str):
    return get_user_model().objects.create_user(username=name, password="x", is_staff=True)


def _round_trip(user, target_name: str) -> tuple[str, str]:
    first = backup.dumps(backup.backup(user))
    target = _user(target_name)
    backup.restore(target, json.loads(first))
    return first, backup.dumps(backup.backup(target))


def test_it_restores_the_demo_identically(owner) -> None:
    build_demo(owner, people=60, seed=3, today=dt.date(2026, 11, 29))
    yves = Person.objects.get(owner=owner, full_name="Yves Martin")
    intro = reaching.start_intro(
        owner, Person.objects.get(owner=owner, full_name="Xavier Lambert"), yves
    )
    reaching.advance_intro(intro, "made", when=NOW)
    services.release_person(Person.objects.filter(owner=owner, is_me=False).last(), NOW)
    first, second = _round_trip(owner, "restored")
    assert first == second
    data = json.loads(first)
    assert {"person", "interaction", "exchange", "intro", "task", "goal"} <= set(data["tables"])
    assert len(data["tables"]["interaction"]) == Interaction.objects.filter(owner=owner).count()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(names, min_size=1, max_size=6),
    contacts=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 900)), max_size=12
    ),
    favours=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.booleans(),
            st.sampled_from(["information", "advice", "introduction"]),
        ),
        max_size=4,
    ),
    note=names,
)
def test_it_gives_back_the_same_file_for_any_network(db, people, contacts, favours, note) -> None:
    user = _user(f"u{get_user_model().objects.count()}")
    me = services.ensure_me(user, "Me")
    made = [
        services.add_person(
            user,
            name,
            organization=name[:5],
            tags=["t" + str(k % 2)],
            notes=note,
            emails=[f"p{k}@example.org"],
        )
        for k, name in enumerate(people)
    ]
    for a, b, days in contacts:
        group = {
            made[a % len(made)].pk: made[a % len(made)],
            made[b % len(made)].pk: made[b % len(made)],
        }
        services.log_interaction(
            user,
            list(group.values()),
            kind="meeting",
            direction="them",
            occurred_at=NOW - dt.timedelta(days=days),
            summary=note,
        )
    for who, given_by_me, rung in favours:
        other = made[who % len(made)]
        giver, receiver = (me, other) if given_by_me else (other, me)
        services.record_favour(user, giver, receiver, rung, occurred_at=NOW)
    services.add_offer(me, note)
    services.add_need(made[0], note)
    first, second = _round_trip(user, f"r{get_user_model().objects.count()}")
    assert first == second


def test_it_refuses_an_account_that_holds_a_network(owner, me) -> None:
    services.add_person(owner, "Zoé")
    data = backup.backup(owner)
    with pytest.raises(InvalidInput, match="already holds"):
        backup.restore(owner, data)


def test_it_restores_over_a_bare_account_from_init(owner, me) -> None:
    source = _user("source")
    services.add_person(source, "Zoé", emails=["z@k.fr"])
    services.ensure_me(source, "Claire")
    counts = backup.restore(owner, backup.backup(source))
    assert counts["person"] == 2
    assert Person.objects.get(owner=owner, is_me=True).full_name == "Claire"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"format": "other"}, "not an entregent backup"),
        ({"format": "entregent-backup", "version": 99, "tables": {}}, "version 99"),
        (
            {
                "format": "entregent-backup",
                "version": 1,
                "tables": {"contactpoint": [{"id": 1, "person": 7, "kind": "email", "value": "x"}]},
            },
            "damaged",
        ),
    ],
)
def test_it_refuses_a_bad_backup_and_writes_nothing(owner, data, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        backup.restore(owner, data)
    assert not Person.objects.filter(owner=owner).exists()


def test_it_renumbers_the_ids_inside_move_keys(owner, me) -> None:
    from entregent.network.models import Move

    for k in range(5):
        services.add_person(owner, f"Filler {k}")
    zoe = services.add_person(owner, "Zoé")
    services.record_move(
        owner, f"rescue:{zoe.pk}", "rescue", "dismissed", until=NOW.date(), person=zoe
    )
    data = backup.backup(owner)
    assert data["tables"]["move"][0]["key"] == "rescue:7"  # Zoé is the seventh person
    target = _user("restored-moves")
    backup.restore(target, json.loads(backup.dumps(data)))
    restored = Person.objects.get(owner=target, full_name="Zoé")
    assert Move.objects.get(owner=target).key == f"rescue:{restored.pk}"


def test_every_table_a_user_owns_is_backed_up() -> None:
    from django.apps import apps

    from entregent.network.models import Owned

    owned = {m for m in apps.get_app_config("network").get_models() if issubclass(m, Owned)}
    assert owned <= set(backup.TABLES), owned - set(backup.TABLES)


def test_it_keeps_a_dismissed_match(owner, me) -> None:
    from entregent.network import opportunities

    need = services.add_need(services.add_person(owner, "Zoé"), "Cherche un comptable")
    offer = services.add_offer(me, "Je connais un comptable")
    opportunities.dismiss(owner, f"G{need.pk}-{offer.pk}")
    first, second = _round_trip(owner, "restored")
    assert first == second
    assert len(json.loads(first)["tables"]["dismissal"]) == 1
