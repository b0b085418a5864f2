"""Text helpers shared by every layer: folding names and words for forgiving comparison."""

from __future__ import annotations

import re
import unicodedata

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
