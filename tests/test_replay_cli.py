"""`constellation replay`: the report of CONTRACT.md §3, bad input handled case by case."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, SHARED_SAMPLES

PLAN = str(EXAMPLES / "anticoagulation_warfarin.yaml")


def _case(cid: str, text: str, speaker: str = "patient", **extra: object) -> str:
    return json.dumps({"id": cid, "care_plan": PLAN, "history": [], "turn": {"speaker": speaker, "text": text},
                       "identity_verified": True, **extra})


def test_public_samples_report_shape(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = cli("replay", "--cases", SHARED_SAMPLES / "specialist_cases.jsonl", "--out", out)
    assert result.code == 0, result.err
    report = json.loads(out.read_text())
    cases = [json.loads(line)["id"] for line in (SHARED_SAMPLES / "specialist_cases.jsonl").read_text().splitlines() if line.strip()]
    assert [c["id"] for c in report["cases"]] == cases  # every case, in input order
    assert all(isinstance(c["latency_ms"], float) and isinstance(c["findings"], list) for c in report["cases"])
    assert set(report["engine"]) >= {"specialists", "model"}
    for metrics in report["metrics"].values():
        assert set(metrics) == {"precision", "recall", "f1", "support"}
    assert "replay [" in result.err  # progress on stderr


def test_bad_cases_are_reported_and_the_rest_still_run(cli, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join([
        _case("ok-1", "I took four Advil this morning for my knee."),
        '{"id": "broken", "turn": ',                                   # malformed JSON: line 2
        json.dumps({"id": "no-plan", "care_plan": "missing/plan.yaml", "turn": {"speaker": "patient", "text": "hi"}}),
        json.dumps({"id": "bad-turn", "care_plan": PLAN, "turn": {"speaker": "doctor", "text": "hi"}}),
        _case("empty", ""),
        _case("huge", "my knee hurts " * 2000),
        _case("unknown-analyte", "My florbium level was 7.2 yesterday."),
        _case("ok-2", "My INR was 5.8 on Monday."),
    ]) + "\n")
    out = tmp_path / "report.json"
    result = cli("replay", "--cases", cases, "--out", out)
    assert result.code == 0, result.err
    report = json.loads(out.read_text())
    by_id = {c["id"]: c for c in report["cases"]}
    assert list(by_id) == ["ok-1", "no-plan", "bad-turn", "empty", "huge", "unknown-analyte", "ok-2"]
    assert report["errors"] == [{"line": 2, "error": report["errors"][0]["error"]}]
    assert "line 2" in result.err and "malformed JSON" in result.err
    assert "care plan could not be loaded" in by_id["no-plan"]["error"]
    assert "speaker" in by_id["bad-turn"]["error"]
    assert by_id["empty"]["findings"] == [] and "error" not in by_id["empty"]
    assert "cut from" in by_id["huge"]["warning"]
    assert by_id["unknown-analyte"]["findings"] == []
    assert {"kind": "interaction", "drug": "ibuprofen", "with": "warfarin"}.items() <= {
        k: v for f in by_id["ok-1"]["findings"] if f["kind"] == "interaction" for k, v in f.items()}.items()
    assert any(f["kind"] == "value_out_of_range" and f["analyte"] == "inr" for f in by_id["ok-2"]["findings"])


def test_unusable_files_exit_2(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("not json\nstill not\n")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    for path in (empty, garbage, binary, tmp_path / "missing.jsonl"):
        result = cli("replay", "--cases", path, "--out", tmp_path / "r.json")
        assert result.code == 2, (path, result.err)
        assert "Traceback" not in result.err
    assert not (tmp_path / "r.json").exists()


def test_workers_give_the_same_findings(cli, tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    cases = SHARED_SAMPLES / "specialist_cases.jsonl"
    assert cli("replay", "--cases", cases, "--out", one).code == 0
    assert cli("replay", "--cases", cases, "--out", two, "--workers", "2").code == 0
    strip = lambda r: [(c["id"], c["findings"]) for c in json.loads(r.read_text())["cases"]]  # noqa: E731
    assert strip(one) == strip(two)
