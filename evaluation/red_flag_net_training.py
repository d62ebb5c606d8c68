"""Train the red-flag paraphrase net (:mod:`specialists.red_flag_net`) on read development specialist sets.

    python -m evaluation.red_flag_net_training tests/data/spec_dev/cases_{a,b,c,d,f,h,m,o,q,r,s,u,w,y}.jsonl tests/data/dev/cases.jsonl \
        --controls tests/data/crisis/dev/cases*.jsonl tests/data/crisis/ordinary/talk_{a,b,d}.jsonl \
        --conversations tests/data/conversations/dev/*.json

Each file is one writer's. The gold class of a case is its expected escalation (emergency / urgent / the rest);
the rules' class is what every specialist gives with the net off. Patient turns only (agent drafts are not
red flags). ``--controls``: crisis development files and read ordinary talk whose control cases (death in idiom,
fiction, someone else's illness, fears, mild everyday complaints; category ``control*``) teach the net that talk
of dying or of the body is not itself a red flag; only their controls are read, as class none.
``--conversations``: read scripted calls (the conversation suite's development split), whose caller lines teach
the net the register of a live call (asking for a repeat, for how to use an inhaler, a hearing aid whistling):
the lines of a call whose rubric expects no escalation anywhere, and every line its rubric holds to at most
routine, as class none. Without them the net raised such lines to 911 in two development calls. The fit is
deterministic (seeded initialisation, full-batch Adam in float32, classes weighted by inverse frequency). The
threshold is set by leaving one writer out at a time: the lowest P(emergency) at which the net, raising only
turns the rules left below emergency, adds at most ``MAX_ADDED_FE`` of the held-out non-emergencies as false
emergencies, and of the controls when they are given. The control files are held out in ``CONTROL_FOLDS``
groups of whole files rather than one by one (a fit takes about 20 s; 40-odd folds would take a quarter of an
hour). Never pass an unread split: the net would be measured on its training.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.replay import PlanCache, prepare, read_cases
from specialists.escalation import EscalationSpecialist
from specialists.findings import Finding, level_rank
from specialists.red_flag_net import WEIGHTS, RedFlagNet
from specialists.registry import all_specialists
from specialists.sentence_encoder import shared_encoder

MAX_ADDED_FE = 0.01
HIDDEN, STEPS, RATE, L2, SEED = 128, 1500, 3e-3, 1e-3, 0
CONTROL_FOLDS = 5
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.5, 0.991, 0.01))
_CLASS = {"emergency": 2, "urgent": 1}


@dataclass(frozen=True)
class Labelled:
    name: str
    controls_only: bool
    gold: np.ndarray        # class per patient turn
    rules: np.ndarray       # class the specialists give with the net off
    embeddings: np.ndarray


def _level(findings: Sequence[Finding]) -> int:
    levels = [f.level or "none" for f in findings if f.kind == "escalation"]
    top = max(levels, key=level_rank, default="none")
    return _CLASS.get(top, 0)


def load_labelled(path: Path, controls_only: bool = False) -> Labelled:
    parsed = read_cases(path)
    plans = PlanCache(path.parent)
    specialists = [s for s in all_specialists() if s.name != "escalation"] + [EscalationSpecialist(use_net=False)]
    gold, rules, texts = [], [], []
    for case in parsed.cases:
        ctx, _ = prepare(case, plans)
        if ctx is None or ctx.turn.speaker != "patient":
            continue
        if controls_only and not str(case.data.get("category", "")).startswith("control"):
            continue
        expected = [f.get("level", "none") for f in case.data.get("expected", []) if f.get("kind") == "escalation"]
        gold.append(_CLASS.get(max(expected, key=level_rank, default="none"), 0))
        findings = [f for s in specialists if "patient" in s.speakers for f in s.check(ctx).findings]
        rules.append(_level(findings))
        texts.append(ctx.text)
    embeddings = shared_encoder().encode_in_batches(texts)
    return Labelled(path.name, controls_only, np.array(gold), np.array(rules), embeddings)


def fit(x: np.ndarray, y: np.ndarray, threshold: float = 0.5, trained_on: dict[str, str] | None = None) -> RedFlagNet:
    """One hidden layer of rectified units under a softmax, by full-batch Adam on the class-weighted log loss."""
    x = x.astype(np.float32)
    n, d = x.shape
    rng = np.random.default_rng(SEED)
    params = [(rng.standard_normal((d, HIDDEN)) * np.sqrt(2 / d)).astype(np.float32), np.zeros(HIDDEN, np.float32),
              (rng.standard_normal((HIDDEN, 3)) * np.sqrt(1 / HIDDEN)).astype(np.float32), np.zeros(3, np.float32)]
    onehot = np.eye(3, dtype=np.float32)[y]
    weight = (n / (3 * np.bincount(y, minlength=3).clip(1)))[y][:, None].astype(np.float32)
    first = [np.zeros_like(q) for q in params]
    second = [np.zeros_like(q) for q in params]
    for step in range(1, STEPS + 1):
        w1, b1, w2, b2 = params
        pre = x @ w1 + b1
        hidden = np.maximum(pre, 0)
        z = hidden @ w2 + b2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight / n
        back = (g @ w2.T) * (pre > 0)
        grads = (x.T @ back + L2 * w1, back.sum(axis=0), hidden.T @ g + L2 * w2, g.sum(axis=0))
        for i, grad in enumerate(grads):
            first[i] = 0.9 * first[i] + 0.1 * grad
            second[i] = 0.999 * second[i] + 0.001 * grad * grad
            params[i] -= RATE * (first[i] / (1 - 0.9 ** step)) / (np.sqrt(second[i] / (1 - 0.999 ** step)) + 1e-8)
    return RedFlagNet(*params, threshold, trained_on or {})


def _folds(sets: Sequence[Labelled]) -> list[Labelled]:
    """Each writer's file is a fold; the control files are pooled into ``CONTROL_FOLDS`` groups of whole files."""
    writers = [s for s in sets if not s.controls_only]
    controls = sorted((s for s in sets if s.controls_only), key=lambda s: s.name)
    groups = [controls[i::CONTROL_FOLDS] for i in range(CONTROL_FOLDS)]
    return writers + [Labelled("+".join(s.name for s in g), True, np.concatenate([s.gold for s in g]),
                               np.concatenate([s.rules for s in g]), np.vstack([s.embeddings for s in g]))
                      for g in groups if g]


