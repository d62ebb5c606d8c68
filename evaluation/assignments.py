"""Assign calls to raters: each call to k different raters, balanced so that every rater gets about the
same number of calls and each call's raters come from as many rater groups as possible (who rates
changes the verdict: DICES, GRASP). Deterministic for a given seed."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

from constellation.errors import UserError


def plan_assignments(calls: Sequence[str], raters: Mapping[str, str | None], k: int, *,
                     existing: Mapping[str, set[str]] | None = None, seed: int = 0) -> dict[str, list[str]]:
    """call id -> the raters to add so that it has k raters. `raters` maps rater -> group (None: no group).
    `existing` holds raters a call already has; they count towards k and are never repeated."""
    if k < 1:
        raise UserError("each call needs at least one rater (k >= 1)")
    if k > len(raters):
        raise UserError(f"k = {k} raters per call, but there are only {len(raters)} raters")
    rng = random.Random(seed)
    have = {c: set((existing or {}).get(c, set())) for c in calls}
    load: Counter[str] = Counter(r for rs in have.values() for r in rs if r in raters)
    order = list(raters)
    rng.shuffle(order)  # ties broken at random, reproducibly
    rank = {r: i for i, r in enumerate(order)}
    plan: dict[str, list[str]] = {}
    for call in calls:
        added: list[str] = []
        while len(have[call]) < k:
            groups = Counter(raters[r] for r in have[call])
            candidates = [r for r in raters if r not in have[call]]
            # Fewest calls so far first, then a group not yet (or least) on this call, then the shuffled order.
            best = min(candidates, key=lambda r: (load[r], groups[raters[r]] if raters[r] else 0, rank[r]))
            have[call].add(best)
            load[best] += 1
            added.append(best)
        plan[call] = added
    return plan
