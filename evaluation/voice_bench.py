"""Speech benchmarks that print numbers: round-trip word error rate and drug-name recall with and
without care-plan biasing, STT real-time factor, and audio-in to audio-out latency per stage."""

from __future__ import annotations

import asyncio
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import careplans
from careplans import load_care_plan
from constellation.voice.audio import load_audio
from constellation.voice.speakable import speakable
from constellation.voice.stt import WhisperSTT, care_plan_prompt
from constellation.voice.tts import synthesize
from evaluation.replay import percentile


def normalise(text: str) -> list[str]:
    """Words for scoring: digits read out as words, lower case, no punctuation or hyphens."""
    spoken = speakable(text).lower().replace("-", " ")
    return re.findall(r"[a-z']+", spoken)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


@dataclass(frozen=True)
class RoundTripItem:
    plan: Path
    text: str
    drugs: tuple[str, ...]


def read_items(path: Path) -> list[RoundTripItem]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = Path(careplans.__file__).with_name("examples")
    return [RoundTripItem(examples / r["plan"], r["text"], tuple(r.get("drugs") or ())) for r in rows]


def roundtrip(items: list[RoundTripItem], stt: WhisperSTT | None = None) -> dict[str, Any]:
    """Synthesise each sentence, transcribe it with and without its plan's prompt; WER and drug recall."""
    stt = stt or WhisperSTT()
    stt.warm_up()
    totals = {mode: {"errors": 0, "words": 0, "drugs_found": 0, "drugs": 0, "audio_s": 0.0, "stt_s": 0.0}
              for mode in ("unbiased", "biased")}
    rows = []
    prompts = {plan: care_plan_prompt(load_care_plan(plan)) for plan in {item.plan for item in items}}
    for item in items:
        audio = load_audio(synthesize(item.text).wav)
        prompt = prompts[item.plan]
        row: dict[str, Any] = {"text": item.text}
        for mode, p in (("unbiased", None), ("biased", prompt)):
            t = stt.transcribe(audio, prompt=p, words=False)
            errors, words = word_errors(item.text, t.text)
            heard = set(normalise(t.text))
            found = sum(all(w in heard for w in normalise(d)) for d in item.drugs)
            tot = totals[mode]
            tot["errors"] += errors
            tot["words"] += words
            tot["drugs_found"] += found
            tot["drugs"] += len(item.drugs)
            tot["audio_s"] += t.duration_s
            tot["stt_s"] += t.seconds
            row[mode] = t.text
        rows.append(row)
    summary = {mode: {"wer": round(t["errors"] / max(1, t["words"]), 4),
                      "drug_recall": round(t["drugs_found"] / max(1, t["drugs"]), 4),
                      "drugs": f"{t['drugs_found']}/{t['drugs']}",
                      "rtf": round(t["stt_s"] / max(1e-9, t["audio_s"]), 4)} for mode, t in totals.items()}
    return {"sentences": len(items), **summary, "transcripts": rows}


def bench_voice_turns(plan_path: Path, lines: list[str], repeat: int = 3) -> dict[str, Any]:
    """Audio in -> audio out for each line (scripted primary), median and per-stage medians in ms."""
    from constellation.call import Call
    from constellation.voice.pipeline import STAGES, VoiceCall

    plan = load_care_plan(plan_path)
    stt = WhisperSTT()
    stt.warm_up()
    wavs = [synthesize(line).wav for line in lines]
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}

    async def run(call: VoiceCall) -> None:
        for wav in wavs:
            turn = await call.hear(wav)  # the pipeline times every stage and the whole turn itself
            for s in STAGES:
                per_stage[s].append(turn.timings_ms.get(s, 0.0))

    for _ in range(repeat):
        asyncio.run(run(VoiceCall(Call.start(plan), stt=stt)))
    audio_s = [load_audio(w).duration_s for w in wavs]
    return {"turns": len(per_stage["total"]), "audio_s_mean": round(statistics.mean(audio_s), 2),
            "median_ms": {s: round(statistics.median(v), 1) for s, v in per_stage.items()},
            "p95_ms_total": round(percentile(per_stage["total"], 0.95), 1)}
