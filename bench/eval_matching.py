"""Evaluate need ↔ offer matching on a bilingual set: the default model against the fallback.

Usage: python bench/eval_matching.py [--data bench/data/matching_eval.json] [--json]

Each need is ranked against every offer (its own answer among them, plus the distractors);
recall@1, recall@5 and the mean reciprocal rank are reported for the semantic matcher (the
multilingual Universal Sentence Encoder) and the lexical fallback (BM25 on stems), overall, for
the cross-language pairs, the pairs sharing no content word, and the paraphrases (same language,
no shared word). Languages and shared words are judged by the matcher's own functions.
Speed: ranking 10,000 offer vectors for one need once they are indexed (median of 200 runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from entregent.engine import matching

DEFAULT_DATA = Path(__file__).with_name("data") / "matching_eval.json"


def load(path: Path) -> tuple[list[str], list[str], np.ndarray, dict[str, np.ndarray]]:
    """Needs, offers, the index of each need's answer, and masks of the pair subsets."""
    data = json.loads(path.read_text(encoding="utf-8"))
    needs = [p["need"] for p in data["pairs"]]
    offers = [p["offer"] for p in data["pairs"]] + list(data["distractors"])
    answer = np.arange(len(needs))
    cross = np.array(
        [
            matching.detect_language(p["need"]) != matching.detect_language(p["offer"])
            for p in data["pairs"]
        ]
    )
    disjoint = np.array([not matching.shared_words(p["need"], p["offer"]) for p in data["pairs"]])
    return (
        needs,
        offers,
        answer,
        {
            "all": np.ones(len(needs), dtype=bool),
            "cross-language": cross,
            "no shared word": disjoint,
            "paraphrase": ~cross & disjoint,
        },
    )


def ranking_figures(scores: np.ndarray, answer: np.ndarray, mask: np.ndarray) -> dict:
    """recall@1, recall@5 and MRR of the right offer, over the needs in `mask`."""
    right = scores[np.arange(len(answer)), answer]
    # Ties count against the need: an offer scored the same as the right one ranks before it.
    rank = (scores >= right[:, None]).sum(axis=1)
    rank = rank[mask]
    return {
        "needs": int(mask.sum()),
        "recall_at_1": round(float(np.mean(rank <= 1)), 4),
        "recall_at_5": round(float(np.mean(rank <= 5)), 4),
        "mrr": round(float(np.mean(1.0 / rank)), 4),
    }


def speed(encoder: matching.Encoder, offers: list[str], need: str, n: int = 10_000) -> dict:
    """Median time to rank n indexed offer vectors for one need vector (top 5)."""
    base = matching.embed(encoder, offers)
    rng = np.random.default_rng(0)
    index = np.tile(base, (n // len(base) + 1, 1))[:n]
    index = index + rng.normal(0, 0.01, index.shape).astype(np.float32)
    index /= np.linalg.norm(index, axis=1, keepdims=True)
    query = matching.embed(encoder, [need])[0]
    times = []
    for _ in range(200):
        start = time.perf_counter()
        scores = index @ query
        top = np.argpartition(-scores, 5)[:5]
        top[np.argsort(-scores[top])]
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    matching.embed(encoder, [need])
    embed_one = time.perf_counter() - start
    return {
        "offers": n,
        "rank_ms_median": round(1000 * float(np.median(times)), 3),
        "embed_one_need_ms": round(1000 * embed_one, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    needs, offers, answer, masks = load(args.data)
    encoder, error = matching.load_encoder()
    results: dict = {
        "needs": len(needs),
        "offers": len(offers),
        "cross_language_pairs": int(masks["cross-language"].sum()),
        "no_shared_word_pairs": int(masks["no shared word"].sum()),
        "paraphrase_pairs": int(masks["paraphrase"].sum()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "matchers": {},
    }
    started = time.perf_counter()
    lexical = matching.lexical_scores(needs, offers).matrix
    results["matchers"]["lexical (BM25)"] = {
        name: ranking_figures(lexical, answer, mask) for name, mask in masks.items()
    }
    results["matchers"]["lexical (BM25)"]["seconds"] = round(time.perf_counter() - started, 3)
    if encoder is None:
        results["semantic_error"] = error
    else:
        started = time.perf_counter()
        semantic = matching.semantic_scores(
            matching.embed(encoder, needs), matching.embed(encoder, offers)
        ).matrix
        results["matchers"]["semantic (USE v3)"] = {
            name: ranking_figures(semantic, answer, mask) for name, mask in masks.items()
        }
        results["matchers"]["semantic (USE v3)"]["seconds"] = round(
            time.perf_counter() - started, 3
        )
        results["speed"] = speed(encoder, offers, needs[0])
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    print(
        f"{results['needs']} needs, {results['offers']} offers; "
        f"{results['cross_language_pairs']} cross-language pairs, "
        f"{results['no_shared_word_pairs']} with no shared word, of which "
        f"{results['paraphrase_pairs']} in the same language ({results['machine']})"
    )
    for matcher, by_subset in results["matchers"].items():
        print(f"\n{matcher} ({by_subset['seconds']} s to score everything)")
        for subset, f in by_subset.items():
            if subset != "seconds":
                print(
                    f"  {subset:16} n={f['needs']:>3}  recall@1 {f['recall_at_1']:.3f}  "
                    f"recall@5 {f['recall_at_5']:.3f}  MRR {f['mrr']:.3f}"
                )
    if "semantic_error" in results:
        print(f"\nsemantic model unavailable: {results['semantic_error']}", file=sys.stderr)
    else:
        s = results["speed"]
        print(
            f"\nranking {s['offers']} indexed offers for one need: {s['rank_ms_median']} ms "
            f"(median); embedding one need: {s['embed_one_need_ms']} ms"
        )


if __name__ == "__main__":
    main()
