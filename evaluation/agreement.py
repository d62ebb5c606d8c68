"""Inter-rater agreement, in-house (the maintained packages are GPL): Krippendorff's alpha (nominal, ordinal,
interval), Gwet's AC1, bootstrap confidence intervals over items, and the rater-group measures of DICES /
GRASP (in-group IRR, cross-replication reliability xRR, the Group Association Index with a permutation
test and Benjamini-Hochberg correction, negentropy, plurality). Definitions: CONTRACT.md §5.

Data for one question is an items x raters matrix of floats with NaN for "not rated". Everything is
computed from per-item value counts (items x values), so thousands of items and hundreds of raters are
matrix products, and permutations are batched.

References: K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011); K. Gwet, "Computing
inter-rater reliability and its variance in the presence of high agreement", BJMSP 61 (2008); K. Wong,
P. Paritosh, L. Aroyo, "Cross-replication Reliability", ACL 2021; Benjamini & Hochberg, JRSS B 57 (1995).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval"]


@dataclass(frozen=True)
class Coded:
    """One question's ratings as value counts: counts[i, k] = raters who gave item i the k-th value."""

    values: np.ndarray  # the distinct values, sorted
    counts: np.ndarray  # items x values, float


def code(matrix: np.ndarray, values: np.ndarray | None = None) -> Coded:
    """Count each item's ratings per value. `values` fixes the value set (e.g. all values the question takes)."""
    m = np.asarray(matrix, dtype=float)
    vals = np.unique(m[~np.isnan(m)]) if values is None else np.asarray(values, dtype=float)
    counts = np.stack([(m == v).sum(axis=1) for v in vals], axis=1).astype(float) if len(vals) else \
        np.zeros((m.shape[0], 0))
    return Coded(vals, counts)


def distance(values: np.ndarray, level: Literal["nominal", "interval"]) -> np.ndarray:
    """Krippendorff's squared difference delta^2(c, k) for the metrics that do not depend on the data
    (the ordinal one uses the value totals: see `_alpha_batch`)."""
    v = np.asarray(values, dtype=float)
    if level == "nominal":
        return 1.0 - np.eye(len(v))
    if level == "interval":
        return (v[:, None] - v[None, :]) ** 2
    raise ValueError(f"unknown level {level!r}")


def _item_coincidences(counts: np.ndarray) -> np.ndarray:
    """Per-item coincidence matrices (items x V x V) for items with two or more ratings (others are zero)."""
    m = counts.sum(axis=1)
    ok = m >= 2
    w = np.where(ok, 1.0 / np.where(ok, m - 1, 1), 0.0)
    per = counts[:, :, None] * counts[:, None, :]
    idx = np.arange(counts.shape[1])
    per[:, idx, idx] -= counts
    return per * w[:, None, None]


def alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: Level) -> float | None:
    """Alpha from a coincidence matrix; None where it is undefined (no pairable values, or no variation)."""
    return _finite(_alpha_batch(o[None], values, level)[0])


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


def alpha(matrix_or_coded: np.ndarray | Coded, level: Level = "nominal") -> float | None:
    """Krippendorff's alpha; items with fewer than two ratings drop out; None where undefined."""
    c = matrix_or_coded if isinstance(matrix_or_coded, Coded) else code(matrix_or_coded)
    if c.counts.shape[1] == 0:
        return None
    return alpha_from_coincidences(_item_coincidences(c.counts).sum(axis=0), c.values, level)


def ac1(matrix_or_coded: np.ndarray | Coded) -> float | None:
    """Gwet's AC1 for many raters with missing ratings (Gwet 2008): agreement over items with two or more
    ratings, chance agreement from category shares over items with at least one; None with one category."""
    c = matrix_or_coded if isinstance(matrix_or_coded, Coded) else code(matrix_or_coded)
    return _finite(_ac1_batch(c.counts, np.ones((1, c.counts.shape[0])))[0])


