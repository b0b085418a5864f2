"""Train the need-side adapter of the default matcher from the need/offer pairs of bench/data.

Usage: python bench/train_adapter.py [--check]

The multilingual sentence model places a need near offers that say the same thing, but not
always near the offer that answers it: "the boiler makes a strange noise" is about a boiler, a
heating engineer's offer is about repairs. The adapter is a linear map A (512 × 512) applied to
a need's vector before the cosine, q = n + nA, learned so that each need of the training pairs
ranks its own offer first among all the training offers (the InfoNCE loss of van den Oord et
al. 2018, "Representation Learning with Contrastive Predictive Coding", with every other offer
and the distractors as negatives; Adam, Kingma & Ba 2015; weight decay keeps A small).

1. Read the pairs and distractors of bench/data: the training sets (training_*.json, written by
   helpers for training) and the evaluation sets (matching_*.json); embed them as the matcher
   does (intent phrases stripped).
2. Start from A = 0 (the plain cosine) and take STEPS full-batch Adam steps.
3. Write src/entregent/engine/adapter.npy (float32) and adapter.json: the model, the files'
   fingerprint, the settings and the figures on the pairs trained on.

Because the shipped adapter has seen every evaluation set, bench/eval_matching.py scores each
set with an adapter trained on all the other files, never with one that saw it.
Offers and stored vectors are untouched: only the need's vector is moved, at scoring time, so
ranking 10,000 offers costs one small product more. `--check` recomputes nothing: it says
whether the shipped adapter is the one these files, this model and these settings give (the
matrix's digest recorded beside it included).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from entregent.engine import matching

DATA = Path(__file__).with_name("data")
ENGINE = Path(matching.__file__).parent
# Chosen by training on the training sets and sixteen of the evaluation sets and scoring the
# seventeenth, in turn (bench/RESULTS.md).
TEMPERATURE = 0.05
DECAY = 1e-2
STEPS = 100
LEARNING_RATE = 1e-3


def settings() -> dict[str, float]:
    """The training settings, as recorded beside the adapter."""
    return {
        "temperature": TEMPERATURE,
        "decay": DECAY,
        "steps": STEPS,
        "learning_rate": LEARNING_RATE,
    }


def _sha256(path: Path) -> str:
    """The file's digest, or "" when it is missing."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def training_files() -> list[Path]:
    """Every file trained on, in a fixed order: the training sets, then the evaluation sets."""
    return sorted(DATA.glob("training_*.json")) + sorted(DATA.glob("matching_*.json"))


def fingerprint(paths: list[Path]) -> str:
    """What the adapter was trained on: the names and bytes of the training files."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\n" + path.read_bytes() + b"\n")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Embedded:
    """One file's vectors: its needs, their offers in the same order, its distractors."""

    needs: np.ndarray
    offers: np.ndarray
    distractors: np.ndarray


def embed_files(encoder: matching.Encoder, paths: list[Path]) -> dict[Path, Embedded]:
    """Each file's pairs and distractors embedded as the matcher does, by resolved path."""
    out: dict[Path, Embedded] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        out[path.resolve()] = Embedded(
            matching.embed(encoder, [p["need"] for p in data["pairs"]]),
            matching.embed(encoder, [p["offer"] for p in data["pairs"]]),
            matching.embed(encoder, list(data["distractors"])),
        )
    return out


# A training text this close to a held-out one (cosine) is left out when scoring that set:
# sets written by different helpers now and then hold the same sentence.
SAME_TEXT = 0.95


