"""Matching needs and offers: intent stripping, languages, key words, both matchers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from entregent.engine import matching

KNOWN = Path(__file__).with_name("data") / "known_vector.json"

DISTRACTORS = [
    "Donne des cours de piano aux débutants",
    "Knows the best bakery in Quimper",
    "Peut prêter une remorque le week-end",
    "Runs a sailing club in La Trinité-sur-Mer",
    "Connaît un avocat en droit des sociétés",
    "Sells honey from his own bees",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Je cherche une location pour les vacances", "location pour les vacances"),
        ("Cherche un expert-comptable", "expert-comptable"),
        ("Looking for a CTO for an early-stage fintech", "CTO for an early-stage fintech"),
        ("I know a great holiday rental deal", "great holiday rental deal"),
        ("Connaît tous les traiteurs de la région", "traiteurs de la région"),
        ("Can introduce you to angel investors", "angel investors"),
        ("Cherche", "Cherche"),  # nothing would remain: keep the text
    ],
)
def test_it_strips_intent_phrases(text: str, expected: str) -> None:
    assert matching.strip_intent(text) == expected


def test_it_detects_french_and_english() -> None:
    assert matching.detect_language("Cherche une location pour les vacances d'été") == "fr"
    assert matching.detect_language("Looking for a holiday rental in Brittany") == "en"
    assert matching.detect_language("Élodie") == "fr"


def test_it_shows_the_shared_key_words() -> None:
    words = matching.shared_words(
        "Cherche un expert-comptable pour indépendants",
        "Connaît un excellent expert-comptable pour indépendants",
    )
    assert words == ["expert", "comptable", "indépendants"]
    assert matching.shared_words(
        "Looking for a CTO", "Je connais une ingénieure prête à devenir CTO"
    ) == ["CTO"]
    assert matching.shared_words("une location de vacances", "a holiday rental") == []


def test_it_ranks_by_shared_words_without_the_model() -> None:
    offers = ["Connaît un excellent expert-comptable pour indépendants", *DISTRACTORS]
    scores = matching.lexical_scores(["Cherche un comptable pour indépendants"], offers)
    assert scores.method == "lexical" and np.argmax(scores.matrix[0]) == 0
    assert scores.matrix.min() >= 0.0 and scores.matrix.max() < 1.0
    assert matching.lexical_scores([], offers).matrix.shape == (0, len(offers))


def test_it_keys_vectors_by_model_and_text() -> None:
    assert matching.vector_key("a") == matching.vector_key("a") != matching.vector_key("b")


@pytest.fixture(scope="module")
def encoder():
    model, error = matching.load_encoder()
    assert model is not None, f"the multilingual model must load from its wheel: {error}"
    return model


@pytest.mark.parametrize(
    ("need", "offer"),
    [
        (
            "cherche une location pour ses vacances",
            "I know a great holiday rental deal in Brittany",
        ),
        ("looking for a CTO", "je connais une ingénieure senior prête à devenir CTO"),
        # A paraphrase with no word in common, across languages.
        (
            "Looking for a place to stay near the sea this summer",
            "Ma cousine loue une maison au bord de la plage en juillet",
        ),
    ],
)
def test_it_matches_across_languages_and_paraphrases(encoder, need: str, offer: str) -> None:
    offers = [offer, *DISTRACTORS]
    scores = matching.semantic_scores(
        matching.embed(encoder, [need]), matching.embed(encoder, offers)
    )
    assert scores.method == "semantic"
    assert int(np.argmax(scores.matrix[0])) == 0


def test_it_still_gives_the_stored_vector_of_a_known_sentence(encoder) -> None:
    known = json.loads(KNOWN.read_text(encoding="utf-8"))
    assert known["model"] == matching.MODEL_ID
    vector = matching.embed(encoder, [known["text"]])[0]
    assert vector.dtype == np.float32 and vector.shape == (matching.DIMENSIONS,)
    assert np.allclose(vector, np.array(known["vector"]), atol=1e-5), (
        "the model's output changed: re-embed stored vectors and update MODEL_ID"
    )


def test_it_keeps_hyphenated_words_whole() -> None:
    assert (
        matching.strip_intent("Know-how transfer for small firms")
        == "Know-how transfer for small firms"
    )
    assert matching.strip_intent("Peut-être un stage") == "Peut-être un stage"


def test_it_uses_the_default_language_when_undecided() -> None:
    assert matching.detect_language("Ich suche einen Steuerberater", default="en") == "en"


def test_it_moves_need_vectors_by_the_adapter_and_keeps_unit_rows() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3, matching.DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[2] = 0.0  # a need not embedded yet
    matrix = rng.normal(0, 0.1, (matching.DIMENSIONS, matching.DIMENSIONS)).astype(np.float32)
    moved = matching.adapt(vectors, matrix)
    assert np.allclose(np.linalg.norm(moved[:2], axis=1), 1.0, atol=1e-5)
    assert not np.allclose(moved[:2], vectors[:2])
    assert not moved[2].any()
    expected = (vectors[0] + vectors[0] @ matrix) / np.linalg.norm(vectors[0] + vectors[0] @ matrix)
    assert np.allclose(moved[0], expected, atol=1e-5)


def test_it_ships_an_adapter_of_the_models_size() -> None:
    matrix = matching.adapter()
    assert matrix is not None, f"{matching.ADAPTER} is missing: run bench/train_adapter.py"
    assert matrix.shape == (matching.DIMENSIONS, matching.DIMENSIONS)
    assert matrix.dtype == np.float32 and np.isfinite(matrix).all()
    assert np.abs(matrix).max() > 0  # learned, not the plain cosine


def test_it_scores_with_the_plain_cosine_when_the_adapter_is_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(matching, "ADAPTER", tmp_path / "missing.npy")
    matching.adapter.cache_clear()
    try:
        rng = np.random.default_rng(2)
        needs = rng.normal(size=(2, matching.DIMENSIONS)).astype(np.float32)
        offers = rng.normal(size=(4, matching.DIMENSIONS)).astype(np.float32)
        needs /= np.linalg.norm(needs, axis=1, keepdims=True)
        offers /= np.linalg.norm(offers, axis=1, keepdims=True)
        assert matching.adapter() is None
        assert np.allclose(matching.cosines(needs, offers), np.clip(needs @ offers.T, 0, 1))
    finally:
        matching.adapter.cache_clear()