def load_call_lines(path: Path) -> Labelled | None:
    """The caller lines of a scripted call its writer's rubric says are no emergency, as class none (or None)."""
    call = json.loads(path.read_text(encoding="utf-8"))
    checks = call.get("checks", [])
    raised = any(c.get("type", "").startswith("escalation_at_least") for c in checks)
    quiet = {c["turn"] for c in checks if c.get("type") == "escalation_at_most" and c.get("level") in ("none", "routine")}
    lines = [t for i, t in enumerate(call.get("patient_lines", []), 1) if not raised or i in quiet]
    if not lines:
        return None
    zeros = np.zeros(len(lines), dtype=int)
    return Labelled(path.name, True, zeros, zeros, shared_encoder().encode(lines))


def leave_one_out(sets: Sequence[Labelled]) -> dict[float, dict[str, int]]:
    """Per threshold, pooled over held-out writers: emergencies the net adds and false emergencies it makes."""
    counts = {t: {"added": 0, "missed_by_rules": 0, "false": 0, "non_emergencies": 0, "false_controls": 0, "controls": 0}
              for t in THRESHOLDS}
    folds = _folds(sets)
    for i, held in enumerate(folds):
        rest = [s for j, s in enumerate(folds) if j != i]
        p = fit(np.vstack([s.embeddings for s in rest]), np.concatenate([s.gold for s in rest])).probabilities(held.embeddings)[:, 2]
        below = held.rules < 2
        for t in THRESHOLDS:
            raised = below & (p >= t)
            c = counts[t]
            if held.controls_only:  # the crisis controls are held to the same rate, apart
                c["false_controls"] += int(raised.sum())
                c["controls"] += len(held.gold)
                continue
            c["added"] += int((raised & (held.gold == 2)).sum())
            c["missed_by_rules"] += int((below & (held.gold == 2)).sum())
            c["false"] += int((raised & (held.gold < 2)).sum())
            c["non_emergencies"] += int((held.gold < 2).sum())
    return counts


def train(paths: Sequence[Path], out: Path = WEIGHTS, controls: Sequence[Path] = (), calls: Sequence[Path] = ()) -> RedFlagNet:
    sets = [load_labelled(p) for p in paths] + [load_labelled(p, controls_only=True) for p in controls]
    sets += [s for s in map(load_call_lines, calls) if s is not None]
    counts = leave_one_out(sets)
    threshold = next((t for t in THRESHOLDS if counts[t]["false"] <= MAX_ADDED_FE * counts[t]["non_emergencies"]
                      and counts[t]["false_controls"] <= MAX_ADDED_FE * counts[t]["controls"]), THRESHOLDS[-1])
    c = counts[threshold]
    print(f"leave one writer out at threshold {threshold}: the net adds {c['added']} of the {c['missed_by_rules']} "
          f"emergencies the rules missed, and makes {c['false']} false emergencies in {c['non_emergencies']} other turns "
          f"and {c['false_controls']} in {c['controls']} crisis controls")
    root = Path(__file__).resolve().parent.parent
    trained_on = {str(p.resolve().relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in (*paths, *controls, *calls)}
    net = fit(np.vstack([s.embeddings for s in sets]), np.concatenate([s.gold for s in sets]), threshold, trained_on)
    net.save(out)
    print(f"wrote {out}")
    return net


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("cases", nargs="+", type=Path, help="read development case files (one writer each)")
    parser.add_argument("--controls", nargs="*", type=Path, default=[], help="crisis development files (their controls only)")
    parser.add_argument("--conversations", nargs="*", type=Path, default=[], help="read scripted calls (their quiet lines only)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    train(args.cases, args.out, args.controls, args.conversations)


if __name__ == "__main__":
    main()
