"""Benchmark: the top 5 introduction chains to a target, against networkx, on a large network.

Usage: python bench/bench_paths.py [--people 100000] [--links 1000000] [--targets 100]
                                   [--baseline-targets 5]

A network of `people` contacts with `links` who-knows-whom links (preferential attachment, so
some people are hubs) and a hop probability from the user to each contact is generated once.
For each of `targets` random targets, `paths.chains_to` finds the 5 best chains (median time
reported). The baseline, in the same run, is networkx's `shortest_simple_paths` (Yen's
algorithm) on the same graph with −log p weights and the user as a node, stopped at the first 5
paths of at most three hops, on the first `baseline-targets` targets (it is slow). The chances of
the best chain are compared, to check both find the same optimum.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import platform
import time
import tracemalloc

import numpy as np

from entregent.engine import paths


def generate(people: int, links: int, seed: int = 1) -> tuple[paths.Graph, np.ndarray]:
    """A scale-free-ish graph: link ends drawn with probability growing with a latent degree."""
    rng = np.random.default_rng(seed)
    popularity = rng.pareto(2.0, people) + 1.0
    prob = popularity / popularity.sum()
    a = rng.choice(people, size=links, p=prob)
    b = rng.choice(people, size=links, p=prob)
    keep = a != b
    a, b = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs = np.unique(a.astype(np.int64) * people + b)
    a, b = pairs // people, pairs % people
    strength = rng.integers(1, 6, a.size)
    circle = np.minimum(rng.geometric(0.35, people) - 1, 5)
    p_me = paths.hop_from_me(
        circle, rng.integers(0, 4, people), np.zeros(people), np.zeros(people), np.zeros(people)
    )
    p_me[rng.random(people) < 0.3] = 0.0  # never in touch with three contacts in ten
    return paths.build_graph(people, a, b, strength, p_me), strength


def networkx_top5(graph: paths.Graph, target: int) -> tuple[float, list[tuple[int, ...]]]:
    """Yen's k shortest simple paths from the user to the target, ≤ 3 hops, first 5."""
    import networkx as nx

    g = nx.Graph()
    me = -1
    for i in range(graph.n):
        if graph.p_me[i] > 0:
            g.add_edge(me, i, weight=-math.log(graph.p_me[i]))
    rows = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    for i, j, w in zip(rows.tolist(), graph.indices.tolist(), graph.weights.tolist(), strict=True):
        if i < j and w > 0:
            g.add_edge(i, j, weight=-math.log(w))
    start = time.perf_counter()
    found = []
    if target in g:
        for path in nx.shortest_simple_paths(g, me, target, weight="weight"):
            if len(path) - 1 <= 3:
                found.append(tuple(path[1:]))
            if len(found) == 5:
                break
    return time.perf_counter() - start, found


def chance_of(graph: paths.Graph, people: tuple[int, ...]) -> float:
    """The chance of a chain me → people[0] → … as the engine defines it."""
    chance = float(graph.p_me[people[0]])
    for a, b in itertools.pairwise(people):
        neighbours, weights = graph.neighbours(a)
        chance *= float(weights[np.flatnonzero(neighbours == b)[0]])
    return chance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--baseline-targets", type=int, default=5)
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    tracemalloc.start()
    graph, _strength = generate(args.people, args.links)
    _current, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rng = np.random.default_rng(7)
    targets = rng.choice(args.people, size=args.targets, replace=False)
    times, best = [], {}
    for t in targets.tolist():
        start = time.perf_counter()
        chains = paths.chains_to(graph, np.array([t]), k=5)
        times.append(time.perf_counter() - start)
        best[t] = chains[0].chance if chains else 0.0
    ours = float(np.median(times))
    print(
        f"graph: {args.people} people, {graph.indices.size // 2} links; "
        f"CSR {(graph.indptr.nbytes + graph.indices.nbytes + graph.weights.nbytes) / 2**20:.0f}"
        f" MiB, peak while building {build_peak / 2**20:.0f} MiB"
    )
    print(
        f"entregent  top 5 chains: median {1000 * ours:.3f} ms over {args.targets} targets "
        f"(p95 {1000 * float(np.percentile(times, 95)):.3f} ms)"
    )
    slow = []
    for t in itertools.islice(targets.tolist(), args.baseline_targets):
        seconds, found = networkx_top5(graph, t)
        slow.append(seconds)
        nx_best = chance_of(graph, found[0]) if found else 0.0
        agree = math.isclose(nx_best, best[t], rel_tol=1e-9)
        print(
            f"networkx   target {t}: {seconds:.3f} s (best chance {nx_best:.4f}, ours "
            f"{best[t]:.4f}, {'same' if agree else 'DIFFERENT'})"
        )
    if slow:
        ratio = float(np.median(slow)) / ours
        print(
            f"ratio: networkx median {float(np.median(slow)):.3f} s / ours {1000 * ours:.3f} ms "
            f"= ×{ratio:,.0f} (target ≥ ×10); networkx time excludes building its graph"
        )


if __name__ == "__main__":
    main()
