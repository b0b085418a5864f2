"""Text helpers shared by every layer: folding and stemming words for forgiving comparison."""

from __future__ import annotations

import re
import threading
import unicodedata

import snowballstemmer

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and squeeze spaces, so "  Éloïse  DUPONT" == "eloise dupont"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # A few letters do not decompose: fold them by hand so search stays forgiving.
    stripped = stripped.translate(
        str.maketrans(
            {
                "ß": "ss",
                "æ": "ae",
                "œ": "oe",
                "ø": "o",
                "Æ": "AE",
                "Œ": "OE",
                "Ø": "O",
                "ł": "l",
                "Ł": "L",
                "đ": "d",
                "Đ": "D",
            }
        )
    )
    return _SPACES.sub(" ", stripped.casefold()).strip()


_THREAD = threading.local()


def stemmer(language: str) -> snowballstemmer.stemmer:
    """The Snowball stemmer of French ("fr") or English (anything else), one per thread: a
    stemmer keeps state while it works, and the web server answers from several threads."""
    kept = _THREAD.__dict__.setdefault("stemmers", {})
    if language not in kept:
        kept[language] = snowballstemmer.stemmer("french" if language == "fr" else "english")
    return kept[language]
