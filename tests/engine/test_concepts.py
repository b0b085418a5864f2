"""The concept thesaurus: terms found through stemming, and the raise it gives a pair."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from entregent.engine import concepts, matching
from entregent.engine.concepts import Thesaurus


@pytest.fixture
def small(tmp_path: Path) -> Thesaurus:
    path = tmp_path / "concepts.json"
    path.write_text(
        json.dumps(
            {
                "concepts": [
                    {
                        "id": "childcare",
                        "fr": ["garde d'enfants", "nounou"],
                        "en": ["babysitter", "look after children"],
                    },
                    {
                        "id": "fundraising",
                        "fr": ["levée de fonds", "business angel"],
                        "en": ["angel investor", "fundraising"],
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    return concepts.load(path)


def test_it_finds_terms_through_stemming_and_function_words(small: Thesaurus) -> None:
    assert concepts.found("Cherche quelqu'un pour garder des enfants", small) == {
        0: "garder des enfants"
    }
    assert concepts.found("Her daughter looks after children midweek", small) == {
        0: "looks after children"
    }
    # A French term in an English sentence and an English one in a French sentence.
    assert concepts.found("Knows two business angels", small) == {1: "business angels"}
    assert concepts.found("Prépare une levée de fonds, cherche des angel investors", small) == {
        1: "levée de fonds"
    }


def test_it_needs_the_whole_term_in_order(small: Thesaurus) -> None:
    assert concepts.found("Des enfants à garder", small) == {}
    assert concepts.found("A business plan for an angel", small) == {}
    assert concepts.found("", small) == {}


def test_a_term_does_not_run_across_punctuation(small: Thesaurus) -> None:
    assert concepts.found("Cherche une garde, d'enfants pas forcément", small) == {}
    assert concepts.found("Business; angel", small) == {}
    assert concepts.found("Prépare sa levée de fonds (seed), à Lyon", small) == {
        1: "levée de fonds"
    }
    assert concepts.found("Garde, enfants : garde d'enfants", small) == {0: "garde d'enfants"}
    assert concepts.found("Levée. De fonds", small) == {}  # a full stop ends a clause
    named = concepts.found("Bloqué sur impots.gouv, cherche un UX/UI designer")
    assert {concepts.default().ids[k]: v for k, v in named.items()} == {
        "personal_tax_return": "impots.gouv",  # not inside a name
        "ux_ui_design": "UX/UI designer",
    }


def test_rows_are_normalised_and_empty_without_a_concept(small: Thesaurus) -> None:
    rows = concepts.matrix(["une nounou", "nounou et levée de fonds", "un piano à vendre"], small)
    assert rows.shape == (3, 2) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), [1.0, 1.0, 0.0])


def test_related_pairs_say_which_words_meet(small: Thesaurus) -> None:
    assert concepts.related("Besoin d'une nounou", "Her son is a babysitter", small) == [
        ("nounou", "babysitter")
    ]
    assert concepts.related("Besoin d'une nounou", "Sells honey", small) == []


def test_the_blend_only_raises_and_stays_a_score() -> None:
    scores = np.array([[0.2, 0.6, 0.9], [0.0, 1.0, 0.4]])
    need = np.array([[1.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    offer = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    out = matching.blend(scores, need, offer)
    assert out[0, 0] == pytest.approx(0.2 + matching.CONCEPT_WEIGHT * 0.8)
    assert out[0, 1] == scores[0, 1]  # nothing shared: unchanged
    assert np.array_equal(out[1], scores[1])  # a need about no known concept
    assert (out >= scores).all() and (out <= 1.0).all()
    assert matching.blend(scores, need[:, :0], offer[:, :0]) is scores


def test_the_shipped_thesaurus_is_well_formed() -> None:
    raw = json.loads(
        (Path(concepts.__file__).with_name(concepts.DEFAULT_PATH)).read_text(encoding="utf-8")
    )
    ids = [c["id"] for c in raw["concepts"]]
    assert len(ids) == len(set(ids)) >= 150
    for concept in raw["concepts"]:
        for language in concepts.LANGUAGES:
            terms = concept[language]
            assert len(terms) >= 3, (concept["id"], language)
            for term in terms:
                assert concepts.stems(term, language), (concept["id"], term)  # never empty
    assert len(concepts.default()) == len(ids)


@pytest.mark.parametrize(
    ("need", "offer"),
    [
        ("Cherche une nounou pour le mercredi", "Her niece is a babysitter"),
        ("Looking for investors for a seed round", "Connaît des business angels"),
        ("Besoin d'un plombier", "Fixes leaking pipes and boilers"),
    ],
)
def test_the_shipped_thesaurus_links_everyday_paraphrases(need: str, offer: str) -> None:
    assert concepts.related(need, offer), (concepts.found(need), concepts.found(offer))


@pytest.fixture(scope="module")
def encoder() -> matching.Encoder:
    model, error = matching.load_encoder()
    assert model is not None, f"the multilingual model must load from its wheel: {error}"
    return model


def test_profiles_keep_the_best_concepts_and_the_words_found(encoder: matching.Encoder) -> None:
    texts = ["Cherche une nounou pour le mercredi", "Sells honey from his own bees", "xyz"]
    vectors = matching.embed(encoder, texts)
    rows = matching.profiles(encoder, texts, vectors)
    assert rows.shape == (3, len(concepts.default())) and rows.dtype == np.float32
    assert ((rows > 0).sum(axis=1) <= matching.PROFILE_TOP).all()
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    named = list(concepts.found(texts[0]))
    assert named and rows[0, named].max() == rows[0].max()  # a term found counts fully
    # Profiles depend only on each text: computed in blocks or one by one, the same.
    one = matching.profiles(encoder, texts[1:2], vectors[1:2])
    assert np.allclose(one[0], rows[1], atol=1e-6)
    assert matching.profiles(encoder, [], vectors[:0]).shape == (0, len(concepts.default()))


def test_agreeing_profiles_raise_and_a_concept_mismatch_lowers_when_set(
    encoder: matching.Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    need = ["Cherche une nounou pour le mercredi"]
    offers = ["Her niece is a babysitter", "Knows a good employment lawyer", "Lives in Nantes"]
    need_vectors, offer_vectors = matching.embed(encoder, need), matching.embed(encoder, offers)
    cosine = np.clip(need_vectors @ offer_vectors.T, 0.0, 1.0)

    def scores() -> np.ndarray:
        return matching.combine(
            cosine,
            matching.profiles(encoder, need, need_vectors),
            matching.profiles(encoder, offers, offer_vectors),
            concepts.matrix(need),
            concepts.matrix(offers),
        )

    default = scores()
    assert default[0, 0] > cosine[0, 0]  # same concept: raised
    assert matching.MISMATCH == 0.0 and default[0, 1] >= cosine[0, 1]  # off by default
    monkeypatch.setattr(matching, "MISMATCH", 0.2)
    penalised = scores()
    assert concepts.found(offers[1]) and penalised[0, 1] < cosine[0, 1]  # other concepts
    assert penalised[0, 0] == default[0, 0]  # a shared concept is never penalised
    for matrix in (default, penalised):
        assert (matrix >= 0).all() and (matrix <= 1).all()
        assert int(np.argmax(matrix[0])) == 0


def test_term_vectors_are_kept_for_the_next_process(
    encoder: matching.Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terms = matching.term_vectors(encoder)
    embedded: list[int] = []

    def counted(_encoder: matching.Encoder, texts: list[str]) -> np.ndarray:
        embedded.append(len(texts))
        return terms  # what embedding them gives, without the seconds it takes

    monkeypatch.setattr(matching, "embed", counted)
    monkeypatch.setattr(matching, "TERMS_CACHE", tmp_path / "cache")

    def next_process() -> np.ndarray:
        monkeypatch.setattr(matching, "_TERMS", [])
        return matching.term_vectors(encoder)

    assert next_process() is terms and embedded == [len(terms)]
    (saved,) = (tmp_path / "cache").glob("terms-*.npy")
    assert concepts.fingerprint() in saved.name and matching.MODEL_ID in saved.name
    np.testing.assert_array_equal(next_process(), terms)
    assert embedded == [len(terms)]  # read back, not embedded again
    for damaged in (b"not an array", b""):  # garbage, or a write cut short
        saved.write_bytes(damaged)
        np.testing.assert_array_equal(next_process(), terms)
        np.testing.assert_array_equal(np.load(saved), terms)  # embedded again and rewritten
    assert embedded == [len(terms)] * 3
    leftover = tmp_path / "cache" / "terms-interrupted.tmp"
    leftover.write_bytes(b"half")
    os.utime(leftover, (0, 0))  # an interrupted write of long ago
    monkeypatch.setattr(concepts, "fingerprint", lambda: "another")
    next_process()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [
        f"terms-{matching.MODEL_ID}-another.npy"
    ]  # the old thesaurus's vectors are gone, and so is the leftover


def test_a_new_thesaurus_means_new_profiles_not_new_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vector, profile = matching.vector_key("Cherche une nounou"), matching.profile_key("Cherche")
    monkeypatch.setattr(concepts, "fingerprint", lambda: "another one")
    assert matching.vector_key("Cherche une nounou") == vector  # the model's output is the same
    assert matching.profile_key("Cherche") != profile


def test_the_longest_term_wins_and_compounds_keep_their_parts(tmp_path: Path) -> None:
    path = tmp_path / "concepts.json"
    path.write_text(
        json.dumps(
            {
                "concepts": [
                    {"id": "kitchen", "fr": ["chef cuisinier", "chef"], "en": ["chef", "cook"]},
                    {"id": "project", "fr": ["chef de projet"], "en": ["project manager"]},
                    {"id": "second", "fr": ["sous-chef"], "en": ["sous-chef"]},
                    {"id": "nanny", "fr": ["nounou"], "en": ["au pair", "nanny"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    th = concepts.load(path)
    assert concepts.found("Cherche un chef de projet", th) == {1: "chef de projet"}
    assert concepts.found("Cherche un sous-chef", th) == {2: "sous-chef"}
    assert concepts.found("Connaît un chef", th) == {0: "chef"}
    # "au pair" would shrink to "pair": left out rather than found in "a pair of shoes".
    assert concepts.found("Needs a pair of hands", th) == {}
    assert concepts.found("Besoin d'une nounou", th) == {3: "nounou"}


def test_related_terms_leave_out_what_the_key_words_already_say() -> None:
    need, offer = "Looking for a CTO", "Je connais une future CTO"
    shared = matching.shared_words(need, offer)
    assert shared == ["CTO"] and matching.related_terms(need, offer, shared) == []
    assert matching.related_terms("Besoin d'une nounou", "Her niece is a babysitter", []) == [
        ("nounou", "babysitter")
    ]


def test_the_shipped_thesaurus_finds_each_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = concepts._find
    monkeypatch.setattr(concepts, "_find", lambda text, th: calls.append(text) or real(text, th))
    concepts._found_default.cache_clear()
    texts = ["Cherche une nounou", "Knows two business angels"]
    first = concepts.matrix(texts)
    assert np.array_equal(concepts.matrix(texts), first) and len(calls) == 2  # pages repeat


def test_an_elided_article_does_not_make_a_term_too_broad(tmp_path: Path) -> None:
    path = tmp_path / "concepts.json"
    path.write_text(
        json.dumps({"concepts": [{"id": "abroad", "fr": ["s'expatrier"], "en": ["expat"]}]}),
        encoding="utf-8",
    )
    assert concepts.found("Voudrait s'expatrier au Canada", concepts.load(path)) == {0: "expatrier"}


def test_a_french_word_that_folds_to_an_english_function_word_still_counts() -> None:
    assert "thèse de doctorat" in concepts.found("Prépare une thèse de doctorat").values()
