"""Train the answer bank's question net (specialists/bank_matcher.py) and print its two-fold calibration.

    python -m evaluation.bank_net_training tests/data/crisis/ordinary/talk_{a,b,c,d,e}.jsonl [--threshold 0.45] [--folds]

(talk_f and talk_g are the crisis specialist's unread ordinary talk: never trained on.)

Classes: every bank entry, trained on its ``examples`` and its phrasings in ``answer_bank_questions.yaml``; and "none",
trained on the helpers' near misses (``tests/data/answer_bank/near_misses.json``: the same words, another question) and
on the asking sentences of ordinary check-in turns (the files given) that are far from every bank question. Ordinary
talk also holds real bank questions ("can I take Tylenol with this?") that nobody labelled, so a sentence whose
embedding is within :data:`FAR` of a bank phrasing is left out rather than taught as "none".

``--folds`` first trains on half of every entry's phrasings and half of the negatives and asks the other half, both
ways round, and prints per threshold: phrasings matched to their entry, to another entry, or missed; near misses
matched to their own entry or another; ordinary asking sentences matched. It is the benchmark of the matcher.
The default threshold is 0.45 (2026-12-07, stop 41, with 104 entries and 4,068 phrasings: more classes spread the
probability, so the best entry's share falls): on the folds it finds 3,432 phrasings against 3,318 at 0.5 and 3,532 at
0.4, at the cost of 81 against 66 and 95 answered by another entry; far ordinary questions 4 of 458 at all three. With
86 entries 0.5 found 3,099 of 3,614 against 2,637 at 0.7 (52 against 19 by another entry) and held 6 more development and
11 more unread rubric checks than 0.7 (an answer of the wrong vetted entry is noise, a question left unanswered is an
over-refusal).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from evaluation.softmax_fit import fit_softmax
from specialists.bank_matcher import NONE, WEIGHTS, BankNet, example_questions, texts_hash, vocabulary
from specialists.sentence_encoder import shared_encoder
from specialists.text.questions import asked_passages

ROOT = Path(__file__).resolve().parent.parent
NEAR_MISSES = ROOT / "tests" / "data" / "answer_bank" / "near_misses.json"
FAR = 0.55
STEPS, RATE, L2 = 2500, 4.0, 1e-5
THRESHOLDS = (0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9)


_VECTORS: dict[str, np.ndarray] = {}  # each text encoded once, however many fits and folds read it


def _embed(texts: list[str]) -> np.ndarray:
    new = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    _VECTORS.update(zip(new, shared_encoder().encode_in_batches(new)))
    return np.array([_VECTORS[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


def ordinary_questions(paths: Sequence[Path]) -> list[str]:
    """The asking sentences of the ordinary turns in case files (CONTRACT §3 lines; broken lines skipped)."""
    out: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                text = json.loads(line)["turn"]["text"]
            except (ValueError, KeyError, TypeError):
                continue
            out += [readings[0] for readings in asked_passages(text)]
    return out


def _fit(positives: list[tuple[str, str]], negatives: list[str], classes: tuple[str, ...], threshold: float,
         trained_on: str) -> BankNet:
    index = {c: i for i, c in enumerate(classes)}
    texts = [q for _, q in positives] + negatives
    y = np.array([index[c] for c, _ in positives] + [index[NONE]] * len(negatives))
    w, b = fit_softmax(_embed(texts), y, len(classes), STEPS, RATE, L2)
    return BankNet(classes, w, b, threshold, trained_on)


def _match(net: BankNet, words: Mapping[str, frozenset[str]], text: str, vector: np.ndarray, threshold: float) -> str | None:
    found = net.match([text], vector.reshape(1, -1), words, threshold)
    return found[0] if found else None


def folds(pairs: list[tuple[str, str]], near: dict[str, list[str]], far: list[str], classes: tuple[str, ...]) -> None:
    written = {c: [q for c2, q in pairs if c2 == c] for c in classes[:-1]}
    counts = {t: dict.fromkeys(("right", "wrong", "missed", "near_own", "near_other", "ordinary"), 0) for t in THRESHOLDS}
    near_pairs = [(c, q) for c, qs in near.items() for q in qs]
    for fold in (0, 1):
        train = [(c, q) for c, qs in written.items() for i, q in enumerate(qs) if i % 2 == fold]
        test = [(c, q) for c, qs in written.items() for i, q in enumerate(qs) if i % 2 != fold]
        negatives = [q for i, (_, q) in enumerate(near_pairs) if i % 2 == fold] + [q for i, q in enumerate(far) if i % 2 == fold]
        held_near = [(c, q) for i, (c, q) in enumerate(near_pairs) if i % 2 != fold]
        held_far = [q for i, q in enumerate(far) if i % 2 != fold]
        net = _fit(train, negatives, classes, 0.0, "")
        words = vocabulary(train)
        vectors = {"test": _embed([q for _, q in test]), "near": _embed([q for _, q in held_near]), "far": _embed(held_far)}
        for t, c in counts.items():
            for (gold, q), v in zip(test, vectors["test"]):
                got = _match(net, words, q, v, t)
                c["missed" if got is None else "right" if got == gold else "wrong"] += 1
            for (gold, q), v in zip(held_near, vectors["near"]):
                got = _match(net, words, q, v, t)
                if got is not None:
                    c["near_own" if got == gold else "near_other"] += 1
            c["ordinary"] += sum(_match(net, words, q, v, t) is not None for q, v in zip(held_far, vectors["far"]))
    for t, c in counts.items():
        print(f"threshold {t}: phrasings right {c['right']}, other entry {c['wrong']}, missed {c['missed']} of {len(pairs)}; "
              f"near misses answered by their own entry {c['near_own']}, by another {c['near_other']} of {len(near_pairs)}; "
              f"far ordinary questions answered {c['ordinary']} of {len(far)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ordinary", nargs="+", type=Path, help="case files of ordinary check-in turns (the 'none' class)")
    parser.add_argument("--threshold", type=float, default=0.45)
    parser.add_argument("--folds", action="store_true", help="print the two-fold calibration first")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    pairs = example_questions()
    near: dict[str, list[str]] = json.loads(NEAR_MISSES.read_text(encoding="utf-8"))
    classes = tuple(dict.fromkeys(c for c, _ in pairs)) + (NONE,)
    asked = ordinary_questions(args.ordinary)
    nearest = (_embed(asked) @ _embed([q for _, q in pairs]).T).max(axis=1) if asked else np.zeros(0)
    far = [q for q, sim in zip(asked, nearest) if sim < FAR]
    print(f"{len(pairs)} phrasings of {len(classes) - 1} entries; {sum(map(len, near.values()))} near misses; "
          f"{len(far)} of {len(asked)} ordinary asking sentences far from the bank")
    if args.folds:
        folds(pairs, near, far, classes)
    negatives = [q for qs in near.values() for q in qs] + far
    net = _fit(pairs, negatives, classes, args.threshold, texts_hash(pairs))
    net.save(args.out)
    print(f"wrote {args.out} (threshold {args.threshold})")


if __name__ == "__main__":
    main()
