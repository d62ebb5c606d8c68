"""The answer bank's questions matched by meaning, so a paraphrase no pattern foresaw still gets its answer.

The bank's regular expressions (``ask`` in ``knowledge/answer_bank.yaml``) keep precision but miss most ways people
put a question ("that brown puffer, am I meant to swish after?"). This reader embeds each asking sentence of the turn
(:func:`specialists.text.questions.asked_passages`, alone and joined to the sentence before it) with the project's
sentence encoder (:mod:`specialists.sentence_encoder`) and classifies it with a linear softmax over the bank's entries
and a class "none". The net is trained (``python -m evaluation.bank_net_training``) on the entries' own ``examples``
and the many phrasings in ``knowledge/answer_bank_questions.yaml``, written by helpers who were shown only each entry's
answer, against their near misses (same words, another question) and ordinary check-in questions far from every entry.

An entry is matched when the net gives it at least the trained threshold and the passage shares a content word with
one of the entry's phrasings: a guard against two sentences that sit close in embedding space but are about different
things. Without the encoder's weights nothing is matched by meaning: the bank's patterns still answer, and nothing
unvetted is ever said.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from specialists.sentence_encoder import EncoderUnavailable, turn_embedding
from specialists.text.questions import asked_passages

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"
BANK = KNOWLEDGE / "answer_bank.yaml"
QUESTIONS = KNOWLEDGE / "answer_bank_questions.yaml"
WEIGHTS = KNOWLEDGE / "answer_bank_net.npz"
NONE = "none"
_WORD = re.compile(r"[a-z][a-z']{3,}")
_STOP = frozenset(
    "that this with what when where which there their them they then than have from your just about would could should "
    "been being were will does doing done into over also some much many more most very really still ever even only "
    "okay well know like mean want need said says tell told keep keeps asking ask asked wonder wondering thing things "
    "yeah sure right time take taking took make made good fine normal supposed meant whether because after before "
    "again other another every each since while these those here mine his hers him her she he".split())


def content_words(text: str) -> frozenset[str]:
    """Lower-case content words cut to five letters, so 'rinsing' meets 'rinse' and 'injections' 'inject'."""
    return frozenset(w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP)


def example_questions(bank: Path = BANK, questions: Path = QUESTIONS) -> list[tuple[str, str]]:
    """(entry id, question) for every example of every entry: the bank's own, then the written phrasings."""
    entries = yaml.safe_load(bank.read_text(encoding="utf-8"))["entries"]
    known = {e["id"] for e in entries}
    pairs = [(e["id"], q) for e in entries for q in e.get("examples", [])]
    if questions.is_file():
        written = yaml.safe_load(questions.read_text(encoding="utf-8"))["questions"]
        unknown = sorted(set(written) - known)
        if unknown:
            raise ValueError(f"{questions}: phrasings for entries the bank does not have: {', '.join(unknown)}")
        pairs += [(entry_id, q) for entry_id, qs in written.items() for q in qs]
    return pairs


def texts_hash(texts: object) -> str:
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BankNet:
    classes: tuple[str, ...]  # entry ids, then "none"
    weights: np.ndarray       # (384, classes)
    bias: np.ndarray          # (classes,)
    threshold: float          # probability of the best entry at or above which it is matched
    trained_on: str           # texts_hash of everything it was trained on

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> BankNet:
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(str(c) for c in data["classes"]), data["weights"].astype(np.float32),
                       data["bias"].astype(np.float32), float(data["threshold"]), str(data["trained_on"]))

    def save(self, path: Path = WEIGHTS) -> None:
        np.savez_compressed(path, classes=np.array(self.classes), weights=self.weights, bias=self.bias,
                            threshold=np.float64(self.threshold), trained_on=np.str_(self.trained_on))

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        z = embeddings @ self.weights + self.bias
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def best_entry(self, embeddings: np.ndarray) -> tuple[int, float]:
        """(class index, probability) of the likeliest entry (never "none") over the given readings."""
        p = self.probabilities(embeddings)[:, :-1]
        row, col = np.unravel_index(int(np.argmax(p)), p.shape)
        return int(col), float(p[row, col])

    def match(self, readings: Sequence[str], embeddings: np.ndarray, words: Mapping[str, frozenset[str]],
              threshold: float | None = None) -> tuple[str, float] | None:
        """(entry id, probability) when the likeliest entry over the readings of one asking sentence reaches the
        threshold (the net's own unless given) and a reading shares a content word with the entry's phrasings."""
        col, prob = self.best_entry(embeddings)
        entry = self.classes[col]
        if prob < (self.threshold if threshold is None else threshold):
            return None
        return (entry, prob) if any(content_words(r) & words.get(entry, frozenset()) for r in readings) else None


@cache
def shared_net() -> BankNet:
    return BankNet.load()


def vocabulary(pairs: Sequence[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Per entry, the content words of all its phrasings (the guard's vocabulary)."""
    words: dict[str, set[str]] = {}
    for entry_id, q in pairs:
        words.setdefault(entry_id, set()).update(content_words(q))
    return {k: frozenset(v) for k, v in words.items()}


@cache
def entry_words() -> dict[str, frozenset[str]]:
    return vocabulary(example_questions())


def matched_entries(text: str) -> list[tuple[str, float]]:
    """Bank entries the turn asks for by meaning, best first (at most one per asking sentence)."""
    try:
        net = shared_net()
        readings = [(r, np.vstack([turn_embedding(x) for x in r])) for r in asked_passages(text)]
    except (EncoderUnavailable, FileNotFoundError):
        return []
    words = entry_words()
    best: dict[str, float] = {}
    for passage, embeddings in readings:
        found = net.match(passage, embeddings, words)
        if found is not None:
            best[found[0]] = max(found[1], best.get(found[0], 0.0))
    return sorted(best.items(), key=lambda kv: -kv[1])
