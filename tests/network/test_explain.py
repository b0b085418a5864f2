"""Plain words for the measures: durations as people say them."""

from __future__ import annotations

from entregent.network.explain import duration


def test_it_says_durations_as_people_do() -> None:
    assert duration(0.2) == "less than a day"
    assert (duration(1), duration(12.9)) == ("1 day", "12 days")
    assert (duration(90), duration(800)) == ("3 months", "2 years")
