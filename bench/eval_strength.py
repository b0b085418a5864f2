"""Validate tie strength and drift on a real temporal network, against simple baselines.

Usage: python bench/eval_strength.py FILE [--cutoffs 60,90,120] [--horizon 30] [--json]

FILE is a temporal edge list, one event per line: `src dst unixtime` (a header line is
skipped), e.g. the SNAP CollegeMsg network. Each unordered pair is a relationship. For each
cut-off (in days from the first event), every score is computed from the events before the cut
only, and judged on the `horizon` days after it:

- contact: which existing relationships (≥ 1 event before the cut) have an event in the next
  30 days? AUC over all of them (historical negatives only), and precision@5 per person (people
  with ≥ 5 relationships and at least one that continues), averaged.
- drift: which relationships with ≥ 3 active days before the cut go silent for the next 30 days?
  AUC of each score read the other way round (a low score predicts silence).
- calibration of our P(≥ 1 contact in the next 30 days): Brier score and a reliability table.

Scores: ours (strength with the half-life fitted on the history before the cut; MBG/NBD
P(contact within 30 days) with parameters fitted by maximum likelihood) and the baselines
recency, active-day count, and fixed exponential decay with 7- and 90-day half-lives.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from entregent.engine import drift, strength
from entregent.engine.snapshot import Snapshot

SECONDS_PER_DAY = 86400.0


def load_edges(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read `src dst time` lines into arrays, skipping a header and blank or broken lines."""
    src, dst, when = [], [], []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 3:
                continue
            try:
                a, b, t = int(parts[0]), int(parts[1]), float(parts[2])
            except ValueError:
                continue  # the header, or a malformed line
            if a != b:
                src.append(a)
                dst.append(b)
                when.append(t)
    return np.array(src), np.array(dst), np.array(when) / SECONDS_PER_DAY


def as_snapshot(src: np.ndarray, dst: np.ndarray, days: np.ndarray) -> tuple[Snapshot, np.ndarray]:
    """One relationship per unordered pair; returns the snapshot and each pair's (low, high)."""
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    pairs, rel = np.unique(np.stack((low, high), axis=1), axis=0, return_inverse=True)
    rel = rel.ravel()
    order = np.lexsort((days, rel))
    direction = np.where(src == low, 0, 1).astype(np.int8)  # "me" = the lower id
    snap = Snapshot(
        ids=np.arange(len(pairs), dtype=np.int64),
        ev_rel=rel[order].astype(np.int64),
        ev_time=days[order],
        ev_kind=np.full(len(days), 3, dtype=np.int8),  # messages
        ev_dir=direction[order],
    )
    return snap, pairs


def precision_at_5(pairs: np.ndarray, score: np.ndarray, positive: np.ndarray) -> float:
    """Mean over people of the share of continuing ties among their 5 highest-scored ties."""
    people = np.concatenate((pairs[:, 0], pairs[:, 1]))
    rel = np.concatenate((np.arange(len(pairs)), np.arange(len(pairs))))
    order = np.lexsort((rel, -score[rel], people))  # by person, best score first, stable
    people, rel = people[order], rel[order]
    starts = np.flatnonzero(np.concatenate(([True], people[1:] != people[:-1])))
    ends = np.concatenate((starts[1:], [people.size]))
    values = []
    for s, e in zip(starts, ends, strict=True):
        mine = rel[s:e]
        if mine.size >= 5 and positive[mine].any():
            values.append(positive[mine[:5]].mean())
    return float(np.mean(values)) if values else float("nan")


