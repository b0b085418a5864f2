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
