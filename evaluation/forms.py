"""Rating forms defined in versioned YAML files (evaluation/forms/*.yaml): questions with a type (Likert 1-5,
yes/no/unsure, choice, free text) and a required flag, plus per-turn flags with a comment. Answers are
validated here and coded as numbers for the ratings CSV (CONTRACT.md §5): Likert 1-5 as is, yes 1 / no 0 /
unsure empty, a choice as its 1-based position, free text kept as text only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from constellation.errors import UserError

FORMS_DIR = Path(__file__).with_name("forms")
QuestionType = Literal["likert5", "yes_no_unsure", "choice", "text"]
YES_NO = {"yes": 1.0, "no": 0.0, "unsure": None}


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)
    type: QuestionType
    required: bool = True
    options: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _options(self) -> Question:
        if self.type == "choice" and len(self.options) < 2:
            raise ValueError(f"question {self.id}: a choice needs at least two options")
        if self.type != "choice" and self.options:
            raise ValueError(f"question {self.id}: only choice questions take options")
        return self


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: str
    questions: list[Question] = Field(min_length=1)
    turn_flags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Form:
        ids = [q.id for q in self.questions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate question ids: {', '.join(dupes)}")
        return self

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    def validate_answers(self, answers: dict[str, Any], *, final: bool) -> dict[str, Any]:
        """Clean answers; with `final`, every required question must be answered. Raises UserError listing all."""
        problems: list[str] = []
        clean: dict[str, Any] = {}
        known = {q.id for q in self.questions}
        problems += [f"{k}: not a question of this form" for k in answers if k not in known]
        for q in self.questions:
            raw = answers.get(q.id)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if final and q.required:
                    problems.append(f"{q.id}: required")
                continue
            if q.type == "likert5":
                if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw not in (1, 2, 3, 4, 5):
                    problems.append(f"{q.id}: must be 1 to 5, not {raw!r}")
                    continue
                clean[q.id] = int(raw)
            elif q.type == "yes_no_unsure":
                if str(raw).lower() not in YES_NO:
                    problems.append(f"{q.id}: must be yes, no or unsure, not {raw!r}")
                    continue
                clean[q.id] = str(raw).lower()
            elif q.type == "choice":
                if raw not in q.options:
                    problems.append(f"{q.id}: must be one of {', '.join(q.options)}, not {raw!r}")
                    continue
                clean[q.id] = raw
            else:
                clean[q.id] = str(raw).strip()[:5000]
        if problems:
            raise UserError("the form is not complete: " + "; ".join(problems))
        return clean

    def code(self, qid: str, answer: Any) -> float | None:
        """The number that goes in the ratings CSV for an answer (None: empty or free text)."""
        q = self.question(qid)
        if answer is None:
            return None
        if q.type == "likert5":
            return float(answer)
        if q.type == "yes_no_unsure":
            return YES_NO[str(answer).lower()]
        if q.type == "choice":
            return float(q.options.index(answer) + 1)
        return None


def load_form(path: Path) -> Form:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read the form ({exc})") from None
    try:
        return Form.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(form)'}: {e['msg']}" for e in exc.errors())
        raise UserError(f"{path}: not a valid form: {problems}") from None


def bundled_forms() -> dict[tuple[str, int], Form]:
    forms = [load_form(p) for p in sorted(FORMS_DIR.glob("*.yaml"))]
    return {(f.key, f.version): f for f in forms}


def default_form() -> Form:
    return bundled_forms()[("polaris_call", 1)]
