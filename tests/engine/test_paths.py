"""Introduction chains: probabilities, distinct alternatives, no path, learning from outcomes."""

from __future__ import annotations

import math

import numpy as np

from entregent.engine import paths


def _graph(p_me: list[float], links: list[tuple[int, int, int]]) -> paths.Graph:
    a, b, s = (
        (np.array(v, dtype=np.int64) for v in zip(*links, strict=True))
        if links
        else (np.zeros(0, dtype=np.int64),) * 3
    )
    return paths.build_graph(len(p_me), a, b, s, np.array(p_me))


def test_it_multiplies_hop_probabilities() -> None:
    # 0 = Y (my close tie), 1 = Z, 2 = X (the target); Y–X strength 4, Y–Z 3, Z–X 5.
    g = _graph([0.55, 0.4, 0.0], [(0, 2, 4), (0, 1, 3), (1, 2, 5)])
    chains = {c.people: c for c in paths.chains_to(g, np.array([2]), k=5)}
    assert math.isclose(chains[(0, 2)].chance, 0.55 * 0.6)
    assert math.isclose(chains[(1, 2)].chance, 0.4 * 0.75)
    assert math.isclose(chains[(0, 1, 2)].chance, 0.55 * 0.45 * 0.75)
    assert (2,) not in chains  # never in touch with X: no direct chain
    best = paths.chains_to(g, np.array([2]), k=1)[0]
    assert best.people == (0, 2)


def test_it_prefers_genuinely_different_alternatives() -> None:
    # Through Y there are many near-identical 3-hop chains; Z offers a different, weaker one.
    links = [(0, 9, 4)] + [(0, k, 5) for k in range(1, 6)] + [(k, 9, 5) for k in range(1, 6)]
    links += [(6, 9, 2)]
    g = _graph([0.8, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0, 0, 0], links)
    chains = paths.chains_to(g, np.array([9]), k=3)
    firsts = [c.intermediaries for c in chains]
    assert firsts[0] == (0,)
    used = [set(c.intermediaries) for c in chains]
    assert all(used[i].isdisjoint(used[j]) for i in range(3) for j in range(i + 1, 3))


def test_it_fills_with_overlapping_chains_when_that_is_all_there_is() -> None:
    g = _graph([0.8, 0.5, 0.0], [(0, 2, 4), (0, 1, 4), (1, 2, 1)])
    chains = paths.chains_to(g, np.array([2]), k=3)
    assert len(chains) == 3 and chains[0].people == (0, 2)


def test_it_finds_no_chain_to_an_isolated_target() -> None:
    g = _graph([0.8, 0.0], [])
    assert paths.chains_to(g, np.array([1]), k=3) == []


def test_it_learns_from_recorded_introductions() -> None:
    circle, level, balance = np.array([2, 2, 2]), np.array([2, 2, 0]), np.zeros(3)
    prior = paths.hop_from_me(circle, level, balance, np.zeros(3), np.zeros(3))
    assert math.isclose(prior[0], 0.55) and math.isclose(prior[2], 0.55 * 0.6)
    after = paths.hop_from_me(circle, level, balance, np.array([3.0, 0, 0]), np.array([0.0, 2, 0]))
    assert math.isclose(after[0], (0.55 * 4 + 3) / 7)  # Beta–Binomial posterior mean
    assert math.isclose(after[1], (0.55 * 4) / 6)
    assert after[0] > prior[0] > after[1]
