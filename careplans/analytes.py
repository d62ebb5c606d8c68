"""The canonical analyte registry, read from analytes.yaml (keys and LOINC codes of CONTRACT.md §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml


@dataclass(frozen=True)
class Analyte:
    key: str
    loinc: str
    kind: Literal["lab", "vital"]
    unit: str
    molar_mass: float | None = None
    also: tuple[str, ...] = ()
    spoken: tuple[str, ...] = field(default=())
    said: str = ""  # how the assistant names it to a caller ("blood pressure" for systolic_bp)


def _load() -> tuple[dict[str, Analyte], dict[str, str]]:
    raw = yaml.safe_load((Path(__file__).with_name("analytes.yaml")).read_text())
    analytes = {
        key: Analyte(key=key, loinc=v["loinc"], kind=v["kind"], unit=v["unit"],
                     molar_mass=v.get("molar_mass"), also=tuple(v.get("also", [])),
                     spoken=tuple(v.get("spoken", [])), said=v.get("said", ""))
        for key, v in raw["analytes"].items()
    }
    return analytes, dict(raw.get("panels", {}))


ANALYTES, BP_PANELS = _load()

LOINC_TO_ANALYTE: dict[str, str] = {}
for _a in ANALYTES.values():
    LOINC_TO_ANALYTE[_a.loinc] = _a.key
    for _code in _a.also:
        LOINC_TO_ANALYTE.setdefault(_code, _a.key)


def said_as(key: str) -> str:
    """The words the assistant uses for an analyte on a call; the key itself for one the registry does not name."""
    analyte = ANALYTES.get(key)
    return analyte.said if analyte is not None and analyte.said else key


def analyte_for_loinc(code: str) -> str | None:
    return LOINC_TO_ANALYTE.get(code.strip())
