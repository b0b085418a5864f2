"""Contact points: the same address typed two ways must become one address."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entregent.engine.text import fold
from entregent.network.normalize import guess_kind, normalize, normalize_email, normalize_phone


def test_it_lowercases_and_strips_emails() -> None:
    assert (
        normalize_email("  Yves.Martin@Armor-Distribution.FR ")
        == "yves.martin@armor-distribution.fr"
    )
    assert normalize_email("<mailto:A@B.fr>") == "a@b.fr"


@pytest.mark.parametrize("bad", ["", "yves", "yves@", "@armor.fr", "a b@c.fr"])
def test_it_refuses_what_is_not_an_email(bad: str) -> None:
    with pytest.raises(ValueError, match="not an email"):
        normalize_email(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("tel:+44 20 7946 0958", "+442079460958"),
        ("+1 (415) 555-2671", "+14155552671"),
    ],
)
def test_it_normalises_phones_to_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_it_reads_local_phones_in_the_default_region(settings) -> None:
    settings.ENTREGENT_DEFAULT_REGION = "GB"
    assert normalize_phone("020 7946 0958") == "+442079460958"


@pytest.mark.parametrize("bad", ["12", "not a phone", "+33 1"])
def test_it_refuses_impossible_phones(bad: str) -> None:
    with pytest.raises(ValueError, match="not a phone"):
        normalize_phone(bad)


def test_it_normalises_urls() -> None:
    assert normalize("url", "LinkedIn.com/in/yves-martin/") == "https://linkedin.com/in/yves-martin"
    with pytest.raises(ValueError):
        normalize("url", "not a url")


def test_it_guesses_the_kind_of_a_bare_value() -> None:
    assert guess_kind("yves@armor.fr") == "email"
    assert guess_kind("+33 6 12 34 56 78") == "phone"
    assert guess_kind("https://armor.fr") == "url"
    assert guess_kind("@yves") == "handle"
    assert guess_kind("Yves") == "handle"


def test_it_folds_case_accents_and_spaces() -> None:
    assert fold("  Éloïse   DUPONT ") == "eloise dupont"
    assert fold("Œuvre Straße") == "oeuvre strasse"


@given(st.emails())
def test_it_is_idempotent_on_emails(email: str) -> None:
    once = normalize_email(email)
    assert normalize_email(once) == once
    assert once == once.lower()


@given(st.text())
def test_it_folds_idempotently(text: str) -> None:
    assert fold(fold(text)) == fold(text)
