"""Choosing the day's moves: budget, value per minute, variety, one move per person."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from entregent.engine.moves import MAX_PER_KIND, Candidate, select


def c(
    key: str, kind: str = "give", person: int | None = None, value: float = 1.0, minutes: int = 5
):
    return Candidate(key, kind, person, value, minutes)


def test_it_fits_the_budget_best_value_per_minute_first() -> None:
    chosen = select(
        [c("slow", value=5.0, minutes=20), c("quick", "loop", value=3.0, minutes=3)], budget=20
    )
    assert [m.key for m in chosen] == ["quick"]  # 1.0/min beats 0.25/min; 20 min no longer fit


def test_it_fills_the_minutes_left_with_what_still_fits() -> None:
    chosen = select(
        [
            c("a", "give", value=4, minutes=10),
            c("b", "loop", value=1, minutes=10),
            c("d", "rescue", value=0.5, minutes=5),
        ],
        budget=15,
    )
    assert [m.key for m in chosen] == ["a", "d"]


def test_it_never_offers_five_moves_of_one_kind() -> None:
    gives = [c(f"g{k}", "give", person=k, value=10.0) for k in range(5)]
    other = [c("r", "rescue", person=99, value=2.0)]
    chosen = select(gives + other, budget=60)
    kinds = [m.kind for m in chosen]
    assert kinds.count("give") == MAX_PER_KIND
    assert "rescue" in kinds


def test_it_lowers_a_repeated_kind_below_a_fresh_one() -> None:
    chosen = select(
        [c("g1", "give", 1, 3.0), c("g2", "give", 2, 2.9), c("t", "recognise", 3, 2.0)],
        budget=10,
    )
    assert [m.key for m in chosen] == ["g1", "t"]  # 2.9 × 0.6 < 2.0


def test_it_proposes_a_person_once() -> None:
    chosen = select(
        [c("give:1", "give", 7, 5.0), c("rescue:7", "rescue", 7, 4.0), c("x", "loop", 8, 1.0)],
        budget=60,
    )
    assert [m.key for m in chosen] == ["give:1", "x"]


def test_it_drops_moves_longer_than_the_day() -> None:
    assert select([c("long", minutes=30)], budget=20) == []
    assert select([c("free", minutes=0)], budget=20) == []


candidates = st.lists(
    st.builds(
        Candidate,
        key=st.text(alphabet="abcdef:0123", min_size=1, max_size=6),
        kind=st.sampled_from(["give", "loop", "rescue", "recognise", "goal", "let_go"]),
        person=st.one_of(st.none(), st.integers(0, 20)),
        value=st.floats(0.0, 10.0),
        minutes=st.integers(0, 15),
    ),
    max_size=40,
    unique_by=lambda m: m.key,
)


@given(candidates, st.integers(1, 60))
def test_it_keeps_every_rule_on_any_input(pool: list[Candidate], budget: int) -> None:
    chosen = select(pool, budget)
    assert sum(m.minutes for m in chosen) <= budget
    people = [m.person for m in chosen if m.person is not None]
    assert len(people) == len(set(people))
    kinds = [m.kind for m in chosen]
    assert all(kinds.count(k) <= MAX_PER_KIND for k in kinds)
    assert select(list(reversed(pool)), budget) == chosen  # the order of input does not matter
