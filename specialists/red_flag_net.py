"""A paraphrase net under the red-flag rules: an emergency told in words no pattern holds still gets 911.

The red-flag patterns of ``knowledge/red_flags.yaml`` read classes of language, but callers keep finding new
ways to tell a collapse, a stroke or a fight for breath. This net reads the meaning of the whole turn instead:
a three-class (none / urgent / emergency) classifier with one hidden layer of rectified units over the
all-MiniLM-L6-v2 turn embedding the crisis net also reads (computed once per turn for both), trained on the
development specialist sets whose cases were read (``python -m evaluation.red_flag_net_training``; the weights
record the files and their hashes). A hidden layer because red flags are conjunctions a linear reader cannot
hold (jaw ache *with* sweating, sleepy *after* the pain pill): left out one writer at a time it adds 26 of the 37
emergencies the rules missed (the logistic regression it replaced: 21) at the same 1% of false emergencies, and on
the unread splits it raised emergencies 606 -> 611/662 with false emergencies unchanged (35/2,088).

It only raises a turn the rules left below emergency, and only when P(emergency) reaches the threshold the
training set by leaving one development writer out at a time (the lowest at which it adds at most 1% false
emergencies). The escalation specialist applies it to what the speaker says of themself or of the patient
they speak for; the rules keep precision, the net gives recall.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from specialists.self_harm import normalise, vocabulary
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
                        r"back to (?:normal|(?:him|her|my)self|(?:his|her|my) (?:old|usual) self)|"
                        r"got (?:straight |right )?back up|got (?:straight|right) up|"
                        r"got up (?:again|fine|ok|okay|by (?:my|him|her)self|on (?:my|his|her) own|straight away|right away)|"
                        r"remember(?:s|ed)? (?:all|every bit) of it|remember(?:s|ed)? everything|no harm done|"
                        # healing or passing: "the bruise is turning yellow now and almost gone, so that's better"
                        r"(?:almost|nearly|mostly|pretty much) (?:gone|healed|better)|(?<!n't )(?<!not )(?:that'?s|it'?s) (?:getting )?better|"
                        r"(?<!n't )(?<!not )heal(?:ing|ed)(?: up| over)?|clear(?:ing|ed) up|turn(?:ing|ed) yellow|on the mend)\b",
                        re.IGNORECASE)


# A question that opens on a condition asks what to do if it happens ("If I get that squeezing again I'm supposed to
# take a nitro and call, right?"): the rules read such questions with their scope; the net reads the symptom words.
_CONDITIONAL_QUESTION = re.compile(r"^\W*(?:(?:so|and|but|now|okay|ok|well)\W+)?(?:if|what if|in case|suppose|supposing|say)\b[^?]*\?",
                                   re.IGNORECASE)


@dataclass(frozen=True)
class RedFlagNet:
    hidden_weights: np.ndarray  # (384, hidden)
    hidden_bias: np.ndarray     # (hidden,)
    weights: np.ndarray         # (hidden, 3): none, urgent, emergency
    bias: np.ndarray            # (3,)
    threshold: float            # P(emergency) at or above which a turn is raised
    trained_on: dict[str, str]  # development file -> sha256 of its text when the net was trained

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> RedFlagNet:
        with np.load(path, allow_pickle=False) as data:
            return cls(*(data[k].astype(np.float32) for k in ("hidden_weights", "hidden_bias", "weights", "bias")),
                       float(data["threshold"]), json.loads(str(data["trained_on"])))

    def save(self, path: Path) -> None:
        np.savez(path, hidden_weights=self.hidden_weights, hidden_bias=self.hidden_bias, weights=self.weights,
                 bias=self.bias, threshold=np.float64(self.threshold),
                 trained_on=np.str_(json.dumps(self.trained_on, sort_keys=True)))

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        hidden = np.maximum(embeddings @ self.hidden_weights + self.hidden_bias, 0)
        z = hidden @ self.weights + self.bias
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)


@cache
def shared_net() -> RedFlagNet | None:
    """The trained net, or None when its weights are not there (the rules then stand alone)."""
    return RedFlagNet.load(WEIGHTS) if WEIGHTS.is_file() else None


@lru_cache(maxsize=8192)
def emergency_probability(text: str) -> float:
    """P(the turn tells of a red-flag emergency); 0 for turns too short to read or without the net."""
    net = shared_net()
    if net is None or len(text.split()) < MIN_WORDS:
        return 0.0
    return float(net.probabilities(turn_embedding(text))[0][2])


# Talk about the call itself ("say it again, slower", "talk up, my hearing aid's whistling"), a question asking when to act
# and a question asking how to use or do something ("How do you use the ProAir right? Half of it ends up on my tongue") are no report of a symptom:
# the net, trained on reports, read such live-call lines as alarm (P 0.85-0.97 on three development calls).
_ABOUT_THE_CALL = re.compile(r"\b(?:say (?:it|that) again|speak up|talk up|(?:say it|talk|speak|go) (?:more )?slow(?:er|ly)|slower|"
                             r"didn'?t (?:catch|hear) (?:that|you|what)|can'?t hear you|hearing aid|what (?:did you say|you said))\b"
                             r"|\bhow (?:(?:do|should|can|would|am) )?(?:i|you|we|she|he) (?:supposed to )?(?:use|take|do|give|work|put|"
                             r"hold|store|clean|inject|set up)\b[^.?!]*\?"
                             # and a question of when to act ("How do I know if my breathing is bad enough to call 911?"): the
                             # threshold asked about, not a symptom reported (the rules still read what it says)
                             r"|\bhow (?:do|would|will|can|should) (?:i|you|we|she|he) (?:know|tell)\b[^.?!]*\?"
                             r"|\bwhen (?:should|do|would|must) (?:i|we|you|she|he) (?:call|go in|go to|worry|get help|ring)\b[^.?!]*\?"
                             # and a question of what a medicine is for ("the big white horse pill, he calls it the choker.
                             # What's that one for again?"): a nickname is no symptom
                             r"|\bwhat(?:'s| is| are| was| were) (?:that|this|it|they|those|these|the \w+)(?: one| ones| pills?| \w+)? "
                             r"(?:for|supposed to do|meant to do)\b[^.?!]*\?"
                             r"|\bwhat (?:does|do|did) (?:that|this|it|they|those|these|the \w+)(?: one| ones| pills?)? do\b[^.?!]*\?"
                             # and the line breaking up, or someone answering for the patient ("He's napping, can I help?",
                             # "He's hard of hearing, you can tell me and I'll tell him"): the net read both as collapse
                             r"|\b(?:you|it|the phone|the line|the call) (?:cut|cuts|cutting|broke|breaking|keeps cutting) (?:out|up)\b"
                             r"|\b(?:can|may) i (?:help|take a message)\b|\byou can (?:tell|talk to|ask) me\b"
                             r"|\bi(?:'ll| will) (?:tell|let) (?:him|her|them) know\b|\bi can pass (?:it|that|a message) on\b",
                             re.IGNORECASE)


# Death and killing in idiom ("bored to death", "I could've killed for a cup of tea") and talk told laughing ("I'm literally
# dead lol") are the crisis reader's to judge, with its vocabulary of idioms: the net read them as collapse.
_LAUGHING = re.compile(r"\b(?:lol|lmao|rofl|haha+|hehe+|jk|just kidding)\b", re.IGNORECASE)


def _idiom_or_joke(text: str) -> bool:
    return bool(_LAUGHING.search(text) or vocabulary().scope["idioms"].search(normalise(text)))


# The patient saying they are well ("I'm grand", "mine's full", "no bleeding here") tells of someone else's trouble in
# the rest of the turn ("The fella in the next bed got a clot in his lung ... I'm grand"); a caller speaking for the
# patient ("I'm fine, but he ...") is not set aside by it.
_SELF_WELL = re.compile(r"\b(?:i'?m|i am|i feel|i'?ve been) (?:grand|good|fine|okay|ok|all right|alright|great|doing (?:fine|good|great|okay|ok|well))\b"
                        r"|\bmine'?s (?:full|fine|ok|okay|good|all right)\b|\bno \w+ (?:here|for me)\b", re.IGNORECASE)


# A symptom told as over ("the bleeding stopped after five minutes", "the dizziness passed"): the net, trained on reports of
# what is happening, read the symptom's word alone; the rules still judge what a resolved symptom means for this plan.
_RESOLVED = re.compile(r"\b(?:bleeding|bleed|nosebleed|pain|ache|dizziness|dizzy spell|swelling|spell|it|that) (?:has |had )?(?:stopped|"
                       r"went away|gone away|settled(?: down)?|cleared(?: up)?|eased(?: off| up)?|passed)\b(?! me\b| him\b| her\b)"
                       r"(?![^.?!]{0,30}\b(?:started|came back|again|worse)\b)", re.IGNORECASE)


def flags(text: str, *, speaker_is_patient: bool = True) -> bool:
    net = shared_net()
    return (net is not None and not _SET_ASIDE.search(text) and not _CONDITIONAL_QUESTION.search(text)
            and not _ABOUT_THE_CALL.search(text) and not _idiom_or_joke(text) and not _RESOLVED.search(text)
            and not (speaker_is_patient and _SELF_WELL.search(text))
            and emergency_probability(text) >= net.threshold)
