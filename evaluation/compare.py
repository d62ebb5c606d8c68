"""Compare engine configurations on the same cases: per kind precision/recall/F1 with bootstrap confidence
intervals clustered by conversation (turns of one call are not independent), paired differences between
configurations on the same resamples, the call-level clean rate (the share of whole calls with no missed
finding, since errors compound across turns) and the cases each configuration got wrong.

Inputs are plain: per case its id, its conversation key, the expected findings and, per configuration,
the findings raised (CONTRACT.md §3 finding objects).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from evaluation.replay import canon


@dataclass(frozen=True)
class CaseResult:
    id: str
    conversation: str
    expected: list[dict[str, Any]]
    found: dict[str, list[dict[str, Any]]]  # configuration name -> findings


def conversation_key(case: Mapping[str, Any]) -> str:
    """A case's call: its `conversation` field, else its care plan and first utterance (turns replayed from
    one call share both)."""
    if case.get("conversation"):
        return str(case["conversation"])
    plan = case.get("care_plan")
    plan_key = plan if isinstance(plan, str) else str((plan or {}).get("id", "inline"))
    history = case.get("history") or []
    # a malformed case (a turn or utterance that is not an object) still has a key: replay reports its error per case
    first_said = history[0] if isinstance(history, list) and history else case.get("turn")
    first = first_said.get("text", "") if isinstance(first_said, dict) else ""
    return f"{plan_key}|{first}"


def _counts(results: Sequence[CaseResult], config: str) -> tuple[list[str], np.ndarray]:
    """kinds, and an array cases x kinds x (tp, fp, fn)."""
    per_case = []
    kinds: set[str] = set()
    for r in results:
        gold = {c for c in map(canon, r.expected) if c}
        pred = {c for c in map(canon, r.found.get(config, [])) if c}
        row: dict[str, list[int]] = {}
        for f in pred & gold:
            row.setdefault(f[0], [0, 0, 0])[0] += 1
        for f in pred - gold:
            row.setdefault(f[0], [0, 0, 0])[1] += 1
        for f in gold - pred:
            row.setdefault(f[0], [0, 0, 0])[2] += 1
        kinds |= set(row)
        per_case.append(row)
    order = sorted(kinds)
    arr = np.zeros((len(results), len(order) + 1, 3))
    for i, row in enumerate(per_case):
        for j, kind in enumerate(order):
            arr[i, j] = row.get(kind, [0, 0, 0])
    arr[:, -1] = arr[:, :-1].sum(axis=1)  # micro
    return [*order, "micro"], arr


def _prf(c: np.ndarray, *, undefined: float = 0.0) -> np.ndarray:
    """(..., 3) counts -> (..., 3) precision, recall, F1: 0 where a ratio is undefined, as in replay's metrics;
    `undefined` (NaN for the bootstrap) where the kind does not occur at all, neither expected nor raised."""
    tp, fp, fn = c[..., 0], c[..., 1], c[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        r = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    out = np.stack([p, r, f], axis=-1)
    out[(tp + fp + fn) == 0] = undefined
    return out


def compare(results: Sequence[CaseResult], configs: Sequence[str], *, n_boot: int = 1000, seed: int = 0,
            level: float = 0.95) -> dict[str, Any]:
    """The comparison report: per configuration and kind P/R/F1 with clustered bootstrap CIs, paired
    differences against the first configuration, call-level clean rates, and wrong cases."""
    convs = sorted({r.conversation for r in results})
    conv_ix = np.array([convs.index(r.conversation) for r in results])
    rng = np.random.default_rng(seed)
    # Resample whole conversations; a case's weight is how often its conversation was drawn.
    draws = rng.multinomial(len(convs), np.full(len(convs), 1 / len(convs)), size=n_boot)
    weights = draws[:, conv_ix].astype(float)  # n_boot x cases
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    all_kinds = sorted({k for c in configs for k in _counts(results, c)[0]} - {"micro"}) + ["micro"]
    boot: dict[str, np.ndarray] = {}
    report: dict[str, Any] = {"configs": {}, "differences": {}, "n_cases": len(results), "n_calls": len(convs)}
    for config in configs:
        kinds, arr = _counts(results, config)
        full = np.zeros((len(results), len(all_kinds), 3))
        for j, kind in enumerate(kinds):
            full[:, all_kinds.index(kind)] = arr[:, j]
        point = _prf(full.sum(axis=0))
        # A resample without the kind says nothing about it: it is left out of that kind's interval (NaN).
        boot[config] = _prf(np.einsum("bc,ckx->bkx", weights, full), undefined=np.nan)  # n_boot x kinds x 3
        metrics = {}
        for j, kind in enumerate(all_kinds):
            support = int(full[:, j, 0].sum() + full[:, j, 2].sum())
            entry: dict[str, Any] = {"support": support}
            for m, name in enumerate(("precision", "recall", "f1")):
                lo, hi = _interval(boot[config][:, j, m], lo_q, hi_q, float(point[j, m]))
                entry[name] = round(float(point[j, m]), 4)
                entry[f"{name}_ci"] = [round(float(lo), 4), round(float(hi), 4)]
            metrics[kind] = entry
        missed = full[:, -1, 2] > 0
        clean_calls = [c for c in range(len(convs)) if not missed[conv_ix == c].any()]
        wrong = [r.id for r, row in zip(results, full[:, -1], strict=True) if row[1] > 0 or row[2] > 0]
        report["configs"][config] = {"metrics": metrics, "call_clean_rate": round(len(clean_calls) / len(convs), 4)
                                     if convs else None, "wrong_cases": wrong}
    base = configs[0]
    for other in configs[1:]:
        diff = boot[other] - boot[base]
        point = {k: report["configs"][other]["metrics"][k]["f1"] - report["configs"][base]["metrics"][k]["f1"]
                 for k in all_kinds}
        report["differences"][f"{other} - {base}"] = {
            kind: {"f1": round(point[kind], 4),
                   "f1_ci": [round(v, 4) for v in _interval(diff[:, j, 2], lo_q, hi_q, point[kind])]}
            for j, kind in enumerate(all_kinds)}
    return report


def _interval(samples: np.ndarray, lo_q: float, hi_q: float, point: float) -> tuple[float, float]:
    """Percentile interval over the resamples where the statistic is defined (the point itself if none is)."""
    defined = samples[~np.isnan(samples)]
    if not len(defined):
        return point, point
    lo, hi = np.quantile(defined, [lo_q, hi_q])
    return float(lo), float(hi)
