"""Benchmark: the day's moves end to end from SQLite, at 10k people and 1M interactions.

Usage: python bench/bench_moves.py [--sizes 2500:250000,10000:1000000] [--repeat 5]

Each size is written into a fresh SQLite database in a temporary folder with raw bulk inserts:
people, interactions spread with heavy-tailed rates over three years (one in twenty a meeting
with a second contact), links, favours, gratitude tasks, goals, and needs and offers taken from
bench/data/matching_eval.json (embedded once, as `entregent` does on first use). Then:

- baseline: reading the network arrays straight from the tables (`queries.build_network`),
  what every command paid before the arrays were stored;
- first call: `moves.today` right after a write (the arrays are rebuilt and stored);
- the day's moves: `moves.today` with the arrays stored, the median of `--repeat` calls, with
  the number of SQL queries it runs (it must not grow with the number of people).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)


def _setup(data_dir: str) -> None:
    os.environ["ENTREGENT_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _stamp(days: np.ndarray) -> list[str]:
    """Days since the epoch as the text SQLite stores Django datetimes in."""
    base = dt.datetime(1970, 1, 1)
    return [
        (base + dt.timedelta(seconds=int(d * 86400))).strftime("%Y-%m-%d %H:%M:%S")
        for d in days.tolist()
    ]


def generate(username: str, people: int, events: int, seed: int = 3) -> object:
    """Write one user's network of `people` contacts and `events` interactions."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from entregent.engine.snapshot import to_days
    from entregent.network import services, snapshots

    rng = np.random.default_rng(seed)
    user = get_user_model().objects.create_user(username=username, password="x", is_staff=True)
    me = services.ensure_me(user, "Claire Dubois")
    now_days = to_days(NOW)
    created = _stamp(np.full(1, now_days - 1200))[0]
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO network_person (owner_id, created_at, updated_at, full_name, name_key, "
            "is_me, title, language, notes, photo_type) "
            "VALUES (%s, %s, %s, %s, %s, 0, '', %s, '', '')",
            [
                (user.pk, created, created, f"Person {k}", f"person {k}", "fr" if k % 3 else "en")
                for k in range(people)
            ],
        )
        cur.execute(
            "SELECT id FROM network_person WHERE owner_id = %s AND is_me = 0 ORDER BY id",
            [user.pk],
        )
        ids = np.array([r[0] for r in cur.fetchall()], dtype=np.int64)
        weights = rng.lognormal(0.0, 1.5, people)
        rel = rng.choice(people, size=events, p=weights / weights.sum())
        begin = now_days - 1095.0 + rng.random(people) * 730.0
        end = np.where(
            rng.random(people) < 0.3, begin + rng.random(people) * (now_days - begin), now_days
        )
        when = begin[rel] + rng.random(events) * (end[rel] - begin[rel])
        kinds = np.array(["meeting", "call", "email", "message", "social", "other"])
        dirs = np.array(["me", "them", "mutual"])
        stamps = _stamp(when)
        kind = kinds[rng.integers(0, 6, events)]
        direction = dirs[rng.integers(0, 3, events)]
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM network_interaction")
        first_id = cur.fetchone()[0] + 1
        cur.executemany(
            "INSERT INTO network_interaction (id, owner_id, created_at, updated_at, occurred_at, "
            "kind, direction, summary, source, external_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, '', 'bench', '')",
            [
                (first_id + k, user.pk, stamps[k], stamps[k], stamps[k], kind[k], direction[k])
                for k in range(events)
            ],
        )
        second = rng.random(events) < 0.05
        other = rng.integers(0, people, events)
        rows = [(first_id + k, int(ids[rel[k]])) for k in range(events)]
        rows += [
            (first_id + k, int(ids[other[k]]))
            for k in np.flatnonzero(second & (other != rel)).tolist()
        ]
        cur.executemany(
            "INSERT INTO network_interaction_participants (interaction_id, person_id) "
            "VALUES (%s, %s)",
            rows,
        )
        pairs = {
            (int(min(a, b)), int(max(a, b)))
            for a, b in rng.choice(ids, size=(people * 3, 2))
            if a != b
        }
        cur.executemany(
            "INSERT INTO network_link (owner_id, created_at, updated_at, a_id, b_id, kind, "
            "context, strength, source) VALUES (%s, %s, %s, %s, %s, 'knows', '', %s, 'bench')",
            [(user.pk, created, created, a, b, int(rng.integers(1, 6))) for a, b in pairs],
        )
        favours = rng.choice(ids, size=people // 2)
        rungs = np.array(["information", "advice", "introduction", "recommendation", "business"])
        fx_when = _stamp(now_days - rng.random(len(favours)) * 700)
        cur.executemany(
            "INSERT INTO network_exchange (owner_id, created_at, updated_at, giver_id, "
            "receiver_id, rung, status, occurred_at, note, thanked_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, 'given', %s, '', %s)",
            [
                (
                    user.pk,
                    fx_when[k],
                    fx_when[k],
                    *((int(p), me.pk) if k % 2 else (me.pk, int(p))),
                    rungs[k % 5],
                    fx_when[k],
                    fx_when[k],
                )
                for k, p in enumerate(favours)
            ],
        )
    data = json.loads((HERE / "data" / "matching_eval.json").read_text(encoding="utf-8"))
    needs = [p["need"] for p in data["pairs"]]
    offers = [p["offer"] for p in data["pairs"]] + list(data["distractors"])
    for text in needs * 5:
        services.add_need(_person(int(ids[rng.integers(0, people)])), text)
    for k, text in enumerate(offers):
        services.add_offer(me if k % 5 == 0 else _person(int(ids[rng.integers(0, people)])), text)
    for k in range(30):
        giver = _person(int(ids[rng.integers(0, people)]))
        services.record_favour(
            user, giver, me, "advice", occurred_at=NOW - dt.timedelta(days=int(k % 10))
        )
    for _k in range(3):
        services.add_goal(user, person=_person(int(ids[rng.integers(0, people)])))
    snapshots.bump(user.pk)
    return user


def _person(pk: int) -> object:
    from entregent.network.models import Person

    return Person.objects.get(pk=pk)


def _timed(fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(people: int, events: int, repeat: int) -> dict[str, float | int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from entregent.network import moves, queries, services, snapshots
    from entregent.network.explain import network_view

    gen, user = _timed(lambda: generate(f"u{people}", people, events))
    print(f"  generated {people:,} people / {events:,} interactions in {gen:.1f} s", flush=True)
    moves.today(user, NOW)  # embeds the needs and offers once, as the first use would
    baseline = min(_timed(lambda: queries.build_network(user))[0] for _ in range(3))
    snapshots.bump(user.pk)
    first, _day = _timed(lambda: moves.today(user, NOW))
    times, counts = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t, day = _timed(lambda: moves.today(user, NOW))
        times.append(t)
        counts.append(len(ctx))
    load = min(_timed(lambda: snapshots.load_network(user))[0] for _ in range(3))
    view_t = min(_timed(lambda: network_view(user, NOW))[0] for _ in range(3))
    services.set_preferences(user, daily_minutes=20)
    return {
        "people": people,
        "events": events,
        "baseline_build_s": baseline,
        "first_call_s": first,
        "today_median_s": statistics.median(times),
        "today_best_s": min(times),
        "queries": max(counts),
        "load_arrays_s": load,
        "load_and_measure_s": view_t,
        "moves": len(day.moves),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="2500:250000,10000:1000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "SQLite"
    )
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        results = []
        for size in args.sizes.split(","):
            people, events = (int(v) for v in size.split(":"))
            r = run(people, events, args.repeat)
            results.append(r)
            ms = {k: 1000 * float(v) for k, v in r.items() if k.endswith("_s")}
            ratio = r["baseline_build_s"] / r["load_arrays_s"]
            print(
                f"{people:>7,} people {events:>10,} interactions | today median "
                f"{ms['today_median_s']:.0f} ms (best {ms['today_best_s']:.0f}) in "
                f"{r['queries']} queries, {r['moves']} moves | arrays loaded "
                f"{ms['load_arrays_s']:.0f} ms, + measures {ms['load_and_measure_s']:.0f} ms | "
                f"first call after a write {r['first_call_s']:.2f} s | baseline: reading the "
                f"tables {r['baseline_build_s']:.2f} s (×{ratio:.0f} the stored arrays)",
                flush=True,
            )
    counts = {r["queries"] for r in results}
    print("query count constant across sizes:", "yes" if len(counts) == 1 else f"no {counts}")
    sys.exit(0)


if __name__ == "__main__":
    main()
