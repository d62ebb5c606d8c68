"""Unit normalisation for labs, vitals and drug amounts, on top of pint.

Every analyte value is stored in one canonical unit (careplans/analytes.yaml). Inputs may use UCUM
codes from FHIR (``mm[Hg]``, ``10*3/uL``, ``Cel``), everyday spellings (``mg/dl``, ``lbs``, ``°F``) or
SI units that need a molar mass (glucose in mmol/L).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pint

from careplans.analytes import ANALYTES, Analyte


class UnitError(ValueError):
    """A unit that is unknown, or that cannot be converted to the analyte's canonical unit."""


# UCUM codes and everyday spellings -> pint expressions. Keys are lower-cased, spaces removed.
_ALIASES: dict[str, str] = {
    "mm[hg]": "mmHg", "mmhg": "mmHg", "mm hg": "mmHg",
    "/min": "1/min", "bpm": "1/min", "beats/min": "1/min", "beats/minute": "1/min",
    "{beats}/min": "1/min", "breaths/min": "1/min", "{breaths}/min": "1/min", "min-1": "1/min",
    "cel": "degC", "°c": "degC", "c": "degC", "degc": "degC", "celsius": "degC",
    "[degf]": "degF", "°f": "degF", "f": "degF", "degf": "degF", "fahrenheit": "degF",
    "[lb_av]": "lb", "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "kg": "kg", "g": "g", "[oz_av]": "oz",
    "%": "percent", "percent": "percent",
    "1": "dimensionless", "{inr}": "dimensionless", "{ratio}": "dimensionless", "ratio": "dimensionless",
    "10*3/ul": "thousand/uL", "10^3/ul": "thousand/uL", "k/ul": "thousand/uL", "x10^3/ul": "thousand/uL",
    "thou/ul": "thousand/uL", "10*9/l": "billion/L", "10^9/l": "billion/L", "x10^9/l": "billion/L",
    "ml/min/{1.73_m2}": "mL/min", "ml/min/1.73m2": "mL/min", "ml/min/1.73 m2": "mL/min",
    "ml/min/{1.73m2}": "mL/min", "ml/min/1.73m^2": "mL/min", "ml/min": "mL/min",
    "u/l": "enzyme_unit/L", "iu/l": "enzyme_unit/L", "[iu]/l": "enzyme_unit/L",
    "miu/l": "milli_international_unit/L", "m[iu]/l": "milli_international_unit/L",
    "uiu/ml": "micro_international_unit/mL", "u[iu]/ml": "micro_international_unit/mL",
    "µiu/ml": "micro_international_unit/mL",
    "meq/l": "mEq/L", "mmol/l": "mmol/L", "umol/l": "umol/L", "µmol/l": "umol/L",
    "mg/dl": "mg/dL", "g/dl": "g/dL", "g/l": "g/L", "pg/ml": "pg/mL", "ng/l": "ng/L",
    "mmol/mol": "mmol/mol",
    "mg": "mg", "mcg": "ug", "ug": "ug", "µg": "ug", "gram": "g", "grams": "g",
    "ml": "mL", "l": "L", "unit": "insulin_unit", "units": "insulin_unit", "[iu]": "insulin_unit",
}


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    # Enzyme activity, hormone activity and insulin units are counted things, not SI quantities:
    # each gets its own dimension so nothing converts between them by accident.
    ureg.define("enzyme_unit = [enzyme_activity]")
    ureg.define("international_unit = [hormone_activity]")
    ureg.define("milli_international_unit = 1e-3 * international_unit")
    ureg.define("micro_international_unit = 1e-6 * international_unit")
    ureg.define("insulin_unit = [insulin]")
    ureg.define("mEq = [equivalent]")
    ureg.define("thousand = 1e3")
    ureg.define("billion = 1e9")
    return ureg


def _pint_expr(unit: str) -> str:
    key = unit.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    compact = re.sub(r"\s+", "", key)
    if compact in _ALIASES:
        return _ALIASES[compact]
    return unit.strip()


def parse_unit(unit: str) -> pint.Unit:
    """A pint unit for ``unit`` (UCUM or everyday spelling); UnitError if unknown."""
    if not unit or not unit.strip():
        raise UnitError("empty unit")
    ureg = registry()
    try:
        parsed = ureg.parse_expression(_pint_expr(unit))
    except Exception as exc:  # pint raises several error types for unparsable text
        raise UnitError(f"unknown unit {unit!r}") from exc
    if isinstance(parsed, (int, float)):
        return ureg.dimensionless
    return parsed.units


def _quantity(value: float, unit: str) -> pint.Quantity:
    ureg = registry()
    try:
        q = ureg.Quantity(value, parse_unit(unit))
    except UnitError:
        raise
    except Exception as exc:
        raise UnitError(f"unknown unit {unit!r}") from exc
    return q


def convert_analyte(analyte: str | Analyte, value: float, unit: str | None) -> float:
    """``value`` in ``unit`` expressed in the analyte's canonical unit.

    A missing unit means the canonical one (what a patient says on the phone). Raises UnitError for an
    unknown unit or one of the wrong dimension (for example kg for potassium).
    """
    a = ANALYTES[analyte] if isinstance(analyte, str) else analyte
    if unit is None or not unit.strip() or same_unit(unit, a.unit):
        return float(value)
    special = _special_conversion(a, value, unit)
    if special is not None:
        return special
    ureg = registry()
    source = _quantity(value, unit)
    target = _pint_expr(a.unit)
    try:
        if a.molar_mass is not None:
            with ureg.context("chemistry", mw=a.molar_mass * ureg("g/mol")):
                converted = source.to(target)
        else:
            converted = source.to(target)
    except pint.DimensionalityError as exc:
        raise UnitError(f"{unit!r} is not a unit for {a.key} (expected something like {a.unit!r})") from exc
    return float(converted.magnitude)


def same_unit(unit: str, canonical: str) -> bool:
    return _pint_expr(unit) == _pint_expr(canonical)


def _special_conversion(a: Analyte, value: float, unit: str) -> float | None:
    key = re.sub(r"\s+", "", unit.lower())
    if a.key == "hba1c" and key == "mmol/mol":
        return round(0.09148 * value + 2.152, 2)  # NGSP master equation
    if a.key == "magnesium" and key == "meq/l":
        return value / 2 * a.molar_mass / 10 if a.molar_mass else None  # divalent: mmol = mEq / 2
    if a.key in {"potassium", "sodium"} and key == "meq/l":
        return float(value)  # monovalent ions: 1 mEq/L = 1 mmol/L
    if a.key == "tsh" and key in {"uiu/ml", "u[iu]/ml", "µiu/ml"}:
        return float(value)  # 1 µIU/mL = 1 mIU/L
    if a.key == "bnp" and key == "ng/l":
        return float(value)  # 1 ng/L = 1 pg/mL
    return None


def check_unit(analyte: str, unit: str) -> None:
    """Raise UnitError unless ``unit`` converts to the analyte's canonical unit."""
    convert_analyte(analyte, 1.0, unit)


def to_mg(value: float, unit: str) -> float:
    """A drug amount in milligrams (mg, mcg, g); UnitError for volumes or units of activity."""
    q = _quantity(value, unit)
    try:
        return float(q.to("mg").magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(f"{unit!r} is not a mass unit") from exc
