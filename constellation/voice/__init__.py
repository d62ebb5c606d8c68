"""Voice: offline speech in (faster-whisper) and out (pyttsx3 + espeak-ng), and the voice turn pipeline."""

from constellation.voice.audio import Audio, AudioError, load_audio, wav_bytes
from constellation.voice.speakable import speakable
from constellation.voice.stt import SpeechToText, Transcript, WhisperSTT, care_plan_prompt
from constellation.voice.tts import Speech, VoiceSettings, synthesize

__all__ = ["Audio", "AudioError", "Speech", "SpeechToText", "Transcript", "VoiceSettings", "WhisperSTT",
           "care_plan_prompt", "load_audio", "speakable", "synthesize", "wav_bytes"]
