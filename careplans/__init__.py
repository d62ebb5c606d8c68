"""Care plans: the model, YAML/JSON loading, FHIR R4 import and the bundled examples."""

from careplans.analytes import ANALYTES, Analyte, analyte_for_loinc
from careplans.loader import CarePlanError, LoadedPlan, Problem, dump_yaml, load, load_care_plan, load_from_text
from careplans.model import (
    Allergy,
    Amount,
    Appointment,
    CarePlan,
    ChecklistItem,
    Code,
    Condition,
    EscalationContact,
    Measurement,
    Medication,
    Patient,
    Target,
)
from careplans.units import UnitError, convert_analyte

__all__ = [
    "ANALYTES", "Allergy", "Amount", "Analyte", "Appointment", "CarePlan", "CarePlanError", "ChecklistItem",
    "Code", "Condition", "EscalationContact", "LoadedPlan", "Measurement", "Medication", "Patient", "Problem",
    "Target", "UnitError", "analyte_for_loinc", "convert_analyte", "dump_yaml", "load", "load_care_plan",
    "load_from_text",
]
