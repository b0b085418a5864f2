"""MBG/NBD drift: the paper's formulas on hand cases, parameter recovery, and bounds."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from entregent.engine import drift, strength
from tests.engine.helpers import snapshot

ONES = drift.MBGParams(r=1.0, alpha=1.0, a=1.0, b=1.0)


def _hist(x: float, t_x: float, T: float) -> drift.Histories:
    return drift.Histories(
        np.array([x]), np.array([t_x]), np.array([T]), np.array([True]), np.array([t_x])
    )


def test_it_computes_p_alive_by_hand() -> None:
    # 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)) = 1 / (1 + 1/2 · (3/2)²)
    alive = drift.p_alive(ONES, _hist(1, 1, 2))
    assert math.isclose(alive[0], 1 / (1 + 0.5 * 2.25))
    # … times 1 − ((α+T)/(α+T+t))^(r+x) = 1 − (3/4)² for the next day.
    within = drift.p_contact_within(ONES, _hist(1, 1, 2), alive, 1.0)
    assert math.isclose(within[0], alive[0] * (1 - 0.75**2))


def test_it_matches_the_likelihood_written_out() -> None:
    p = drift.MBGParams(r=0.7, alpha=12.0, a=0.9, b=3.0)
    x, t_x, T = 4.0, 80.0, 200.0
    direct = (
        math.lgamma(p.r + x)
        - math.lgamma(p.r)
        + p.r * math.log(p.alpha)
        + math.lgamma(p.a + p.b)
        + math.lgamma(p.b + x + 1)
        - math.lgamma(p.b)
        - math.lgamma(p.a + p.b + x + 1)
        + math.log((p.alpha + T) ** -(p.r + x) + p.a / (p.b + x) * (p.alpha + t_x) ** -(p.r + x))
    )
    got = drift.log_likelihood(p, np.array([x]), np.array([t_x]), np.array([T]))[0]
    assert math.isclose(got, direct, rel_tol=1e-9)


def test_it_summarises_histories_from_active_days() -> None:
    snap = snapshot(
        3,
        [
            (0, 10.5, "call", "me"),
            (0, 30.5, "call", "me"),
            (0, 30.7, "email", "me"),
            (1, 50.5, "meeting", "me"),
        ],
    )
    hist = drift.histories(strength.active_days(snap, 100.0), 100.0)
    assert list(hist.x) == [1, 0, 0] and list(hist.t_x) == [20, 0, 0]
    assert list(hist.T) == [89.5, 49.5, 0] and list(hist.seen) == [True, True, False]
    assert drift.p_alive(ONES, hist)[2] == 0.0  # never in touch: not alive


def _simulate(params: drift.MBGParams, n: int, horizon: float, seed: int) -> drift.Histories:
    """Draw MBG/NBD histories: death at the start or after any contact with probability p."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(params.r, 1 / params.alpha, n)
    deaths = rng.beta(params.a, params.b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t, count = 0.0, 0
        while rng.random() >= deaths[i]:  # alive after the last contact
            t += rng.exponential(1 / rates[i])
            if t > horizon:
                break
            count, t_x[i] = count + 1, t
        x[i] = count
    return drift.Histories(x, t_x, np.full(n, horizon), np.ones(n, dtype=bool), t_x)


def test_it_recovers_population_parameters_by_maximum_likelihood() -> None:
    truth = drift.MBGParams(r=0.8, alpha=10.0, a=1.0, b=4.0)
    fitted = drift.fit(_simulate(truth, 4000, 400.0, seed=11))
    assert fitted.fitted
    assert math.isclose(fitted.r / fitted.alpha, truth.r / truth.alpha, rel_tol=0.2)
    assert math.isclose(
        fitted.a / (fitted.a + fitted.b), truth.a / (truth.a + truth.b), rel_tol=0.3
    )


def test_it_uses_reference_parameters_for_small_networks() -> None:
    small = _simulate(drift.REFERENCE, 50, 300.0, seed=2)
    assert drift.fit(small) == drift.REFERENCE


@given(
    st.integers(0, 500),
    st.floats(0, 1000),
    st.floats(0, 1000),
    st.floats(0.01, 10),
    st.floats(0.1, 100),
    st.floats(0.01, 10),
    st.floats(0.01, 10),
)
def test_it_keeps_probabilities_between_zero_and_one(x, t_x, extra, r, alpha, a, b) -> None:
    params = drift.MBGParams(r, alpha, a, b)
    hist = _hist(x, t_x, t_x + extra)
    alive = drift.p_alive(params, hist)
    soon = drift.p_contact_within(params, hist, alive, 90.0)
    assert 0.0 <= alive[0] <= 1.0 and 0.0 <= soon[0] <= alive[0]


def test_it_keeps_the_reference_when_the_data_cannot_identify_the_model() -> None:
    one_contact_each = drift.Histories(
        np.zeros(200),
        np.zeros(200),
        np.linspace(1, 365, 200),
        np.ones(200, dtype=bool),
        np.zeros(200),
    )
    assert drift.fit(one_contact_each) == drift.REFERENCE
    all_new_today = drift.Histories(
        np.full(200, 2.0), np.zeros(200), np.zeros(200), np.ones(200, dtype=bool), np.zeros(200)
    )
    fitted = drift.fit(all_new_today)
    assert drift.p_alive(fitted, all_new_today).min() > 0.5  # met today: surely alive
