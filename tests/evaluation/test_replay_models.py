"""Model configurations, offline: LLM mode and the general-model baseline through the real litellm path
(pydantic-ai -> in-process transport -> litellm Router) with `mock_response` and a CustomLLM; the
confidence threshold; and a model that cannot be reached, which is recorded and never hidden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.usefixtures("allow_litellm")

CALLS = ROOT / "tests" / "data" / "replay" / "calls.jsonl"
DETERMINISTIC = ROOT / "evaluation" / "configs" / "deterministic.yaml"
MOCK_REVIEWER = ROOT / "evaluation" / "configs" / "llm-mode-mock.yaml"


def _config(tmp_path: Path, name: str, **fields: object) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, **fields}))
    return path


def _run(cli, tmp_path: Path, *configs: Path) -> dict:
    out = tmp_path / "report.json"
    args = [a for c in configs for a in ("--config", c)]
    result = cli("replay", "--transcripts", CALLS, "--out", out, "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}", *args)
    assert result.code == 0, result.err
    return json.loads(out.read_text())


def _keys(findings: list[dict]) -> set[tuple]:
    return {tuple(sorted((k, v) for k, v in f.items() if k not in ("message", "evidence", "confidence", "specialist")))
            for f in findings}


def test_llm_mode_through_litellm_mock_response(cli, tmp_path: Path) -> None:
    review = {"additional_findings": [
        {"kind": "value_out_of_range", "analyte": "potassium", "direction": "high", "confidence": 0.9},
        {"kind": "missed_doses", "drug": "Coumadin", "confidence": 0.9},      # brand name: resolves to warfarin
        {"kind": "missed_doses", "drug": "zorbitrol", "confidence": 0.9},     # no such drug: dropped
        {"kind": "escalation", "level": "galactic"}], "explanation": "test"}  # not a level: the answer is invalid
    mock = {"model": "openai/mock-reviewer", "litellm_params": {"mock_response": json.dumps(review)}}
    valid = {**review, "additional_findings": review["additional_findings"][:3]}
    ok = {"model": "openai/mock-reviewer", "litellm_params": {"mock_response": json.dumps(valid)}}
    report = _run(cli, tmp_path, DETERMINISTIC, _config(tmp_path, "invalid-answers", engine="llm", model=mock),
                  _config(tmp_path, "mock-llm", engine="llm", model=ok),
                  _config(tmp_path, "mock-llm-strict", engine="llm", model=ok, thresholds={"min_confidence": 0.95}))
    det, invalid, llm, strict = report["runs"]
    assert llm["engine"] == {"specialists": "llm", "model": "openai/mock-reviewer", "config": "mock-llm",
                             "names": det["engine"]["names"]}
    # An answer that breaks the schema is a failed review: the core's findings stand, and it is counted.
    assert [_keys(c["findings"]) for c in invalid["cases"]] == [_keys(c["findings"]) for c in det["cases"]]
    assert invalid["model_failures"] > 0
    assert llm["model_failures"] == 0
    for d, m in zip(det["cases"], llm["cases"], strict=True):
        assert _keys(d["findings"]) <= _keys(m["findings"])  # LLM mode never removes a finding
        added = _keys(m["findings"]) - _keys(d["findings"])
        if m["id"] == "X/1":  # the agent turn: no patient-side specialist, nothing added
            assert added == set()
            continue
        # Each patient turn: the labs review's potassium (routine), the medication review's warfarin; the
        # unknown drug is dropped. Y/1 already had missed warfarin; Y/3 and X/1 had no escalation.
        assert (("analyte", "potassium"), ("direction", "high"), ("kind", "value_out_of_range")) in added
        assert ((("drug", "warfarin"), ("kind", "missed_doses")) in added) == (m["id"] != "Y/1")
        assert not any(dict(f).get("drug") == "zorbitrol" for f in added)
    # 14 gold findings all found; extra: 6 potassium + 5 missed warfarin + routine escalation on Y/3 = 12.
    micro = report["comparison"]["configs"]["mock-llm"]["metrics"]["micro"]
    assert (micro["recall"], micro["precision"]) == (1.0, round(14 / 26, 4))
    # Confidence 0.9 < 0.95: every proposal is dropped and the result is the deterministic one.
    assert [_keys(c["findings"]) for c in strict["cases"]] == [_keys(c["findings"]) for c in det["cases"]]


def test_baseline_through_litellm_mock_response(cli, tmp_path: Path) -> None:
    answer = {"findings": [{"kind": "medication_mentioned", "drug": "Advil", "confidence": 0.8},
                           {"kind": "escalation", "level": "urgent", "confidence": 0.9}]}
    model = {"model": "openai/general-model", "litellm_params": {"mock_response": json.dumps(answer)}}
    report = _run(cli, tmp_path, _config(tmp_path, "baseline", engine="baseline", model=model))
    run = report["runs"][0]
    assert run["engine"]["specialists"] == "baseline" and run["model_failures"] == 0
    for case in run["cases"]:
        expected = set() if case["id"] == "X/1" else {("medication_mentioned", "ibuprofen"), ("escalation", "urgent")}
        assert {(f["kind"], f.get("drug") or f.get("level")) for f in case["findings"]} == expected, case["id"]
    # Right: X/2 and X/3 urgent, X/3 ibuprofen (3 of 14); wrong: 4 urgent and 5 ibuprofen elsewhere.
    micro = report["comparison"]["configs"]["baseline"]["metrics"]["micro"]
    assert (micro["precision"], micro["recall"]) == (0.25, round(3 / 14, 4))


def test_custom_llm_provider(cli, tmp_path: Path) -> None:
    """The shipped offline stand-in (evaluation/mock_llm.py), registered with litellm as a CustomLLM."""
    report = _run(cli, tmp_path, DETERMINISTIC, MOCK_REVIEWER)
    det, mock = report["runs"]
    assert mock["engine"]["model"] == "mock-review/careless-0.2" and mock["model_failures"] == 0
    for d, m in zip(det["cases"], mock["cases"], strict=True):
        assert _keys(d["findings"]) <= _keys(m["findings"])
    assert "mock-review" in {p["provider"] for p in __import__("litellm").custom_provider_map}


def test_unreachable_model_is_recorded_not_hidden(cli, tmp_path: Path) -> None:
    dead = {"model": "openai/nobody-home", "api_base": f"http://127.0.0.1:{free_port()}/v1", "timeout_s": 3,
            "num_retries": 0, "litellm_params": {"api_key": "none"}}
    report = _run(cli, tmp_path, DETERMINISTIC, _config(tmp_path, "llm-dead", engine="llm", model=dead),
                  _config(tmp_path, "baseline-dead", engine="baseline", model=dead))
    det, llm, baseline = report["runs"]
    # LLM mode falls back to its deterministic core, and says how often it had to.
    assert [_keys(c["findings"]) for c in llm["cases"]] == [_keys(c["findings"]) for c in det["cases"]]
    assert llm["model_failures"] >= 7 and all(c.get("model_errors") for c in llm["cases"])
    # The baseline has nothing without its model: every case records the failure and nothing is found.
    assert all(c["findings"] == [] and c["model_errors"] for c in baseline["cases"])
    assert report["comparison"]["configs"]["baseline-dead"]["metrics"]["micro"]["recall"] == 0.0


def test_a_requests_per_minute_budget_is_held_by_litellm(cli, tmp_path: Path) -> None:
    """rpm 1 and no retries: litellm lets one call through in the minute and refuses the rest (with retries
    it would wait for the next minute), and each refusal is a recorded failure, not a silent pass."""
    review = json.dumps({"additional_findings": [], "explanation": ""})
    budget = {"model": "openai/mock", "rpm": 1, "num_retries": 0, "litellm_params": {"mock_response": review}}
    free = {**budget, "rpm": None}
    report = _run(cli, tmp_path, _config(tmp_path, "budget", engine="llm", model=budget),
                  _config(tmp_path, "no-budget", engine="llm", model={k: v for k, v in free.items() if v is not None}))
    limited, unlimited = report["runs"]
    assert unlimited["model_failures"] == 0
    calls = sum(len(c["specialist_latency_ms"]) for c in limited["cases"])
    assert limited["model_failures"] == calls - 1
    assert any("RateLimit" in e for c in limited["cases"] for e in c.get("model_errors", []))
