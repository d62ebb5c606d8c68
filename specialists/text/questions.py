"""Which sentences of a turn ask something, for the readers that answer questions (the answer bank's matcher).

Callers ask in many shapes besides a question mark: "I was wondering whether soup counts", "I never know if I'm
meant to rinse after that puffer", "my granddaughter says no more salads, is that true?". A sentence asks when it has a
question mark, opens with a question word, or says one of those shapes; a short follow-up ("Is that true?", "Why?")
takes its subject from the sentence before it ("His belly's gone lumpy from the insulin. Can he do it in his thigh
instead?"), so :func:`asked_passages` also gives each asking sentence joined to the one before it.
"""

from __future__ import annotations

import re

from specialists.text.claims import split_sentences

ASKED = re.compile(
    r"\?|^\s*(?:so |and |but |now |okay,? |ok,? |oh,? |well,? |also,? |um,? |uh,? )*(?:what|when|where|why|how|can|could|should|"
    r"is|are|do|does|did|will|would|which|am|may|shall)\b"
    r"|\b(?:remind|tell|show|teach) (?:me|us|him|her) (?:again )?(?:how|what|when|where|which|why|if|whether|about)\b"
    r"|\b(?:explain|walk me through)\b|\bwonder(?:ing|ed)?\b"
    r"|\b(?:never|don'?t|do not|didn'?t|doesn'?t|does not) (?:really |quite )?know (?:if|whether|how|what|when|which|where|why)\b"
    r"|\bnot (?:really |quite )?sure (?:if|whether|how|what|when|which|where|why|about)\b"
    r"|\b(?:is|was) (?:that|it|this) (?:true|right|okay|ok|alright|safe|normal|bad)\b|\bkeeps? asking\b"
    # a question passed on: "he asked me why he can't just take it at bedtime", "she wants to know if soup counts"
    r"|\b(?:ask(?:s|ed|ing)?|wants? to know|wanted to know|wondering)(?: me| him| her| us| you)? (?:why|how|what|when|whether|if|which|where)\b",
    re.IGNORECASE)


def asks(sentence: str) -> bool:
    return bool(ASKED.search(sentence))


def asked_passages(text: str) -> list[list[str]]:
    """For each asking sentence of the turn, the readings of what it asks: the sentence, and the sentence joined to
    the one before it (where the subject often is)."""
    sentences = [s.text for s in split_sentences(text)]
    return [[sentence] + ([f"{sentences[i - 1]} {sentence}"] if i > 0 else [])
            for i, sentence in enumerate(sentences) if asks(sentence)]
