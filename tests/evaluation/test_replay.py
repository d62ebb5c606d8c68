"""`constellation replay` with configurations: two engines compared on a fixture with hand-computed metrics,
transcripts and stored calls as sources, the Markdown and HTML reports, and clear errors on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from careplans import load_care_plan
from constellation.storage import open_database, repository
from tests.conftest import EXAMPLES, ROOT

FIXTURE = ROOT / "tests" / "data" / "replay"
CALLS = FIXTURE / "calls.jsonl"
DETERMINISTIC = ROOT / "evaluation" / "configs" / "deterministic.yaml"
NO_LABS = FIXTURE / "no-labs.yaml"


def _replay(cli, tmp_path: Path, *args: object, name: str = "report") -> tuple[dict, object]:
    out = tmp_path / f"{name}.json"
    result = cli("replay", "--out", out, "--db", f"sqlite:///{tmp_path / 'replay.sqlite3'}", *args)
    assert result.code == 0, result.err
    return json.loads(out.read_text()), result


def test_two_configurations_known_metrics(cli, tmp_path: Path) -> None:
    md, html = tmp_path / "report.md", tmp_path / "report.html"
    report, result = _replay(cli, tmp_path, "--transcripts", CALLS, "--config", DETERMINISTIC, "--config", NO_LABS,
                             "--markdown", md, "--html", html)
    # Seven turns from three calls, in input order; the top level is the first configuration's §3 report.
    ids = ["X/1", "X/2", "X/3", "Y/1", "Y/2", "Y/3", "Z/1"]
    assert [c["id"] for c in report["cases"]] == ids
    assert [r["engine"]["config"] for r in report["runs"]] == ["deterministic", "no-labs"]
    assert report["cases"] == report["runs"][0]["cases"] and report["engine"]["config"] == "deterministic"
    for run in report["runs"]:
        assert [c["id"] for c in run["cases"]] == ids
        assert set(run["metrics"]["escalation"]) == {"precision", "recall", "f1", "support"}

    cmp = report["comparison"]
    assert (cmp["n_cases"], cmp["n_calls"]) == (6, 3)  # the agent greeting has no gold
    det, nolabs = cmp["configs"]["deterministic"], cmp["configs"]["no-labs"]
    # Deterministic: all 14 gold findings and nothing else.
    assert (det["metrics"]["micro"]["precision"], det["metrics"]["micro"]["recall"], det["metrics"]["micro"]["support"]) \
        == (1.0, 1.0, 14)
    assert det["call_clean_rate"] == 1.0 and det["wrong_cases"] == []
    # Without the labs specialist: 8 of 14 found (no out-of-range values, no medication effect, and the two
    # escalations only those values warrant), nothing extra; only call Z is clean.
    m = nolabs["metrics"]
    assert (m["micro"]["precision"], m["micro"]["recall"], m["micro"]["f1"]) == (1.0, round(8 / 14, 4), round(16 / 22, 4))
    assert (m["value_out_of_range"]["support"], m["value_out_of_range"]["recall"]) == (3, 0.0)
    assert (m["medication_effect"]["support"], m["medication_effect"]["recall"]) == (1, 0.0)
    assert (m["escalation"]["support"], m["escalation"]["recall"], m["escalation"]["f1"]) == (5, 0.6, 0.75)
    assert m["interaction"]["f1"] == 1.0
    assert nolabs["call_clean_rate"] == round(1 / 3, 4)
    assert nolabs["wrong_cases"] == ["X/2", "Y/2"]
    for entry in m.values():
        lo, hi = entry["f1_ci"]
        assert lo <= entry["f1"] <= hi
    diff = cmp["differences"]["no-labs - deterministic"]
    assert diff["micro"]["f1"] == round(16 / 22 - 1, 4)
    assert diff["micro"]["f1_ci"][0] < 0 and diff["micro"]["f1_ci"][1] <= 0
    assert diff["interaction"] == {"f1": 0.0, "f1_ci": [0.0, 0.0]}
    # Per-specialist latency: the labs specialist ran only in the first configuration.
    assert "labs" in det["latency"] and "labs" not in nolabs["latency"]
    assert all(v["p50_ms"] <= v["p95_ms"] <= v["max_ms"] for v in det["latency"].values())

    text = md.read_text()
    assert "| no-labs | deterministic | - | 1.000 | 0.571 | 0.727 [" in text
    assert "## Wrong cases: no-labs (2)" in text and "| X/2 | patient: My INR was 5.8" in text
    assert "value_out_of_range(inr, high)" in text
    page = html.read_text()
    assert page.count("<svg") >= 4 and "X/2" in page and "<script" not in page
    assert not re.search(r"""(?:src|href)=["']?https?:""", page)  # self-contained: nothing fetched
    assert "no-labs: call-level clean rate 0.3333, 2 cases wrong" in result.out


def test_transcripts_verify_identity_as_a_live_call_would(cli, tmp_path: Path) -> None:
    plan = str(EXAMPLES / "anticoagulation_warfarin.yaml")
    disclosure = "Your INR goal is 2 to 3 and your warfarin dose is 5 mg."
    calls = tmp_path / "calls.jsonl"
    calls.write_text(json.dumps({"id": "call", "care_plan": plan, "turns": [
        {"speaker": "agent", "text": disclosure},
        {"speaker": "patient", "text": "This is Margaret Chen, born September 2nd 1957."},
        {"speaker": "agent", "text": disclosure},
        {"speaker": "agent", "text": disclosure, "identity_verified": False},  # a turn's own flag wins
    ]}) + "\n")
    report, _ = _replay(cli, tmp_path, "--transcripts", calls)
    phi = [any(f["kind"] == "phi_before_verification" for f in c["findings"]) for c in report["cases"]]
    assert phi == [True, False, False, True]
    assert "metrics" in report and report["metrics"] == {}  # no gold: nothing scored


