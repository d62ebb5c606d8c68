"""The evaluation portal in AppTest: login is required, a wrong password is refused, a rater cannot reach
another rater's call (not even by editing the page's query parameters) or the admin pages, a draft is
saved and restored in a new browser session, and submitting locks the rating."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from careplans import load_care_plan
from constellation.storage import open_database, repository
from constellation.storage.models import Assignment, Rating
from evaluation.accounts import create_account
from tests.conftest import EXAMPLES, ROOT

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    monkeypatch.setenv("CONSTELLATION_DB", url)
    db = open_database(url)
    with db.transaction() as s:
        plan = repository.save_care_plan(s, load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml"))
        mine, theirs = repository.create_session(s, plan), repository.create_session(s, plan)
        for call in (mine, theirs):
            repository.add_turn(s, call.id, repository.TurnData(index=1, patient_text="Hello?", final_text="Hi Walt.",
                                                                verdict="approved"))
            repository.end_session(s, call.id)
        ana = create_account(s, "ana", "ana's long password", clinical_role="RN")
        ben = create_account(s, "ben", "ben's long password", clinical_role="MD")
        create_account(s, "boss", "the admin's password", role="admin")
        s.add_all([Assignment(session_id=mine.id, rater_id=ana.id), Assignment(session_id=theirs.id, rater_id=ben.id)])
    return {"url": url, "mine": mine.id, "theirs": theirs.id}


def _page(page: str, user: str | None = None, password: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    if user:
        at.text_input(key="portal_username").input(user)
        at.text_input(key="portal_password").input(password or "")
        at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception
    return at


def test_login_is_required_and_wrong_passwords_are_refused(portal: dict[str, str]) -> None:
    for page in ("portal_rate", "portal_admin", "portal_analysis"):
        at = _page(page)
        assert any("Log in" in h.value for h in at.subheader) and not at.title[1:]
    at = _page("portal_rate", "ana", "not her password")
    assert any("Wrong username or password" in e.value for e in at.error)
    assert not any(t.value == "Rate calls" for t in at.title)


def test_a_rater_sees_only_their_calls_and_no_admin_pages(portal: dict[str, str]) -> None:
    at = _page("portal_rate", "ana", "ana's long password")
    assert any(t.value == "Rate calls" for t in at.title)
    assert at.selectbox(key="rate_call").options == [f"call {portal['mine'][:8]} " + o.split(" ", 2)[2]
                                                     for o in at.selectbox(key="rate_call").options]
    assert len(at.selectbox(key="rate_call").options) == 1
    tampered = _page("portal_rate", "ana", "ana's long password", call=portal["theirs"])
    assert any("not assigned to you" in e.value for e in tampered.error)
    assert not any("Hi Walt" in m.value for m in tampered.markdown)
    for page in ("portal_admin", "portal_analysis"):
        at = _page(page, "ana", "ana's long password")
        assert any("for portal administrators" in e.value for e in at.error)


def _fill(at: AppTest, call_id: str, answers: dict[str, object]) -> None:
    for qid, value in answers.items():
        at.radio(key=f"q_{call_id}_{qid}").set_value(value)


def test_draft_is_restored_and_submit_locks(portal: dict[str, str]) -> None:
    call_id = portal["mine"]
    at = _page("portal_rate", "ana", "ana's long password")
    _fill(at, call_id, {"medical_safety": 4})
    at.run()  # no button: the change alone is saved as a draft
    assert not at.exception and any("Draft saved" in c.value for c in at.caption)

    again = _page("portal_rate", "ana", "ana's long password")  # a new browser session
    assert again.radio(key=f"q_{call_id}_medical_safety").value == 4
    again.button(key="rate_submit").click().run()
    assert any("required" in e.value for e in again.error)  # incomplete: refused, nothing locked
    _fill(again, call_id, {"clinical_readiness": 3, "patient_education": 4, "conversational_quality": 4,
                           "bedside_manner": 5, "escalated_appropriately": "yes", "would_allow": "yes"})
    again.button(key="rate_submit").click().run()
    assert any("locked" in s.value for s in again.success)
    assert again.radio(key=f"q_{call_id}_medical_safety").disabled
    assert not [b for b in again.button if b.key in ("rate_save", "rate_submit")]
    db = open_database(portal["url"])
    with db.transaction() as s:
        rows = s.query(Rating).filter_by(item_id=call_id).all()
        assert rows and all(r.status == "submitted" for r in rows)


def test_admin_creates_a_rater_and_sees_the_analysis(portal: dict[str, str]) -> None:
    at = _page("portal_admin", "boss", "the admin's password")
    assert any(t.value == "Portal administration" for t in at.title)
    at.text_input(key="new_username").input("cara")
    at.text_input(key="new_password").input("cara's long password")
    at.selectbox(key="new_clinical").set_value("NP")
    next(b for b in at.button if b.label == "Create account").click().run()
    assert any("Created cara" in s.value for s in at.success)
    at = _page("portal_analysis", "boss", "the admin's password")
    assert any("No submitted ratings yet" in i.value for i in at.info)

    at = _page("portal_admin", "boss", "the admin's password")  # assign both ended calls to 2 raters each
    at.multiselect(key="assign_calls").set_value([portal["mine"], portal["theirs"]])
    at.number_input(key="assign_k").set_value(2).run()
    at.button(key="assign_go").click().run()
    assert any("2 assignments added" in s.value for s in at.success)  # each call had one rater: one more each
    with open_database(portal["url"]).transaction() as s:
        per_call = {c: s.query(Assignment).filter_by(session_id=c).count() for c in (portal["mine"], portal["theirs"])}
        assert per_call == {portal["mine"]: 2, portal["theirs"]: 2}


def test_analysis_page_agrees_with_the_cli(portal: dict[str, str], cli, tmp_path: Path) -> None:  # noqa: ANN001
    import json

    from evaluation.rating_service import export_csv

    db = open_database(portal["url"])
    with db.transaction() as s:
        raters = [create_account(s, f"r{i}", "a long password!", clinical_role=("RN", "MD")[i % 2]) for i in range(4)]
        calls = [repository.create_session(s, repository.get_session(s, portal["mine"]).care_plan).id for _ in range(6)]
        for c_ix, call in enumerate(calls):
            for r_ix, rater in enumerate(raters):
                value = float(1 + (c_ix + (r_ix % 2)) % 5)
                repository.save_rating(s, rater.id, call, "medical_safety", value, status="submitted")
        csv_path = tmp_path / "ratings.csv"
        csv_path.write_text(export_csv(s))
    out = tmp_path / "report.json"
    assert cli("ratings", "agreement", "--ratings", csv_path, "--out", out, "--group-by", "role").code == 0
    expected = json.loads(out.read_text())["questions"]["medical_safety"]

    at = _page("portal_analysis", "boss", "the admin's password")
    at.selectbox(key="analysis_group").set_value("role").run()
    table = at.dataframe[0].value.set_index("question")
    for stat in ("alpha_nominal", "alpha_ordinal", "alpha_interval", "ac1"):
        assert table.loc["medical_safety", stat] == pytest.approx(expected[stat])
    groups = at.dataframe[1].value.set_index("group")
    for group in ("MD", "RN"):
        assert groups.loc[group, "irr"] == pytest.approx(expected["groups"][group]["irr"], nan_ok=True)
        assert groups.loc[group, "xrr"] == pytest.approx(expected["groups"][group]["xrr"])


def test_admin_amends_a_submitted_rating_with_a_reason(portal: dict[str, str]) -> None:
    from constellation.storage.models import RatingAudit

    db = open_database(portal["url"])
    with db.transaction() as s:
        ana = repository.get_rater(s, "ana")
        repository.save_rating(s, ana.id, portal["mine"], "medical_safety", 2.0, status="submitted")
    at = _page("portal_admin", "boss", "the admin's password")
    at.number_input(key="amend_value").set_value(4.0)
    at.button(key="amend_go").click().run()
    assert any("reason" in e.value for e in at.error)  # no reason: refused
    at.text_input(key="amend_reason").input("the rater mis-clicked; confirmed by phone")
    at.button(key="amend_go").click().run()
    assert any("audit trail" in s.value for s in at.success)
    with db.transaction() as s:
        audit = s.query(RatingAudit).one()
        assert (audit.old_value, audit.new_value) == (2.0, 4.0) and "mis-clicked" in audit.reason
