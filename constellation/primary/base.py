"""The primary agent's role: given the care plan, the call so far and the specialists' findings, draft a reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from careplans import CarePlan
from constellation.session import SessionState

# The parts of the call state a primary may change, by proposing them with its draft. The orchestrator applies them
# only when that draft is spoken, so a blocked draft never leaves behind a question the patient never heard.
PRIMARY_OWNED_STATE = ("phase", "pending", "identity_attempts_answered", "meds_asked", "notes", "warned")
from specialists.findings import Finding, Level


@dataclass
class DraftRequest:
    plan: CarePlan
    state: SessionState  # the primary's working copy: changing it changes nothing until the draft is spoken
    patient_text: str
    findings: list[Finding] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)
    escalation: Level = "none"
    today: dt.date = field(default_factory=dt.date.today)
    # On a revision: why the gate stopped the previous draft, and that draft.
    feedback: list[str] = field(default_factory=list)
    previous_draft: str | None = None


@dataclass
class Draft:
    text: str
    addressed: list[str] = field(default_factory=list)  # checklist item ids this reply covers
    intent: str = ""  # what the reply does, for logs and tests ("verify_identity", "emergency", ...)
    source: str = ""  # which primary wrote it ("scripted", "llm:<model>", "scripted-fallback")
    # The call state this reply leaves (the request's working copy, changed); only PRIMARY_OWNED_STATE is applied.
    proposed_state: SessionState | None = None


class PrimaryAgent(Protocol):
    name: str

    async def draft(self, request: DraftRequest) -> Draft: ...
