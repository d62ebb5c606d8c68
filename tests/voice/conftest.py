"""Audio fixtures made on the spot: speech from espeak-ng (through our TTS), silence, noise, other codecs."""

from __future__ import annotations

import io

import numpy as np
import pytest

from constellation.voice.audio import wav_bytes


def encode(samples: np.ndarray, rate: int, fmt: str, codec: str) -> bytes:
    """Encode float mono samples with PyAV (the same FFmpeg build faster-whisper decodes with)."""
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(samples.astype(np.float32).reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


@pytest.fixture(scope="session")
def speech_wav() -> bytes:
    from constellation.voice.tts import synthesize

    return synthesize("I took my furosemide and my carvedilol this morning.").wav


@pytest.fixture(scope="session")
def silence_wav() -> bytes:
    return wav_bytes(np.zeros(16_000 * 3, np.float32))


@pytest.fixture(scope="session")
def noise_wav() -> bytes:
    rng = np.random.default_rng(7)
    return wav_bytes((rng.standard_normal(16_000 * 3) * 0.05).astype(np.float32))
