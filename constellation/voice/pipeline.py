"""One voice turn: audio in -> STT -> the constellation (specialists, primary, gate) -> TTS -> audio out,
with every stage timed (Pipecat style) and the audio kept beside the stored call for raters.

Bad audio never ends the call: the turn is not sent to the orchestrator, the patient hears a fixed
"say that again" line, and nothing stored is touched.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from constellation.call import Call
from constellation.orchestrator import TurnOutcome
from constellation.voice.audio import SAMPLE_RATE, AudioError, load_audio, wav_bytes
from constellation.voice.stt import SpeechToText, Transcript, WhisperSTT, care_plan_prompt
from constellation.voice.tts import Speech, VoiceSettings, synthesize

NOT_HEARD = "I'm sorry, I didn't catch that. Could you say it again?"
BAD_AUDIO = "I'm sorry, the recording didn't come through. Could you try again?"
STAGES = ("stt", "specialists", "primary", "verify", "tts", "total")


@dataclass
class VoiceTurn:
    patient_text: str
    agent_text: str
    agent_audio: bytes | None
    outcome: TurnOutcome | None  # None when the audio was unusable or silent
    transcript: Transcript | None = None
    problem: str | None = None  # why the audio could not be used, for the UI and CLI
    timings_ms: dict[str, float] = field(default_factory=dict)


class VoiceCall:
    """A Call with ears and a voice. Audio files go to `audio_dir/<call id>/` when the call is stored."""

    def __init__(self, call: Call, *, stt: SpeechToText | None = None, voice: VoiceSettings | None = None,
                 audio_dir: Path | None = None, speak: bool = True):
        self.call = call
        self.stt = stt or WhisperSTT()
        self.voice = voice
        self.speak = speak
        self.prompt = care_plan_prompt(call.plan)
        self.audio_dir = (audio_dir / (call.call_id or "unstored")) if audio_dir is not None else None
        self.turns: list[VoiceTurn] = []

    async def hear(self, audio: bytes) -> VoiceTurn:
        """A spoken patient turn."""
        t0 = time.perf_counter()
        try:
            decoded = await asyncio.to_thread(load_audio, audio)
            transcript = await asyncio.to_thread(self.stt.transcribe, decoded, prompt=self.prompt, words=False)
        except AudioError as exc:
            return await self._reprompt(BAD_AUDIO, str(exc), t0)
        stt_ms = (time.perf_counter() - t0) * 1000
        if not transcript.text.strip():
            problem = "no speech was heard (silence or noise only)"
            return await self._reprompt(NOT_HEARD, problem, t0, transcript)
        path = self._save(f"turn-{self.call.state.turn_index + 1:03d}-patient.wav", wav_bytes(decoded.samples))
        turn = await self._respond(transcript.text, path, t0)
        turn.transcript = transcript
        turn.timings_ms["stt"] = stt_ms
        return turn

    async def type(self, text: str) -> VoiceTurn:
        """A typed patient turn (the demo keeps typing available); the reply is still spoken."""
        t0 = time.perf_counter()
        turn = await self._respond(text, None, t0)
        turn.timings_ms["stt"] = 0.0
        return turn

    async def _respond(self, text: str, patient_audio: str | None, t0: float) -> VoiceTurn:
        outcome = await self.call.say(text, patient_audio_path=patient_audio)
        speech, tts_ms = await self._synthesize(outcome.agent)
        timings = {k: outcome.latency_ms.get(k, 0.0) for k in ("specialists", "primary", "verify")}
        timings["tts"] = tts_ms
        if speech is not None:
            agent_path = self._save(f"turn-{outcome.index:03d}-agent.wav", speech.wav)
            if agent_path:
                self.call.attach_turn_audio(outcome.index, agent_path)
        timings["total"] = (time.perf_counter() - t0) * 1000
        turn = VoiceTurn(text, outcome.agent, speech.wav if speech else None, outcome, timings_ms=timings)
        self.turns.append(turn)
        return turn

    async def _reprompt(self, line: str, problem: str, t0: float, transcript: Transcript | None = None) -> VoiceTurn:
        speech, tts_ms = await self._synthesize(line)
        timings = {"stt": (time.perf_counter() - t0) * 1000 - tts_ms, "tts": tts_ms,
                   "total": (time.perf_counter() - t0) * 1000}
        return VoiceTurn("", line, speech.wav if speech else None, None, transcript, problem, timings)

    async def _synthesize(self, text: str) -> tuple[Speech | None, float]:
        if not self.speak:
            return None, 0.0
        t0 = time.perf_counter()
        speech = await asyncio.to_thread(synthesize, text, self.voice)
        return speech, (time.perf_counter() - t0) * 1000

    def _save(self, name: str, data: bytes) -> str | None:
        if self.audio_dir is None or self.call.call_id is None:
            return None
        self.audio_dir.mkdir(parents=True, exist_ok=True)
        path = self.audio_dir / name
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return str(path)

    def end(self) -> dict[str, Any]:
        """Close the call; with stored audio, also write the whole call as one WAV for raters."""
        summary = self.call.end()
        whole = self.whole_call_audio()
        if whole is not None:
            path = self._save("call.wav", whole)
            if path:
                self.call.attach_call_audio(path)
                summary["audio_path"] = path
        return summary

    def whole_call_audio(self) -> bytes | None:
        """Patient and agent audio of every turn in order, at 16 kHz with a short pause between."""
        if self.audio_dir is None or not self.audio_dir.exists():
            return None
        pause = np.zeros(SAMPLE_RATE // 3, np.float32)
        parts: list[np.ndarray] = []
        for path in sorted(self.audio_dir.glob("turn-*.wav")):
            parts += [load_audio(path, max_seconds=3600).samples, pause]
        return wav_bytes(np.concatenate(parts)) if parts else None
