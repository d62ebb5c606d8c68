"""Synthetic ratings for the agreement benchmark: raters in three roles, Likert 1-5 answers around a
per-item truth, a role-specific bias, and a share of missing ratings."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def write_synthetic_ratings(path: Path, *, items: int, raters: int, questions: int, missing: float,
                            seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    roles = np.array(["RN", "NP", "MD"])[rng.integers(0, 3, raters)]
    bias = {"RN": 0.0, "NP": 0.3, "MD": -0.4}
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["rater_id", "item_id", "question", "value", "role"])
        for q in range(questions):
            truth = rng.normal(3, 1, items)
            noise = rng.normal(0, 0.8, (items, raters))
            shift = np.array([bias[r] for r in roles])
            values = np.clip(np.rint(truth[:, None] + shift[None, :] + noise), 1, 5)
            keep = rng.random((items, raters)) >= missing
            for i, r in zip(*np.nonzero(keep), strict=True):
                out.writerow([f"r{r:03d}", f"call{i:04d}", f"q{q + 1}", int(values[i, r]), roles[r]])
                rows += 1
    return rows
