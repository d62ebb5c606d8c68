"""A replay comparison as Markdown and as one self-contained HTML file (inline SVG charts, no scripts, no
network): per-kind F1 with confidence intervals, paired differences, call-level clean rate, per-specialist
latency and, for each configuration, the cases it got wrong with what it missed and what it added."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from evaluation.replay import canon
from evaluation.replay_sources import ReplaySource

PALETTE = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285"]
MAX_WRONG_LISTED = 200


def _runs(report: dict[str, Any]) -> list[dict[str, Any]]:
    return report.get("runs") or [report]


def _name(run: dict[str, Any]) -> str:
    return str(run["engine"].get("config") or run["engine"].get("specialists"))


def _label(f: tuple[str, ...]) -> str:
    return f[0] + (f"({', '.join(f[1:])})" if len(f) > 1 else "")


def wrong_cases(report: dict[str, Any], source: ReplaySource) -> dict[str, list[dict[str, Any]]]:
    """Per configuration, each case with gold where it missed or added a finding."""
    out: dict[str, list[dict[str, Any]]] = {}
    for run in _runs(report):
        rows = []
        for case, entry in zip(source.cases, run["cases"], strict=True):
            if "expected" not in case.data or "error" in entry:
                continue
            gold = {c for c in map(canon, case.data.get("expected") or []) if c}
            found = {c for c in map(canon, entry["findings"]) if c}
            if gold != found:
                rows.append({"id": case.id, "conversation": case.conversation,
                             "speaker": (case.data.get("turn") or {}).get("speaker", ""),
                             "text": (case.data.get("turn") or {}).get("text", ""),
                             "missed": sorted(map(_label, gold - found)), "extra": sorted(map(_label, found - gold))})
        out[_name(run)] = rows
    return out


def _ci(m: dict[str, Any], key: str = "f1") -> str:
    lo, hi = m.get(f"{key}_ci", [None, None])
    return f"{m[key]:.3f} [{lo:.3f}, {hi:.3f}]" if lo is not None else f"{m[key]:.3f}"


# ---------------------------------------------------------------- tables both formats show
SUMMARY_HEAD = ["configuration", "engine", "model", "micro P", "micro R", "micro F1 [95% CI]", "call-level clean rate",
                "model failures", "p50 ms", "p95 ms"]


def _summary_rows(report: dict[str, Any]) -> list[list[str]]:
    """Per configuration: engine, model, micro P/R/F1 with CI and clean rate (where there is gold), failures,
    latency per case."""
    configs = (report.get("comparison") or {}).get("configs", {})
    rows = []
    for run in _runs(report):
        name = _name(run)
        c = configs.get(name, {})
        m = c.get("metrics", {}).get("micro")
        lat = run.get("latency", {}).get("case", {})
        scored = [f"{m['precision']:.3f}", f"{m['recall']:.3f}", _ci(m), f"{c['call_clean_rate']:.3f}"] if m \
            else ["-"] * 4
        rows.append([name, run["engine"]["specialists"], run["engine"].get("model") or "-", *scored,
                     str(run.get("model_failures", 0)), f"{lat.get('p50_ms', 0):.2f}", f"{lat.get('p95_ms', 0):.2f}"])
    return rows


def _latency_rows(runs: Sequence[dict[str, Any]]) -> list[list[str]]:
    """Per specialist (then the whole case): "p50 / p95" ms in each configuration, "-" where it did not run."""
    specialists = sorted({s for r in runs for s in r.get("latency", {})} - {"case"}) + ["case"]
    return [[spec] + [f"{r['latency'][spec]['p50_ms']:.2f} / {r['latency'][spec]['p95_ms']:.2f}"
                      if spec in r.get("latency", {}) else "-" for r in runs] for spec in specialists]


def _md_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *("| " + " | ".join(r) + " |" for r in rows)]


# ---------------------------------------------------------------- Markdown
def render_markdown(report: dict[str, Any], source: ReplaySource) -> str:
    runs = _runs(report)
    cmp = report.get("comparison") or {}
    lines = [f"# Replay report: {source.label}", "",
             f"{len(source.cases)} cases; {cmp.get('n_cases', 0)} with gold in {cmp.get('n_calls', 0)} calls "
             "(confidence intervals: 95% bootstrap, resampling whole calls).", "",
             *_md_table(SUMMARY_HEAD, _summary_rows(report))]
    names = [_name(r) for r in runs]
    kinds = _kinds(cmp)
    if kinds:
        lines += ["", "## F1 per kind [95% CI] (support)", "", "| kind | " + " | ".join(names) + " |",
                  "|---|" + "---|" * len(names)]
        for kind in kinds:
            cells = []
            for n in names:
                m = cmp["configs"][n]["metrics"].get(kind)
                cells.append(f"{_ci(m)} ({m['support']})" if m else "-")
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    if cmp.get("differences"):
        lines += ["", "## Paired differences in F1 (same resampled calls)", ""]
        for pair, diffs in cmp["differences"].items():
            lines += [f"### {pair}", "", "| kind | ΔF1 | 95% CI | |", "|---|---|---|---|"]
            for kind, d in diffs.items():
                lo, hi = d["f1_ci"]
                verdict = "better" if lo > 0 else "worse" if hi < 0 else "no clear difference"
                lines.append(f"| {kind} | {d['f1']:+.3f} | [{lo:+.3f}, {hi:+.3f}] | {verdict} |")
            lines.append("")
    lines += ["", "## Latency per specialist (ms, p50 / p95)", "",
              *_md_table(["specialist", *names], _latency_rows(runs))]
    for name, rows in wrong_cases(report, source).items():
        lines += ["", f"## Wrong cases: {name} ({len(rows)})", ""]
        if rows:
            lines += ["| case | turn | missed | extra |", "|---|---|---|---|"]
        for row in rows[:MAX_WRONG_LISTED]:
            text = row["text"].replace("|", "/").replace("\n", " ")
            lines.append(f"| {row['id']} | {row['speaker']}: {text[:160]} | {', '.join(row['missed']) or '-'} | "
                         f"{', '.join(row['extra']) or '-'} |")
        if len(rows) > MAX_WRONG_LISTED:
            lines.append(f"\n... and {len(rows) - MAX_WRONG_LISTED} more (all are in the JSON report's wrong_cases).")
    return "\n".join(lines) + "\n"


def _kinds(cmp: dict[str, Any]) -> list[str]:
    kinds: list[str] = []
    for c in cmp.get("configs", {}).values():
        kinds += [k for k in c["metrics"] if k not in kinds]
    return [k for k in kinds if k != "micro"] + (["micro"] if "micro" in kinds else [])


# ---------------------------------------------------------------- HTML with SVG charts
def _svg_f1_bars(cmp: dict[str, Any], names: Sequence[str]) -> str:
    """Grouped horizontal bars: F1 per kind per configuration, with the CI as a whisker."""
    kinds = _kinds(cmp)
    bar, gap, left, width = 12, 10, 190, 420
    height = len(kinds) * (len(names) * bar + gap) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" role="img" '
             'aria-label="F1 per finding kind and configuration">']
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + t * width
        parts.append(f'<line x1="{x}" y1="10" x2="{x}" y2="{height - 25}" stroke="#ddd"/>'
                     f'<text x="{x}" y="{height - 10}" font-size="11" text-anchor="middle">{t:g}</text>')
    y = 14
    for kind in kinds:
        parts.append(f'<text x="{left - 8}" y="{y + len(names) * bar / 2 + 4}" font-size="12" '
                     f'text-anchor="end">{html.escape(kind)}</text>')
        for i, name in enumerate(names):
            m = cmp["configs"][name]["metrics"].get(kind)
            if m:
                color = PALETTE[i % len(PALETTE)]
                lo, hi = m["f1_ci"]
                parts.append(f'<rect x="{left}" y="{y}" width="{m["f1"] * width:.1f}" height="{bar - 2}" fill="{color}">'
                             f'<title>{html.escape(name)} {kind}: F1 {_ci(m)}, support {m["support"]}</title></rect>'
                             f'<line x1="{left + lo * width:.1f}" x2="{left + hi * width:.1f}" y1="{y + bar / 2 - 1}" '
                             f'y2="{y + bar / 2 - 1}" stroke="#222" stroke-width="1.5"/>')
            y += bar
        y += gap
    parts.append("</svg>")
    return "".join(parts)


def _svg_differences(diffs: dict[str, Any]) -> str:
    """A forest plot: ΔF1 per kind with its CI around zero."""
    rows = list(diffs.items())
    left, width, step = 190, 420, 20
    height = len(rows) * step + 40
    scale = max(0.05, max(max(abs(d["f1_ci"][0]), abs(d["f1_ci"][1]), abs(d["f1"])) for _, d in rows))
    def x(v: float) -> float:
        return left + width / 2 + v / scale * width / 2 * 0.95
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" role="img" '
             'aria-label="Paired F1 differences">',
             f'<line x1="{x(0)}" y1="5" x2="{x(0)}" y2="{height - 25}" stroke="#888" stroke-dasharray="3,3"/>']
    for v in (-scale, -scale / 2, scale / 2, scale):
        parts.append(f'<text x="{x(v):.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{v:+.2f}</text>')
    for i, (kind, d) in enumerate(rows):
        y = 15 + i * step
        lo, hi = d["f1_ci"]
        color = "#2b8a3e" if lo > 0 else "#c92a2a" if hi < 0 else "#555"
        parts.append(f'<text x="{left - 8}" y="{y + 4}" font-size="12" text-anchor="end">{html.escape(kind)}</text>'
                     f'<line x1="{x(lo):.1f}" x2="{x(hi):.1f}" y1="{y}" y2="{y}" stroke="{color}" stroke-width="2"/>'
                     f'<circle cx="{x(d["f1"]):.1f}" cy="{y}" r="4" fill="{color}"><title>{html.escape(kind)}: '
                     f'{d["f1"]:+.3f} [{lo:+.3f}, {hi:+.3f}]</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_hbars(values: dict[str, float], unit: str, label: str) -> str:
    left, width, step = 190, 420, 22
    top = max(values.values(), default=1) or 1
    height = len(values) * step + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" role="img" '
             f'aria-label="{html.escape(label)}">']
    for i, (name, v) in enumerate(values.items()):
        y = 8 + i * step
        parts.append(f'<text x="{left - 8}" y="{y + 12}" font-size="12" text-anchor="end">{html.escape(name)}</text>'
                     f'<rect x="{left}" y="{y}" width="{v / top * width:.1f}" height="{step - 6}" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{left + v / top * width + 5:.1f}" y="{y + 12}" font-size="11">{v:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1a1a1a}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;
vertical-align:top}th{background:#f3f5f7}h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px}
details{margin:.3rem 0}.muted{color:#666}"""


