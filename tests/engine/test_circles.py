"""Dunbar circles: cuts, cadences, load and the relationships to let go."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from entregent.engine import circles


def test_it_cuts_at_dunbar_sizes() -> None:
    s = np.linspace(600, 1, 600)
    circle, rank = circles.assign(s, np.arange(600))
    assert list(np.bincount(circle)) == [5, 10, 35, 100, 350, 100]
    assert rank[0] == 0 and circle[0] == 0 and circle[-1] == circles.OUTSIDE


def test_it_leaves_dormant_ties_outside_and_breaks_ties_by_id() -> None:
    circle, rank = circles.assign(np.array([0.0, 50.0, 50.0, 0.01]), np.array([4, 9, 3, 1]))
    assert list(circle) == [circles.OUTSIDE, 0, 0, circles.OUTSIDE]
    assert rank[2] < rank[1]  # same strength: the smaller id ranks first


def test_it_moves_ties_too_weak_for_their_circle_outward() -> None:
    # Three ties in a tiny network: ranks put them all in the 5, strength does not.
    weekly, monthly = circles.kept_at(7, 60), circles.kept_at(30, 60)
    s = np.array([weekly + 1, monthly + 0.1, 0.2])
    circle, _rank = circles.assign(s, np.arange(3), half_life=60)
    assert list(circle) == [0, 1, 3]
    assert np.isclose(weekly, 2 ** (-7 / 60) / (1 - 2 ** (-7 / 60)))


def test_it_measures_the_load_and_names_who_to_let_go() -> None:
    s = np.linspace(300, 1, 300)  # all kept at least yearly: 300 active ties
    ids = np.arange(300)
    circle, _rank = circles.assign(s, ids)
    load = circles.load(circle, s, ids, capacity=150)
    assert load.active == 300 and load.over_capacity == 150
    assert list(load.let_go[:3]) == [299, 298, 297]  # the weakest active ties first
    sizes = np.bincount(circle, minlength=6)
    expected = sizes[0] + sizes[1] * 7 / 30 + sizes[2] * 7 / 90 + (sizes[3] + sizes[4]) * 7 / 365
    assert np.isclose(load.contacts_per_week, expected)
    assert circles.load(circle, s, ids, capacity=300).over_capacity == 0
    faint = circles.load(circle, s * 1e-5, ids)  # none kept even yearly: no load, no warning
    assert faint.active == 0 and faint.over_capacity == 0


@given(st.lists(st.floats(0, 1e6), max_size=800))
def test_it_never_overfills_a_circle(values) -> None:
    s = np.array(values)
    circle, _rank = circles.assign(s, np.arange(len(values)))
    sizes = np.bincount(circle, minlength=6)
    for k, cut in enumerate(circles.CUTS):
        assert sizes[: k + 1].sum() <= cut
