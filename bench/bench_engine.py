"""Benchmark: every engine measure on large synthetic networks, against pure Python.

Usage: python bench/bench_engine.py [--sizes 10000:1000000,100000:10000000] [--repeat 3]

For each size (relationships:events) a network is generated with heavy-tailed contact rates
over three years, sorted by relationship and time as the database layer delivers it. The
figure is the best of `--repeat` runs of `measure()` (both fits included), with the peak memory
that call allocates (tracemalloc, which numpy reports to). On the first size only, the same
strength formula written as a plain Python loop is timed in the same run, as the baseline.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
import tracemalloc

import numpy as np

from entregent.engine.measures import measure
from entregent.engine.snapshot import Snapshot
from entregent.engine.strength import KIND_WEIGHTS

NOW = 20_000.0  # days since the epoch (2024-10-05)


def synthetic(n: int, events: int, seed: int = 1) -> Snapshot:
    """n relationships sharing `events` contacts with log-normal rates, over 1,095 days.

    Each relationship starts at a random point of the first two years; three in ten end before
    now (they drifted away), so the drift measures have something to find.
    """
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 1.5, n)
    rel = np.sort(rng.choice(n, size=events, p=weights / weights.sum()))
    begin = NOW - 1095.0 + rng.random(n) * 730.0
    end = np.where(rng.random(n) < 0.3, begin + rng.random(n) * (NOW - begin), NOW)
    when = begin[rel] + rng.random(events) * (end[rel] - begin[rel])
    order = np.lexsort((when, rel))
    return Snapshot(
        ids=np.arange(1, n + 1, dtype=np.int64),
        ev_rel=rel[order].astype(np.int64),
        ev_time=when[order],
        ev_kind=rng.integers(0, 6, events).astype(np.int8),
        ev_dir=rng.integers(0, 3, events).astype(np.int8),
    )


def pure_python_strength(snap: Snapshot, now: float, half_life: float) -> list[float]:
    """The strength formula as a straightforward loop: best kind per distinct day, decayed."""
    best: dict[tuple[int, int], float] = {}
    for r, t, k in zip(
        snap.ev_rel.tolist(), snap.ev_time.tolist(), snap.ev_kind.tolist(), strict=True
    ):
        if t > now:
            continue
        key = (r, math.floor(t))
        w = float(KIND_WEIGHTS[k])
        if w > best.get(key, 0.0):
            best[key] = w
    out = [0.0] * snap.n
    for (r, day), w in best.items():
        out[r] += w * 2.0 ** (-max(now - (day + 0.5), 0.0) / half_life)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000:1000000,100000:10000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    for k, size in enumerate(args.sizes.split(",")):
        n, events = (int(v) for v in size.split(":"))
        snap = synthetic(n, events)
        best = math.inf
        for _ in range(args.repeat):
            start = time.perf_counter()
            m = measure(snap, NOW)
            best = min(best, time.perf_counter() - start)
        tracemalloc.start()
        measure(snap, NOW)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line = (
            f"measure()   {n:>7} relationships {events:>9} events  {best:7.3f} s  "
            f"peak {peak / 2**20:6.0f} MiB  ({events / best / 1e6:.1f} M events/s; "
            f"half-life {m.half_life.half_life:.0f} d, {int(m.drifting.sum())} drifting)"
        )
        print(line, flush=True)
        if k == 0:
            start = time.perf_counter()
            slow = pure_python_strength(snap, NOW, m.half_life.half_life)
            loop = time.perf_counter() - start
            assert np.allclose(slow, m.observed), "the two implementations disagree"
            print(
                f"pure Python {n:>7} relationships {events:>9} events  {loop:7.3f} s  "
                f"(strength only; measure() with every measure is {loop / best:.1f}× faster)",
                flush=True,
            )


if __name__ == "__main__":
    main()
