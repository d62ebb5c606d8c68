"""Care plan browser: pick a bundled example or upload a plan (YAML, JSON or FHIR R4 Bundle)."""

from __future__ import annotations

import streamlit as st

from careplans import CarePlan
from ui.plan_picker import pick_plan


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
plan = pick_plan("careplan")
if plan is not None:
    _show(plan)
