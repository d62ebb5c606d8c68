"""The Constellation Streamlit app: the entry point that `constellation ui` runs.

Pages are added here as they land (voice demo, evaluation portal, replay dashboard).
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Constellation", page_icon="🩺", layout="wide")

pages = [
    st.Page("pages/careplans.py", title="Care plans", icon="📋", url_path="careplans", default=True),
]
st.navigation(pages).run()
