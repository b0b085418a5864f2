"""Benchmark: generating the demo network with bulk inserts, against row-by-row inserts.

Usage: python bench/bench_demo.py [--sizes 1000,10000,100000] [--baseline-size 1000]

Each size is built into a fresh SQLite database in a temporary folder (or the database of
DATABASE_URL, which must then be a throw-away one). The baseline is the same generator with
every row saved one at a time, run in the same process so the ratio holds on a noisy machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from unittest import mock


def _setup(data_dir: str) -> None:
    os.environ["ENTREGENT_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _one_by_one(model: type, rows: list, stage: str, progress: object) -> list:
    for row in rows:
        row.save(force_insert=True)
    return rows


def _run(username: str, people: int, naive: bool) -> tuple[float, int]:
    from django.contrib.auth import get_user_model

    from entregent import demo

    user = get_user_model().objects.create_user(username=username)
    start = time.perf_counter()
    if naive:
        with mock.patch.object(demo, "_bulk", _one_by_one):
            summary = demo.build_demo(user, people=people, seed=1)
    else:
        summary = demo.build_demo(user, people=people, seed=1)
    seconds = time.perf_counter() - start
    rows = summary.people + summary.interactions + summary.counts["participants"] + summary.links
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--baseline-size", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        from django.db import connection

        print(
            f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {connection.vendor}"
        )
        base_s, base_rows = _run("baseline", args.baseline_size, naive=True)
        base_rate = base_rows / base_s
        print(
            f"row-by-row  people={args.baseline_size:>7}  rows={base_rows:>9}  "
            f"{base_s:7.2f} s  {base_rate:>9.0f} rows/s"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            seconds, rows = _run(f"bulk{size}", size, naive=False)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"bulk        people={size:>7}  rows={rows:>9}  {seconds:7.2f} s  "
                f"{rows / seconds:>9.0f} rows/s  ×{rows / seconds / base_rate:.1f} vs "
                f"row-by-row  peak RSS {peak_mb:.0f} MB"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