def bootstrap_ci(coded: Coded, statistic: Literal["alpha_nominal", "alpha_ordinal", "alpha_interval", "ac1"],
                 *, n_boot: int = 1000, level: float = 0.95, seed: int = 0) -> tuple[float, float] | None:
    """Percentile bootstrap interval resampling items (all resamples at once); None when the statistic is
    undefined in more than half of the resamples."""
    counts = coded.counts
    n_items, n_values = counts.shape
    if n_items < 2 or n_values == 0:
        return None
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n_items, np.full(n_items, 1.0 / n_items), size=n_boot).astype(float)
    if statistic == "ac1":
        stats = _ac1_batch(counts, weights)
    else:
        lvl: Level = statistic.split("_", 1)[1]  # type: ignore[assignment]
        per = _item_coincidences(counts).reshape(n_items, -1)
        stats = _alpha_batch((weights @ per).reshape(n_boot, n_values, n_values), coded.values, lvl)
    ok = stats[np.isfinite(stats)]
    if len(ok) < n_boot / 2:
        return None
    lo, hi = np.quantile(ok, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def _alpha_batch(o: np.ndarray, values: np.ndarray, level: Level) -> np.ndarray:
    """Alpha for a batch of coincidence matrices (B x V x V); NaN where undefined."""
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    if level == "ordinal":
        cum = np.concatenate([np.zeros((len(o), 1)), np.cumsum(n_c, axis=1)], axis=1)
        idx = np.arange(len(values))
        lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
        d = (cum[:, hi + 1] - cum[:, lo] - (n_c[:, :, None] + n_c[:, None, :]) / 2.0) ** 2
    else:
        d = np.broadcast_to(distance(values, level), o.shape)  # type: ignore[arg-type]
    d_e = np.einsum("bi,bij,bj->b", n_c, d, n_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((d_e > 0) & (n > 1), 1.0 - (n - 1) * (o * d).sum(axis=(1, 2)) / d_e, np.nan)


def _ac1_batch(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Gwet's AC1 for each row of item weights (B x items); NaN where undefined."""
    q = counts.shape[1]
    if q < 2:
        return np.full(len(weights), np.nan)
    r = counts.sum(axis=1)
    two, one = r >= 2, r >= 1
    pa_i = np.zeros(len(r))
    pa_i[two] = (counts[two] * (counts[two] - 1)).sum(axis=1) / (r[two] * (r[two] - 1))
    share = np.zeros_like(counts)
    share[one] = counts[one] / r[one, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = (weights * two) @ pa_i / (weights * two).sum(axis=1)
        pi = (weights * one) @ share / (weights * one).sum(axis=1, keepdims=True)
        pe = (pi * (1 - pi)).sum(axis=1) / (q - 1)
        return np.where(pe < 1, (pa - pe) / (1 - pe), np.nan)


# ------------------------------------------------------------------ rater groups (DICES / GRASP)
def _alpha_nominal_batch(counts: np.ndarray) -> np.ndarray:
    """Nominal alpha for a batch of count tensors (P x items x V); NaN where undefined."""
    m = counts.sum(axis=2)
    ok = m >= 2
    inv = np.where(ok, 1.0 / np.where(ok, m - 1, 1), 0.0)
    # Observed disagreement: sum_i (m_i^2 - sum_k n_ik^2) / (m_i - 1); marginals n_c = sum_i n_ic over ok items.
    sq = (counts**2).sum(axis=2)
    observed = ((m**2 - sq) * inv).sum(axis=1)
    n_c = (counts * ok[:, :, None]).sum(axis=1)
    n = n_c.sum(axis=1)
    expected = n**2 - (n_c**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((expected > 0) & (n > 1), 1.0 - (n - 1) * observed / expected, np.nan)


def _xrr_nominal_batch(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cross-replication reliability kappa_x, nominal (Wong et al. 2021), for batches (P x items x V)."""
    r_i, s_i = x.sum(axis=2), y.sum(axis=2)
    both = (r_i > 0) & (s_i > 0)
    r_tot = (r_i * both).sum(axis=1)
    s_tot = (s_i * both).sum(axis=1)
    agree = (x * y).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_item = np.where(both, (r_i + s_i) * (1.0 - agree / np.where(both, r_i * s_i, 1.0)), 0.0)
        d_o = per_item.sum(axis=1) / (r_tot + s_tot)
        x_k = (x * both[:, :, None]).sum(axis=1) / r_tot[:, None]
        y_k = (y * both[:, :, None]).sum(axis=1) / s_tot[:, None]
        d_e = 1.0 - (x_k * y_k).sum(axis=1)
        return np.where((r_tot > 0) & (s_tot > 0) & (d_e > 0), 1.0 - d_o / d_e, np.nan)


def _gai(irr: np.ndarray, xrr: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(irr) & np.isfinite(xrr) & (xrr > 0), irr / xrr, np.nan)


@dataclass(frozen=True)
class GroupAgreement:
    irr: float | None
    xrr: float | None
    gai: float | None
    gai_p_value: float | None
    negentropy: float | None
    plurality: float | None
    n_raters: int

    def to_contract(self) -> dict[str, float | None]:
        return {"irr": _r(self.irr), "xrr": _r(self.xrr), "gai": _r(self.gai), "gai_p_value": _r(self.gai_p_value),
                "negentropy": _r(self.negentropy), "plurality": _r(self.plurality)}


def _r(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), 6)


def group_agreement(matrix: np.ndarray, in_group: np.ndarray, *, values: np.ndarray | None = None,
                    permutations: int = 500, seed: int = 0) -> GroupAgreement:
    """Agreement of the raters where `in_group` is True, inside the group and against all other raters."""
    m = np.asarray(matrix, dtype=float)
    vals = np.unique(m[~np.isnan(m)]) if values is None else np.asarray(values, dtype=float)
    onehot = np.stack([(m == v) for v in vals], axis=2).astype(np.float32)  # items x raters x V
    total = onehot.sum(axis=1)  # items x V
    mask = np.asarray(in_group, dtype=bool)
    # float32 keeps the batched permutations light; the reported figures are computed in float64.
    x = np.einsum("irv,r->iv", onehot, mask.astype(np.float32))[None].astype(np.float64)
    y = total[None].astype(np.float64) - x
    irr = _alpha_nominal_batch(x)[0]
    xrr = _xrr_nominal_batch(x, y)[0]
    gai = _gai(np.array([irr]), np.array([xrr]))[0]
    p_value = None
    if math.isfinite(gai) and permutations > 0 and 0 < mask.sum() < len(mask):
        rng = np.random.default_rng(seed)
        masks = np.stack([rng.permutation(mask) for _ in range(permutations)], axis=1).astype(np.float32)  # R x P
        n_items, n_raters, n_values = onehot.shape
        # (items*V x raters) @ (raters x P) -> every permuted group's counts at once.
        px = (onehot.transpose(0, 2, 1).reshape(-1, n_raters) @ masks).reshape(n_items, n_values, -1)
        px = px.transpose(2, 0, 1)
        py = total[None] - px
        perm_gai = _gai(_alpha_nominal_batch(px), _xrr_nominal_batch(px, py))
        p_value = float(np.mean(np.nan_to_num(perm_gai, nan=-np.inf) > gai))
    group = x[0]
    rated = group.sum(axis=1) > 0
    negentropy = plurality = None
    if rated.any() and len(vals):
        p = group[rated] / group[rated].sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
        negentropy = float(np.mean(math.log(len(vals)) + plogp))
        plurality = float(np.mean(p.max(axis=1)))
    return GroupAgreement(_finite(irr), _finite(xrr), _finite(gai), p_value, negentropy, plurality, int(mask.sum()))


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone), None kept in place."""
    present = [(i, p) for i, p in enumerate(p_values) if p is not None]
    out: list[float | None] = [None] * len(p_values)
    if not present:
        return out
    order = sorted(present, key=lambda t: t[1])
    n = len(order)
    running = 1.0
    for rank in range(n, 0, -1):
        i, p = order[rank - 1]
        running = min(running, p * n / rank)
        out[i] = min(1.0, running)
    return out


# ------------------------------------------------------------------ the report of CONTRACT.md §5
def question_report(matrix: np.ndarray, *, groups: dict[str, np.ndarray] | None = None, permutations: int = 500,
                    n_boot: int = 1000, seed: int = 0) -> dict[str, object]:
    """One question's entry: alphas, AC1, bootstrap intervals, and with `groups` (name -> rater mask) the
    group measures."""
    m = np.asarray(matrix, dtype=float)
    coded = code(m)
    rated = ~np.isnan(m)
    entry: dict[str, object] = {
        "n_items": int(rated.any(axis=1).sum()), "n_raters": int(rated.any(axis=0).sum()),
        "alpha_nominal": _r(alpha(coded, "nominal")), "alpha_ordinal": _r(alpha(coded, "ordinal")),
        "alpha_interval": _r(alpha(coded, "interval")), "ac1": _r(ac1(coded)),
    }
    if n_boot:
        entry["ci95"] = {stat: (None if (ci := bootstrap_ci(coded, stat, n_boot=n_boot, seed=seed)) is None
                                else [round(ci[0], 6), round(ci[1], 6)])
                         for stat in ("alpha_nominal", "alpha_ordinal", "alpha_interval", "ac1")}
    undefined = [k for k in ("alpha_nominal", "alpha_ordinal", "alpha_interval", "ac1") if entry[k] is None]
    if undefined:
        entry["notes"] = [f"{', '.join(undefined)} undefined: " + (
            "every rating has the same value" if len(coded.values) == 1 else
            "no item has two ratings" if not (rated.sum(axis=1) >= 2).any() else "not enough data")]
    if groups is not None:
        entry["groups"] = {name: group_agreement(m, mask, values=coded.values, permutations=permutations,
                                                 seed=seed).to_contract() for name, mask in groups.items()}
    return entry


def agreement_report(matrices: dict[str, np.ndarray], *, groups: dict[str, np.ndarray] | None = None,
                     permutations: int = 500, n_boot: int = 1000, seed: int = 0) -> dict[str, object]:
    """CONTRACT.md §5 for every question; GAI p-values also Benjamini-Hochberg adjusted across all
    (question, group) tests as `gai_p_value_bh`."""
    questions = {q: question_report(m, groups=groups, permutations=permutations, n_boot=n_boot, seed=seed)
                 for q, m in matrices.items()}
    if groups is not None:
        cells = [(q, g) for q, e in questions.items() for g in e["groups"]]  # type: ignore[union-attr]
        raw = [questions[q]["groups"][g]["gai_p_value"] for q, g in cells]  # type: ignore[index]
        for (q, g), adj in zip(cells, benjamini_hochberg(raw), strict=True):
            questions[q]["groups"][g]["gai_p_value_bh"] = _r(adj)  # type: ignore[index]
    return {"questions": questions}
