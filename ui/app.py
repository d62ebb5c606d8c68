"""The Constellation Streamlit app: the entry point that `constellation ui` runs.

Pages are added here as they land (voice demo, evaluation portal, replay dashboard).
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Constellation", page_icon="🩺", layout="wide")

pages = [
    st.Page("pages/voice_call.py", title="Voice demo", icon="🎙️", url_path="voice", default=True),
    st.Page("pages/careplans.py", title="Care plans", icon="📋", url_path="careplans"),
    st.Page("pages/portal_rate.py", title="Rate calls", icon="📝", url_path="rate"),
    st.Page("pages/portal_analysis.py", title="Agreement analysis", icon="📊", url_path="analysis"),
    st.Page("pages/portal_admin.py", title="Portal admin", icon="🔐", url_path="admin"),
    st.Page("pages/replay_dashboard.py", title="Replay dashboard", icon="🧪", url_path="replay"),
]
st.navigation(pages).run()
