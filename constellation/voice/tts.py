"""Text to speech: pyttsx3 over espeak-ng, offline, in one dedicated worker thread.

pyttsx3 is not thread-safe (two threads using it crash the process), so one thread owns the engine for
the life of the process and every caller queues a request and waits for its WAV bytes. Text is first
rewritten the way a nurse says it ("40 mg" -> "forty milligrams", constellation.voice.speakable).
"""

from __future__ import annotations

import io
import os
import queue
import re
import tempfile
import threading
import time
import wave
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from constellation.voice.speakable import speakable


@dataclass(frozen=True)
class Speech:
    wav: bytes
    text: str  # what was actually synthesised (after `speakable`)
    seconds: float  # wall time spent synthesising


@dataclass(frozen=True)
class VoiceSettings:
    rate: int = 165  # words per minute; espeak's default 200 is fast for older patients on a phone line
    voice: str | None = None  # a pyttsx3 voice id or name fragment, e.g. "en-us"
    volume: float = 1.0

    @classmethod
    def from_env(cls) -> VoiceSettings:
        return cls(rate=int(os.environ.get("CONSTELLATION_TTS_RATE", "165")),
                   voice=os.environ.get("CONSTELLATION_TTS_VOICE") or None)


class TTSError(RuntimeError):
    pass


class UnknownVoice(TTSError):
    """The voice asked for is not installed (the caller's input, not a failure of the synthesiser)."""


class _Worker:
    """The one thread that talks to pyttsx3."""

    def __init__(self) -> None:
        self.requests: queue.Queue[tuple[str, VoiceSettings, Future[bytes]]] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="pyttsx3-worker", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import pyttsx3

        engine = None
        while True:
            text, settings, future = self.requests.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                if engine is None:
                    engine = pyttsx3.init()
                    _silence_driver()
                future.set_result(self._say(engine, text, settings))
            except UnknownVoice as exc:
                future.set_exception(exc)
            except Exception as exc:  # noqa: BLE001 - reported to the caller; the worker stays up
                engine = None  # start afresh next time
                future.set_exception(TTSError(f"speech synthesis failed: {type(exc).__name__}: {exc}"))

    @staticmethod
    def _say(engine: object, text: str, settings: VoiceSettings) -> bytes:
        engine.setProperty("rate", settings.rate)  # type: ignore[attr-defined]
        engine.setProperty("volume", settings.volume)  # type: ignore[attr-defined]
        if settings.voice:
            voices = engine.getProperty("voices")  # type: ignore[attr-defined]
            match = next((v for v in voices if settings.voice in (v.id, v.name) or settings.voice in v.id), None)
            if match is None:
                raise UnknownVoice(f"no voice matching {settings.voice!r}")
            engine.setProperty("voice", match.id)  # type: ignore[attr-defined]
        # pyttsx3's espeak driver sometimes drops a whole utterance (seen: a 214-character text ending in "."
        # wrote nothing, the same text plus a space was fine). Retry that way, then sentence by sentence.
        for attempt in (text, text + " "):
            wav = _save(engine, attempt)
            if wav is not None:
                return wav
        frames: list[bytes] = []
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            wav = _save(engine, sentence + " ") if sentence.strip() else None
            if wav is None:
                raise TTSError("espeak-ng wrote no audio (is the espeak-ng package installed?)")
            with wave.open(io.BytesIO(wav)) as w:
                rate = w.getframerate()
                frames.append(w.readframes(w.getnframes()))
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(b"".join(frames))
        return out.getvalue()


def _save(engine: object, text: str) -> bytes | None:
    with tempfile.TemporaryDirectory(prefix="constellation-tts-") as tmp:
        out = Path(tmp) / "speech.wav"
        engine.save_to_file(text, str(out))  # type: ignore[attr-defined]
        engine.runAndWait()  # type: ignore[attr-defined]
        return out.read_bytes() if out.exists() and out.stat().st_size > 44 else None


def _silence_driver() -> None:
    """pyttsx3's espeak driver print()s "Audio saved to ..." on stdout, which would corrupt `--json` output.
    Shadow print in that one module only."""
    import sys

    module = sys.modules.get("pyttsx3.drivers.espeak")
    if module is not None:
        module.print = lambda *args, **kwargs: None  # type: ignore[attr-defined]


_worker: _Worker | None = None
_worker_lock = threading.Lock()


def _get_worker() -> _Worker:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.thread.is_alive():
            _worker = _Worker()
        return _worker


def synthesize(text: str, settings: VoiceSettings | None = None, *, timeout_s: float = 60.0) -> Speech:
    """WAV bytes of `text` spoken aloud. Safe to call from any thread."""
    spoken = speakable(text).strip()
    if not spoken:
        raise TTSError("nothing to say")
    t0 = time.perf_counter()
    future: Future[bytes] = Future()
    _get_worker().requests.put((spoken, settings or VoiceSettings.from_env(), future))
    wav = future.result(timeout=timeout_s)
    return Speech(wav, spoken, time.perf_counter() - t0)