def test_cases_and_transcripts_mix_and_bad_transcripts_are_reported(cli, tmp_path: Path) -> None:
    plan = str(EXAMPLES / "anticoagulation_warfarin.yaml")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([
        json.dumps({"id": "case-1", "care_plan": plan, "turn": {"speaker": "patient", "text": "My INR was 5.8."},
                    "identity_verified": True}),
        json.dumps({"id": "t", "care_plan": plan, "turns": [{"speaker": "patient", "text": "Hello"},
                                                           {"speaker": "nurse", "text": "?"}]}),
        json.dumps({"id": "empty", "care_plan": plan, "turns": []}),
    ]) + "\n")
    report, result = _replay(cli, tmp_path, "--cases", mixed)
    assert [c["id"] for c in report["cases"]] == ["case-1", "t/1"]
    assert [e["line"] for e in report["errors"]] == [2, 3]
    assert "turns[1]" in report["errors"][0]["error"] and "line 3" in result.err


def test_a_case_whose_turn_is_not_an_object_is_that_cases_error(cli, tmp_path: Path) -> None:
    plan = str(EXAMPLES / "anticoagulation_warfarin.yaml")
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join([
        json.dumps({"id": "good", "care_plan": plan, "turn": {"speaker": "patient", "text": "My INR was 5.8."}}),
        json.dumps({"id": "bad", "care_plan": plan, "turn": 5}),
    ]) + "\n")
    report, _ = _replay(cli, tmp_path, "--cases", cases)
    by_id = {c["id"]: c for c in report["cases"]}
    assert by_id["good"]["findings"] and "error" not in by_id["good"]
    assert "turn" in by_id["bad"]["error"]


def test_stored_calls_are_replayed(cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'replay.sqlite3'}"
    with open_database(url).transaction() as s:
        plan = repository.save_care_plan(s, load_care_plan(EXAMPLES / "anticoagulation_warfarin.yaml"))
        call = repository.create_session(s, plan)
        repository.add_turn(s, call.id, repository.TurnData(index=1, patient_text=None, final_text="Hi, is this Maggie?",
                                                            verdict="approved"))
        repository.add_turn(s, call.id, repository.TurnData(index=2, patient_text="I took four Advil for my knee.",
                                                            final_text="Thanks for telling me.", verdict="approved"))
        call_id = call.id
    report, _ = _replay(cli, tmp_path, "--calls", "all")
    assert [c["id"] for c in report["cases"]] == [f"{call_id}/1", f"{call_id}/2", f"{call_id}/3"]
    advil = {(f["kind"], f.get("drug")) for f in report["cases"][1]["findings"]}
    assert {("interaction", "ibuprofen"), ("not_in_care_plan", "ibuprofen")} <= advil
    again, _ = _replay(cli, tmp_path, "--calls", call_id, name="one")
    assert [c["findings"] for c in again["cases"]] == [c["findings"] for c in report["cases"]]
    missing = cli("replay", "--calls", "no-such-call", "--out", tmp_path / "x.json", "--db", url)
    assert missing.code == 2 and "no stored call with id no-such-call" in missing.err


@pytest.mark.parametrize(("content", "message"), [
    ("name: x\nengine: deterministic\nspecialists: [medication, pharmacist]\n", "specialists: Value error, unknown specialist(s) pharmacist"),
    ("name: x\nengine: llm\n", "engine llm needs a model"),
    ("name: x\nengine: baseline\nmodel: {model: openai/gpt-4o, temprature: 0}\n", "model.temprature: Extra inputs are not permitted"),
    ("name: x\nengine: deterministic\nthresholds: {min_confidence: 1.5}\n", "thresholds.min_confidence"),
    ("name: x\nengine: quantum\n", "engine: Input should be 'deterministic', 'llm' or 'baseline'"),
    ("- just\n- a list\n", "a configuration must be a mapping"),
    ("name: [unclosed\n", "cannot read the configuration"),
    ("name: x\nengine: baseline\nmodel: {model: openai/gpt-4o, api_key_env: CONSTELLATION_TEST_NO_SUCH_KEY}\n",
     "CONSTELLATION_TEST_NO_SUCH_KEY (api_key_env) is not set"),
])
def test_bad_configurations_exit_2_with_the_field(cli, tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(content)
    result = cli("replay", "--transcripts", CALLS, "--config", config, "--out", tmp_path / "r.json",
                 "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.code == 2, result.err
    assert message in result.err and "Traceback" not in result.err
    assert not (tmp_path / "r.json").exists()


def test_sources_and_names_are_checked(cli, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    both = cli("replay", "--cases", CALLS, "--calls", "all", "--out", out)
    assert both.code == 2 and "exactly one of" in both.err
    assert cli("replay", "--out", out).code == 2
    twice = cli("replay", "--cases", CALLS, "--config", DETERMINISTIC, "--config", DETERMINISTIC, "--out", out)
    assert twice.code == 2 and "share the name deterministic" in twice.err
    assert not out.exists()


def test_every_shipped_configuration_is_valid() -> None:
    from evaluation.replay_config import CONFIGS_DIR, load_config

    shipped = sorted(CONFIGS_DIR.glob("*.yaml"))
    assert len(shipped) >= 5
    configs = [load_config(p) for p in shipped]
    assert {c.engine for c in configs} == {"deterministic", "llm", "baseline"}
    assert len({c.name for c in configs}) == len(configs)
