"""Train the crisis paraphrase net (:mod:`specialists.crisis_net`) on development crisis sets.

    python -m evaluation.crisis_net_training tests/data/crisis/dev/cases*.jsonl [--out PATH]

Deterministic: full-batch gradient descent from zero weights, classes weighted by their inverse frequency.
The threshold is set by leaving one development file out at a time (each file is one writer): the lowest
threshold at which the net, raising only turns the rules left below urgent, adds at most ``MAX_ADDED_FP``
of the held-out file's controls. It prints those leave-one-writer-out figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.crisis_bench import case_context, gold_level
from evaluation.softmax_fit import fit_softmax
from specialists.crisis_net import CLASSES, WEIGHTS, CrisisNet
from specialists.self_harm import assess
from specialists.sentence_encoder import shared_encoder

L2, STEPS, RATE = 1e-3, 800, 0.5
MAX_ADDED_FP = 0.01
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.5, 0.991, 0.01))


@dataclass(frozen=True)
class Labelled:
    name: str
    texts: list[str]
    gold: np.ndarray        # class index per case
    rules: np.ndarray       # class index the rules give (history and plan included)
    control: np.ndarray     # bool per case
    embeddings: np.ndarray


def _class(level: str) -> int:
    return {"emergency": 2, "urgent": 1}.get(level, 0)


def load_labelled(path: Path) -> Labelled:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    plans: dict[Path, object] = {}
    gold, rules, texts = [], [], []
    for case in cases:
        gold.append(_class(gold_level(case)))
        rules.append(_class(assess(case_context(case, path, plans), net=False).level))
        texts.append(case["turn"]["text"])
    control = np.array([str(c.get("category", "")).startswith("control") for c in cases])
    embeddings = shared_encoder().encode_in_batches(texts)
    return Labelled(path.name, texts, np.array(gold), np.array(rules), control, embeddings)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return fit_softmax(x, y, len(CLASSES), STEPS, RATE, L2)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leave_one_out(sets: Sequence[Labelled]) -> dict[float, dict[str, int]]:
    """Per threshold, pooled over held-out writers: distress the net adds and controls it wrongly raises."""
    counts = {t: {"added_positive": 0, "positives_missed_by_rules": 0, "added_fp": 0, "controls": 0} for t in THRESHOLDS}
    for i, held in enumerate(sets):
        rest = [s for j, s in enumerate(sets) if j != i]
        w, b = fit(np.vstack([s.embeddings for s in rest]), np.concatenate([s.gold for s in rest]))
        net = CrisisNet(w, b, 0.5, {})
        p = net.probabilities(held.embeddings)
        risk = p[:, 1] + p[:, 2]
        quiet = held.rules == 0
        for t in THRESHOLDS:
            raised = quiet & (risk >= t)
            c = counts[t]
            c["added_positive"] += int((raised & (held.gold > 0)).sum())
            c["positives_missed_by_rules"] += int((quiet & (held.gold > 0)).sum())
            c["added_fp"] += int((raised & held.control).sum())
            c["controls"] += int(held.control.sum())
    return counts


def train(paths: Sequence[Path], out: Path = WEIGHTS) -> CrisisNet:
    sets = [load_labelled(p) for p in paths]
    counts = leave_one_out(sets)
    threshold = next((t for t in THRESHOLDS if counts[t]["added_fp"] <= MAX_ADDED_FP * counts[t]["controls"]), THRESHOLDS[-1])
    c = counts[threshold]
    print(f"leave one writer out at threshold {threshold}: the net adds {c['added_positive']} of the "
          f"{c['positives_missed_by_rules']} positives the rules missed, and raises {c['added_fp']} of {c['controls']} controls")
    w, b = fit(np.vstack([s.embeddings for s in sets]), np.concatenate([s.gold for s in sets]))
    root = Path(__file__).resolve().parent.parent
    trained_on = {str(p.resolve().relative_to(root)): _sha256(p) for p in paths}
    net = CrisisNet(w, b, threshold, trained_on)
    net.save(out)
    print(f"wrote {out}")
    return net


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", type=Path, help="development crisis case files (one writer each)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    train(args.cases, args.out)


if __name__ == "__main__":
    main()
