"""Audio in is decoded or refused with a reason; audio out comes from one pyttsx3 worker, safely from any thread."""

from __future__ import annotations

import threading
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from constellation.voice.audio import AudioError, load_audio, wav_bytes
from constellation.voice.tts import synthesize
from tests.voice.conftest import encode


def test_browser_and_file_formats_decode_to_16k_mono(speech_wav: bytes) -> None:
    speech = load_audio(speech_wav)
    assert speech.source_rate == 22_050 and 2.0 < speech.duration_s < 8.0 and speech.rms > 0.01
    tone = np.sin(np.arange(48_000) / 10) * 0.3
    for fmt, codec in (("webm", "libopus"), ("mp3", "libmp3lame"), ("flac", "flac")):
        audio = load_audio(encode(tone, 48_000, fmt, codec))
        assert audio.source_rate == 48_000 and abs(audio.duration_s - 1.0) < 0.1, fmt
        assert audio.samples.dtype == np.float32


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"RIFF....WAVEfmt not really" * 20, "not an audio file"),
    (b"%PDF-1.7\n" + b"0" * 2000, "not an audio file"),
    (wav_bytes(np.zeros(4_000, np.float32), rate=4_000), "unsupported sample rate 4000 Hz"),
    (wav_bytes(np.zeros(800, np.float32)), "too short"),
])
def test_unusable_audio_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(AudioError, match=reason):
        load_audio(data)


def test_a_twenty_minute_recording_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as w:  # 20 minutes of 8 kHz silence, written in blocks
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8_000)
        block = bytes(2 * 8_000 * 60)
        for _ in range(20):
            w.writeframes(block)
    with pytest.raises(AudioError, match=r"20\.0 minutes long; the limit is 5\.0 minutes"):
        load_audio(path)
    monkeypatch.setenv("CONSTELLATION_MAX_AUDIO_SECONDS", "1500")  # the limit is a setting
    assert load_audio(path).duration_s == pytest.approx(1200, abs=1)


def test_tts_writes_speech_and_reads_doses_as_words() -> None:
    speech = synthesize("Take 40 mg with food.")
    assert speech.text == "Take forty milligrams with food."
    with wave.open(BytesIO(speech.wav)) as w:
        assert w.getnchannels() == 1 and w.getnframes() / w.getframerate() > 1.0


def test_tts_from_many_threads_does_not_crash_the_process() -> None:
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            results[i] = len(synthesize(f"Turn {i}: please call 911 now.").wav)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 8 and min(results.values()) > 10_000


def test_tts_survives_the_drivers_dropped_utterance() -> None:
    # This exact text made pyttsx3's espeak driver write nothing; the worker retries and still speaks it.
    text = ("Good morning. I weighed one hundred ninety seven pounds today. I took my furosemide and carvedilol, "
            "but I forgot the spironolactone yesterday. My sugar was one forty this morning and my ankles are a "
            "little swollen.")
    assert load_audio(synthesize(text).wav).duration_s > 8
