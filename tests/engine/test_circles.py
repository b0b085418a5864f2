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
    circle, rank = circles.assign(np.array([0.0, 2.0, 2.0, 0.01]), np.array([4, 9, 3, 1]))
    assert list(circle) == [circles.OUTSIDE, 0, 0, circles.OUTSIDE]
    assert rank[2] < rank[1]  # same strength: the smaller id ranks first


def test_it_measures_the_load_and_names_who_to_let_go() -> None:
    s = np.linspace(300, 1, 300)
    circle, rank = circles.assign(s, np.arange(300))
    load = circles.load(circle, rank, capacity=120)
    assert load.active == 150 and load.over_capacity == 30
    assert list(load.let_go[:3]) == [149, 148, 147]  # the weakest of the active network first
    assert np.isclose(load.contacts_per_week, 5 * 1 + 10 * 7 / 30 + 35 * 7 / 90 + 100 * 7 / 365)
    assert circles.load(circle, rank, capacity=150).over_capacity == 0


@given(st.lists(st.floats(0, 1e6), max_size=800))
def test_it_never_overfills_a_circle(values) -> None:
    s = np.array(values)
    circle, _rank = circles.assign(s, np.arange(len(values)))
    sizes = np.bincount(circle, minlength=6)
    for k, cut in enumerate(circles.CUTS):
        assert sizes[: k + 1].sum() <= cut