def reliability(p: np.ndarray, outcome: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Predicted vs observed frequency in ten equal-width bins of the predicted probability."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    table = []
    for k in range(bins):
        mask = which == k
        if mask.any():
            table.append(
                {
                    "bin": f"{edges[k]:.1f}-{edges[k + 1]:.1f}",
                    "n": int(mask.sum()),
                    "predicted": round(float(p[mask].mean()), 3),
                    "observed": round(float(outcome[mask].mean()), 3),
                }
            )
    return table


def evaluate(snap: Snapshot, pairs: np.ndarray, cut: float, horizon: float) -> dict:
    """All scores at one cut-off, judged on the horizon after it."""
    started = time.perf_counter()
    past = strength.active_days(snap, cut - 1e-9)
    future_window = (snap.ev_time >= cut) & (snap.ev_time < cut + horizon)
    future = np.bincount(snap.ev_rel[future_window], minlength=snap.n) > 0
    count = np.bincount(past.rel, minlength=snap.n)
    existing = count > 0
    hist = drift.histories(past, cut)
    fit = strength.fit_half_life(past, cut)
    params = drift.fit(hist)
    alive = drift.p_alive(params, hist)
    p_contact = drift.p_contact_within(params, hist, alive, horizon)
    recency = -np.where(hist.seen, cut - hist.last, np.inf)
    scores = {
        "ours: strength": strength.decayed_sum(past, cut, fit.half_life),
        "ours: P(contact in 30 days)": p_contact,
        "recency": np.where(np.isfinite(recency), recency, -1e9),
        "active days": count.astype(np.float64),
        "decay 7 days": strength.decayed_sum(past, cut, 7.0),
        "decay 90 days": strength.decayed_sum(past, cut, 90.0),
    }
    established = count >= 3
    silent = ~future
    results = {}
    for name, score in scores.items():
        results[name] = {
            "contact_auc": round(strength.auc(score[existing], future[existing]), 4),
            "precision_at_5": round(
                precision_at_5(pairs[existing], score[existing], future[existing]), 4
            ),
            "drift_auc": round(strength.auc(-score[established], silent[established]), 4),
        }
    outcome = future[existing].astype(np.float64)
    brier = float(np.mean((p_contact[existing] - outcome) ** 2))
    return {
        "cutoff_day": cut - float(snap.ev_time.min()),
        "relationships": int(existing.sum()),
        "continuing": int(future[existing].sum()),
        "established": int(established.sum()),
        "going_silent": int((established & silent).sum()),
        "half_life": fit.half_life,
        "half_life_reason": fit.reason,
        "mbg": {
            "r": round(params.r, 4),
            "alpha": round(params.alpha, 4),
            "a": round(params.a, 4),
            "b": round(params.b, 4),
            "fitted": params.fitted,
        },
        "scores": results,
        "brier": round(brier, 4),
        "brier_base_rate": round(float(np.mean((outcome.mean() - outcome) ** 2)), 4),
        "reliability": reliability(p_contact[existing], outcome),
        "seconds": round(time.perf_counter() - started, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--cutoffs", default="60,90,120")
    parser.add_argument("--horizon", type=float, default=30.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"eval_strength: no such file: {args.file}")
    src, dst, days = load_edges(args.file)
    if days.size == 0:
        sys.exit(f"eval_strength: no `src dst time` events in {args.file}")
    snap, pairs = as_snapshot(src, dst, days)
    first = float(days.min())
    runs = [evaluate(snap, pairs, first + float(c), args.horizon) for c in args.cutoffs.split(",")]
    if args.json:
        print(
            json.dumps(
                {
                    "file": args.file.name,
                    "events": int(days.size),
                    "relationships": snap.n,
                    "cutoffs": runs,
                },
                indent=2,
            )
        )
        return
    print(
        f"{args.file.name}: {days.size} events, {snap.n} relationships, "
        f"{days.max() - first:.0f} days"
    )
    for run in runs:
        print(
            f"\ncut-off day {run['cutoff_day']:.0f}: {run['relationships']} relationships, "
            f"{run['continuing']} continue; {run['established']} established, "
            f"{run['going_silent']} go silent; half-life {run['half_life']:.0f} days "
            f"({run['half_life_reason']}); MBG {run['mbg']}"
        )
        print(f"  {'score':30} {'contact AUC':>11} {'prec@5':>7} {'drift AUC':>9}")
        for name, r in run["scores"].items():
            print(
                f"  {name:30} {r['contact_auc']:>11.4f} {r['precision_at_5']:>7.4f} "
                f"{r['drift_auc']:>9.4f}"
            )
        print(f"  Brier {run['brier']:.4f} (base rate alone {run['brier_base_rate']:.4f})")
        for row in run["reliability"]:
            print(
                f"    P in {row['bin']}: n={row['n']:>5} predicted {row['predicted']:.3f} "
                f"observed {row['observed']:.3f}"
            )


if __name__ == "__main__":
    main()
