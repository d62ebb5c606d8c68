"""Portal foundations: forms from YAML, Argon2 accounts, balanced assignments."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from constellation.errors import UserError
from constellation.storage import open_database
from evaluation.accounts import authenticate, create_account
from evaluation.assignments import plan_assignments
from evaluation.forms import default_form, load_form


def test_default_form_covers_the_polaris_dimensions() -> None:
    form = default_form()
    ids = {q.id for q in form.questions}
    assert {"medical_safety", "clinical_readiness", "patient_education", "conversational_quality",
            "bedside_manner", "would_allow"} <= ids
    assert form.turn_flags == ["unsafe", "incorrect", "poor bedside manner"]


def test_answers_are_validated_and_coded() -> None:
    form = default_form()
    with pytest.raises(UserError) as err:
        form.validate_answers({"medical_safety": 7, "would_allow": "maybe", "bogus": 1}, final=True)
    message = str(err.value)
    assert "medical_safety: must be 1 to 5" in message and "would_allow: must be yes, no or unsure" in message
    assert "bogus: not a question" in message and "bedside_manner: required" in message
    draft = form.validate_answers({"medical_safety": 4}, final=False)  # a draft may be incomplete
    assert draft == {"medical_safety": 4}
    assert form.code("would_allow", "yes") == 1.0 and form.code("would_allow", "unsure") is None
    assert form.code("best_dimension", "education") == 3.0 and form.code("comments", "fine") is None


def test_bad_form_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "f.yaml"
    bad.write_text("key: f\nversion: 1\ntitle: t\nquestions:\n  - {id: a, text: A, type: choice}\n"
                   "  - {id: a, text: B, type: likert5}\n")
    with pytest.raises(UserError, match="choice needs at least two options"):
        load_form(bad)


def test_accounts_hash_and_check_passwords(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with db.transaction() as s:
        rater = create_account(s, "Nurse.Ana", "correct horse battery", clinical_role="RN", years_experience=12)
        assert rater.password_hash.startswith("$argon2id$") and "correct horse" not in rater.password_hash
        with pytest.raises(UserError, match="taken"):
            create_account(s, "nurse.ana", "another password here")
        with pytest.raises(UserError, match="at least 10"):
            create_account(s, "bob", "short")
        with pytest.raises(UserError, match="consent"):
            create_account(s, "carl", "long enough password", demographics={"gender": "man"})
    with db.transaction() as s:
        assert authenticate(s, "nurse.ana", "correct horse battery") is not None
        assert authenticate(s, "NURSE.ANA", "wrong password!!") is None
        assert authenticate(s, "nobody", "correct horse battery") is None


def test_assignments_are_balanced_across_raters_and_groups() -> None:
    raters = {f"r{i}": ("RN", "NP", "MD")[i % 3] for i in range(9)}
    calls = [f"c{i}" for i in range(30)]
    plan = plan_assignments(calls, raters, 3, seed=1)
    assert all(len(set(rs)) == 3 for rs in plan.values())
    load = Counter(r for rs in plan.values() for r in rs)
    assert max(load.values()) - min(load.values()) <= 1  # 90 ratings over 9 raters: 10 each
    assert all(len({raters[r] for r in rs}) == 3 for rs in plan.values())  # one of each group per call
    again = plan_assignments(calls, raters, 4, existing={c: set(rs) for c, rs in plan.items()}, seed=1)
    assert all(len(rs) == 1 and rs[0] not in plan[c] for c, rs in again.items())
    with pytest.raises(UserError, match="only 9 raters"):
        plan_assignments(calls, raters, 10)


def test_add_user_cli(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'u.sqlite3'}"
    monkeypatch.setenv("CONSTELLATION_NEW_PASSWORD", "an admin password")
    r = cli("ratings", "add-user", "Boss", "--admin", "--db", url)
    assert r.code == 0 and "created admin boss" in r.err and "an admin password" not in r.err + r.out
    assert cli("ratings", "add-user", "boss", "--db", url).code == 2  # taken
    monkeypatch.setenv("CONSTELLATION_NEW_PASSWORD", "short")
    assert cli("ratings", "add-user", "cara", "--db", url).code == 2
    with open_database(url).transaction() as s:
        assert authenticate(s, "boss", "an admin password").role == "admin"
