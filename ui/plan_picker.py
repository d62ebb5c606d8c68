"""Choose a care plan in the app: a bundled example or an uploaded file (YAML, JSON or FHIR R4 Bundle)."""

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


def pick_plan(key: str) -> CarePlan | None:
    """Radio (example / upload) plus the matching widget; widget keys are `{key}_source`, `{key}_example`,
    `{key}_upload`."""
    examples = example_plans()
    choice = st.radio("Source", ["Example", "Upload"], horizontal=True, key=f"{key}_source")
    if choice == "Example":
        name = st.selectbox("Example care plan", list(examples), key=f"{key}_example")
        return load(examples[name]).plan if name else None
    upload = st.file_uploader("Care plan file (YAML, JSON or FHIR R4 Bundle)", type=["yaml", "yml", "json"],
                              key=f"{key}_upload")
    return _load_upload(upload.name, upload.getvalue()) if upload is not None else None
