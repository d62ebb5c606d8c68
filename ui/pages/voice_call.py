"""Voice demo: a patient actor calls the assistant. Speak through the microphone (or type); the reply is
verified by the specialists, then spoken. The safety panel shows, per turn, what each specialist found,
the gate's verdict with any draft it stopped, escalations, checklist progress and stage latencies."""

from __future__ import annotations

import asyncio
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from careplans import CarePlan
from constellation.call import Call
from constellation.voice.pipeline import STAGES, VoiceCall, VoiceTurn
from ui.plan_picker import pick_plan
from ui.portal import database

BRIEFINGS = Path(__file__).resolve().parents[1] / "briefings.yaml"
VERDICT_ICON = {"approved": "✅", "revised": "✏️", "blocked": "⛔"}
LEVEL_ICON = {"emergency": "🚨", "urgent": "⚠️", "routine": "ℹ️", "none": ""}


def _audio_dir() -> Path:
    from constellation.storage.database import default_data_dir

    return default_data_dir() / "audio"


@lru_cache(maxsize=1)
def _briefings() -> dict[str, Any]:
    return yaml.safe_load(BRIEFINGS.read_text(encoding="utf-8")) or {}


def _start(plan: CarePlan) -> None:
    call = Call.start(plan, db=database(), kind="ai")
    st.session_state.voice_call = VoiceCall(call, audio_dir=_audio_dir())
    st.session_state.voice_log = []  # VoiceTurn per exchange, including unheard recordings
    st.session_state.voice_summary = None
    st.session_state.voice_mic = 0
    st.session_state.voice_heard = set()


def _run(turn: Any) -> VoiceTurn:
    return asyncio.run(turn)


def _briefing_card(plan: CarePlan) -> None:
    card = _briefings().get(plan.id)
    if not card:
        st.caption("No briefing card for this plan: play the patient as the care plan describes.")
        return
    with st.container(border=True):
        st.markdown(f"**Persona.** {card['persona']}")
        st.markdown("**Say**\n" + "\n".join(f"- {s}" for s in card.get("say", [])))
        st.markdown("**What to test**\n" + "\n".join(f"- {s}" for s in card.get("test", [])))


def _safety_panel(log: list[VoiceTurn], call: VoiceCall) -> None:
    st.subheader("Safety panel")
    state = call.call.state
    plan = call.call.plan
    done = [i for i in plan.checklist if i.id in state.covered]
    st.progress(len(done) / max(1, len(plan.checklist)),
                text=f"Checklist {len(done)}/{len(plan.checklist)} · identity "
                     f"{'verified' if state.identity_verified else 'locked' if state.locked else 'not verified'}")
    for e in state.escalations:
        st.error(f"{LEVEL_ICON.get(e.level, '')} {e.level}: {e.reason}")
    for n, turn in reversed(list(enumerate(log, 1))):
        out = turn.outcome
        title = (f"Exchange {n}: {VERDICT_ICON.get(out.verdict, '')} {out.verdict}"
                 + (f" · {LEVEL_ICON[out.escalation]} {out.escalation}" if out.escalation != "none" else "")
                 if out else f"Exchange {n}: not heard")
        with st.expander(title, expanded=n == len(log)):
            if out is None:
                st.warning(turn.problem or "the recording could not be used")
            else:
                by_specialist: dict[str, list[str]] = {}
                for f in out.findings:
                    by_specialist.setdefault(f.specialist, []).append(f"`{f.kind}` {f.message or ''}")
                st.markdown("**Findings on the patient's words**\n" + (
                    "\n".join(f"- **{name}**: " + "; ".join(items) for name, items in by_specialist.items())
                    or "- none"))
                for d in out.drafts:
                    mark = "passed" if d.verdict == "pass" else "stopped"
                    st.markdown(f"**Draft {d.attempt + 1}** ({d.source or 'primary'}, {mark}): {d.text or '(none)'}")
                    for failure in d.failures:
                        st.markdown(f"  - ⛔ {failure}")
                if out.flagged_for_human:
                    st.warning("A nurse was flagged to follow up on this turn.")
            st.caption("Latency (ms): " + " · ".join(
                f"{stage} {turn.timings_ms[stage]:.0f}" for stage in STAGES if stage in turn.timings_ms))


def _conversation(log: list[VoiceTurn]) -> None:
    for turn in log:
        if turn.patient_text:
            st.chat_message("user").write(turn.patient_text)
        elif turn.problem:
            st.chat_message("user").caption(f"({turn.problem})")
        with st.chat_message("assistant"):
            st.write(turn.agent_text)
    if log and log[-1].agent_audio:
        st.audio(log[-1].agent_audio, format="audio/wav", autoplay=True)


st.title("Voice demo")
active: VoiceCall | None = st.session_state.get("voice_call")
summary = st.session_state.get("voice_summary")

if active is None or summary is not None:
    if summary is not None:
        st.success("Call ended and stored for rating." if summary.get("call_id") else "Call ended.")
        st.json(summary, expanded=False)
        if summary.get("audio_path") and Path(summary["audio_path"]).exists():
            st.audio(Path(summary["audio_path"]).read_bytes(), format="audio/wav")
    plan = pick_plan("voice")
    if plan is not None:
        st.caption(f"Patient: {plan.patient.name} · {len(plan.medications)} medications · "
                   f"{len(plan.checklist)} checklist items")
        if st.toggle("Show the patient-actor briefing card", key="voice_briefing"):
            _briefing_card(plan)
        if st.button("Start call", type="primary", key="voice_start"):
            _start(plan)
            st.rerun()
else:
    log: list[VoiceTurn] = st.session_state.voice_log
    talk, panel = st.columns([3, 2], gap="large")
    with talk:
        if st.session_state.get("voice_briefing"):
            _briefing_card(active.call.plan)
        if not log:
            st.info("The call is open. Say hello, or type it below.")
        mic = st.audio_input("Speak to the assistant", key=f"voice_mic_{st.session_state.voice_mic}")
        if mic is not None:
            data = mic.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            if digest not in st.session_state.voice_heard:
                st.session_state.voice_heard.add(digest)
                with st.spinner("Listening, checking with the specialists, answering…"):
                    turn = _run(active.hear(data))
                log.append(turn)
                st.session_state.voice_mic += 1  # a fresh recorder for the next turn, shown right away
                st.rerun()
        typed = st.chat_input("Or type what the patient says", key="voice_text")
        if typed and typed.strip():
            with st.spinner("Checking with the specialists, answering…"):
                log.append(_run(active.type(typed.strip())))
        if log and log[-1].problem:
            st.warning(f"The assistant could not use that recording: {log[-1].problem}. The call goes on.")
        _conversation(log)
        ended = active.call.state.phase == "ended"
        if st.button("End call", type="primary" if ended else "secondary", key="voice_end"):
            st.session_state.voice_summary = active.end()
            st.rerun()
    with panel:
        _safety_panel(log, active)
