"""Reaching a target: the best chains of introductions, and their chance of success.

A chain is me → Y (→ Z) → X, at most three hops. Its chance is the product of the hops':
me → Y from my tie to Y (a prior by circle, adjusted for recognition and the favour ledger, then
updated with the outcomes of introductions Y already made or declined — Beta–Binomial); Y → Z
and Z → X from the declared strength of the link between them. Maximising the product is finding
the shortest paths under −log p weights; with three hops at most, enumerating them from the
target backwards over a compressed adjacency is exact and fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Priors for me → Y by circle (the 5, 15, 50, 150, 500) and for a cold tie (outside them).
CIRCLE_PRIOR = np.array([0.8, 0.7, 0.55, 0.4, 0.25, 0.1])
# Declared link strength 1–5 → the chance an introduction through that link happens.
LINK_P = np.array([0.0, 0.15, 0.3, 0.45, 0.6, 0.75])
RECOGNITION_FACTOR = np.array([0.6, 0.85, 1.0, 1.1])  # they do not know me … they vouch for me
PRIOR_WEIGHT = 4.0  # the prior counts as four introductions' worth of evidence
MAX_P = 0.95


@dataclass(frozen=True)
class Graph:
    """Who knows whom among contacts (undirected, CSR) and my hop probability to each."""

    indptr: np.ndarray  # CSR row pointers, one row per relationship
    indices: np.ndarray  # neighbour relationship indices
    weights: np.ndarray  # hop probability along each stored edge
    p_me: np.ndarray  # probability of my hop to each relationship

    @property
    def n(self) -> int:
        return len(self.p_me)

    def neighbours(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.indptr[i], self.indptr[i + 1]
        return self.indices[start:end], self.weights[start:end]


def build_graph(
    n: int, link_a: np.ndarray, link_b: np.ndarray, link_strength: np.ndarray, p_me: np.ndarray
) -> Graph:
    """A symmetric CSR graph from links given as relationship-index pairs with strengths 1–5.

    `p_me` is 0 for people the user has never been in touch with: they are no first step.
    """
    a = np.concatenate((link_a, link_b)).astype(np.int64)
    b = np.concatenate((link_b, link_a)).astype(np.int64)
    w = LINK_P[np.clip(np.concatenate((link_strength, link_strength)), 0, 5)]
    order = np.argsort(a, kind="stable")
    a, b, w = a[order], b[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return Graph(indptr=indptr, indices=b, weights=w, p_me=np.asarray(p_me, dtype=np.float64))


def hop_from_me(
    circle: np.ndarray,
    recognition: np.ndarray,
    balance: np.ndarray,
    made: np.ndarray,
    declined: np.ndarray,
) -> np.ndarray:
    """P(my ask to Y leads to an introduction), per relationship.

    1. Prior by circle (0.8 / 0.7 / 0.55 / 0.4 / 0.25, and 0.1 for a cold tie).
    2. Times a recognition factor (0.6 when they show no sign of knowing me … 1.1 when they
       vouch for me), times 0.85 when I owe them (ledger ≤ −2), 1.05 when they owe me; ≤ 0.95.
    3. Beta–Binomial update with Y's recorded introductions: the prior as Beta(p·4, (1−p)·4),
       plus introductions made as successes and declined as failures; the posterior mean.
    """
    p = CIRCLE_PRIOR[circle] * RECOGNITION_FACTOR[np.clip(recognition, 0, 3)]
    p = p * np.where(balance <= -2.0, 0.85, np.where(balance >= 2.0, 1.05, 1.0))
    p = np.clip(p, 0.01, MAX_P)
    return (p * PRIOR_WEIGHT + made) / (PRIOR_WEIGHT + made + declined)


@dataclass(frozen=True)
class Chain:
    """me → people[0] → … → people[-1] (the target), with each hop's probability."""

    people: tuple[int, ...]
    hops: tuple[float, ...]

    @property
    def chance(self) -> float:
        return float(np.prod(self.hops))

    @property
    def intermediaries(self) -> tuple[int, ...]:
        return self.people[:-1]


def chains_to(graph: Graph, targets: np.ndarray, k: int = 5) -> list[Chain]:
    """The k best chains to any of the targets, each genuinely different from the others.

    1. Enumerate every chain of at most three hops ending at a target: me → X; me → Y → X for
       Y a neighbour of X; me → Y → Z → X for Z a neighbour of X and Y a neighbour of Z
       (no person twice).
    2. Sort by chance (ties by the people's indices, for determinism).
    3. Pick greedily: a chain whose intermediaries overlap no chain already picked first; when
       none is left, the best remaining ones — so alternatives are not the same chain with one
       person changed unless that is all there is.
    """
    found: dict[tuple[int, ...], tuple[float, ...]] = {}
    for x in (int(t) for t in targets):
        if graph.p_me[x] > 0:
            found[(x,)] = (float(graph.p_me[x]),)
        zs, pz = graph.neighbours(x)
        for z, p_zx in zip(zs.tolist(), pz.tolist(), strict=True):
            if z == x or p_zx <= 0:
                continue
            if graph.p_me[z] > 0:
                found[(z, x)] = (float(graph.p_me[z]), p_zx)
            ys, py = graph.neighbours(z)
            keep = (ys != x) & (py > 0) & (graph.p_me[ys] > 0)
            ys, py = ys[keep], py[keep]
            if ys.size:
                chance = graph.p_me[ys] * py * p_zx
                # Only the strongest few through each Z can make the top k.
                best = np.argsort(-chance, kind="stable")[: max(k, 5)]
                for j in best.tolist():
                    y = int(ys[j])
                    found[(y, z, x)] = (float(graph.p_me[y]), float(py[j]), p_zx)
    ranked = sorted(found.items(), key=lambda item: (-float(np.prod(item[1])), item[0]))
    picked: list[Chain] = []
    used: set[int] = set()
    rest: list[Chain] = []
    for people, hops in ranked:
        chain = Chain(people, hops)
        if len(picked) >= k:
            break
        if used.isdisjoint(chain.intermediaries):
            picked.append(chain)
            used.update(chain.intermediaries)
        else:
            rest.append(chain)
    picked.extend(rest[: k - len(picked)])
    picked.sort(key=lambda c: (-c.chance, c.people))
    return picked
