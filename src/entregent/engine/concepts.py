"""Concepts a text is about, from a bilingual thesaurus: domain knowledge the model lacks.

The sentence encoder places "babysitter" far from "looks after children on Wednesdays" and
"levée de fonds" far from "business angels". `concepts.json` lists, for each concept, terms in
French and in English; a text is about a concept when the stems of one of its terms appear in
it consecutively, function words aside. French terms are looked for in the text stemmed the
French way and English terms in the text stemmed the English way, whatever the text's language,
so "business angels" in a French sentence still counts.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from entregent.engine.text import fold, stemmer

LANGUAGES = ("fr", "en")

# Words that carry no topic, dropped from terms and texts alike before comparing stems. Not
# "these": folded, it is also the French "thèse".
FUNCTION_WORDS = frozenset(
    (
        "le la les l un une des du de d au aux et ou en a à y ce cet cette ces son sa ses "
        "leur leurs mon ma mes ton ta tes notre nos votre vos pour par avec dans sur sous chez "
        "qui que quoi dont il elle ils elles on je tu nous vous se s n ne pas plus tres bien "
        "est sont etre avoir ont qu c j m t "
        "the a an of for with to and or in on at by from as into about his her their its my "
        "your our this that those he she it they we you i me us them is are be been "
        "who which what very some any all s"
    ).split()
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
# Punctuation that ends a clause: no term runs across it ("Lyon, location" is not one phrase).
# A full stop or a slash only before a space or the end, so "impots.gouv", "UX/UI" and
# "WCAG 2.1" stay whole.
_CLAUSE = re.compile(r"[,;:!?()\[\]{}|…•]+|[./](?=\s|$)|(?<=\s)/")
_BREAK = "\x00"  # stands between clauses in a text's words; equal to no stem


def _tokens(text: str) -> list[str]:
    """Folded words of a text, function words out ("d'enfants" gives "enfants") except inside
    a hyphenated compound ("sous-chef" keeps "sous", or it would mean any chef)."""
    out: list[str] = []
    for compound in _COMPOUND.findall(fold(text)):
        parts = compound.split("-")
        out.extend(parts if len(parts) > 1 else [w for w in parts if w not in FUNCTION_WORDS])
    return out


def _clauses(text: str) -> list[str]:
    """`_tokens` of each clause of a text, with `_BREAK` between clauses."""
    out: list[str] = []
    for part in _CLAUSE.split(text):
        words = _tokens(part)
        if words:
            if out:
                out.append(_BREAK)
            out.extend(words)
    return out


def stems(text: str, language: str) -> tuple[str, ...]:
    """The text's content words, stemmed with `language`'s stemmer, in order."""
    stem = stemmer(language).stemWord
    return tuple(stem(w) for w in _tokens(text))


@dataclass(frozen=True)
class Thesaurus:
    """Concept ids; per language the terms by their first stem, longest first; every term as
    written, grouped by concept (`starts[k]` is concept k's first)."""

    ids: tuple[str, ...]
    terms: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]]
    written: tuple[str, ...]
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


DEFAULT_PATH = "concepts.json"


def _read(path: Path | None) -> str:
    """The thesaurus file's text: `path`, or the one shipped inside the package."""
    if path is not None:
        return path.read_text(encoding="utf-8")
    return resources.files("entregent.engine").joinpath(DEFAULT_PATH).read_text("utf-8")


def shipped() -> dict:
    """The thesaurus shipped inside the package, parsed but not stemmed: for its words alone."""
    return json.loads(_read(None))


