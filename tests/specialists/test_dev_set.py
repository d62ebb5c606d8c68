"""Format checks for the labelled development set (tests/data/dev): CONTRACT.md §3 case format,
canonical values in the gold findings, and the labelling conventions that can be checked mechanically
(see tests/data/dev/README.md). This does not run the specialists."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from careplans import ANALYTES, CarePlan, load

DEV = Path(__file__).resolve().parents[1] / "data" / "dev"
CASES_FILE = DEV / "cases.jsonl"

# CONTRACT.md §2 analyte keys, written out so that a change on either side is noticed.
CONTRACT_ANALYTES = {
    "potassium", "sodium", "glucose", "hba1c", "creatinine", "egfr", "bun", "inr", "hemoglobin", "platelets",
    "wbc", "tsh", "ldl", "alt", "ast", "magnesium", "bnp", "systolic_bp", "diastolic_bp", "heart_rate",
    "temperature", "spo2", "respiratory_rate", "weight",
}
LEVELS = ("routine", "urgent", "emergency")  # "none" is expressed by leaving the escalation out
CLAIM_TYPES = {"medication", "dose", "lab_value", "appointment", "diagnosis", "instruction"}
DIRECTIONS = {"low", "high"}
# CONTRACT.md §3: the keys of each finding kind, besides "kind".
KEYS = {
    "medication_mentioned": {"drug"},
    "not_in_care_plan": {"drug"},
    "missed_doses": {"drug"},
    "dose_exceeds_max": {"drug"},
    "contraindicated": {"drug"},
    "interaction": {"drug", "with"},
    "value_out_of_range": {"analyte", "direction"},
    "medication_effect": {"analyte", "drug"},
    "escalation": {"level"},
    "unsupported_claim": {"claim_type"},
    "phi_before_verification": set(),
}
DRUG_KEYS = {"drug", "with"}
CASE_KEYS = {"id", "care_plan", "history", "turn", "identity_verified", "expected", "note"}
DRUG_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[ -][a-z0-9]+)*$")
# Salt, release-form and brand words that never belong in a canonical (USAN) name of this set.
NOT_CANONICAL = {
    "succinate", "tartrate", "hcl", "hydrochloride", "sodium", "potassium", "er", "xl", "sr", "cd", "extended",
    "release", "delayed", "tablet", "capsule", "tylenol", "advil", "motrin", "aleve", "lasix", "coumadin",
    "eliquis", "zoloft", "ultram", "benadryl", "sudafed", "tums", "imodium", "nyquil", "excedrin", "paracetamol",
    "salbutamol", "lantus", "humalog",
}
# Names whose first word is the ion the product is named by (README "Products named by ingredient").
ION_NAMED = {"potassium chloride", "sodium phosphate", "sodium bicarbonate", "magnesium hydroxide", "calcium carbonate"}


def _lines() -> list[str]:
    return [line for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _cases() -> list[dict]:
    return [json.loads(line) for line in _lines()]


CASES = _cases()
IDS = [c.get("id", f"line-{i + 1}") for i, c in enumerate(CASES)]


@cache
def _plan(ref: str) -> CarePlan:
    return load(DEV / ref).plan


def _escalation(case: dict) -> str:
    levels = [f["level"] for f in case["expected"] if f["kind"] == "escalation"]
    return levels[0] if levels else "none"


# --- the file as a whole ---------------------------------------------------------------------------


def test_every_line_parses() -> None:
    for n, line in enumerate(_lines(), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"line {n}: {exc}")
        assert isinstance(obj, dict), f"line {n}: not a JSON object"


def test_ids_unique_and_enough_cases() -> None:
    ids = [c["id"] for c in CASES]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    assert not dupes, f"duplicate ids: {dupes}"
    assert len(CASES) >= 240


def test_contract_analytes_match_the_project() -> None:
    assert set(ANALYTES) == CONTRACT_ANALYTES


def test_plans_load_and_enough_patients() -> None:
    refs = sorted({c["care_plan"] for c in CASES})
    plans = {ref: _plan(ref) for ref in refs}  # raises CarePlanError on a broken plan
    patients = {p.patient.name for p in plans.values()}
    assert len(patients) >= 10
    fhir = [ref for ref in refs if load(DEV / ref).format == "fhir"]
    assert len(fhir) >= 3, "at least three plans are FHIR R4 Bundles"
    # every plan file in plans/ is used and loads
    on_disk = sorted(f"plans/{p.name}" for p in (DEV / "plans").iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    assert on_disk == refs


def test_every_kind_has_enough_positive_cases() -> None:
    positives = Counter(k for c in CASES for k in {f["kind"] for f in c["expected"]})
    short = {k: positives[k] for k in KEYS if positives[k] < 12}
    assert not short, f"kinds with fewer than 12 positive cases: {short}"
    for level in LEVELS:
        assert sum(_escalation(c) == level for c in CASES) >= 12, level


def test_a_fair_share_of_empty_cases() -> None:
    empty = sum(not c["expected"] for c in CASES)
    assert 0.15 <= empty / len(CASES) <= 0.40


# --- one case at a time ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_shape(case: dict) -> None:
    assert set(case) == CASE_KEYS, f"keys {sorted(set(case) ^ CASE_KEYS)}"
    assert isinstance(case["id"], str) and case["id"].strip()
    assert isinstance(case["care_plan"], str) and not Path(case["care_plan"]).is_absolute()
    assert isinstance(case["identity_verified"], bool)
    assert isinstance(case["note"], str) and case["note"].strip()
    assert isinstance(case["history"], list)
    for h in case["history"]:
        assert set(h) == {"speaker", "text"} and h["speaker"] in {"agent", "patient"} and h["text"].strip()
    turn = case["turn"]
    assert set(turn) == {"speaker", "text"} and turn["speaker"] in {"agent", "patient"} and turn["text"].strip()
    assert isinstance(case["expected"], list)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_findings_have_contract_keys_and_canonical_values(case: dict) -> None:
    seen = set()
    for f in case["expected"]:
        kind = f.get("kind")
        assert kind in KEYS, f"unknown kind {kind!r}"
        assert set(f) - {"kind"} == KEYS[kind], f"{kind}: keys {sorted(set(f) - {'kind'})}, want {sorted(KEYS[kind])}"
        for key in DRUG_KEYS & set(f):
            name = f[key]
            assert isinstance(name, str) and DRUG_NAME.match(name), f"{kind}.{key} {name!r} is not a lower-case generic name"
            words = set(name.split())
            assert name in ION_NAMED or not (words & NOT_CANONICAL), f"{kind}.{key} {name!r} is not canonical"
        if "analyte" in f:
            assert f["analyte"] in CONTRACT_ANALYTES, f"analyte {f['analyte']!r}"
            assert f["analyte"] != "weight" or kind != "value_out_of_range", "weight has no range"
        if "direction" in f:
            assert f["direction"] in DIRECTIONS
        if "level" in f:
            assert f["level"] in LEVELS, f"level {f['level']!r} (omit the finding for none)"
        if "claim_type" in f:
            assert f["claim_type"] in CLAIM_TYPES
        key = json.dumps(f, sort_keys=True)
        assert key not in seen, f"duplicate finding {f}"
        seen.add(key)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_labelling_conventions(case: dict) -> None:
    expected = case["expected"]
    kinds = [f["kind"] for f in expected]
    assert kinds.count("escalation") <= 1, "at most one escalation per case"
    plan = _plan(case["care_plan"])
    on_plan = {m.name for m in plan.medications}
    agent = case["turn"]["speaker"] == "agent"
    if agent:
        assert "medication_mentioned" not in kinds, "agent drafts never carry medication_mentioned"
        assert set(kinds) <= {"unsupported_claim", "phi_before_verification"}, "agent drafts: only claim and PHI findings"
    else:
        assert not {"unsupported_claim", "phi_before_verification"} & set(kinds), "claim and PHI findings are for agent drafts"
    if "phi_before_verification" in kinds:
        assert case["identity_verified"] is False
    mentioned = {f["drug"] for f in expected if f["kind"] == "medication_mentioned"}
    out_of_range = {f["analyte"] for f in expected if f["kind"] == "value_out_of_range"}
    level = _escalation(case)
    for f in expected:
        kind = f["kind"]
        if kind in {"not_in_care_plan", "missed_doses", "dose_exceeds_max", "contraindicated", "interaction"}:
            assert f["drug"] in mentioned, f"{kind} {f['drug']} without medication_mentioned"
        if kind == "not_in_care_plan":
            assert f["drug"] not in on_plan, f"{f['drug']} is on the plan"
        if kind == "missed_doses":
            assert f["drug"] in on_plan, f"missed dose of {f['drug']}, which is not on the plan"
        if kind == "interaction":
            assert f["with"] in on_plan and f["drug"] != f["with"]
        if kind == "medication_effect":
            assert f["drug"] in on_plan, f"medication_effect names {f['drug']}, not a plan drug"
            assert f["analyte"] in out_of_range, "medication_effect needs a value_out_of_range for the same analyte"
    if "not_in_care_plan" in kinds or {"missed_doses", "contraindicated", "interaction", "value_out_of_range"} & set(kinds):
        assert level != "none", "these findings warrant at least a routine escalation"
    if "dose_exceeds_max" in kinds:
        assert level in {"urgent", "emergency"}, "intake above the labelled maximum is urgent"
