"""The repository functions, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from constellation.storage import (
    CallSession,
    CarePlanRecord,
    Database,
    Draft,
    DraftData,
    Escalation,
    EscalationData,
    Finding,
    FindingData,
    Rater,
    Rating,
    RatingForm,
    Turn,
    TurnData,
    add_escalation,
    add_turn,
    create_session,
    end_session,
    get_care_plan,
    list_care_plans,
    list_escalations,
    list_ratings,
    save_care_plan,
    save_rating,
    save_rating_form,
    set_escalation_status,
    upsert_rater,
)

from .conftest import make_plan


def _count(db: Database, model: type[Any]) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _new_call(db: Database) -> str:
    with db.transaction() as s:
        plan = save_care_plan(s, make_plan())
        return create_session(s, plan, engine={"primary": "scripted", "specialists": "core", "model": None}).id


def _expect_integrity_error(db: Database, work: Callable[[Session], object]) -> None:
    with pytest.raises(IntegrityError), db.transaction() as s:
        work(s)
        s.flush()


def _turn_data(**changes: Any) -> TurnData:
    data: dict[str, Any] = dict(
        patient_text="I took four Advil and my weight is up three pounds",
        final_text="Thank you. I'm flagging this for your nurse to call you today.",
        verdict="revised",
        escalation_level="urgent",
        timings={"specialists": 1.5, "primary": 0.4, "verify": 0.9, "total": 3.1},
        findings=[
            FindingData("medication", "medication_mentioned", {"drug": "ibuprofen"}, evidence={"span": "Advil"}),
            FindingData("medication", "interaction", {"drug": "ibuprofen", "with": "furosemide"}, message="NSAID"),
        ],
        drafts=[
            DraftData(0, "Ibuprofen is fine, take 800 mg.", "failed",
                      failures=[{"checker": "medication", "reason": "dose advice"}],
                      findings=[FindingData("hallucination", "unsupported_claim", {"claim_type": "dose"})]),
            DraftData(1, "Thank you. I'm flagging this for your nurse to call you today.", "approved"),
        ],
        escalations=[EscalationData("urgent", "interacting drug taken", brief={"summary": "ibuprofen with HF"})],
    )
    data.update(changes)
    return TurnData(**data)


# ---- care plans ------------------------------------------------------------------------------

def test_care_plans_are_versioned_by_content_hash(db: Database) -> None:
    original = make_plan()
    changed = make_plan(title="Heart failure follow-up (after clinic visit)")
    with db.transaction() as s:
        v1 = save_care_plan(s, original)
        assert (v1.plan_key, v1.version, v1.content_hash) == ("plan-a", 1, original.content_hash())
        assert save_care_plan(s, make_plan()).id == v1.id  # same content: same row
        v2 = save_care_plan(s, changed)
        assert v2.version == 2 and v2.id != v1.id
        assert save_care_plan(s, original).id == v1.id  # back to old content: the old version
        other = save_care_plan(s, make_plan("plan-b"))
        assert other.version == 1
    with db.session() as s:
        latest = get_care_plan(s, "plan-a")
        assert latest is not None and latest.version == 2 and latest.title == changed.title
        first = get_care_plan(s, "plan-a", version=1)
        assert first is not None and first.to_plan() == original
        assert first.patient_name == "Ada Example"
        assert get_care_plan(s, "plan-a", version=9) is None
        assert get_care_plan(s, "nope") is None
        assert [(r.plan_key, r.version) for r in list_care_plans(s)] == [("plan-a", 2), ("plan-b", 1)]
        assert len(list_care_plans(s, latest_only=False)) == 3
    assert _count(db, CarePlanRecord) == 3


# ---- turns -----------------------------------------------------------------------------------

def test_a_turn_is_stored_with_its_drafts_findings_and_escalations(db: Database) -> None:
    call_id = _new_call(db)
    new_state = {"identity": "verified", "checklist": {"weight": "done"}, "meds_discussed": ["ibuprofen"],
                 "open_escalations": ["urgent"]}
    with db.transaction() as s:
        turn = add_turn(s, call_id, _turn_data(), state=new_state)
        turn_id = turn.id
        second = add_turn(s, call_id, TurnData(patient_text="ok", final_text="Goodbye.", verdict="approved"))
        assert (turn.index, second.index) == (0, 1)

    with db.session() as s:
        call = s.get(CallSession, call_id)
        assert call is not None
        assert call.state == new_state
        assert [t.index for t in call.turns] == [0, 1]
        stored = s.get(Turn, turn_id)
        assert stored is not None
        assert stored.timings["total"] == pytest.approx(3.1)
        assert [d.attempt for d in stored.drafts] == [0, 1]
        assert stored.drafts[0].failures == [{"checker": "medication", "reason": "dose advice"}]
        on_patient = [f.as_contract() for f in stored.findings if f.draft_id is None]
        assert on_patient == [{"kind": "medication_mentioned", "drug": "ibuprofen"},
                              {"kind": "interaction", "drug": "ibuprofen", "with": "furosemide"}]
        on_draft = [f for f in stored.findings if f.draft_id is not None]
        assert [(f.kind, f.draft_id) for f in on_draft] == [("unsupported_claim", stored.drafts[0].id)]
        assert stored.drafts[0].findings == on_draft
        assert stored.findings[0].evidence == {"span": "Advil"}
        [escalation] = call.escalations
        assert (escalation.turn_id, escalation.level, escalation.status) == (turn_id, "urgent", "open")
        assert escalation.brief == {"summary": "ibuprofen with HF"}


def test_a_failing_turn_is_rolled_back_whole(db: Database) -> None:
    call_id = _new_call(db)
    # The last finding violates NOT NULL: the turn, both drafts and the other findings go too.
    bad = _turn_data(findings=[FindingData("medication", "medication_mentioned", {"drug": "ibuprofen"}),
                               FindingData("medication", None, {})])  # type: ignore[arg-type]
    with db.transaction() as s:
        add_turn(s, call_id, TurnData(patient_text="hello", final_text="Hi!", verdict="approved"))
        with pytest.raises(IntegrityError):
            add_turn(s, call_id, bad, state={"identity": "verified"})
        # The session goes on: the earlier turn is kept and committed with the transaction.
    assert (_count(db, Turn), _count(db, Draft), _count(db, Finding), _count(db, Escalation)) == (1, 0, 0, 0)
    with db.session() as s:
        call = s.get(CallSession, call_id)
        assert call is not None and call.state == {}

    # Uncaught, the error rolls back the caller's whole transaction.
    with pytest.raises(IntegrityError), db.transaction() as s:
        add_turn(s, call_id, TurnData(patient_text="again", final_text="Yes?", verdict="approved"))
        add_turn(s, call_id, bad)
    assert _count(db, Turn) == 1


def test_add_turn_needs_an_existing_call(db: Database) -> None:
    with pytest.raises(LookupError), db.transaction() as s:
        add_turn(s, "no-such-call", TurnData(final_text="x", verdict="approved"))


def test_deleting_a_call_deletes_its_turns_drafts_findings_and_escalations(db: Database) -> None:
    call_id = _new_call(db)
    with db.transaction() as s:
        add_turn(s, call_id, _turn_data())
    with db.transaction() as s:
        s.execute(delete(CallSession).where(CallSession.id == call_id))  # database-level ON DELETE CASCADE
    assert (_count(db, Turn), _count(db, Draft), _count(db, Finding), _count(db, Escalation)) == (0, 0, 0, 0)


def test_end_session(db: Database) -> None:
    call_id = _new_call(db)
    with db.transaction() as s:
        end_session(s, call_id, summary="Weight up 3 lb; nurse to call.", state={"identity": "verified"})
    with db.session() as s:
        call = s.get(CallSession, call_id)
        assert call is not None
        assert call.status == "ended" and call.summary and call.state == {"identity": "verified"}
        assert call.ended_at is not None and call.ended_at >= call.started_at
        assert call.kind == "ai" and call.engine["primary"] == "scripted"


# ---- escalations -----------------------------------------------------------------------------

def test_escalations_by_status(db: Database) -> None:
    call_id = _new_call(db)
    with db.transaction() as s:
        first = add_escalation(s, call_id, level="routine", reason="refill needed")
        second = add_escalation(s, call_id, level="emergency", reason="chest pain", brief={"say": "call 911"})
        set_escalation_status(s, first.id, "acknowledged")
    with db.session() as s:
        assert [e.id for e in list_escalations(s, "open")] == [second.id]
        assert [e.id for e in list_escalations(s, "acknowledged")] == [first.id]
        assert {e.id for e in list_escalations(s)} == {first.id, second.id}
        assert list_escalations(s, call_id="other") == []


# ---- constraints -----------------------------------------------------------------------------

def test_unique_and_check_constraints(db: Database) -> None:
    call_id = _new_call(db)
    with db.transaction() as s:
        add_turn(s, call_id, TurnData(index=0, final_text="Hi", verdict="approved"))
        rater = upsert_rater(s, "nurse1", password_hash="x")
        form = save_rating_form(s, "call-quality", {"questions": ["safety"]})
        save_rating(s, rater.id, call_id, "safety", 4)
        save_rating(s, rater.id, call_id, "safety", 5, form_id=form.id)
        plan_id = s.scalars(select(CarePlanRecord.id)).one()
        rater_id, form_id = rater.id, form.id

    duplicates: list[Callable[[Session], object]] = [
        lambda s: add_turn(s, call_id, TurnData(index=0, final_text="again", verdict="approved")),
        lambda s: s.add(CarePlanRecord(plan_key="plan-a", version=1, content_hash="f" * 64, content={},
                                       patient_name="X")),
        lambda s: s.add(CarePlanRecord(plan_key="plan-a", version=5, content_hash=make_plan().content_hash(),
                                       content={}, patient_name="X")),
        lambda s: s.add(Rater(username="nurse1", password_hash="y")),
        lambda s: s.add(RatingForm(form_key="call-quality", version=1, definition={})),
        lambda s: s.add(Rating(rater_id=rater_id, item_id=call_id, question="safety")),  # no form, twice
        lambda s: s.add(Rating(rater_id=rater_id, item_id=call_id, question="safety", form_id=form_id)),
    ]
    invalid: list[Callable[[Session], object]] = [
        lambda s: s.add(CallSession(care_plan_id=plan_id, status="paused")),
        lambda s: s.add(CallSession(care_plan_id=plan_id, kind="robot")),
        lambda s: add_turn(s, call_id, TurnData(final_text="x", verdict="maybe")),
        lambda s: add_turn(s, call_id, TurnData(final_text="x", verdict="approved", escalation_level="high")),
        lambda s: add_escalation(s, call_id, level="whenever", reason="x"),
        lambda s: s.add(Rater(username="boss", password_hash="x", role="owner")),
        lambda s: save_rating(s, rater_id, call_id, "tone", 3, status="final"),
        lambda s: s.add(Turn(session_id="no-such-call", index=0, final_text="x", verdict="approved")),  # FK
        lambda s: s.add(CallSession(care_plan_id=9999)),  # FK
    ]
    for work in duplicates + invalid:
        _expect_integrity_error(db, work)
    assert _count(db, Turn) == 1 and _count(db, Rating) == 2


# ---- raters and ratings ----------------------------------------------------------------------

def test_upsert_rater(db: Database) -> None:
    with db.transaction() as s:
        created = upsert_rater(s, "rn.jones", password_hash="h1", clinical_role="nurse", specialty="cardiology",
                               years_experience=12, demographics={"gender": "female"})
        updated = upsert_rater(s, "rn.jones", specialty="nephrology", active=False)
        assert updated.id == created.id
        with pytest.raises(ValueError, match="password_hash"):
            upsert_rater(s, "new.person")
        with pytest.raises(TypeError, match="shoe_size"):
            upsert_rater(s, "rn.jones", shoe_size=9)
    with db.session() as s:
        rater = s.scalars(select(Rater)).one()
        assert (rater.specialty, rater.clinical_role, rater.active, rater.role) == ("nephrology", "nurse", False, "rater")
        assert rater.years_experience == 12 and rater.demographics == {"gender": "female"}


def test_ratings_are_stored_long(db: Database) -> None:
    call_id = _new_call(db)
    items = [call_id, "turn-17"]
    with db.transaction() as s:
        raters = [upsert_rater(s, name, password_hash="x").id for name in ("a", "b")]
        form = save_rating_form(s, "call-quality", {"questions": ["safety", "empathy"]})
        assert save_rating_form(s, "call-quality", {"questions": ["safety", "empathy"]}).id == form.id
        assert save_rating_form(s, "call-quality", {"questions": ["safety"]}).version == 2
        for r in raters:
            for item in items:
                save_rating(s, r, item, "safety", 4.0, form_id=form.id, status="submitted")
                save_rating(s, r, item, "empathy", None if (r, item) == (raters[1], items[1]) else 3.0,
                            form_id=form.id)
        save_rating(s, raters[0], items[0], "comment", text_value="clear and kind", form_id=form.id)
    assert _count(db, Rating) == 2 * 2 * 2 + 1

    with db.transaction() as s:  # answering again updates the row
        row = save_rating(s, raters[0], items[0], "safety", 2.0, form_id=form.id, status="submitted")
        assert row.updated_at >= row.created_at
    assert _count(db, Rating) == 9

    with db.session() as s:
        safety = list_ratings(s, question="safety")
        assert [(r.rater_id, r.item_id, r.value) for r in safety if r.item_id == items[0]] == [
            (raters[0], items[0], 2.0), (raters[1], items[0], 4.0)]
        empathy = {(r.rater_id, r.item_id): r.value for r in list_ratings(s, question="empathy")}
        assert empathy[(raters[1], items[1])] is None and len(empathy) == 4
        assert list_ratings(s, item_id=items[0], question="comment")[0].text_value == "clear and kind"
        assert len(list_ratings(s, statuses=("submitted",))) == 4
        assert len(list_ratings(s, rater_id=raters[1])) == 4
