"""A paraphrase net under the crisis rules: distress the rules cannot place still reaches a nurse.

The rules of :mod:`specialists.self_harm` read classes of language, but patients keep finding words no
vocabulary holds ("I keep hoping I'll just not be here", "I'm done fighting"). This net reads the meaning
of the whole turn instead: a multinomial logistic regression (none / urgent / emergency) over the turn's
all-MiniLM-L6-v2 sentence embedding (:mod:`specialists.sentence_encoder`), trained on the development
crisis sets (``python -m evaluation.crisis_net_training``; the weights record the files and their hashes).

It only ever raises a turn the rules left at none, said in the speaker's own voice or by a declared caregiver (the
net reads meaning, not who is meant), and only to ``urgent`` with a nurse flag: on text its
trainers never read it tells distress from hard controls (idioms, fiction, family history, negations)
far less reliably than it tells distress from ordinary talk, so it must not drive an emergency, and a
false alarm costs one kind screening question, never a call stuck in crisis mode.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from specialists.sentence_encoder import turn_embedding

WEIGHTS = Path(__file__).resolve().parent / "knowledge" / "crisis_net.npz"
CLASSES = ("none", "urgent", "emergency")
# A short answer ("Took it all.", "On my way out.", "That'd be nice.") takes its meaning from the question, which the net
# does not read: it flagged eight such answers in 1,000 ordinary turns (tests/data/crisis/ordinary/talk_d.jsonl), and
# on the 25 development writers it never added a positive under seven words. The rules read short answers with the
# question (a yes to a screening question, a "the whole bottle" after "how many did you take?").
MIN_WORDS = 7


@dataclass(frozen=True)
class CrisisNet:
    weights: np.ndarray   # (384, 3)
    bias: np.ndarray      # (3,)
    threshold: float      # P(urgent) + P(emergency) at or above which a turn is flagged
    trained_on: dict[str, str]  # development file -> sha256 of its text when the net was trained

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> CrisisNet:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["weights"].astype(np.float32), data["bias"].astype(np.float32),
                       float(data["threshold"]), json.loads(str(data["trained_on"])))

    def save(self, path: Path) -> None:
        np.savez(path, weights=self.weights, bias=self.bias, threshold=np.float64(self.threshold),
                 trained_on=np.str_(json.dumps(self.trained_on, sort_keys=True)))

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        z = embeddings @ self.weights + self.bias
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)


@cache
def shared_net() -> CrisisNet:
    return CrisisNet.load()


@lru_cache(maxsize=8192)
def distress(text: str) -> float:
    """P(the turn expresses suicidal or self-harm distress), 0 for turns too short to read."""
    if len(text.split()) < MIN_WORDS:
        return 0.0
    p = shared_net().probabilities(turn_embedding(text))[0]
    return float(p[1] + p[2])


def flags(text: str) -> bool:
    return distress(text) >= shared_net().threshold
