"""Initiative balance with its Beta interval, and the rung-weighted, decayed favour ledger."""

from __future__ import annotations

import math

from scipy.stats import beta

from entregent.engine import reciprocity
from entregent.engine.snapshot import ME
from tests.engine.helpers import favours, snapshot


def test_it_computes_the_initiative_balance_and_interval() -> None:
    events = [(0, d, "email", "me") for d in (1, 2, 3)] + [
        (0, 4, "call", "them"),
        (0, 5, "meeting", "mutual"),
    ]
    init = reciprocity.initiative(snapshot(2, events), 10.0)
    assert (init.by_me[0], init.by_them[0], init.mutual[0]) == (3, 1, 1)
    assert math.isclose(init.rho[0], 4 / 6)
    assert math.isclose(init.low[0], beta.ppf(0.05, 4, 2))
    assert not init.imbalanced[0]
    assert init.rho[1] == 0.5 and not init.imbalanced[1]


def test_it_flags_a_one_way_relationship() -> None:
    mine = [(0, d, "email", "me") for d in range(10)]
    theirs = [(1, d, "email", "them") for d in range(10)]
    init = reciprocity.initiative(snapshot(2, mine + theirs), 20.0)
    assert init.imbalanced[0] and init.low[0] > 0.5
    assert init.imbalanced[1] and init.high[1] < 0.5


def test_it_counts_only_the_last_two_years() -> None:
    init = reciprocity.initiative(snapshot(1, [(0, 1.0, "email", "me")]), 1000.0)
    assert init.by_me[0] == 0


def test_it_weighs_and_decays_the_ledger() -> None:
    rows = [
        (ME, 0, "introduction", "given", 0.0),  # 3, a year old: 1.5
        (0, ME, "advice", "given", 365.0),  # −2
        (0, ME, "business", "asked", 365.0),  # only asked: nothing
        (ME, 1, "information", "given", 300.0),
        (ME, 1, "advice", "given", 360.0),
    ]
    led = reciprocity.ledger(snapshot(2, **favours(rows)), 365.0)
    assert math.isclose(led.balance[0], 1.5 - 2.0)
    assert (led.given[0], led.received[0]) == (1, 1)
    assert led.last_two_given[1] and not led.last_two_received[1]
    assert not led.last_two_received[0]
