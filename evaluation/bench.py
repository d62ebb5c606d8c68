"""Benchmarks that print numbers (not timed assertions): specialist latency and replay throughput."""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from evaluation.replay import Case, PlanCache, percentile, read_cases, run_case, warm_up


def clear_text_memos() -> None:
    """Forget results memoised by utterance text, so a repeated pass costs what a first pass costs."""
    import gc
    from functools import _lru_cache_wrapper

    from specialists.text import drugs

    drugs._MEMO.clear()
    for obj in gc.get_objects():
        # Bounded LRU caches hold per-text (and per-plan) results; unbounded ones (@cache) hold the loaded knowledge.
        if isinstance(obj, _lru_cache_wrapper) and getattr(obj, "__module__", "").startswith("specialists") \
                and obj.cache_parameters()["maxsize"] is not None:
            obj.cache_clear()


def pin_to_one_core() -> str:
    """Run on one CPU so the figure is per core; returns a note on what was done."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this system)"


def bench_specialists(cases_path: Path, repeat: int = 5) -> dict[str, Any]:
    """Per-turn specialist latency (p50/p95/max) and replay throughput in cases per second, one core."""
    note = pin_to_one_core()
    parsed = read_cases(cases_path)
    plans = PlanCache(cases_path.resolve().parent)
    warm_up()
    # Warm-up loads each care plan and its per-plan caches with a neutral turn, never the cases' own text,
    # so no pass profits from having seen a case before (text-level memos are cleared between passes too).
    for plan_ref in {json.dumps(c.data.get("care_plan"), sort_keys=True) for c in parsed.cases}:
        run_case(Case("warm-up", 0, {"care_plan": json.loads(plan_ref), "turn": {"speaker": "patient", "text": "Hello."}}), plans)
    latencies: list[float] = []
    elapsed = 0.0
    for _ in range(repeat):
        clear_text_memos()
        started = time.perf_counter()
        for case in parsed.cases:
            entry = run_case(case, plans)
            if "error" not in entry:
                latencies.append(entry["latency_ms"])
        elapsed += time.perf_counter() - started
    n = len(parsed.cases) * repeat
    return {
        "cases": len(parsed.cases), "repeat": repeat, "cpu": note,
        "latency_ms": {"mean": round(statistics.fmean(latencies), 3), "p50": round(percentile(latencies, 0.5), 3),
                       "p95": round(percentile(latencies, 0.95), 3), "max": round(max(latencies), 3)},
        "throughput_cases_per_s": round(n / elapsed, 1),
    }


def bench_turns(plan_path: Path, calls: int = 10) -> dict[str, Any]:
    """Scripted primary + deterministic specialists, no storage: per-turn overhead of the whole pipeline."""
    import asyncio

    from careplans import load_care_plan
    from constellation.call import Call

    plan = load_care_plan(plan_path)
    p = plan.patient
    lines = [f"Hello, this is {p.name}.", p.date_of_birth.strftime("%B %d, %Y"), "I'm doing fine, thanks.",
             "I took two Tylenol yesterday for my back.", "My blood pressure was one thirty over eighty.",
             "No problems with my medicines.", "When is my next appointment?", "No, that's all. Bye."]
    totals: list[float] = []
    stages: dict[str, list[float]] = {"specialists": [], "primary": [], "verify": []}

    async def one_call() -> None:
        call = Call.start(plan)
        for line in lines:
            out = await call.say(line)
            totals.append(out.latency_ms["total"])
            for k in stages:
                stages[k].append(out.latency_ms.get(k, 0.0))

    async def run() -> None:
        await one_call()  # warm-up
        totals.clear()
        for v in stages.values():
            v.clear()
        for _ in range(calls):
            await one_call()

    asyncio.run(run())
    return {"turns": len(totals),
            "total_ms": {"mean": round(statistics.fmean(totals), 2), "p50": round(percentile(totals, 0.5), 2),
                         "p95": round(percentile(totals, 0.95), 2), "max": round(max(totals), 2)},
            "stage_p95_ms": {k: round(percentile(v, 0.95), 2) for k, v in stages.items()}}


def bench_parallelism(delay_s: float = 0.2, n: int = 5) -> dict[str, Any]:
    """Five specialists each given an artificial model latency: the stage should take about one latency."""
    import asyncio
    from dataclasses import dataclass

    from careplans import load_care_plan
    from constellation.orchestrator import run_checks
    from specialists.base import SpecialistResult, TurnContext, Utterance

    @dataclass
    class SlowSpecialist:
        name: str
        speakers: frozenset[str] = frozenset({"patient"})

        def check(self, ctx: TurnContext) -> SpecialistResult:
            return SpecialistResult()

        async def acheck(self, ctx: TurnContext) -> SpecialistResult:
            await asyncio.sleep(delay_s)  # stands in for a model call
            return SpecialistResult()

    plan = load_care_plan(Path(__file__).resolve().parents[1] / "careplans" / "examples" / "anticoagulation_warfarin.yaml")
    ctx = TurnContext(plan=plan, turn=Utterance("patient", "hello"))

    async def stage(k: int) -> float:
        specs = [SlowSpecialist(f"s{i}") for i in range(k)]
        t0 = time.perf_counter()
        await run_checks(specs, ctx, timeout_s=5)  # type: ignore[arg-type]
        return time.perf_counter() - t0

    one = min(asyncio.run(stage(1)) for _ in range(3))
    many = min(asyncio.run(stage(n)) for _ in range(3))
    return {"one_specialist_s": round(one, 3), f"{n}_specialists_s": round(many, 3), "ratio": round(many / one, 3)}
