"""Rate calls: a rater sees only the calls assigned to them, listens per turn or to the whole call, reads
the transcript, fills the form (drafts are saved), flags turns, and submits (which locks the rating)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from constellation.errors import UserError
from constellation.storage import repository
from evaluation.forms import default_form
from evaluation.rating_service import AccessDenied, assigned_calls, assignment_for, load_rating, save_draft, submit
from ui.portal import database, require

user = require()
form = default_form()
st.title("Rate calls")

with database().transaction() as s:
    mine = [(a.session_id, a.session.started_at) for a in assigned_calls(s, user)]
if not mine:
    st.info("No calls are assigned to you yet.")
    st.stop()

requested = st.query_params.get("call")
ids = [c for c, _ in mine]
call_id = st.selectbox("Call", ids, index=ids.index(requested) if requested in ids else 0,
                       format_func=lambda c: f"call {c[:8]} ({dict(mine)[c]:%Y-%m-%d %H:%M})", key="rate_call")
if requested and requested not in ids:
    st.error("That call is not assigned to you.")
    st.stop()
st.query_params["call"] = call_id

with database().transaction() as s:
    try:
        assignment = assignment_for(s, user, call_id)
    except AccessDenied as exc:
        st.error(str(exc))
        st.stop()
    hide_annotations, hide_source = assignment.hide_annotations, assignment.hide_source
    call = repository.get_session(s, call_id)
    turns = [(t.index, t.patient_text, t.final_text, t.patient_audio_path, t.agent_audio_path, t.verdict,
              t.escalation_level) for t in sorted(call.turns, key=lambda t: t.index)]
    call_audio, kind = call.audio_path, call.kind
    state = load_rating(s, user, call_id, form)

if not hide_source:
    st.caption(f"Source: {'AI assistant' if kind == 'ai' else 'human nurse'}")
if call_audio and Path(call_audio).exists():
    st.markdown("**The whole call**")
    st.audio(Path(call_audio).read_bytes(), format="audio/wav")

transcript, rating = st.columns([3, 2], gap="large")
flags: dict[tuple[int, str], str] = dict(state.flags)
with transcript:
    st.subheader("Transcript")
    for index, patient, agent, p_audio, a_audio, verdict, level in turns:
        if patient:
            with st.chat_message("user"):
                st.write(patient)
                if p_audio and Path(p_audio).exists():
                    st.audio(Path(p_audio).read_bytes(), format="audio/wav")
        with st.chat_message("assistant"):
            st.write(agent)
            if a_audio and Path(a_audio).exists():
                st.audio(Path(a_audio).read_bytes(), format="audio/wav")
            if not hide_annotations:
                st.caption(f"gate: {verdict}" + (f" · escalation: {level}" if level != "none" else ""))
            chosen = st.multiselect("Flag this turn", form.turn_flags, key=f"flag_{call_id}_{index}",
                                    default=[f for (t, f) in flags if t == index], disabled=state.submitted)
            for f in chosen:
                flags[(index, f)] = st.text_input(f"Comment ({f})", value=flags.get((index, f), ""),
                                                  key=f"flagc_{call_id}_{index}_{f}", disabled=state.submitted)
            for f in [f for (t, f) in list(flags) if t == index and f not in chosen]:
                flags.pop((index, f))

with rating:
    st.subheader(form.title)
    if state.submitted:
        st.success("Submitted: this rating is locked. An administrator can amend it with a reason.")
    answers: dict[str, object] = {}
    for q in form.questions:
        key, label = f"q_{call_id}_{q.id}", q.text + ("" if q.required else " (optional)")
        before = state.answers.get(q.id)
        if q.type == "likert5":
            answers[q.id] = st.radio(label + " (1 strongly disagree, 5 strongly agree)", [1, 2, 3, 4, 5],
                                     horizontal=True, key=key, disabled=state.submitted,
                                     index=None if before is None else int(before) - 1)
        elif q.type == "yes_no_unsure":
            opts = ["yes", "no", "unsure"]
            answers[q.id] = st.radio(label, opts, horizontal=True, key=key, disabled=state.submitted,
                                     index=opts.index(before) if before in opts else None)
        elif q.type == "choice":
            answers[q.id] = st.selectbox(label, q.options, key=key, disabled=state.submitted,
                                         index=q.options.index(before) if before in q.options else None)
        else:
            answers[q.id] = st.text_area(label, value=before or "", key=key, disabled=state.submitted) or None
    given = {k: v for k, v in answers.items() if v is not None}
    if not state.submitted and (given != state.answers or flags != state.flags):
        # Every change is kept as a draft right away (and only a change): a closed browser loses nothing.
        try:
            with database().transaction() as s:
                save_draft(s, user, call_id, form, given, flags)
            st.caption("Draft saved automatically.")
        except UserError as exc:
            st.warning(f"Not saved yet: {exc}")
    if not state.submitted:
        save, send = st.columns(2)
        try:
            if save.button("Save draft", key="rate_save"):
                with database().transaction() as s:
                    save_draft(s, user, call_id, form, answers, flags)
                st.toast("Draft saved")
            if send.button("Submit", type="primary", key="rate_submit"):
                with database().transaction() as s:
                    submit(s, user, call_id, form, answers, flags)
                st.rerun()
        except UserError as exc:
            st.error(str(exc))
