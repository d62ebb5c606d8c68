"""Replay dashboard: runs stored by `constellation replay`, compared the way the command's report compares them
(the same code rebuilds the report), their failures, and any failing case opened with its care plan and
conversation. Admins only: replays of stored calls carry patient information."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
import yaml

from careplans import CarePlanError
from evaluation.replay import PlanCache
from evaluation.replay_report import render_html, wrong_cases
from evaluation.replay_runner import report_from_store
from evaluation.replay_store import ReplayStore
from ui.portal import database, require

require("admin")
st.title("Replay dashboard")

store = ReplayStore(database())
runs = store.runs()
if not runs:
    st.info("No replay runs yet. Run one, e.g. `constellation replay --cases cases.jsonl --out report.json "
            "--config evaluation/configs/deterministic.yaml --config my-change.yaml`, and it appears here.")
    st.stop()

st.dataframe(pd.DataFrame([{"run": r.id, "configuration": r.name, "engine": r.engine, "model": r.model or "-",
                            "cases": r.source, "judged": f"{r.n_done}/{r.n_cases}",
                            "started": r.created_at.strftime("%Y-%m-%d %H:%M"),
                            "finished": r.finished_at.strftime("%Y-%m-%d %H:%M") if r.finished_at else "in progress"}
                           for r in runs]), hide_index=True, width="stretch", key="replay_runs")

by_id = {r.id: r for r in runs}
newest = runs[0]
default = [r.id for r in runs if r.source_digest == newest.source_digest][:4]
chosen = st.multiselect("Runs to compare (over the same cases)", list(by_id), default=default, key="replay_pick",
                        format_func=lambda i: f"#{i} {by_id[i].name} · {by_id[i].source}")
if not chosen:
    st.stop()
if len({by_id[i].source_digest for i in chosen}) > 1:
    st.warning("These runs replayed different cases: only the cases they share are compared.")


@st.cache_data(show_spinner="Comparing runs...", max_entries=16)
def _report(db_url: str, run_ids: tuple[int, ...], counts: tuple[int, ...]) -> tuple[dict, object]:
    # db_url and counts are part of the cache key: another database, or a run that has grown, is recomputed.
    return report_from_store(store, list(run_ids), n_boot=500)


report, source = _report(str(store.db.engine.url), tuple(chosen), tuple(by_id[i].n_done for i in chosen))
if not source.cases:
    st.warning("The chosen runs share no case.")
    st.stop()
cmp = report["comparison"]
names = [run["engine"]["config"] for run in report["runs"]]
st.caption(f"{len(source.cases)} cases; {cmp['n_cases']} with gold in {cmp['n_calls']} calls. "
           "95% bootstrap intervals resample whole calls.")

if cmp["configs"]:
    summary = []
    for name, run in zip(names, report["runs"], strict=True):
        c = cmp["configs"][name]
        m = c["metrics"]["micro"]
        summary.append({"configuration": name, "micro P": m["precision"], "micro R": m["recall"], "micro F1": m["f1"],
                        "F1 95% CI": f"{m['f1_ci'][0]:.3f}-{m['f1_ci'][1]:.3f}",
                        "call-level clean rate": c["call_clean_rate"], "wrong cases": len(c["wrong_cases"]),
                        "model failures": run.get("model_failures", 0),
                        "p95 ms per case": run["latency"].get("case", {}).get("p95_ms")})
    st.dataframe(pd.DataFrame(summary), hide_index=True, width="stretch", key="replay_summary")
    rows = [{"kind": kind, "configuration": name, "F1": m["f1"], "low": m["f1_ci"][0], "high": m["f1_ci"][1],
             "support": m["support"]} for name in names for kind, m in cmp["configs"][name]["metrics"].items()]
    frame = pd.DataFrame(rows)
    bars = alt.Chart(frame).mark_bar().encode(x=alt.X("F1:Q", scale=alt.Scale(domain=[0, 1])), y="kind:N",
                                              color="configuration:N", yOffset="configuration:N",
                                              tooltip=["kind", "configuration", "F1", "low", "high", "support"])
    whiskers = alt.Chart(frame).mark_rule().encode(x="low:Q", x2="high:Q", y="kind:N", yOffset="configuration:N")
    st.altair_chart(bars + whiskers, width="stretch")
    for pair, diffs in cmp["differences"].items():
        st.subheader(f"Paired difference: {pair}")
        st.dataframe(pd.DataFrame([{"kind": k, "ΔF1": d["f1"], "low": d["f1_ci"][0], "high": d["f1_ci"][1],
                                    "verdict": "better" if d["f1_ci"][0] > 0 else "worse" if d["f1_ci"][1] < 0
                                    else "no clear difference"} for k, d in diffs.items()]),
                     hide_index=True, width="stretch", key=f"replay_diff_{pair}")
else:
    st.info("No case in these runs has expected findings, so there is nothing to score: the failures view "
            "below is empty; the runs' findings are in their reports.")

st.download_button("Download the HTML report", render_html(report, source), file_name="replay-report.html",
                   mime="text/html", key="replay_html")

st.header("Failures")
wrong = wrong_cases(report, source)
which = st.selectbox("Configuration", names, key="replay_failures_config")
rows = wrong.get(which, [])
if not rows:
    st.success(f"{which} got every scored case right.")
    st.stop()
st.dataframe(pd.DataFrame([{"case": r["id"], "turn": f"{r['speaker']}: {r['text'][:140]}",
                            "missed": ", ".join(r["missed"]), "extra": ", ".join(r["extra"])} for r in rows]),
             hide_index=True, width="stretch", key="replay_wrong")
case_id = st.selectbox("Open a failing case", [r["id"] for r in rows], key="replay_case")
case = next(c for c in source.cases if c.id == case_id)
left, right = st.columns(2)
with left:
    st.subheader("Conversation")
    for u in case.data.get("history") or []:
        with st.chat_message("assistant" if u.get("speaker") == "agent" else "user"):
            st.write(u.get("text", ""))
    turn = case.data.get("turn") or {}
    with st.chat_message("assistant" if turn.get("speaker") == "agent" else "user"):
        st.markdown(f"**Judged turn** ({'verified' if case.data.get('identity_verified') else 'identity not verified'}): "
                    f"{turn.get('text', '')}")
    st.subheader("Findings")
    found = {name: run["cases"][source.cases.index(case)]["findings"] for name, run in zip(names, report["runs"],
                                                                                           strict=True)}
    st.json({"expected": case.data.get("expected", []), **found}, expanded=True)
with right:
    st.subheader("Care plan")
    try:
        plan = PlanCache(source.base).get(case.data.get("care_plan"))
        st.code(yaml.safe_dump(plan.model_dump(mode="json", exclude_none=True), sort_keys=False), language="yaml")
    except CarePlanError as exc:
        st.error(f"The care plan could not be loaded: {exc}")
