"""A paraphrase net under the red-flag rules: an emergency told in words no pattern holds still gets 911.

The red-flag patterns of ``knowledge/red_flags.yaml`` read classes of language, but callers keep finding new
ways to tell a collapse, a stroke or a fight for breath. This net reads the meaning of the whole turn instead:
the same three-class logistic regression (none / urgent / emergency) as the crisis net
(:class:`specialists.crisis_net.CrisisNet`), over the same all-MiniLM-L6-v2 turn embedding (computed once per
turn for both), trained on the development specialist sets whose cases were read
(``python -m evaluation.red_flag_net_training``; the weights record the files and their hashes).

It only raises a turn the rules left below emergency, and only when P(emergency) reaches the threshold the
training set by leaving one development writer out at a time (the lowest at which it adds at most 1% false
emergencies). The escalation specialist applies it to what the speaker says of themself or of the patient
they speak for; the rules keep precision, the net gives recall.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

from specialists.crisis_net import CrisisNet
from specialists.sentence_encoder import turn_embedding

WEIGHTS = Path(__file__).resolve().parent / "knowledge" / "red_flag_net.npz"
# Short answers ("Yes, all of it.") take their meaning from the question, which the net does not read.
MIN_WORDS = 5
# A symptom the speaker minimises, explains or says has passed ("a little congested", "fell asleep on it", "fine
# now", "for a few seconds") is the rules' to read: the net, which reads body words as alarm, leaves it to them
# (on the project's own hard negatives it raised such turns at P 0.76-0.86).
_SET_ASIDE = re.compile(r"\b(?:a little|a bit|a tad|just a|slight(?:ly)?|mild(?:ly)?|(?:fine|okay|ok|better|gone) now|asleep|"
                        r"congested|stiff|for a (?:few )?(?:seconds?|minutes?|moment)|breathing (?:fine|ok|okay|normally|normal)|right as rain|"
                        r"(?:slept|sleeping|lying|lay|laying) on (?:it|my arm|my hand|my side)|(?:didn'?t|did not|never) (?:hit|bump|bang|knock) (?:my|his|her) head|"
                        r"back to (?:normal|(?:him|her|my)self|(?:his|her|my) (?:old|usual) self))\b", re.IGNORECASE)


# A question that opens on a condition asks what to do if it happens ("If I get that squeezing again I'm supposed to
# take a nitro and call, right?"): the rules read such questions with their scope; the net reads the symptom words.
_CONDITIONAL_QUESTION = re.compile(r"^\W*(?:(?:so|and|but|now|okay|ok|well)\W+)?(?:if|what if|in case|suppose|supposing|say)\b[^?]*\?",
                                   re.IGNORECASE)


@cache
def shared_net() -> CrisisNet | None:
    """The trained net, or None when its weights are not there (the rules then stand alone)."""
    return CrisisNet.load(WEIGHTS) if WEIGHTS.is_file() else None


@lru_cache(maxsize=8192)
def emergency_probability(text: str) -> float:
    """P(the turn tells of a red-flag emergency); 0 for turns too short to read or without the net."""
    net = shared_net()
    if net is None or len(text.split()) < MIN_WORDS:
        return 0.0
    return float(net.probabilities(turn_embedding(text))[0][2])


# The patient saying they are well ("I'm grand", "mine's full", "no bleeding here") tells of someone else's trouble in
# the rest of the turn ("The fella in the next bed got a clot in his lung ... I'm grand"); a caller speaking for the
# patient ("I'm fine, but he ...") is not set aside by it.
_SELF_WELL = re.compile(r"\b(?:i'?m|i am|i feel|i'?ve been) (?:grand|good|fine|okay|ok|all right|alright|great|doing (?:fine|good|great|okay|ok|well))\b"
                        r"|\bmine'?s (?:full|fine|ok|okay|good|all right)\b|\bno \w+ (?:here|for me)\b", re.IGNORECASE)


def flags(text: str, *, speaker_is_patient: bool = True) -> bool:
    net = shared_net()
    return (net is not None and not _SET_ASIDE.search(text) and not _CONDITIONAL_QUESTION.search(text)
            and not (speaker_is_patient and _SELF_WELL.search(text))
            and emergency_probability(text) >= net.threshold)
