"""The day's moves: the best few things to do within the minutes the user has.

Candidates come from every part of the method (give first, gratitude loops, drifting ties,
recognition, goals, letting go); each has a value and an estimated cost in minutes. Choosing
the best set under a time budget is a knapsack; with a handful of moves a day, the greedy rule
"best value per minute first" is close to optimal and easy to explain. Variety is enforced on
top: each further move of a kind already chosen counts for less, and no kind takes more than
MAX_PER_KIND places, so a list is never five moves of one kind.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("give", "loop", "rescue", "recognise", "goal", "let_go")
MAX_PER_KIND = 2
REPEAT_FACTOR = 0.6  # the second move of a kind counts for 60 % of its value, and so on


@dataclass(frozen=True)
class Candidate:
    """One possible move: a stable key, its kind, the person it is about, value and minutes."""

    key: str
    kind: str
    person: int | None
    value: float
    minutes: int


def select(
    candidates: list[Candidate],
    budget: int,
    *,
    max_per_kind: int = MAX_PER_KIND,
    repeat_factor: float = REPEAT_FACTOR,
) -> list[Candidate]:
    """The moves to propose, in the order to do them.

    1. Drop candidates that cost nothing or more than the whole budget.
    2. Repeatedly take the candidate with the best value per minute, its value lowered by
       `repeat_factor` for each move of its kind already taken; skip a person already in the
       list, a kind already at `max_per_kind`, a move longer than the minutes left.
    3. Stop when nothing fits. Ties are broken by key, so a given input always gives the same
       list.
    """
    pool = sorted(
        (c for c in candidates if 0 < c.minutes <= budget and c.value > 0),
        key=lambda c: (-c.value / c.minutes, c.key),
    )
    chosen: list[Candidate] = []
    per_kind: dict[str, int] = {}
    people: set[int] = set()
    left = budget
    while pool:
        best: Candidate | None = None
        best_rate = 0.0
        for c in pool:
            taken = per_kind.get(c.kind, 0)
            if taken >= max_per_kind or c.minutes > left or c.person in people:
                continue
            rate = c.value * repeat_factor**taken / c.minutes
            if best is None or rate > best_rate or (rate == best_rate and c.key < best.key):
                best, best_rate = c, rate
        if best is None:
            break
        chosen.append(best)
        pool.remove(best)
        per_kind[best.kind] = per_kind.get(best.kind, 0) + 1
        if best.person is not None:
            people.add(best.person)
        left -= best.minutes
    return chosen
