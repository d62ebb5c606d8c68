"""Portal administration: create rater accounts, assign stored calls to raters (balanced, with blinding),
and move ratings in and out as the contract's CSV."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from constellation.errors import UserError
from constellation.storage.models import Assignment, CallSession, Rater
from evaluation.accounts import CLINICAL_ROLES, create_account
from evaluation.assignments import plan_assignments
from evaluation.rating_service import export_csv, import_csv
from ui.portal import database, require

require("admin")
st.title("Portal administration")

accounts, assign, data = st.tabs(["Accounts", "Assign calls", "Ratings CSV"])
with accounts:
    with st.form("new_account", clear_on_submit=True):
        st.markdown("**New account**")
        username = st.text_input("Username", key="new_username")
        password = st.text_input("Initial password (10+ characters)", type="password", key="new_password")
        role = st.radio("Portal role", ["rater", "admin"], horizontal=True, key="new_role")
        clinical = st.selectbox("Clinical role", CLINICAL_ROLES, index=None, key="new_clinical")
        specialty = st.text_input("Specialty", key="new_specialty")
        years = st.number_input("Years of experience", min_value=0.0, max_value=70.0, value=None, key="new_years")
        if st.form_submit_button("Create account"):
            try:
                with database().transaction() as s:
                    create_account(s, username, password, role=role, clinical_role=clinical,
                                   specialty=specialty or None, years_experience=years)
                st.success(f"Created {username.strip().lower()}.")
            except UserError as exc:
                st.error(str(exc))
    with database().transaction() as s:
        people = [{"username": r.username, "role": r.role, "clinical role": r.clinical_role or "",
                   "specialty": r.specialty or "", "years": r.years_experience, "active": r.active}
                  for r in s.scalars(select(Rater).order_by(Rater.username))]
    st.dataframe(people, hide_index=True, width="stretch")

with assign:
    with database().transaction() as s:
        calls = [(c.id, c.started_at, c.kind) for c in s.scalars(
            select(CallSession).where(CallSession.status == "ended").order_by(CallSession.started_at.desc()))]
        raters = {r.username: r.clinical_role for r in s.scalars(select(Rater).where(Rater.role == "rater",
                                                                                     Rater.active))}
    chosen = st.multiselect("Ended calls", [c for c, _, _ in calls], key="assign_calls",
                            format_func=lambda c: next(f"{c[:8]} {t:%Y-%m-%d %H:%M} ({k})" for i, t, k in calls if i == c))
    k = st.number_input("Raters per call", min_value=1, max_value=max(1, len(raters)), value=min(3, max(1, len(raters))),
                        key="assign_k")
    hide_annotations = st.checkbox("Hide the specialists' annotations", value=True, key="assign_hide_ann")
    hide_source = st.checkbox("Hide whether the call was the AI or a human nurse", value=True, key="assign_hide_src")
    if st.button("Assign", type="primary", key="assign_go", disabled=not chosen):
        try:
            with database().transaction() as s:
                ids = {r.username: r.id for r in s.scalars(select(Rater))}
                existing: dict[str, set[str]] = {}
                for a in s.scalars(select(Assignment).where(Assignment.session_id.in_(chosen))):
                    existing.setdefault(a.session_id, set()).add(a.rater.username)
                plan = plan_assignments(chosen, raters, int(k), existing=existing)
                for call_id, names in plan.items():
                    s.add_all(Assignment(session_id=call_id, rater_id=ids[n], hide_annotations=hide_annotations,
                                         hide_source=hide_source) for n in names)
            st.success(f"{sum(len(v) for v in plan.values())} assignments added.")
        except UserError as exc:
            st.error(str(exc))

with data:
    with database().transaction() as s:
        csv_text = export_csv(s)
    st.download_button("Download submitted ratings (CSV)", csv_text, file_name="ratings.csv", mime="text/csv",
                       key="export_csv")
    upload = st.file_uploader("Import ratings (CSV, CONTRACT.md §5)", type=["csv"], key="import_csv")
    if upload is not None and st.button("Import", key="import_go"):
        try:
            with database().transaction() as s:
                n = import_csv(s, upload.getvalue().decode("utf-8-sig"), name=upload.name)
            st.success(f"Imported {n} ratings.")
        except (UserError, UnicodeDecodeError) as exc:
            st.error(str(exc))
