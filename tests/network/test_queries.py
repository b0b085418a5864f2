"""Forgiving name lookup, listings and the person card."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entregent.network import queries, services
from entregent.network.errors import Ambiguous, InvalidInput, NotFound


@pytest.fixture
def people(owner, me):
    return {
        "eloise": services.add_person(
            owner,
            "Éloïse Dupont",
            emails=["eloise@kerlann.fr"],
            phones=["06 11 22 33 44"],
            organization="Kerlann",
        ),
        "jean1": services.add_person(owner, "Jean Martin", organization="Armor"),
        "jean2": services.add_person(owner, "Jean Martin", organization="Iroise"),
        "yves": services.add_person(owner, "Yves Martin-Kerjean"),
        "zoe": services.add_person(owner, "Zoé Le Goff"),
    }


@pytest.mark.parametrize(
    "typed",
    [
        "Éloïse Dupont",
        "eloise dupont",
        "ELOISE  DUPONT",
        "Elo",
        "dupont",
        "Dup",
        "eloise@KERLANN.fr",
        "+33611223344",
        "06 11 22 33 44",
    ],
)
def test_it_finds_a_person_forgivingly(owner, people, typed: str) -> None:
    assert queries.find_person(owner, typed) == people["eloise"]


def test_it_finds_by_id_and_me(owner, people, me) -> None:
    assert queries.find_person(owner, f"#{people['zoe'].pk}") == people["zoe"]
    assert queries.find_person(owner, "me") == me
    assert queries.find_person(owner, "Moi") == me


def test_it_finds_by_a_word_inside_a_name(owner, people) -> None:
    assert queries.find_person(owner, "le goff") == people["zoe"]
    assert queries.find_person(owner, "kerjean") == people["yves"]


def test_it_lists_homonyms_instead_of_guessing(owner, people) -> None:
    with pytest.raises(Ambiguous) as caught:
        queries.find_person(owner, "jean martin")
    assert set(caught.value.candidates) == {people["jean1"], people["jean2"]}
    assert "#id" in str(caught.value)


def test_it_says_ambiguous_for_a_shared_prefix(owner, people) -> None:
    with pytest.raises(Ambiguous):
        queries.find_person(owner, "martin")  # Jean Martin ×2 and Yves Martin-Kerjean


def test_it_suggests_close_names_when_nobody_matches(owner, people) -> None:
    with pytest.raises(NotFound, match="Did you mean: Éloïse Dupont"):
        queries.find_person(owner, "Eloise Dupond")
    with pytest.raises(NotFound):
        queries.find_person(owner, "#99999")
    with pytest.raises(InvalidInput):
        queries.find_person(owner, "  ")


def test_it_never_finds_another_owners_people(owner, outsider, people) -> None:
    services.add_person(outsider, "Secret Agent", emails=["agent@secret.fr"])
    with pytest.raises(NotFound):
        queries.find_person(owner, "Secret Agent")
    with pytest.raises(NotFound):
        queries.find_person(owner, "agent@secret.fr")
    with pytest.raises(NotFound):
        queries.find_person(outsider, f"#{people['zoe'].pk}")


def test_it_finds_my_offers(owner, me, people) -> None:
    pitch = services.add_offer(me, "Je peux relire un pitch commercial")
    services.add_offer(me, "Formation commerciale")
    services.add_offer(people["zoe"], "Pitch coaching")  # not mine
    assert queries.find_my_offer(owner, "PITCH") == pitch
    assert queries.find_my_offer(owner, f"#{pitch.pk}") == pitch
    with pytest.raises(InvalidInput, match="Several"):
        queries.find_my_offer(owner, "comm")
    with pytest.raises(NotFound):
        queries.find_my_offer(owner, "holiday")


def test_it_lists_people_with_filters(owner, people) -> None:
    services.tag_person(people["zoe"], ["Client"])
    assert [p.full_name for p in queries.people_list(owner, tag="client")] == ["Zoé Le Goff"]
    assert len(queries.people_list(owner, organization="armor")) == 1
    assert len(queries.people_list(owner)) == 5  # the user is not listed


def test_it_lists_people_in_constant_queries(owner, me) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for p in queries.people_list(owner):
                _ = (
                    p.organization and p.organization.name,
                    [t.name for t in p.tags.all()],
                    p.last_contact,
                    p.interaction_count,
                )
        return len(ctx.captured_queries)

    services.add_person(owner, "First", organization="A", tags=["x"])
    before = count()
    for i in range(10):
        person = services.add_person(owner, f"P{i}", organization=f"Org {i}", tags=[f"t{i}"])
        services.log_interaction(owner, [person], kind="call")
    assert count() == before


def test_it_builds_a_person_card(owner, me, people) -> None:
    zoe, eloise = people["zoe"], people["eloise"]
    services.link_people(owner, zoe, eloise, context="neighbours")
    services.log_interaction(owner, [zoe], kind="call", direction="them")
    services.add_need(zoe, "Cherche un comptable")
    told = services.add_offer(me, "Sales training")
    untold = services.add_offer(me, "Pitch review")
    services.tell_offer(zoe, told)
    card = queries.person_card(zoe)
    assert card.links[0][0] == eloise and card.interaction_count == 1
    assert [t.offer for t in card.offers_told] == [told]
    assert card.my_offers_not_told == [untold]
    assert queries.has_network(owner)