def kept(
    parts: list[Embedded], avoid: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """These files' needs, answers and distractors, less those nearly the same as a text of
    `avoid` (vectors): a pair goes when its need or its answer does."""
    needs = np.vstack([p.needs for p in parts])
    answers = np.vstack([p.offers for p in parts])
    distractors = np.vstack([p.distractors for p in parts])
    if avoid is None or not len(avoid):
        return needs, answers, distractors

    def far(vectors: np.ndarray) -> np.ndarray:
        return (vectors @ avoid.T).max(axis=1) < SAME_TEXT

    pairs = far(needs) & far(answers)
    return needs[pairs], answers[pairs], distractors[far(distractors)]


def fit(parts: list[Embedded], avoid: np.ndarray | None = None) -> np.ndarray:
    """The adapter trained on these files' pairs (`kept`), every offer and distractor a
    negative."""
    needs, answers, distractors = kept(parts, avoid)
    return train(needs, np.vstack([answers, distractors]))


def train(
    needs: np.ndarray,
    offers: np.ndarray,
    *,
    temperature: float = TEMPERATURE,
    decay: float = DECAY,
    steps: int = STEPS,
    learning_rate: float = LEARNING_RATE,
) -> np.ndarray:
    """The adapter A for need rows whose answer is the offer row of the same index (offers may
    have more rows: distractors). Full-batch Adam on the InfoNCE loss plus decay × |A|² / 2."""
    n = needs.astype(np.float32)
    o = offers.astype(np.float32)
    a = np.zeros((n.shape[1], n.shape[1]), dtype=np.float32)
    first = np.zeros_like(a)
    second = np.zeros_like(a)
    for step in range(1, steps + 1):
        _loss, grad = loss_and_gradient(a, n, o, temperature, decay)
        first = 0.9 * first + 0.1 * grad
        second = 0.999 * second + 0.001 * grad * grad
        a -= (
            learning_rate * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
        )
    return a.astype(np.float32)


def loss_and_gradient(
    a: np.ndarray, needs: np.ndarray, offers: np.ndarray, temperature: float, decay: float
) -> tuple[float, np.ndarray]:
    """The InfoNCE loss of the adapter `a` (each need row's answer is the offer row of the same
    index) plus decay × |a|² / 2, and its gradient with respect to `a`."""
    rows = np.arange(len(needs))
    q = needs + needs @ a
    length = np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)  # a zero row stays 0
    unit = q / length
    logits = unit @ offers.T / temperature
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    loss = float(-np.log(np.maximum(p[rows, rows], 1e-30)).mean() + decay * (a * a).sum() / 2)
    p[rows, rows] -= 1.0  # d loss / d logits, times the number of needs
    d_unit = p @ offers / (temperature * len(needs))
    d_q = (d_unit - unit * (d_unit * unit).sum(axis=1, keepdims=True)) / length
    return loss, needs.T @ d_q + decay * a


def ranks(need_vectors: np.ndarray, offer_vectors: np.ndarray) -> np.ndarray:
    """Rank of each need's own offer (same index) by cosine; ties count against it."""
    scores = need_vectors @ offer_vectors.T
    right = scores[np.arange(len(need_vectors)), np.arange(len(need_vectors))]
    return (scores >= right[:, None]).sum(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="is the shipped adapter current?")
    args = parser.parse_args()
    paths = training_files()
    if not paths:
        sys.exit(f"No training_*.json in {DATA}.")
    meta_path = ENGINE / "adapter.json"
    if args.check:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        current = (
            meta.get("model") == matching.MODEL_ID
            and meta.get("training") == fingerprint(paths)
            and meta.get("settings") == settings()
            and meta.get("sha256") == _sha256(ENGINE / "adapter.npy")
        )
        print("current" if current else "stale: run python bench/train_adapter.py")
        sys.exit(0 if current else 1)
    encoder, error = matching.load_encoder()
    if encoder is None:
        sys.exit(f"The model could not load: {error}")
    need_vectors, answers, distractors = kept(list(embed_files(encoder, paths).values()))
    offer_vectors = np.vstack([answers, distractors])
    started = time.perf_counter()
    a = train(need_vectors, offer_vectors)
    seconds = time.perf_counter() - started
    before = ranks(need_vectors, offer_vectors)
    after = ranks(matching.adapt(need_vectors, a), offer_vectors)
    meta = {
        "model": matching.MODEL_ID,
        "training": fingerprint(paths),
        "files": [p.name for p in paths],
        "pairs": len(need_vectors),
        "offers": len(offer_vectors),
        "settings": settings(),
        "training_recall_at_1": {
            "before": round(float(np.mean(before <= 1)), 4),
            "after": round(float(np.mean(after <= 1)), 4),
        },
        "seconds": round(seconds, 1),
    }
    np.save(ENGINE / "adapter.npy", a, allow_pickle=False)
    meta["sha256"] = _sha256(ENGINE / "adapter.npy")
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