def render_html(report: dict[str, Any], source: ReplaySource) -> str:
    runs = _runs(report)
    names = [_name(r) for r in runs]
    cmp = report.get("comparison") or {}
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Replay report</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>Replay report</h1><p class='muted'>{html.escape(source.label)}: {len(source.cases)} cases; "
             f"{cmp.get('n_cases', 0)} with gold in {cmp.get('n_calls', 0)} calls. Intervals are 95% bootstrap "
             "intervals resampling whole calls (turns of one call are not independent).</p>"]
    parts.append("<h2>Summary</h2>" + _table(SUMMARY_HEAD, _summary_rows(report)))
    legend = "".join(f"<span><i style='background:{PALETTE[i % len(PALETTE)]}'></i>{html.escape(n)}</span>"
                     for i, n in enumerate(names))
    if _kinds(cmp):
        parts.append(f"<h2>F1 per finding kind</h2><div class='legend'>{legend}</div>{_svg_f1_bars(cmp, names)}")
        rows = []
        for kind in _kinds(cmp):
            cells = [kind]
            for n in names:
                m = cmp["configs"][n]["metrics"].get(kind)
                cells.append(f"P {m['precision']:.3f} R {m['recall']:.3f} F1 {_ci(m)} (n={m['support']})" if m else "-")
            rows.append(cells)
        parts.append(_table(["kind", *names], rows))
        parts.append("<h2>Call-level clean rate</h2><p class='muted'>Share of whole calls in which no expected "
                     "finding was missed on any turn.</p>"
                     + _svg_hbars({n: cmp["configs"][n]["call_clean_rate"] for n in names}, "", "call-level clean rate"))
    for pair, diffs in cmp.get("differences", {}).items():
        parts.append(f"<h2>Paired difference: {html.escape(pair)}</h2><p class='muted'>ΔF1 on the same resampled "
                     "calls; green: better with 95% confidence, red: worse.</p>" + _svg_differences(diffs))
    parts.append("<h2>Latency per specialist</h2><p class='muted'>p95 per case, ms</p>"
                 + _svg_hbars({n: r.get("latency", {}).get("case", {}).get("p95_ms", 0.0) for n, r in zip(names, runs,
                                                                                                       strict=True)},
                              " ms", "p95 latency per case")
                 + _table(["specialist (p50 / p95 ms)", *names], _latency_rows(runs)))
    for name, rows in wrong_cases(report, source).items():
        parts.append(f"<h2>Wrong cases: {html.escape(name)} ({len(rows)})</h2>")
        for row in rows[:MAX_WRONG_LISTED]:
            parts.append(f"<details><summary>{html.escape(row['id'])}: missed {html.escape(', '.join(row['missed']) or '-')}"
                         f"; extra {html.escape(', '.join(row['extra']) or '-')}</summary><p><b>{row['speaker']}</b>: "
                         f"{html.escape(row['text'])}</p><p class='muted'>call {html.escape(row['conversation'])}</p>"
                         "</details>")
        if len(rows) > MAX_WRONG_LISTED:
            parts.append(f"<p>... and {len(rows) - MAX_WRONG_LISTED} more (see the JSON report).</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
