"""Evaluate need ↔ offer matching on bilingual sets: the default matcher against the fallback.

Usage: python bench/eval_matching.py [--data FILE ...] [--json] [--sweep] [--adapter KIND]

Twenty-seven sets by default, all written for entregent, each of 60 needs and 100 offers:
- matching_eval.json, written alongside the matcher;
- matching_blind.json, written by a helper who saw neither the matcher nor the thesaurus, then
  used with the first to choose the settings (so no longer blind);
- matching_heldout.json and matching_final.json, written the same blind way and first
  evaluated once the settings were fixed (their misses were read later);
- matching_nearmiss_a.json and matching_nearmiss_b.json, written the same blind way but harder
  on purpose: groups of needs in one field that differ by a specific (species, city, audience)
  and distractors that are near misses;
- matching_ordinary.json, written the same blind way after the thesaurus and every setting were
  fixed, of moderate difficulty, and evaluated once;
- matching_fresh_a.json and matching_fresh_b.json, written the same blind way by two helpers
  (the second asked for trades, logistics, farming and other fields the first sets touch
  less), first evaluated once the place cut was chosen on the seven sets above;
- matching_check_c.json and matching_check_d.json, written the same blind way by two more
  helpers while the place cut was reviewed, evaluated once with it fixed;
- matching_final_e.json (working life) and matching_final_f.json (everyday life), written the
  same blind way, used once to decide whether an enriched thesaurus with new settings was kept
  (it was not);
- matching_decide_g.json and matching_decide_h.json, written the same blind way, used once to
  decide whether the enriched thesaurus, cleaned and with the settings unchanged, was kept (it
  was, by the rule fixed beforehand: a higher mean MRR on these two);
- matching_judge_i.json and matching_judge_j.json, written the same blind way, used once to
  decide whether vectors lifted toward their concepts' centres were kept (they were not);
- matching_verify_k.json and matching_verify_l.json, written the same blind way, used once to
  decide whether the need-side adapter was kept (it was);
- matching_added_m.json to matching_added_p.json, written the same blind way, then added to the
  adapter's training; matching_settle_q.json and matching_settle_r.json, written with them and
  used once to decide that adding them helped;
- matching_compare_s.json and matching_compare_t.json, written the same blind way, read to
  decide two changes in turn: the adapter trained with eleven more training files (kept), then
  no concept-mismatch cut (kept).
The adapter (bench/train_adapter.py) is trained on every set as well as on training_*.json, so
by default (--adapter cross) each set is scored with an adapter trained on all the other files,
less any text nearly the same as one of the set's; --adapter shipped uses the shipped one.
Each need is ranked against every offer of its set (its own answer among them, plus the
distractors); recall@1, recall@5 and the mean reciprocal rank are reported for the default
matcher (the multilingual Universal Sentence Encoder, the adapter, the concept thesaurus and the
place cut), the same without the adapter, then without the place cut, the fallback (BM25 on
stems with the same), and each model alone; overall, for the cross-language pairs, the pairs
sharing no content word, and the paraphrases (same language, no shared word). Languages and
shared words are judged by the matcher's own functions.
`--sweep` prints the figures at other settings.
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

import train_adapter
from entregent.engine import concepts, matching, places

DEFAULT_DATA = [
    Path(__file__).with_name("data") / f"matching_{name}.json"
    for name in (
        "eval",
        "blind",
        "heldout",
        "final",
        "nearmiss_a",
        "nearmiss_b",
        "ordinary",
        "fresh_a",
        "fresh_b",
        "check_c",
        "check_d",
        "final_e",
        "final_f",
        "decide_g",
        "decide_h",
        "judge_i",
        "judge_j",
        "verify_k",
        "verify_l",
        "added_m",
        "added_n",
        "added_o",
        "added_p",
        "settle_q",
        "settle_r",
        "compare_s",
        "compare_t",
    )
]
SWEEP_TOP = (1, 2, 3, 5)
SWEEP_WEIGHT = (0.0, 0.3, 0.5, 0.75)
SWEEP_MISMATCH = (0.0, 0.2, 0.4)
SWEEP_PLACE = (0.0, 0.1, 0.2, 0.3, 0.5)


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


def threshold_figures(scores: np.ndarray, answer: np.ndarray, threshold: float) -> dict:
    """At the display threshold: the share of right pairs shown, and the share of needs that
    would still show a wrong offer were their answer missing."""
    right = scores[np.arange(len(answer)), answer]
    wrong = scores.copy()
    wrong[np.arange(len(answer)), answer] = -np.inf
    return {
        "threshold": threshold,
        "right_pairs_shown": round(float(np.mean(right >= threshold)), 4),
        "wrong_offer_shown": round(float(np.mean(wrong.max(axis=1) >= threshold)), 4),
    }


def speed(encoder: matching.Encoder, offers: list[str], need: str, n: int = 10_000) -> dict:
    """Median time to rank n indexed offers for one need (top 5), the default way: cosines,
    raised by concept profiles, lowered on a concept mismatch (if MISMATCH is set) and on places
    apart (profiles, concept rows and the offers' places are kept with the offers, so they are
    the index)."""
    rng = np.random.default_rng(0)
    take = np.arange(n) % len(offers)
    base = matching.embed(encoder, offers)
    index = base[take] + rng.normal(0, 0.01, (n, base.shape[1])).astype(np.float32)
    index /= np.linalg.norm(index, axis=1, keepdims=True)
    index_profiles = matching.profiles(encoder, offers, base)[take]
    index_concepts = matching.mismatch_rows(offers)[take]
    query = matching.embed(encoder, [need])
    query_profile = matching.profiles(encoder, [need], query)
    query_concepts = matching.mismatch_rows([need])
    places.found.cache_clear()
    start = time.perf_counter()
    located = places.Located([offers[k] for k in take])
    index_places = time.perf_counter() - start
    times = []
    for _ in range(200):
        start = time.perf_counter()
        scores = matching.combine(
            matching.cosines(query, index),
            query_profile,
            index_profiles,
            query_concepts,
            index_concepts,
            located.apart([need]),
        )[0]
        top = np.argpartition(-scores, 5)[:5]
        top[np.argsort(-scores[top])]
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    matching.embed(encoder, [need])
    embed_one = time.perf_counter() - start
    return {
        "offers": n,
        "rank_ms_median": round(1000 * float(np.median(times)), 3),
        "index_places_ms": round(1000 * index_places, 1),
        "distinct_offer_texts": len(offers),
        "embed_one_need_ms": round(1000 * embed_one, 1),
    }


def _sweep(
    encoder: matching.Encoder | None,
    texts: tuple[list[str], list[str]],
    vectors: tuple[np.ndarray, np.ndarray] | None,
    concept_rows: tuple[np.ndarray, np.ndarray],
    raw: dict[str, np.ndarray],
    placed: dict[str, np.ndarray],
    answer: np.ndarray,
    mask: np.ndarray,
) -> dict[str, dict[str, dict]]:
    """Overall figures at other settings: (top, profile weight, mismatch) with the model,
    the concept weight without it, then the place cut applied to each matcher's scores at
    the chosen settings (`placed`, before the cut). Texts, vectors and concept rows are the
    needs' and the offers', as `evaluate` computed them."""
    settings = (matching.PROFILE_TOP, matching.PROFILE_WEIGHT, matching.MISMATCH)
    out: dict[str, dict[str, dict]] = {"semantic": {}, "lexical": {}}
    (needs, offers), (need_concepts, offer_concepts) = texts, concept_rows
    try:
        if encoder is not None and vectors is not None:
            need_vectors, offer_vectors = vectors
            for top in SWEEP_TOP:
                matching.PROFILE_TOP = top
                need_profiles = matching.profiles(encoder, needs, need_vectors)
                offer_profiles = matching.profiles(encoder, offers, offer_vectors)
                for weight in SWEEP_WEIGHT:
                    for apart in SWEEP_MISMATCH:
                        matching.PROFILE_WEIGHT, matching.MISMATCH = weight, apart
                        scores = matching.combine(
                            raw["semantic"],
                            need_profiles,
                            offer_profiles,
                            need_concepts,
                            offer_concepts,
                        )
                        out["semantic"][f"top {top}, weight {weight}, mismatch {apart}"] = (
                            ranking_figures(scores, answer, mask)
                        )
    finally:
        matching.PROFILE_TOP, matching.PROFILE_WEIGHT, matching.MISMATCH = settings
    for weight in SWEEP_WEIGHT:
        scores = matching.blend(raw["lexical"], need_concepts, offer_concepts, weight)
        out["lexical"][f"weight {weight}"] = ranking_figures(scores, answer, mask)
    apart, kept = places.apart(needs, offers), matching.PLACE_MISMATCH
    try:
        for cut in SWEEP_PLACE:
            matching.PLACE_MISMATCH = cut
            for method, scores in placed.items():
                out[method][f"place mismatch {cut}"] = ranking_figures(
                    matching.away(scores, apart), answer, mask
                )
    finally:
        matching.PLACE_MISMATCH = kept
    return out


def evaluate(
    path: Path, encoder: matching.Encoder | None, sweep: bool, adapter: np.ndarray | None = None
) -> dict:
    """Figures of every matcher on one set; `adapter` is the need-side adapter to score it
    with (one that never saw the set, unless --adapter shipped)."""
    needs, offers, answer, masks = load(path)
    out: dict = {
        "set": path.name,
        "needs": len(needs),
        "offers": len(offers),
        "cross_language_pairs": int(masks["cross-language"].sum()),
        "no_shared_word_pairs": int(masks["no shared word"].sum()),
        "paraphrase_pairs": int(masks["paraphrase"].sum()),
        "matchers": {},
    }
    need_concepts = concepts.matrix(needs)
    offer_concepts = concepts.matrix(offers)
    out["texts_with_a_concept"] = round(
        float(np.mean(np.r_[need_concepts.any(axis=1), offer_concepts.any(axis=1)])), 3
    )
    raw: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    raw["lexical"] = matching.lexical_scores(needs, offers).matrix
    lexical_seconds = time.perf_counter() - started
    if encoder is not None:
        started = time.perf_counter()
        need_vectors = matching.embed(encoder, needs)
        offer_vectors = matching.embed(encoder, offers)
        plain = np.clip(need_vectors @ offer_vectors.T, 0.0, 1.0).astype(np.float64)
        raw["semantic"] = matching.cosines(need_vectors, offer_vectors, adapter).astype(np.float64)
        semantic_seconds = time.perf_counter() - started
        need_profiles = matching.profiles(encoder, needs, need_vectors)
        offer_profiles = matching.profiles(encoder, offers, offer_vectors)
    apart = places.apart(needs, offers)
    placed: dict[str, np.ndarray] = {}
    if "semantic" in raw:  # the same matcher without the adapter, then the model alone
        unadapted = matching.combine(
            plain, need_profiles, offer_profiles, need_concepts, offer_concepts
        )
        for name, matrix in (
            ("USE v3 + concepts + places", matching.away(unadapted, apart)),
            ("USE v3 + concepts", unadapted),
            ("USE v3", plain),
        ):
            out["matchers"][name] = {
                subset: ranking_figures(matrix, answer, mask) for subset, mask in masks.items()
            }
    for method, label, role in (
        ("semantic", "USE v3 + adapter", "default"),
        ("lexical", "BM25", "fallback"),
    ):
        if method not in raw:
            continue
        unplaced = (
            matching.combine(
                raw[method], need_profiles, offer_profiles, need_concepts, offer_concepts
            )
            if method == "semantic"
            else matching.blend(raw[method], need_concepts, offer_concepts)
        )
        blended = matching.away(unplaced, apart)
        placed[method] = unplaced
        for name, matrix in (
            (f"{role} ({label} + concepts + places)", blended),
            *(() if method == "semantic" else ((f"{label} + concepts", unplaced),)),
            (label, raw[method]),
        ):
            out["matchers"][name] = {
                subset: ranking_figures(matrix, answer, mask) for subset, mask in masks.items()
            }
        out["matchers"][f"{role} ({label} + concepts + places)"]["at_threshold"] = (
            threshold_figures(blended, answer, matching.SHOW_AT[method])
        )
        out["matchers"][label]["seconds"] = round(
            semantic_seconds if method == "semantic" else lexical_seconds, 3
        )
    if sweep:
        out["sweep"] = _sweep(
            encoder,
            (needs, offers),
            (need_vectors, offer_vectors) if encoder is not None else None,
            (need_concepts, offer_concepts),
            raw,
            placed,
            answer,
            masks["all"],
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="figures at other settings")
    parser.add_argument(
        "--adapter",
        choices=("cross", "shipped"),
        default="cross",
        help="cross (default): score each set trained on with an adapter trained without it; "
        "shipped: the shipped adapter everywhere (faster, flatters the sets it saw)",
    )
    args = parser.parse_args()
    encoder, error = matching.load_encoder()
    paths = args.data or DEFAULT_DATA
    adapters: list[np.ndarray | None] = [matching.adapter()] * len(paths)
    if encoder is not None and args.adapter == "cross":
        embedded = train_adapter.embed_files(encoder, train_adapter.training_files())
        adapters = [
            train_adapter.fit(
                [e for where, e in embedded.items() if where != path.resolve()],
                avoid=np.vstack(
                    [
                        embedded[path.resolve()].needs,
                        embedded[path.resolve()].offers,
                        embedded[path.resolve()].distractors,
                    ]
                ),
            )
            if path.resolve() in embedded
            else shipped
            for path, shipped in zip(paths, adapters, strict=True)
        ]
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "concepts": len(concepts.default()),
        "settings": {
            "profile_top": matching.PROFILE_TOP,
            "profile_weight": matching.PROFILE_WEIGHT,
            "mismatch": matching.MISMATCH,
            "place_mismatch": matching.PLACE_MISMATCH,
            "fallback_concept_weight": matching.CONCEPT_WEIGHT,
        },
        "adapter": args.adapter,
        "sets": [
            evaluate(path, encoder, args.sweep, adapter)
            for path, adapter in zip(paths, adapters, strict=True)
        ],
    }
    if encoder is None:
        results["semantic_error"] = error
    else:
        # A need that names a place: the slower case, its place compared with the offers'.
        needs, offers, *_ = load(paths[0])
        results["speed"] = speed(
            encoder, offers, next((n for n in needs if places.found(n)), needs[0])
        )
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    print(
        f"{results['machine']}; thesaurus of {results['concepts']} concepts; settings "
        + ", ".join(f"{k} {v}" for k, v in results["settings"].items())
    )
    for figures in results["sets"]:
        print(
            f"\n== {figures['set']}: {figures['needs']} needs, {figures['offers']} offers; "
            f"{figures['cross_language_pairs']} cross-language pairs, "
            f"{figures['no_shared_word_pairs']} with no shared word, of which "
            f"{figures['paraphrase_pairs']} in the same language; "
            f"{figures['texts_with_a_concept']:.0%} of texts name a known concept"
        )
        for matcher, by_subset in figures["matchers"].items():
            seconds = f" ({by_subset['seconds']} s to score all)" if "seconds" in by_subset else ""
            print(f"{matcher}{seconds}")
            for subset, f in by_subset.items():
                if subset == "at_threshold":
                    print(
                        f"  shown from {f['threshold']}: {f['right_pairs_shown']:.0%} of right "
                        f"pairs; a wrong offer for {f['wrong_offer_shown']:.0%} of needs "
                        "were their answer missing"
                    )
                elif subset != "seconds":
                    print(
                        f"  {subset:16} n={f['needs']:>3}  recall@1 {f['recall_at_1']:.3f}  "
                        f"recall@5 {f['recall_at_5']:.3f}  MRR {f['mrr']:.3f}"
                    )
        for method, by_setting in figures.get("sweep", {}).items():
            print(f"{method}, other settings:")
            for setting, f in by_setting.items():
                print(
                    f"  {setting:34}  recall@1 {f['recall_at_1']:.3f}  "
                    f"recall@5 {f['recall_at_5']:.3f}  MRR {f['mrr']:.3f}"
                )
    print(f"\nmeans over the {len(results['sets'])} sets (adapter: {args.adapter}):")
    for matcher in results["sets"][0]["matchers"]:
        figures = [s["matchers"][matcher]["all"] for s in results["sets"]]
        means = [np.mean([f[k] for f in figures]) for k in ("recall_at_1", "recall_at_5", "mrr")]
        print(
            f"  {matcher:45} recall@1 {means[0]:.3f}  recall@5 {means[1]:.3f}  MRR {means[2]:.3f}"
        )
    if "semantic_error" in results:
        print(f"\nsemantic model unavailable: {results['semantic_error']}", file=sys.stderr)
    else:
        s = results["speed"]
        print(
            f"\nranking {s['offers']} indexed offers for one need: {s['rank_ms_median']} ms "
            f"(median); embedding one need: {s['embed_one_need_ms']} ms; indexing the offers' "
            f"places: {s['index_places_ms']} ms ({s['distinct_offer_texts']} distinct texts)"
        )


if __name__ == "__main__":
    main()
