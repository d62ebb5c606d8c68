"""Voice turns: bad or empty audio never reaches the orchestrator or the database, and the call goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from careplans import load_care_plan
from constellation.call import Call
from constellation.storage import open_database, repository
from constellation.voice.pipeline import BAD_AUDIO, NOT_HEARD, VoiceCall
from constellation.voice.tts import synthesize
from tests.conftest import EXAMPLES


def test_bad_audio_keeps_the_call_going(tmp_path: Path, silence_wav: bytes, noise_wav: bytes) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'calls.sqlite3'}")
    call = VoiceCall(Call.start(load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml"), db=db),
                     audio_dir=tmp_path / "audio")

    async def go() -> list:
        turns = [await call.hear(synthesize("Hello?").wav)]
        for bad in (b"", b"garbage" * 50, silence_wav, noise_wav):
            turns.append(await call.hear(bad))
        turns.append(await call.type("This is Walter Brooks, March 14, 1953."))
        return turns

    turns = asyncio.run(go())
    assert turns[0].outcome is not None and turns[0].problem is None
    assert [t.agent_text for t in turns[1:5]] == [BAD_AUDIO, BAD_AUDIO, NOT_HEARD, NOT_HEARD]
    assert all(t.outcome is None and t.problem and t.agent_audio for t in turns[1:5])
    assert turns[5].outcome is not None and "matches" in turns[5].agent_text  # identity verified
    assert set(turns[0].timings_ms) == {"stt", "specialists", "primary", "verify", "tts", "total"}
    summary = call.end()
    assert summary["identity_verified"] and summary["turns"] == 2
    with db.transaction() as s:
        row = repository.get_session(s, call.call.call_id)
        assert row.status == "ended" and len(row.turns) == 2 and Path(row.audio_path).exists()
        first, second = sorted(row.turns, key=lambda t: t.index)
        assert first.patient_audio_path and first.agent_audio_path and second.patient_audio_path is None
