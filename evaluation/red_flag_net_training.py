"""Train the red-flag paraphrase net (:mod:`specialists.red_flag_net`) on read development specialist sets.

    python -m evaluation.red_flag_net_training tests/data/spec_dev/cases_{a,b,c,d,f,h,m,o,q,r,s,u,w,y}.jsonl tests/data/dev/cases.jsonl \
        --controls tests/data/crisis/dev/cases*.jsonl tests/data/crisis/ordinary/talk_{a,b,d}.jsonl

Each file is one writer's. The gold class of a case is its expected escalation (emergency / urgent / the rest);
the rules' class is what every specialist gives with the net off. Patient turns only (agent drafts are not
red flags). ``--controls``: crisis development files and read ordinary talk whose control cases (death in idiom,
fiction, someone else's illness, fears, mild everyday complaints; category ``control*``) teach the net that talk
of dying or of the body is not itself a red flag; only their controls are read, as class none. The fit is the crisis net's (deterministic full-batch gradient descent, classes weighted by inverse
frequency). The threshold is set by leaving one writer out at a time: the lowest P(emergency) at which the
net, raising only turns the rules left below emergency, adds at most ``MAX_ADDED_FE`` of the held-out
non-emergencies as false emergencies, and of the crisis controls when they are given. Never pass an unread split: the net would be measured on its training.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.crisis_net_training import fit
from evaluation.replay import PlanCache, prepare, read_cases
from specialists.crisis_net import CrisisNet
from specialists.escalation import EscalationSpecialist
from specialists.findings import Finding, level_rank
from specialists.red_flag_net import WEIGHTS
from specialists.registry import all_specialists
from specialists.sentence_encoder import shared_encoder

MAX_ADDED_FE = 0.01
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
    encoder = shared_encoder()
    embeddings = np.vstack([encoder.encode(texts[i:i + 32]) for i in range(0, len(texts), 32)])
    return Labelled(path.name, controls_only, np.array(gold), np.array(rules), embeddings)


def leave_one_out(sets: Sequence[Labelled]) -> dict[float, dict[str, int]]:
    """Per threshold, pooled over held-out writers: emergencies the net adds and false emergencies it makes."""
    counts = {t: {"added": 0, "missed_by_rules": 0, "false": 0, "non_emergencies": 0, "false_controls": 0, "controls": 0}
              for t in THRESHOLDS}
    for i, held in enumerate(sets):
        rest = [s for j, s in enumerate(sets) if j != i]
        w, b = fit(np.vstack([s.embeddings for s in rest]), np.concatenate([s.gold for s in rest]))
        p = CrisisNet(w, b, 0.5, {}).probabilities(held.embeddings)[:, 2]
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


def train(paths: Sequence[Path], out: Path = WEIGHTS, controls: Sequence[Path] = ()) -> CrisisNet:
    sets = [load_labelled(p) for p in paths] + [load_labelled(p, controls_only=True) for p in controls]
    counts = leave_one_out(sets)
    threshold = next((t for t in THRESHOLDS if counts[t]["false"] <= MAX_ADDED_FE * counts[t]["non_emergencies"]
                      and counts[t]["false_controls"] <= MAX_ADDED_FE * counts[t]["controls"]), THRESHOLDS[-1])
    c = counts[threshold]
    print(f"leave one writer out at threshold {threshold}: the net adds {c['added']} of the {c['missed_by_rules']} "
          f"emergencies the rules missed, and makes {c['false']} false emergencies in {c['non_emergencies']} other turns "
          f"and {c['false_controls']} in {c['controls']} crisis controls")
    w, b = fit(np.vstack([s.embeddings for s in sets]), np.concatenate([s.gold for s in sets]))
    root = Path(__file__).resolve().parent.parent
    trained_on = {str(p.resolve().relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in (*paths, *controls)}
    net = CrisisNet(w, b, threshold, trained_on)
    net.save(out)
    print(f"wrote {out}")
    return net


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("cases", nargs="+", type=Path, help="read development case files (one writer each)")
    parser.add_argument("--controls", nargs="*", type=Path, default=[], help="crisis development files (their controls only)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    train(args.cases, args.out, args.controls)


if __name__ == "__main__":
    main()
