"""Session state of one call: what the agent knows between turns, persisted with every turn.

Everything here is plain data (JSON-serialisable) so a call can be resumed from the database after
a crash: the state stored with the last committed turn is the state to continue from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from specialists.base import Utterance
from specialists.findings import Level, max_level

Phase = Literal["opening", "identity", "checklist", "closing", "ended", "emergency", "locked"]


@dataclass
class Escalation:
    """One escalation of the call: its level, the clinical reason, the turn and the caller's words that raised it."""

    level: Level
    reason: str
    turn: int
    evidence: str = ""
    specialists: list[str] = field(default_factory=list)  # whose findings raised it ("crisis", "labs", ...)
    identity_verified: bool = False  # was the caller verified as the plan's patient when it was raised


@dataclass
class SessionState:
    phase: Phase = "opening"
    identity_verified: bool = False
    identity_attempts: int = 0  # failed date-of-birth attempts
    identity_attempts_answered: int = 0  # failed attempts the agent has already responded to
    caller: str | None = None  # "caregiver" once the caller says they speak for the patient (specialists.privacy)
    covered: list[str] = field(default_factory=list)  # checklist item ids covered so far
    meds_discussed: list[str] = field(default_factory=list)
    meds_asked: list[str] = field(default_factory=list)  # plan drugs the agent has asked about
    escalations: list[Escalation] = field(default_factory=list)
    transcript: list[dict[str, str]] = field(default_factory=list)  # {"speaker", "text"}
    turn_index: int = 0  # agent turns completed
    pending: str | None = None  # what the agent last asked about ("identity", "item:<id>", "meds", "anything_else")
    flagged_for_human: bool = False
    notes: list[str] = field(default_factory=list)  # things to tell the care team in the summary
    warned: list[str] = field(default_factory=list)  # warnings already given in full ("interaction:ibuprofen:urgent")
    # Suicidal, self-harm or overdose language was disclosed (the crisis specialist's state): the rest of
    # the call stays in crisis mode. {"level", "categories", "reason", "turn", "caregiver", "screening"};
    # "screening": only the paraphrase net heard distress, so a reply that discloses nothing ends crisis mode.
    crisis: dict[str, Any] | None = None

    # -------------------------------------------------------------- views
    @property
    def history(self) -> list[Utterance]:
        return [Utterance(u["speaker"], u["text"]) for u in self.transcript]  # type: ignore[arg-type]

    @property
    def last_agent_text(self) -> str:
        """What the assistant said last ("" before its first reply)."""
        return next((u["text"] for u in reversed(self.transcript) if u["speaker"] == "agent"), "")

    @property
    def highest_escalation(self) -> Level:
        return max_level(*(e.level for e in self.escalations))

    @property
    def locked(self) -> bool:
        """Two failed identity checks: no health information for the rest of the call."""
        return self.identity_attempts >= 2 and not self.identity_verified

    def add(self, speaker: str, text: str) -> None:
        self.transcript.append({"speaker": speaker, "text": text})

    def cover(self, item_ids: list[str]) -> None:
        for item in item_ids:
            if item not in self.covered:
                self.covered.append(item)

    # -------------------------------------------------------------- persistence
    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionState:
        data = dict(data)
        data["escalations"] = [Escalation(**e) for e in data.get("escalations", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
