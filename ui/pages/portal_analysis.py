"""Agreement analysis of submitted ratings, the same computation as `constellation ratings agreement`:
per question Krippendorff's alpha and Gwet's AC1 with bootstrap intervals, per rater group IRR, XRR, GAI,
negentropy and plurality, and mean scores per dimension with 95% intervals, by call source."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import select

from constellation.storage.models import CallSession
from evaluation.agreement import agreement_report
from evaluation.rating_service import export_csv
from evaluation.ratings_csv import parse_ratings
from ui.portal import database, require

require("admin")
st.title("Agreement analysis")

with database().transaction() as s:
    csv_text = export_csv(s)
    kinds = {c.id: c.kind for c in s.scalars(select(CallSession))}
if csv_text.count("\n") <= 1:
    st.info("No submitted ratings yet.")
    st.stop()
data = parse_ratings(csv_text)
group_by = st.selectbox("Rater groups", ["(none)", *sorted(data.attributes)], key="analysis_group")
permutations = st.select_slider("Permutations for the GAI p-value", [100, 200, 500, 1000], value=500,
                                key="analysis_perm")
groups = data.groups(group_by) if group_by != "(none)" else None
report = agreement_report(data.questions, groups=groups, permutations=permutations, n_boot=1000)["questions"]

rows = [{"question": q, **{k: e[k] for k in ("n_items", "n_raters", "alpha_nominal", "alpha_ordinal",
                                             "alpha_interval", "ac1")}} for q, e in report.items()]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="analysis_table")
chart_rows = [{"question": q, "statistic": k, "value": e[k], "low": (e.get("ci95") or {}).get(k, [None, None])[0],
               "high": (e.get("ci95") or {}).get(k, [None, None])[1]}
              for q, e in report.items() for k in ("alpha_ordinal", "ac1") if e[k] is not None]
if chart_rows:
    frame = pd.DataFrame(chart_rows)
    bars = alt.Chart(frame).mark_bar().encode(x=alt.X("value:Q", scale=alt.Scale(domain=[-0.2, 1])),
                                              y="question:N", color="statistic:N", yOffset="statistic:N")
    rules = alt.Chart(frame).mark_rule().encode(x="low:Q", x2="high:Q", y="question:N", yOffset="statistic:N")
    st.altair_chart(bars + rules, width="stretch")

if groups is not None:
    st.subheader(f"By {group_by}")
    group_rows = [{"question": q, "group": g, **v} for q, e in report.items() for g, v in e["groups"].items()]
    st.dataframe(pd.DataFrame(group_rows), hide_index=True, width="stretch", key="analysis_groups")

st.subheader("Mean scores by call source")
score_rows = []
for q, m in data.questions.items():
    for kind in sorted({kinds.get(i, "unknown") for i in data.items}):
        cols = [i for i, item in enumerate(data.items) if kinds.get(item, "unknown") == kind]
        item_means = np.nanmean(m[cols], axis=1) if cols else np.array([])
        item_means = item_means[~np.isnan(item_means)]
        if len(item_means):
            half = 1.96 * item_means.std(ddof=1) / np.sqrt(len(item_means)) if len(item_means) > 1 else float("nan")
            score_rows.append({"question": q, "source": kind, "calls": len(item_means),
                               "mean": round(float(item_means.mean()), 3), "95% CI ±": round(float(half), 3)})
st.dataframe(pd.DataFrame(score_rows), hide_index=True, width="stretch", key="analysis_scores")
