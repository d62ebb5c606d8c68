"""The voice demo driven by Streamlit's AppTest: a whole call with WAV recordings made by espeak-ng,
typed turns, a bad recording that the call survives, and the stored call at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from constellation.storage import open_database, repository
from constellation.voice.tts import synthesize
from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    monkeypatch.setenv("CONSTELLATION_DB", url)
    monkeypatch.setenv("CONSTELLATION_DATA_DIR", str(tmp_path / "data"))
    return url


def _start(at: AppTest, example: str) -> AppTest:
    choice = next(o for o in at.selectbox(key="voice_example").options if example in o)
    at.selectbox(key="voice_example").set_value(choice).run()
    at.toggle(key="voice_briefing").set_value(True).run()
    assert any("Persona" in m.value for m in at.markdown)
    at.button(key="voice_start").click().run()
    assert not at.exception
    return at


def _speak(at: AppTest, wav: bytes, n: int) -> AppTest:
    at.audio_input[0].set_value((f"turn{n}.wav", wav, "audio/wav")).run(timeout=120)
    assert not at.exception, at.exception
    return at


def _chat(at: AppTest) -> list[tuple[str, str]]:
    out = []
    for msg in at.chat_message:
        text = " ".join(str(m.value) for m in msg.markdown) + " ".join(str(c.value) for c in msg.caption)
        out.append((msg.name, text))
    return out


@pytest.mark.timeout(600)
def test_a_whole_voice_call(app_env: str) -> None:
    at = _start(AppTest.from_file(APP, default_timeout=120).run(), "Heart failure")
    lines = ["Hello?", "This is Walter Brooks, born March fourteenth, nineteen fifty three.",
             "I weighed one hundred ninety seven pounds this morning."]
    for n, line in enumerate(lines, 1):
        _speak(at, synthesize(line).wav, n)
    chat = _chat(at)
    patient = [t for who, t in chat if who == "user"]
    assert len(patient) == 3 and "Walter" in patient[1]
    assert any("matches" in t for who, t in chat if who == "assistant")  # identity verified (never "it's you": a proxy may speak)
    assert len(at.get("audio")) >= 1  # the last reply, playing

    # A recording that is not audio: a message, and the call goes on.
    _speak(at, b"this is not audio" * 100, 4)
    assert any("could not use that recording" in w.value for w in at.warning)
    # Typing stays available; an emergency is answered in the same turn.
    at.chat_input(key="voice_text").set_value("I have crushing chest pain and I'm sweating.").run(timeout=120)
    assert any("911" in t for who, t in _chat(at)[-1:] if who == "assistant")
    panel = " ".join(e.label for e in at.expander)
    assert "emergency" in panel and "approved" in panel

    at.button(key="voice_end").click().run(timeout=120)
    assert not at.exception
    db = open_database(app_env)
    with db.transaction() as s:
        calls = s.query(repository.CallSession).all()
        assert len(calls) == 1 and calls[0].status == "ended" and calls[0].audio_path
        turns = sorted(calls[0].turns, key=lambda t: t.index)
        assert [t.patient_text is not None for t in turns] == [True] * 4
        assert all(t.agent_audio_path and Path(t.agent_audio_path).exists() for t in turns)
        assert all(Path(t.patient_audio_path).exists() for t in turns[:3]) and turns[3].patient_audio_path is None
        assert Path(calls[0].audio_path).stat().st_size > 100_000
        assert "emergency" in {e.level for e in calls[0].escalations}
