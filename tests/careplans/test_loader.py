"""Loading care plans: every problem reported at once with its field path and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careplans import CarePlanError, load, load_care_plan
from careplans.loader import dump_yaml, load_from_text
from tests.conftest import EXAMPLES

MINIMAL = """\
id: p1
patient:
  name: Ann Lee
  date_of_birth: "1950-04-01"
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(CarePlanError) as info:
        load_from_text(text, "plan.yaml")
    return [str(p) for p in info.value.problems]


def test_examples_load_and_cover_the_three_scenarios() -> None:
    plans = {p.stem: load_care_plan(p) for p in EXAMPLES.glob("*.yaml")}
    assert {"heart_failure_ckd_diabetes", "anticoagulation_warfarin", "post_operative_knee"} <= set(plans)
    hf = plans["heart_failure_ckd_diabetes"]
    assert {m.name for m in hf.medications} >= {"furosemide", "spironolactone", "lisinopril", "insulin glargine"}
    assert any("kidney" in c.name.lower() for c in hf.conditions)
    assert plans["anticoagulation_warfarin"].target("inr") is not None
    for plan in plans.values():
        assert plan.checklist and plan.medications and plan.appointments and plan.escalation_contacts


def test_units_are_normalised_and_originals_kept() -> None:
    hf = load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml")
    weight = hf.latest("weight")
    assert weight is not None and weight.unit == "[lb_av]"
    assert weight.original_unit == "kg" and weight.original_value == 89.4
    assert weight.value == pytest.approx(89.4 * 2.20462, rel=1e-4)
    postop = load_care_plan(EXAMPLES / "post_operative_knee.yaml")
    temp = postop.latest("temperature")
    assert temp is not None and temp.value == pytest.approx(37.4 * 9 / 5 + 32)


def test_glucose_target_in_mmol_per_litre_becomes_mg_per_dl() -> None:
    plan = load_from_text(MINIMAL + "targets:\n  - {analyte: glucose, low: 4.4, high: 10.0, unit: mmol/L}\n", "p").plan
    target = plan.target("glucose")
    assert target is not None and target.unit == "mg/dL"
    assert target.low == pytest.approx(79.3, abs=0.2) and target.high == pytest.approx(180.2, abs=0.2)


def test_round_trip_through_yaml_is_lossless() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        plan = load_care_plan(path)
        again = load_from_text(dump_yaml(plan), "again").plan
        assert again.content_hash() == plan.content_hash()


def test_json_and_yaml_give_the_same_plan(tmp_path: Path) -> None:
    plan = load_care_plan(EXAMPLES / "anticoagulation_warfarin.yaml")
    as_json = tmp_path / "plan.json"
    as_json.write_text(plan.model_dump_json())
    loaded = load(as_json)
    assert loaded.format == "json" and loaded.plan.content_hash() == plan.content_hash()


def test_every_problem_is_reported_at_once_with_paths_and_lines() -> None:
    text = MINIMAL.replace('"1950-04-01"', '"1961-02-30"') + """\
medications:
  - name: furosemide
  - dose: {value: 40, unit: mg}
labs:
  - {analyte: potassium, value: 4.1, unit: furlongs}
  - {analyte: unobtainium, value: 3}
checklist:
  - {id: meds, text: Review medicines}
  - {id: meds, text: Again}
"""
    problems = _problems(text)
    assert len(problems) == 5, problems
    joined = "\n".join(problems)
    assert "patient.date_of_birth (line 4)" in joined
    assert "medications[1].name (line 7): Field required" in joined
    assert "labs[0] (line 9)" in joined and "'furlongs'" in joined
    assert "unknown analyte 'unobtainium'" in joined
    assert "duplicate checklist id 'meds'" in joined


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "file is empty"),
        ("   \n\n", "file is empty"),
        ("id: [unclosed\npatient: {}\n", "YAML syntax error"),
        ('{"id": "x", "patient": ', "JSON syntax error"),
        ("- just\n- a list\n", "expected a mapping"),
        (MINIMAL.replace('"1950-04-01"', '"2090-01-01"'), "in the future"),
        (MINIMAL + "medications:\n  - {name: '  '}\n", "medication name must not be empty"),
        (MINIMAL + "targets:\n  - {analyte: potassium, low: 5.0, high: 3.5}\n", "above high"),
        (MINIMAL + "favourite_colour: blue\n", "favourite_colour (line 5): unknown field"),
        (MINIMAL + "targets:\n  - {analyte: inr, low: 2}\n  - {analyte: inr, high: 3}\n", "more than one target for inr"),
    ],
)
def test_bad_documents(text: str, expected: str) -> None:
    with pytest.raises(CarePlanError) as info:
        load_from_text(text, "plan.yaml")
    assert expected in info.value.describe()


def test_yaml_syntax_error_reports_line_and_column() -> None:
    with pytest.raises(CarePlanError) as info:
        load_from_text("id: p1\npatient:\n  name: Ann\n   date_of_birth: 1950-01-01\n", "plan.yaml")
    problem = info.value.problems[0]
    assert problem.line == 4 and problem.column is not None


def test_binary_and_huge_files(tmp_path: Path) -> None:
    binary = tmp_path / "plan.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CarePlanError, match="binary file"):
        load(binary)
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (10 * 1024 * 1024 + 1))
    with pytest.raises(CarePlanError, match="limit is 10 MB"):
        load(huge)
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("name: Jos\xe9".encode("latin-1"))
    with pytest.raises(CarePlanError, match="not UTF-8"):
        load(latin1)


def test_a_single_fhir_resource_is_not_a_plan() -> None:
    with pytest.raises(CarePlanError, match="give a Bundle"):
        load_from_text(json.dumps({"resourceType": "Patient", "id": "x"}), "patient.json")
