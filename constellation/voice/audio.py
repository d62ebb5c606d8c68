"""Audio in: decode what a browser or a file gives us (WAV, MP3, WebM/Opus, OGG, FLAC, ...) into the
16 kHz mono float32 samples whisper wants, and refuse what is not a usable recording with a message a
patient actor or a nurse can act on.
"""

from __future__ import annotations

import io
import os
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from constellation.errors import UserError

SAMPLE_RATE = 16_000
MIN_SOURCE_RATE, MAX_SOURCE_RATE = 8_000, 192_000  # telephone band up to studio rates


class AudioError(UserError):
    """Audio we cannot use (empty, not audio, too long, unsupported format or rate)."""


def max_audio_seconds() -> float:
    """The longest recording accepted, in seconds (CONSTELLATION_MAX_AUDIO_SECONDS, default 5 minutes)."""
    return float(os.environ.get("CONSTELLATION_MAX_AUDIO_SECONDS", "300"))


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    source_rate: int
    source_format: str

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def rms(self) -> float:
        return float(np.sqrt(np.mean(np.square(self.samples)))) if len(self.samples) else 0.0


def load_audio(source: bytes | str | Path, *, max_seconds: float | None = None) -> Audio:
    """Decode `source` (bytes or a path); raises AudioError with a plain reason when it is unusable."""
    import av

    limit = max_audio_seconds() if max_seconds is None else max_seconds
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise AudioError(f"{path}: no such audio file")
        data = path.read_bytes()
    else:
        data = bytes(source)
    if not data:
        raise AudioError("the recording is empty: nothing was recorded")
    try:
        container = av.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - PyAV raises many kinds for garbage input
        raise AudioError(f"this is not an audio file we can read ({type(exc).__name__}); use WAV, MP3 or WebM") from exc
    with container:
        streams = container.streams.audio
        if not streams:
            raise AudioError("the file has no audio track")
        stream = streams[0]
        rate = int(stream.rate or stream.codec_context.sample_rate or 0)
        fmt = container.format.name
        if not MIN_SOURCE_RATE <= rate <= MAX_SOURCE_RATE:
            raise AudioError(f"unsupported sample rate {rate} Hz: record at {MIN_SOURCE_RATE // 1000}-"
                             f"{MAX_SOURCE_RATE // 1000} kHz (16 or 48 kHz is typical)")
        # Refuse long files from the header before decoding minutes of audio.
        declared = float(container.duration / av.time_base) if container.duration else None
        if declared is not None and declared > limit + 1:
            raise AudioError(_too_long(declared, limit))
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        total = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if total > (limit + 1) * SAMPLE_RATE:
                    raise AudioError(_too_long(total / SAMPLE_RATE, limit, at_least=True))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except AudioError:
            raise
        except Exception as exc:  # noqa: BLE001 - a truncated or corrupt stream
            raise AudioError(f"the audio could not be decoded ({type(exc).__name__}: {exc})") from exc
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if len(samples) < SAMPLE_RATE // 10:
        raise AudioError("the recording is too short (under a tenth of a second)")
    return Audio(samples, rate, fmt)


def _too_long(seconds: float, limit: float, at_least: bool = False) -> str:
    return (f"the recording is {'over ' if at_least else ''}{seconds / 60:.1f} minutes long; the limit is "
            f"{limit / 60:.1f} minutes (CONSTELLATION_MAX_AUDIO_SECONDS)")


def wav_bytes(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """16-bit PCM mono WAV of float samples in [-1, 1]."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()
