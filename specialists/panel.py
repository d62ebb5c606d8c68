"""Run the specialists on one turn and combine what they found into one answer.

The escalation finding is computed here, once per turn: the highest level any finding warrants
(CONTRACT.md §2), so a specialist only has to say how urgent its own findings are.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from specialists.base import Specialist, SpecialistResult, TurnContext
from specialists.findings import Finding, Level, dedupe, level_rank, max_level


@dataclass
class PanelResult:
    findings: list[Finding]
    guidance: list[str]
    state: dict[str, object]
    escalation: Level
    latency_ms: dict[str, float] = field(default_factory=dict)


def _explained_by_a_red_flag(results: dict[str, SpecialistResult], red_flag_in_call: bool) -> dict[str, SpecialistResult]:
    """Distress only the crisis paraphrase net heard, on a turn another specialist reads as a medical red flag, or in a
    call already escalated for one ("I can't get my breath, I'm so scared", "Oh God, am I going to die?" while the
    ambulance comes): the symptom explains the words, so the turn is the red flag's (911 or a nurse today), not a
    suicide screening."""
    crisis = results.get("crisis")
    told = crisis.state.get("crisis") if crisis is not None else None
    if not isinstance(told, dict) or not told.get("screening") or told.get("new") != ["distress"]:
        return results
    medical = any(level_rank(f.level or "none") >= level_rank("urgent") for name, r in results.items() if name != "crisis"
                  for f in r.findings if f.kind == "escalation")
    return {k: v for k, v in results.items() if k != "crisis"} if medical or red_flag_in_call else results


def combine(results: dict[str, SpecialistResult], *, red_flag_in_call: bool = False
            ) -> tuple[list[Finding], list[str], dict[str, object], Level]:
    """``red_flag_in_call``: an earlier turn of the call raised a medical (not crisis) escalation to urgent or above."""
    results = _explained_by_a_red_flag(results, red_flag_in_call)
    findings: list[Finding] = []
    guidance: list[str] = []
    state: dict[str, object] = {}
    for result in results.values():
        findings.extend(result.findings)
        guidance.extend(g for g in result.guidance if g not in guidance)
        state.update(result.state)
    level = max_level(*(f.urgency for f in findings), *(f.level or "none" for f in findings if f.kind == "escalation"))
    # Every reason at the turn's level, the specialists' own escalation findings included (they carry the red
    # flag or the crisis in words), before those are folded into the one escalation finding below.
    reasons = list(dict.fromkeys(f.describe() for f in findings if level != "none"
                                 and (f.urgency == level or (f.kind == "escalation" and f.level == level))))
    said_as = next((f.said_as for f in findings if f.kind == "escalation" and f.level == level and f.said_as), None)
    findings = [f for f in dedupe(findings) if f.kind != "escalation"]
    if level != "none":
        findings.append(Finding(kind="escalation", level=level, specialist="panel", urgency=level,
                                message="; ".join(reasons) or None, said_as=said_as))
    return findings, guidance, state, level


def run_panel(ctx: TurnContext, specialists: Sequence[Specialist]) -> PanelResult:
    """Every specialist that judges this speaker, one after another (the deterministic path)."""
    results: dict[str, SpecialistResult] = {}
    latency: dict[str, float] = {}
    for spec in specialists:
        if ctx.turn.speaker not in spec.speakers:
            continue
        t0 = time.perf_counter()
        results[spec.name] = spec.check(ctx)
        latency[spec.name] = (time.perf_counter() - t0) * 1000
    findings, guidance, state, level = combine(results)
    return PanelResult(findings, guidance, state, level, latency)