# Changes when the way terms are found in texts changes, so stored profiles are worked out again.
RULES = "3: terms within a clause (a full stop or a slash ends one only before a space)"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Identifies the shipped thesaurus's content and the rules that find its terms, without
    the second it takes to load it."""
    return hashlib.sha256(f"{RULES}\n{_read(None)}".encode()).hexdigest()[:12]


def load(path: Path | None = None) -> Thesaurus:
    """Read a thesaurus file ({"concepts": [{"id", "fr": [...], "en": [...]}]})."""
    raw = _read(path)
    concepts = json.loads(raw)["concepts"]
    ids = tuple(c["id"] for c in concepts)
    written = [[t for language in LANGUAGES for t in c.get(language, [])] for c in concepts]
    if any(not group for group in written):
        raise ValueError("every concept needs at least one term")
    terms: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]] = {}
    for language in LANGUAGES:
        by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        seen: set[tuple[tuple[str, ...], int]] = set()
        stem = stemmer(language).stemWord
        memo: dict[str, str] = {}  # terms share words; stemming is the slow part of loading
        for k, concept in enumerate(concepts):
            for term in concept.get(language, []):
                key = tuple(memo.get(w) or memo.setdefault(w, stem(w)) for w in _tokens(term))
                if len(key) == 1 and len(term.split()) > 1:
                    continue  # "au pair" would be any "pair": too broad to keep
                if key and (key, k) not in seen:
                    seen.add((key, k))
                    by_first.setdefault(key[0], []).append((key, k))
        for entries in by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        terms[language] = by_first
    return Thesaurus(
        ids,
        terms,
        tuple(t for group in written for t in group),
        np.cumsum([0] + [len(group) for group in written[:-1]]),
    )


@lru_cache(maxsize=1)
def default() -> Thesaurus:
    """The thesaurus shipped with entregent, read once per process."""
    return load()


def found(text: str, thesaurus: Thesaurus | None = None) -> dict[int, str]:
    """The concepts a text is about: {concept index: the words of the text that say so}."""
    if thesaurus is None:
        return dict(_found_default(text))
    return _find(text, thesaurus)


@lru_cache(maxsize=16384)
def _found_default(text: str) -> tuple[tuple[int, str], ...]:
    """`found` with the shipped thesaurus, remembered: the same texts are scored on every page."""
    return tuple(_find(text, default()).items())


def _find(text: str, th: Thesaurus) -> dict[int, str]:
    """`found` with a given thesaurus. A term lies within one clause. The longest terms win: a
    term inside a longer one found in the text ("chef" in "chef de projet"), in either
    language, does not count."""
    words = _clauses(text)
    hits: list[tuple[int, int, int]] = []  # (start, length, concept)
    for language in LANGUAGES:
        stem = stemmer(language).stemWord
        seq = [w if w == _BREAK else stem(w) for w in words]
        table = th.terms[language]
        for start, first in enumerate(seq):
            for key, concept in table.get(first, ()):
                if tuple(seq[start : start + len(key)]) == key:
                    hits.append((start, len(key), concept))
    hits.sort(key=lambda h: -h[1])
    kept: list[tuple[int, int]] = []
    out: dict[int, str] = {}
    for start, length, concept in hits:
        inside = any(
            other > length and begin < start + length and start < begin + other
            for begin, other in kept
        )
        if inside:
            continue
        kept.append((start, length))
        if concept not in out:
            out[concept] = _as_written(text, words[start : start + length])
    return out


def _as_written(text: str, folded: list[str]) -> str:
    """The span of `text` whose folded words are `folded`, as the user wrote it."""
    text = unicodedata.normalize("NFC", text)  # accents as separate marks would split words
    spans = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    breaks = [m.start() for m in _CLAUSE.finditer(text)]
    for i in range(len(spans)):
        if spans[i][2] != folded[0]:
            continue
        j, k = i, 0
        while j < len(spans) and k < len(folded):
            if j > i and any(spans[j - 1][1] <= b < spans[j][0] for b in breaks):
                break  # the term lies within one clause
            if spans[j][2] == folded[k]:
                k += 1
            elif spans[j][2] not in FUNCTION_WORDS:
                break
            j += 1
        if k == len(folded):
            return text[spans[i][0] : spans[j - 1][1]]
    return " ".join(folded)


def matrix(texts: list[str], thesaurus: Thesaurus | None = None) -> np.ndarray:
    """One row per text over the concepts, L2-normalised (zero when a text names none)."""
    th = default() if thesaurus is None else thesaurus
    out = np.zeros((len(texts), len(th)), dtype=np.float32)
    for i, text in enumerate(texts):
        hits = list(found(text, thesaurus))  # None: the shipped one, remembered per text
        if hits:
            out[i, hits] = 1.0 / np.sqrt(len(hits))
    return out


def related(need: str, offer: str, thesaurus: Thesaurus | None = None) -> list[tuple[str, str]]:
    """Concepts both texts are about, as (the need's words, the offer's words)."""
    in_need = found(need, thesaurus)
    in_offer = found(offer, thesaurus)
    return [(in_need[k], in_offer[k]) for k in in_need if k in in_offer]
