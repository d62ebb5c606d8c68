"""The ratings CSV of CONTRACT.md §5: long format, one row per rater x item x question, `value` numeric or
empty, plus any rater attribute columns. Every problem is reported with its line; parsing is vectorised
(pandas) so a 700,000-row file reads in about a second."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from constellation.errors import UserError

REQUIRED = ("rater_id", "item_id", "question", "value")


@dataclass
class Ratings:
    raters: list[str]
    items: list[str]
    questions: dict[str, np.ndarray]  # question -> items x raters (NaN = not rated)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> rater -> value

    def groups(self, column: str) -> dict[str, np.ndarray]:
        """Rater masks per value of an attribute column (raters with no value are in no group)."""
        if column not in self.attributes:
            raise UserError(f"--group-by {column}: no such column; the file has "
                            + (", ".join(sorted(self.attributes)) or "no rater attribute columns"))
        by_rater = self.attributes[column]
        names = sorted({v for v in by_rater.values() if v})
        return {name: np.array([by_rater.get(r) == name for r in self.raters]) for name in names}


def read_ratings(path: Path) -> Ratings:
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    return parse_ratings(text, str(path))


def _lines(mask: object, frame: object) -> list[int]:
    return [int(i) + 2 for i in frame.index[mask]]  # type: ignore[attr-defined]


def parse_ratings(text: str, name: str = "ratings") -> Ratings:
    import pandas as pd

    if not text.strip():
        raise UserError(f"{name}: the file is empty")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UserError(f"{name}: not a readable CSV file ({exc})") from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise UserError(f"{name}: missing column(s) {', '.join(missing)}; the header must include "
                        + ",".join(REQUIRED))
    if df.empty:
        raise UserError(f"{name}: no ratings in the file")
    for c in df.columns:
        df[c] = df[c].str.strip()
    problems: list[str] = []
    blank_ids = (df["rater_id"] == "") | (df["item_id"] == "") | (df["question"] == "")
    problems += [f"line {n}: rater_id, item_id and question are required" for n in _lines(blank_ids, df)]
    dup = df.duplicated(subset=["rater_id", "item_id", "question"], keep="first") & ~blank_ids
    problems += [f"line {n}: rater {df.at[n - 2, 'rater_id']} rated item {df.at[n - 2, 'item_id']} on "
                 f"{df.at[n - 2, 'question']} again" for n in _lines(dup, df)]
    values = pd.to_numeric(df["value"], errors="coerce")
    bad = (df["value"] != "") & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    problems += [f"line {n}: value {df.at[n - 2, 'value']!r} is not a number" for n in _lines(bad, df)]
    extra = [c for c in df.columns if c not in REQUIRED]
    for column in extra:
        given = df[df[column] != ""]
        clash = given.groupby("rater_id")[column].nunique()
        problems += [f"rater {r}: {column} differs between rows ({', '.join(sorted(set(given[given.rater_id == r][column])))})"
                     for r in clash[clash > 1].index]
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise UserError(f"{name}: {len(problems)} problem(s):\n  " + "\n  ".join(shown))
    rater_codes, raters = pd.factorize(df["rater_id"])
    item_codes, items = pd.factorize(df["item_id"])
    questions: dict[str, np.ndarray] = {}
    vals = values.to_numpy(dtype=float)
    for question, rows in df.groupby("question", sort=False).indices.items():
        m = np.full((len(items), len(raters)), np.nan)
        m[item_codes[rows], rater_codes[rows]] = vals[rows]
        questions[str(question)] = m
    attributes = {c: {str(r): str(v) for r, v in df[df[c] != ""].groupby("rater_id")[c].first().items()}
                  for c in extra}
    for c in extra:
        for r in raters:
            attributes[c].setdefault(str(r), "")
    return Ratings([str(r) for r in raters], [str(i) for i in items], questions, attributes)
