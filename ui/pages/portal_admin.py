"""Portal administration: create rater accounts, assign stored calls to raters (balanced, with blinding),
and move ratings in and out as the contract's CSV."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from constellation.errors import UserError
from constellation.storage.models import Assignment, CallSession, Rater, Rating, RatingAudit
from evaluation.accounts import CLINICAL_ROLES, create_account
from evaluation.assignments import plan_assignments
from evaluation.rating_service import amend, export_csv, import_csv
from ui.portal import database, require

admin = require("admin")
st.title("Portal administration")

accounts, assign, amendments, data = st.tabs(["Accounts", "Assign calls", "Amend a rating", "Ratings CSV"])
with accounts:
    with st.form("new_account", clear_on_submit=True):
        st.markdown("**New account**")
        username = st.text_input("Username", key="new_username")
        password = st.text_input("Initial password (10+ characters)", type="password", key="new_password")
        role = st.radio("Portal role", ["rater", "admin"], horizontal=True, key="new_role")
        clinical = st.selectbox("Clinical role", CLINICAL_ROLES, index=None, key="new_clinical")
        specialty = st.text_input("Specialty", key="new_specialty")
        years = st.number_input("Years of experience", min_value=0.0, max_value=70.0, value=None, key="new_years")
        st.caption("Optional, self-described by the rater, recorded only with their consent:")
        gender = st.text_input("Gender", key="new_gender")
        ethnicity = st.text_input("Race / ethnicity", key="new_ethnicity")
        consent = st.checkbox("The rater consents to these being stored and used to group agreement",
                              key="new_consent")
        if st.form_submit_button("Create account"):
            demographics = {k: v.strip() for k, v in (("gender", gender), ("ethnicity", ethnicity)) if v.strip()}
            try:
                with database().transaction() as s:
                    create_account(s, username, password, role=role, clinical_role=clinical,
                                   specialty=specialty or None, years_experience=years,
                                   demographics=demographics, consent=consent)
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

with amendments:
    st.caption("Submitted ratings are locked. A change needs a reason and is kept in the audit trail.")
    with database().transaction() as s:
        submitted = [(r.id, f"{r.rater.username} · call {r.item_id[:8]} · {r.question} = "
                            f"{r.text_value if r.value is None else f'{r.value:g}'}")
                     for r in s.scalars(select(Rating).where(Rating.status == "submitted", Rating.value.is_not(None))
                                        .order_by(Rating.item_id, Rating.question))]
    if submitted:
        labels = dict(submitted)
        rating_id = st.selectbox("Rating", list(labels), format_func=labels.get, key="amend_rating")
        new_value = st.number_input("New value", step=1.0, key="amend_value")
        reason = st.text_input("Reason (required)", key="amend_reason")
        if st.button("Amend", key="amend_go"):
            try:
                with database().transaction() as s:
                    amend(s, s.get(Rater, admin.id), s.get(Rating, rating_id), value=float(new_value), text=None,
                          reason=reason)
                st.success("Amended; the change is in the audit trail.")
            except UserError as exc:
                st.error(str(exc))
        with database().transaction() as s:
            trail = [{"rating": a.rating_id, "by": s.get(Rater, a.changed_by).username, "from": a.old_value,
                      "to": a.new_value, "reason": a.reason, "at": a.changed_at}
                     for a in s.scalars(select(RatingAudit).order_by(RatingAudit.changed_at.desc()))]
        st.dataframe(trail, hide_index=True, width="stretch")
    else:
        st.info("No submitted ratings yet.")

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
