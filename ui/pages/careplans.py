"""Care plan browser: pick a bundled example or upload a plan (YAML, JSON or FHIR R4 Bundle)."""

from __future__ import annotations

import streamlit as st

from careplans import CarePlan, CarePlanError, load
from careplans.loader import MAX_BYTES, decode_text, load_from_text
from ui.examples import example_plans


def _load_upload(name: str, raw: bytes) -> CarePlan | None:
    if len(raw) > MAX_BYTES:
        st.error(f"{name}: the file is {len(raw) / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB.")
        return None
    try:
        loaded = load_from_text(decode_text(raw, name), name)
    except CarePlanError as exc:
        st.error(f"**{name}** is not a usable care plan:")
        st.markdown("\n".join(f"- `{p.path or '(file)'}`{f' (line {p.line})' if p.line else ''}: {p.message}" for p in exc.problems))
        return None
    for note in loaded.notes:
        st.warning(f"Not mapped from the FHIR bundle: {note}")
    return loaded.plan


def _show(plan: CarePlan) -> None:
    p = plan.patient
    st.subheader(plan.title or plan.id)
    if plan.summary:
        st.caption(plan.summary)
    cols = st.columns(4)
    cols[0].metric("Patient", p.name)
    cols[1].metric("Date of birth", p.date_of_birth.isoformat())
    cols[2].metric("Preferred name", p.call_name)
    cols[3].metric("Phone", p.phone or "—")
    left, right = st.columns(2)
    with left:
        st.markdown("**Conditions**")
        st.markdown("\n".join(f"- {c.name}" for c in plan.conditions) or "_none_")
        st.markdown("**Allergies**")
        st.markdown("\n".join(f"- {a.substance}" + (f" ({a.reaction})" if a.reaction else "") for a in plan.allergies) or "_none recorded_")
        st.markdown("**Checklist for the call**")
        st.markdown("\n".join(f"- [{'required' if i.required else 'optional'}] {i.text}" for i in plan.checklist) or "_none_")
    with right:
        st.markdown("**Appointments**")
        st.markdown("\n".join(f"- {a.when}: {a.with_whom or ''} {('— ' + a.purpose) if a.purpose else ''}" for a in plan.appointments) or "_none_")
        st.markdown("**Targets** (override reference ranges)")
        st.markdown("\n".join(f"- {t.analyte}: {t.low if t.low is not None else '…'} to {t.high if t.high is not None else '…'} {t.unit}" for t in plan.targets) or "_none_")
    st.markdown("**Medications**")
    st.dataframe(
        [{"drug": m.name, "order": m.display or "", "dose": str(m.dose or ""), "how": m.frequency or "",
          "as needed": m.as_needed, "for": m.purpose or ""} for m in plan.medications],
        hide_index=True, width="stretch",
    )
    st.markdown("**Recent labs and vitals** (canonical units)")
    st.dataframe(
        [{"analyte": m.analyte, "value": m.value, "unit": m.unit, "date": str(m.date or "")} for m in plan.labs],
        hide_index=True, width="stretch",
    )


st.title("Care plans")
examples = example_plans()
choice = st.radio("Source", ["Example", "Upload"], horizontal=True, key="careplan_source")
plan: CarePlan | None = None
if choice == "Example":
    name = st.selectbox("Example care plan", list(examples), key="careplan_example")
    if name:
        plan = load(examples[name]).plan
else:
    upload = st.file_uploader("Care plan file (YAML, JSON or FHIR R4 Bundle)", type=["yaml", "yml", "json"])
    if upload is not None:
        plan = _load_upload(upload.name, upload.getvalue())
if plan is not None:
    _show(plan)
