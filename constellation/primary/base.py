"""The primary agent's role: given the care plan, the call so far and the specialists' findings, draft a reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from careplans import CarePlan
from constellation.session import SessionState
from specialists.findings import Finding, Level


@dataclass
class DraftRequest:
    plan: CarePlan
    state: SessionState
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


class PrimaryAgent(Protocol):
    name: str

    async def draft(self, request: DraftRequest) -> Draft: ...
