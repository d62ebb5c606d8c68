"""The specialists, by name. A new specialist is one module plus one line in `_FACTORIES`."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module

from specialists.base import Specialist

# name -> "module:ClassName"; each class takes no arguments.
_FACTORIES: dict[str, str] = {
    "medication": "specialists.medication:MedicationSpecialist",
    "labs": "specialists.labs:LabsSpecialist",
    "escalation": "specialists.escalation:EscalationSpecialist",
    "crisis": "specialists.crisis:CrisisSpecialist",
    "hallucination": "specialists.hallucination:HallucinationSpecialist",
    "privacy": "specialists.privacy:PrivacySpecialist",
    "checklist": "specialists.checklist:ChecklistSpecialist",
}


def names() -> list[str]:
    return list(_FACTORIES)


@cache
def get(name: str) -> Specialist:
    if name not in _FACTORIES:
        raise KeyError(f"unknown specialist {name!r} (known: {', '.join(_FACTORIES)})")
    module, _, cls = _FACTORIES[name].partition(":")
    factory: Callable[[], Specialist] = getattr(import_module(module), cls)
    return factory()


def all_specialists() -> list[Specialist]:
    return [get(n) for n in _FACTORIES]
