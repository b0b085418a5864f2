"""The ask ladder: the circle sets the rung, recognition caps it, silence and the ledger move it."""

from __future__ import annotations

import numpy as np

from entregent.engine import asks


def _one(circle: int, level: int, balance: float = 0.0, quiet: bool = False) -> asks.Asks:
    return asks.bearable(
        np.array([circle]), np.array([level]), np.array([balance]), np.array([quiet])
    )


def test_it_lets_the_closest_ask_for_business() -> None:
    assert _one(0, 3).rung[0] == 4
    assert _one(2, 3).rung[0] == 2  # the 50 circle bears an introduction


def test_it_caps_the_ask_at_what_they_know_of_me() -> None:
    result = _one(0, 0)
    assert result.rung[0] == 0 and result.capped[0]
    assert _one(1, 1).rung[0] == 1


def test_it_asks_less_after_a_silence_or_when_owing() -> None:
    assert _one(2, 3, quiet=True).rung[0] == 1
    owing = _one(2, 3, balance=-5.0)
    assert owing.rung[0] == 1 and owing.owing[0]
    assert _one(2, 3, balance=-5.0, quiet=True).rung[0] == 0


def test_it_asks_a_little_more_when_the_user_gave_first() -> None:
    credit = _one(2, 3, balance=5.0)
    assert credit.rung[0] == 3 and credit.credit[0]
    assert _one(2, 1, balance=5.0).rung[0] == 1  # still within what they know of me
    exact = _one(2, 3, balance=-2.0)  # one fresh piece of advice received is enough to owe
    assert exact.owing[0] and exact.rung[0] == 1


def test_it_flags_recognition_only_when_it_holds_the_ask_back() -> None:
    closest = _one(0, 3, balance=5.0)
    assert closest.rung[0] == 4 and not closest.capped[0]
    quiet = _one(2, 1, quiet=True)
    assert quiet.capped[0] and quiet.rung[0] == 1
    assert _one(0, 2).rung[0] == 3  # business only from someone who already vouched for you
