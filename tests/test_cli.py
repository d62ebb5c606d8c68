"""The command line: exit codes 0/2/1, one clear message, no traceback, nothing written on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplans import load_care_plan
from tests.conftest import EXAMPLES, ROOT

BAD_PLANS = {
    "empty.yaml": ("", "file is empty"),
    "syntax.yaml": ("id: p1\npatient:\n  name: Ann\n   date_of_birth: 1950-01-01\n", "line 4, column"),
    "noname.yaml": ('id: p1\npatient: {name: Ann Lee, date_of_birth: "1950-01-01"}\nmedications:\n  - {dose: {value: 1, unit: mg}}\n',
                    "medications[0].name (line 4): Field required"),
    "dob.yaml": ('id: p1\npatient: {name: Ann Lee, date_of_birth: "1950-02-30"}\n', "patient.date_of_birth (line 2)"),
    "unit.yaml": ('id: p1\npatient: {name: Ann Lee, date_of_birth: "1950-01-01"}\nlabs:\n  - {analyte: glucose, value: 5, unit: bananas}\n',
                  "labs[0] (line 4): unknown unit 'bananas'"),
    "dupes.yaml": ('id: p1\npatient: {name: Ann Lee, date_of_birth: "1950-01-01"}\nchecklist:\n  - {id: a, text: x}\n  - {id: a, text: y}\n',
                   "duplicate checklist id 'a'"),
}


def test_help_everywhere(cli) -> None:
    for args in (["--help"], ["careplan", "--help"], ["careplan", "validate", "--help"],
                 ["careplan", "import-fhir", "--help"], ["db", "--help"], ["db", "upgrade", "--help"],
                 ["db", "current", "--help"], ["ui", "--help"]):
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert "Usage" in result.out


def test_validate_examples(cli) -> None:
    for path in EXAMPLES.glob("*.yaml"):
        result = cli("careplan", "validate", path)
        assert result.code == 0, result.err
        assert result.out.startswith(f"OK {path}")


@pytest.mark.parametrize("name", sorted(BAD_PLANS))
def test_validate_bad_input_exit_2_one_message(cli, tmp_path: Path, name: str) -> None:
    text, expected = BAD_PLANS[name]
    path = tmp_path / name
    path.write_text(text)
    result = cli("careplan", "validate", path)
    assert result.code == 2
    assert expected in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_validate_binary_huge_and_missing(cli, tmp_path: Path) -> None:
    binary = tmp_path / "plan.yaml"
    binary.write_bytes(bytes(range(256)) * 4)
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (10 * 1024 * 1024 + 10))
    for path, message in ((binary, "binary file"), (huge, "limit is 10 MB"), (tmp_path / "nope.yaml", "file not found")):
        result = cli("careplan", "validate", path)
        assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_usage_errors_exit_2(cli) -> None:
    assert cli("careplan", "validate").code == 2
    assert cli("no-such-command").code == 2
    assert cli("careplan", "import-fhir", "x.json").code == 2  # --out missing


def test_import_fhir_samples_round_trip(cli, tmp_path: Path, samples: Path) -> None:
    for bundle in sorted((samples / "fhir").glob("*.json")):
        for suffix in (".yaml", ".json"):
            out = tmp_path / f"{bundle.stem}{suffix}"
            result = cli("careplan", "import-fhir", bundle, "--out", out)
            assert result.code == 0, result.err
            assert out.exists()
            check = cli("careplan", "validate", out)
            assert check.code == 0, check.err
            # The bundle itself is accepted wherever a care plan is.
            direct = cli("careplan", "validate", bundle)
            assert direct.code == 0, direct.err
            assert load_care_plan(out).content_hash() == load_care_plan(bundle).content_hash()


def test_import_fhir_bad_input_writes_nothing(cli, tmp_path: Path, samples: Path) -> None:
    bundle = json.loads((samples / "fhir" / "htn_t2dm_gout.json").read_text())
    broken = json.loads(json.dumps(bundle))
    for entry in broken["entry"]:
        if entry["resource"]["resourceType"] == "MedicationRequest":
            entry["resource"]["subject"]["reference"] = "urn:uuid:does-not-exist"
            break
    cases = {
        "broken_ref.json": json.dumps(broken),
        "not_bundle.yaml": "id: p1\n",
        "empty.json": "",
        "syntax.json": '{"resourceType": "Bundle", ',
    }
    for name, text in cases.items():
        src = tmp_path / name
        src.write_text(text)
        out = tmp_path / f"out-{name}.yaml"
        result = cli("careplan", "import-fhir", src, "--out", out)
        assert result.code == 2, (name, result.err)
        assert "Traceback" not in result.err
        assert not out.exists(), name
    assert "does-not-exist" in cli("careplan", "import-fhir", tmp_path / "broken_ref.json", "--out", tmp_path / "o.yaml").err
    good = samples / "fhir" / "htn_t2dm_gout.json"
    assert cli("careplan", "import-fhir", good, "--out", tmp_path / "plan.txt").code == 2
    assert cli("careplan", "import-fhir", good, "--out", tmp_path / "missing-dir" / "plan.yaml").code == 2
    assert not list(tmp_path.glob(".*tmp-*"))


def test_debug_shows_traceback(cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    assert "Traceback" in cli("--debug", "careplan", "validate", path).err
    os.environ.pop("CONSTELLATION_DEBUG", None)


def test_installed_console_script() -> None:
    """The real `constellation` executable, as a user runs it."""
    exe = Path(sys.executable).with_name("constellation")
    assert exe.exists(), "the project is not installed in this environment"
    ok = subprocess.run([exe, "careplan", "validate", EXAMPLES / "post_operative_knee.yaml"],
                        capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([exe, "careplan", "validate", "/nonexistent/plan.yaml"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "file not found" in bad.stderr and "Traceback" not in bad.stderr
