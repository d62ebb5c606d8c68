"""Canonical drug names (CONTRACT.md §2) for order texts such as "Toprol XL 25 mg" or "Klor-Con 20 mEq".

The vocabulary is the dictionary of ``drug_named_entity_recognition`` (DrugBank, MeSH, NHS and
MedlinePlus names with their brands): its ``find_drugs`` maps a brand or synonym to a canonical entry
whose ``name`` we normalise to the project's convention: lower-case generic name without salt or
release form (``metoprolol``, ``naproxen``, ``levothyroxine``), insulins with their full generic name
(``insulin glargine``), products named by ingredient where the dictionary only has a class
(Tums -> ``calcium carbonate``). Combination products give every ingredient, sorted, and
``generic_name`` joins them with " / " (the RxNorm multi-ingredient separator).

No network: the dictionary ships inside the package; its optional PubChem and RxNav look-ups are
never switched on. The dictionary takes a few seconds to load, so it is loaded once, on first use.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).with_name("drugnames.yaml")


def _read_tables() -> tuple[dict[str, tuple[tuple[str, ...], bool]], dict[str, str]]:
    """Products the dictionary misses or gets wrong, and name corrections (drugnames.yaml, with sources)."""
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    products = {phrase.lower(): (tuple(v["ingredients"]), bool(v.get("brand", True)))
                for phrase, v in raw["products"].items()}
    return products, {k.lower(): v for k, v in raw["names"].items()}


_PRODUCTS, _NAME_FIXES = _read_tables()

# Salts and esters dropped from a name ("metoprolol succinate" -> "metoprolol"), except when the
# first word is itself the inorganic ion the product is named by ("potassium chloride").
_SALTS = frozenset(
    "sodium potassium calcium magnesium hydrochloride hcl hydrobromide succinate tartrate besylate "
    "maleate mesylate fumarate citrate acetate sulfate phosphate bromide propionate furoate "
    "dipropionate monohydrate dihydrate trihydrate anhydrous hyclate bitartrate".split()
)
_INORGANIC = frozenset("potassium sodium calcium magnesium ferrous ferric zinc lithium aluminum bismuth".split())
# Dose-form words some dictionary names end with ("Glucagon Nasal Powder").
_FORMS = frozenset(
    "nasal powder solution sublingual eye ear drops tablet tablets capsule capsules injection "
    "cream ointment oral topical spray inhalation inhaler patch".split()
)
# Single words the dictionary knows as (obscure) chemicals but which, in an order text, are a dose
# form or a salt of the drug next to them.
_IGNORE = frozenset({"caps", "mesylate", "citrate", "sulfate", "bicarbonate", "sodium", "water"})

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'./\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_COMBINATION = re.compile(r"\s*/\s*|\s*,\s*and\s+|\s+and\s+|\s*,\s*|\s+with\s+")


@dataclass(frozen=True)
class DrugName:
    """What an order text names: its active ingredients and, when written by brand, the brand."""

    ingredients: tuple[str, ...]
    brand: str | None
    matched: str  # the words of the text that named it

    @property
    def name(self) -> str:
        return " / ".join(self.ingredients)


_Finder = Callable[..., list[tuple[dict[str, Any], int, int]]]
_lock = threading.Lock()
_finder: _Finder | None = None
_variants: dict[str, list[str]] = {}
_load_seconds: float | None = None


def _load() -> _Finder:
    """Import the dictionary once per process (a few seconds: it unpickles ~100k names)."""
    global _finder, _variants, _load_seconds
    with _lock:
        if _finder is None:
            start = time.perf_counter()
            from drug_named_entity_recognition import drugs_finder  # type: ignore[import-untyped]

            _variants = drugs_finder.drug_variant_to_canonical
            _finder = drugs_finder.find_drugs
            _load_seconds = time.perf_counter() - start
        return _finder


def preload() -> float:
    """Load the dictionary now (e.g. at app start-up); returns the seconds the load took."""
    _load()
    return _load_seconds or 0.0


def load_seconds() -> float | None:
    """Seconds the dictionary load took in this process, None before it is loaded."""
    return _load_seconds


def generic_name(text: str) -> str | None:
    """Canonical lower-case generic name of an order text; ingredients joined by " / "; None if unknown."""
    found = recognise(text)
    return found.name if found else None


def generic_names(text: str) -> list[str]:
    """Every active ingredient the text names, canonical and sorted; [] if none is recognised."""
    found = recognise(text)
    return list(found.ingredients) if found else []


def recognise(text: str) -> DrugName | None:
    if not text or not text.strip():
        return None
    lowered = text.lower()
    ingredients: set[str] = set()
    brands: list[str] = []
    matched: list[str] = []
    taken: list[tuple[int, int]] = []
    for phrase, (names, is_brand) in sorted(_PRODUCTS.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", lowered):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            ingredients.update(names)
            matched.append(text[m.start():m.end()])
            if is_brand:
                brands.append(text[m.start():m.end()])
    for match in _dictionary_matches(text, taken):
        names = _canonical(str(match.get("name") or match.get("matching_string") or ""))
        if not names:
            continue
        ingredients.update(names)
        surface = str(match["matching_string"])
        matched.append(surface)
        if _is_brand(match, surface, names):
            brands.append(surface)
    if not ingredients:
        return None
    return DrugName(tuple(sorted(ingredients)), brands[0] if brands else None, " ".join(matched))


def _dictionary_matches(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    find_drugs = _load()
    tokens: list[str] = []
    for m in _TOKEN.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in taken):
            tokens.append("|")  # a barrier, so no two-word match spans a product phrase
            continue
        tokens.extend(_split_token(m.group()))
    if not tokens:
        return []
    found = find_drugs(tokens, is_fuzzy_match=False, is_use_omop_api=False, use_pub_chem_api=False)
    return [data for data, _, _ in found if str(data.get("matching_string", "")).lower() not in _IGNORE]


def _split_token(token: str) -> list[str]:
    """"Klor-Con" stays whole (a known name); "lisinopril-hydrochlorothiazide" splits in two."""
    token = token.rstrip(".")
    if ("-" in token or "/" in token) and token.lower() not in _variants:
        return [p for p in re.split(r"[-/]", token) if p]
    return [token]


def _canonical(dictionary_name: str) -> tuple[str, ...]:
    name = re.sub(r"\s*\([^)]*\)", "", dictionary_name.lower()).strip()
    if name in _NAME_FIXES:
        return (_NAME_FIXES[name],)
    parts = (_clean_part(p) for p in _COMBINATION.split(name))
    return tuple(sorted({p for p in parts if p}))


def _clean_part(part: str) -> str:
    part = _NAME_FIXES.get(part.strip(), part.strip())
    words = part.split()
    while len(words) > 1 and words[-1] in _FORMS:
        words.pop()
    while len(words) > 1 and words[-1] in _SALTS and words[0] not in _INORGANIC:
        words.pop()
    cleaned = " ".join(words)
    return _NAME_FIXES.get(cleaned, cleaned)


def _is_brand(match: dict[str, Any], surface: str, ingredients: tuple[str, ...]) -> bool:
    flag = match.get("is_brand")
    if isinstance(flag, bool):
        return flag
    words = set(re.findall(r"[a-z]+", surface.lower()))
    # "metoprolol succinate" or "glargine" name the ingredient itself, not a brand
    return not any(set(i.split()) & words for i in ingredients)


__all__ = ["DrugName", "generic_name", "generic_names", "load_seconds", "preload", "recognise"]
