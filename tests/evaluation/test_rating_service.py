"""Rating a call end to end in storage: access checks, drafts, submit locks, audited amendments, CSV both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from careplans import load_care_plan
from constellation.storage import open_database, repository
from constellation.storage.models import Assignment, Rating, RatingAudit
from evaluation.accounts import create_account
from evaluation.forms import default_form
from evaluation.rating_service import AccessDenied, amend, export_csv, import_csv, load_rating, save_draft, submit
from evaluation.ratings_csv import parse_ratings
from tests.conftest import EXAMPLES

ANSWERS = {"medical_safety": 5, "clinical_readiness": 4, "patient_education": 4, "conversational_quality": 3,
           "bedside_manner": 5, "escalated_appropriately": "yes", "would_allow": "unsure",
           "best_dimension": "safety", "comments": "Warm and careful."}


def test_rating_lifecycle(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    form = default_form()
    with db.transaction() as s:
        plan = repository.save_care_plan(s, load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml"))
        call = repository.create_session(s, plan).id
        other_call = repository.create_session(s, plan).id
        ana = create_account(s, "ana", "a long password 1", clinical_role="RN", specialty="cardiology",
                             years_experience=12, demographics={"gender": "woman"}, consent=True)
        ben = create_account(s, "ben", "a long password 2", clinical_role="MD")
        create_account(s, "admin", "a long password 3", role="admin")
        s.add_all([Assignment(session_id=call, rater_id=ana.id), Assignment(session_id=call, rater_id=ben.id)])
        s.flush()
        with pytest.raises(AccessDenied):
            load_rating(s, ana, other_call, form)  # not assigned
        save_draft(s, ana, call, form, {"medical_safety": 5}, {(2, "poor bedside manner"): "abrupt"})
    with db.transaction() as s:  # a new session (a closed browser): the draft is there
        ana = repository.get_rater(s, "ana")
        state = load_rating(s, ana, call, form)
        assert state.answers == {"medical_safety": 5} and not state.submitted
        assert state.flags == {(2, "poor bedside manner"): "abrupt"}
        with pytest.raises(Exception, match="required"):
            submit(s, ana, call, form, {"medical_safety": 5})
        submit(s, ana, call, form, ANSWERS, state.flags)
        with pytest.raises(Exception, match="locked"):
            save_draft(s, ana, call, form, {"medical_safety": 1})
        assert load_rating(s, ana, call, form).answers["would_allow"] == "unsure"
        row = s.query(Rating).filter_by(rater_id=ana.id, question="medical_safety").one()
        with pytest.raises(AccessDenied):
            amend(s, repository.get_rater(s, "ben"), row, value=1.0, text=None, reason="no")
        with pytest.raises(Exception, match="reason"):
            amend(s, ana, row, value=4.0, text=None, reason=" ")
        amend(s, repository.get_rater(s, "admin"), row, value=4.0, text=None, reason="rater asked by email")
        audit = s.query(RatingAudit).one()
        assert (audit.old_value, audit.new_value, audit.reason) == (5.0, 4.0, "rater asked by email")
        exported = export_csv(s)
    data = parse_ratings(exported)
    assert data.raters == ["ana"] and data.attributes["role"]["ana"] == "RN"
    assert data.attributes["gender"]["ana"] == "woman"  # consented demographics only
    assert "comments" not in data.questions and "turn_flag:2:poor bedside manner" not in data.questions
    assert data.questions["medical_safety"][0, 0] == 4.0
    assert data.questions["would_allow"][0, 0] != data.questions["would_allow"][0, 0]  # unsure -> empty (NaN)

    other = open_database(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    with other.transaction() as s:
        assert import_csv(s, exported) == sum(int((m == m).sum()) for m in data.questions.values())
        imported = repository.get_rater(s, "ana")
        assert imported.clinical_role == "RN" and not imported.active
        again = export_csv(s)
    # Every number survives the round trip (empty values are missing ratings: not stored, not exported).
    back = parse_ratings(again).questions
    assert {q: m[0, 0] for q, m in back.items()} == {q: m[0, 0] for q, m in data.questions.items() if m[0, 0] == m[0, 0]}
