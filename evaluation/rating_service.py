"""Rating a call: drafts saved as the rater goes (a closed browser loses nothing), submission locks the
rating, later edits need a reason and are audited; access is checked on every call (a rater sees only
the calls assigned to them and only their own ratings). Export and import the ratings CSV of
CONTRACT.md §5."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from constellation.errors import UserError
from constellation.storage import repository
from constellation.storage.models import Assignment, Rater, Rating, RatingAudit
from evaluation.forms import Form
from evaluation.ratings_csv import parse_ratings

FLAG_PREFIX = "turn_flag:"  # per-turn flags are stored as questions "turn_flag:<turn index>:<flag>"


class AccessDenied(UserError):
    """A rater asked for a call or a rating that is not theirs."""


@dataclass(frozen=True)
class RatingState:
    answers: dict[str, Any]
    flags: dict[tuple[int, str], str]  # (turn index, flag) -> comment
    submitted: bool


def assignment_for(session: Session, rater: Rater, call_id: str) -> Assignment:
    row = session.scalar(select(Assignment).where(Assignment.session_id == call_id, Assignment.rater_id == rater.id))
    if row is None:
        raise AccessDenied("this call is not assigned to you")
    return row


def assigned_calls(session: Session, rater: Rater) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.rater_id == rater.id)
                                .order_by(Assignment.created_at, Assignment.id)))


def _form_row(session: Session, form: Form) -> int:
    return repository.save_rating_form(session, form.key, form.model_dump()).id


def load_rating(session: Session, rater: Rater, call_id: str, form: Form) -> RatingState:
    assignment_for(session, rater, call_id)
    form_id = _form_row(session, form)
    rows = session.scalars(select(Rating).where(Rating.rater_id == rater.id, Rating.item_id == call_id,
                                                Rating.form_id == form_id)).all()
    answers: dict[str, Any] = {}
    flags: dict[tuple[int, str], str] = {}
    for row in rows:
        if row.question.startswith(FLAG_PREFIX):
            _, turn, flag = row.question.split(":", 2)
            flags[(int(turn), flag)] = row.text_value or ""
        elif row.text_value is not None:
            answers[row.question] = row.text_value
        elif row.value is not None:
            answers[row.question] = int(row.value)
    return RatingState(answers, flags, any(r.status == "submitted" for r in rows))


def _store(session: Session, rater: Rater, call_id: str, form: Form, answers: dict[str, Any],
           flags: dict[tuple[int, str], str], status: str) -> None:
    form_id = _form_row(session, form)
    for q in form.questions:
        answer = answers.get(q.id)
        # Words are kept as words (and coded as numbers where the form gives a code); Likert answers are numbers.
        text = str(answer) if answer is not None and q.type != "likert5" else None
        repository.save_rating(session, rater.id, call_id, q.id, form.code(q.id, answer), text_value=text,
                               form_id=form_id, status=status)
    for (turn, flag), comment in flags.items():
        if flag not in form.turn_flags:
            raise UserError(f"unknown turn flag {flag!r}")
        repository.save_rating(session, rater.id, call_id, f"{FLAG_PREFIX}{turn}:{flag}", 1.0,
                               text_value=comment or "", form_id=form_id, status=status)


def save_draft(session: Session, rater: Rater, call_id: str, form: Form, answers: dict[str, Any],
               flags: dict[tuple[int, str], str] | None = None) -> None:
    if load_rating(session, rater, call_id, form).submitted:
        raise UserError("this rating is submitted and locked")
    _store(session, rater, call_id, form, form.validate_answers(answers, final=False), flags or {}, "draft")


def submit(session: Session, rater: Rater, call_id: str, form: Form, answers: dict[str, Any],
           flags: dict[tuple[int, str], str] | None = None) -> None:
    if load_rating(session, rater, call_id, form).submitted:
        raise UserError("this rating is already submitted")
    _store(session, rater, call_id, form, form.validate_answers(answers, final=True), flags or {}, "submitted")


def amend(session: Session, actor: Rater, rating: Rating, *, value: float | None, text: str | None,
          reason: str) -> None:
    """Change a submitted answer: only its rater or an admin, always with a reason, always audited."""
    if actor.role != "admin" and actor.id != rating.rater_id:
        raise AccessDenied("you can change only your own ratings")
    if not reason.strip():
        raise UserError("a reason is required to change a submitted rating")
    session.add(RatingAudit(rating_id=rating.id, changed_by=actor.id, old_value=rating.value, new_value=value,
                            old_text=rating.text_value, new_text=text, reason=reason.strip()))
    rating.value, rating.text_value = value, text
    session.flush()


# ---------------------------------------------------------------- CSV (CONTRACT.md §5)
ATTRIBUTES = ("role", "specialty", "years_experience")


def export_csv(session: Session, *, submitted_only: bool = True) -> str:
    """Ratings as the contract's CSV: numeric answers only (free text and flags stay in the portal)."""
    query = select(Rating, Rater).join(Rater, Rating.rater_id == Rater.id).where(
        ~Rating.question.startswith(FLAG_PREFIX))
    if submitted_only:
        query = query.where(Rating.status == "submitted")
    rows = session.execute(query.order_by(Rating.item_id, Rating.question, Rater.username)).all()
    demo_keys = sorted({k for _, r in rows if r.consent_at for k in (r.demographics or {})})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rater_id", "item_id", "question", "value", *ATTRIBUTES, *demo_keys])
    for rating, rater in rows:
        if rating.value is None and rating.text_value is not None and rating.text_value not in ("unsure",):
            continue  # free text
        demo = rater.demographics if rater.consent_at else {}
        writer.writerow([rater.username, rating.item_id, rating.question,
                         "" if rating.value is None else f"{rating.value:g}", rater.clinical_role or "",
                         rater.specialty or "", "" if rater.years_experience is None else f"{rater.years_experience:g}",
                         *[demo.get(k, "") for k in demo_keys]])
    return out.getvalue()


def import_csv(session: Session, text: str, *, name: str = "ratings") -> int:
    """Store the contract's CSV as submitted ratings (no form); raters not yet known are created without a
    usable password (an admin sets one to let them log in). Returns the number of answers stored."""
    data = parse_ratings(text, name)  # validates everything first: nothing is stored from a bad file
    count = 0
    for r_ix, username in enumerate(data.raters):
        rater = repository.get_rater(session, username.lower())
        if rater is None:
            attrs = {c: data.attributes.get(c, {}).get(username) or None for c in ATTRIBUTES}
            years = attrs["years_experience"]
            rater = repository.upsert_rater(
                session, username.lower(), password_hash="!" + secrets.token_hex(16), active=False,
                clinical_role=attrs["role"], specialty=attrs["specialty"],
                years_experience=float(years) if years else None)
        for question, matrix in data.questions.items():
            column = matrix[:, r_ix]
            for i_ix, item in enumerate(data.items):
                value = column[i_ix]
                if value == value:  # not NaN
                    repository.save_rating(session, rater.id, item, question, float(value), status="submitted")
                    count += 1
    return count
