"""What every specialist sees and returns, and the Specialist protocol."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from careplans import CarePlan
from specialists.findings import Finding

Speaker = Literal["agent", "patient"]


@dataclass(frozen=True)
class Utterance:
    speaker: Speaker
    text: str


@dataclass(frozen=True)
class TurnContext:
    """One turn to judge: a patient utterance, or an agent draft about to be spoken."""

    plan: CarePlan
    turn: Utterance
    history: Sequence[Utterance] = ()
    identity_verified: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    # Checklist items already covered earlier in the call.
    covered: frozenset[str] = frozenset()
    # When judging an agent draft: what the specialists found on the patient turn it answers.
    patient_findings: Sequence[Finding] = ()

    @property
    def text(self) -> str:
        return self.turn.text

    def said_before(self, speaker: Speaker | None = None) -> str:
        """Everything said earlier in the call (optionally by one side), as one text."""
        return "\n".join(u.text for u in self.history if speaker is None or u.speaker == speaker)


@dataclass
class SpecialistResult:
    findings: list[Finding] = field(default_factory=list)
    # What the primary agent must do next, in plain words ("tell the patient to call 911 now").
    guidance: list[str] = field(default_factory=list)
    # Session-state updates (identity verified, checklist items covered, ...).
    state: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Specialist(Protocol):
    """A checker: care plan + conversation + turn (+ session state) -> findings and guidance."""

    name: str
    # Which turns it judges: patient utterances, agent drafts, or both.
    speakers: frozenset[Speaker]

    def check(self, ctx: TurnContext) -> SpecialistResult: ...
