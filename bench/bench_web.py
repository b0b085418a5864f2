"""Benchmark: server time of the Today and Person pages at 10k people and 1M interactions.

Usage: python bench/bench_web.py [--sizes 2500:250000,10000:1000000] [--repeat 7]

Each size is written into a fresh SQLite database by bench_moves.generate (the same network
as the day's-moves benchmark). Pages are rendered through Django's test client, so the figure
is the whole server side (middleware, views, queries, templates) without a network or browser.
Printed per size, medians of `--repeat` requests once the stored arrays are warm:

- baseline: the login page (the framework's own cost) and `moves.today` alone (the engine);
- Today ("/") and the Person page of the busiest contact and of a median one, with their
  number of SQL queries (it must not grow with the network).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_moves  # the shared generator, next to this file

NOW = bench_moves.NOW


def _median_ms(fn: object, repeat: int) -> tuple[float, int]:
    """Median wall time of `fn` in ms over `repeat` calls, and the most queries one call ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, counts = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append(1000 * (time.perf_counter() - start))
        counts.append(len(ctx))
    return statistics.median(times), max(counts)


def _get(client: object, url: str) -> object:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def run(people: int, events: int, repeat: int) -> dict[str, float | int]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from entregent.network import moves
    from entregent.network.models import Person

    start = time.perf_counter()
    user = bench_moves.generate(f"w{people}", people, events)
    print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    ranked = list(
        Person.objects.filter(owner=user, is_me=False)
        .annotate(n=Count("interactions"))
        .order_by("-n", "pk")
        .values_list("pk", "n")
    )
    busiest, median = ranked[0], ranked[len(ranked) // 2]
    client = Client()
    client.force_login(user)
    anonymous = Client()
    start = time.perf_counter()
    _get(client, "/")  # the first request after the writes stores the arrays and the day's fits
    first = time.perf_counter() - start
    for pk, _n in (busiest, median):
        _get(client, reverse("person", args=[pk]))  # and any per-person cache warms up
    login_ms, _q = _median_ms(lambda: _get(anonymous, reverse("login")), repeat)
    engine_ms, _q = _median_ms(lambda: moves.today(user, NOW), repeat)
    today_ms, today_q = _median_ms(lambda: _get(client, "/"), repeat)
    busy_ms, busy_q = _median_ms(lambda: _get(client, reverse("person", args=[busiest[0]])), repeat)
    mid_ms, mid_q = _median_ms(lambda: _get(client, reverse("person", args=[median[0]])), repeat)
    return {
        "people": people,
        "events": events,
        "first_request_s": first,
        "login_ms": login_ms,
        "engine_today_ms": engine_ms,
        "today_ms": today_ms,
        "today_queries": today_q,
        "person_busiest_ms": busy_ms,
        "person_busiest_interactions": busiest[1],
        "person_busiest_queries": busy_q,
        "person_median_ms": mid_ms,
        "person_median_interactions": median[1],
        "person_median_queries": mid_q,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="2500:250000,10000:1000000")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "SQLite, Django test client"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench_moves._setup(tmp)
        from django.test.utils import setup_test_environment

        setup_test_environment()  # lets the test client in (ALLOWED_HOSTS) and keeps mail local
        results = []
        for size in args.sizes.split(","):
            people, events = (int(v) for v in size.split(":"))
            r = run(people, events, args.repeat)
            results.append(r)
            print(
                f"{people:>7,} people {events:>10,} interactions | Today {r['today_ms']:.0f} ms "
                f"({r['today_queries']} queries, ×{r['today_ms'] / r['engine_today_ms']:.2f} "
                f"the engine's {r['engine_today_ms']:.0f} ms) | Person, busiest "
                f"({r['person_busiest_interactions']:,} interactions) {r['person_busiest_ms']:.0f}"
                f" ms ({r['person_busiest_queries']} queries), median "
                f"({r['person_median_interactions']:,}) {r['person_median_ms']:.0f} ms "
                f"({r['person_median_queries']} queries) | login page {r['login_ms']:.1f} ms | "
                f"first request after a write {r['first_request_s']:.2f} s",
                flush=True,
            )
    counts = {(r["today_queries"], r["person_busiest_queries"]) for r in results}
    print("query counts constant across sizes:", "yes" if len(counts) == 1 else f"no {counts}")
    within = all(
        max(r["today_ms"], r["person_busiest_ms"], r["person_median_ms"]) <= 150 for r in results
    )
    print("every page within 150 ms:", "yes" if within else "no")


if __name__ == "__main__":
    main()
