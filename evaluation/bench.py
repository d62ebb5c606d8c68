"""Benchmarks that print numbers (not timed assertions): specialist latency and replay throughput."""

from __future__ import annotations

import json
import os
import statistics
import time
from functools import cache
from pathlib import Path
from typing import Any

from evaluation.replay import Case, PlanCache, percentile, read_cases, run_case, warm_up


def clear_text_memos() -> None:
    """Forget results memoised by utterance text, so a repeated pass costs what a first pass costs."""
    from specialists.text import drugs

    drugs._MEMO.clear()
    for memo in _text_memos():
        memo.cache_clear()


@cache
def _text_memos() -> list[Any]:
    """The specialists' bounded LRU caches (per-text and per-plan results), found once per process; unbounded
    ones (@cache) hold the loaded knowledge and are kept."""
    import gc
    from functools import _lru_cache_wrapper

    warm_up()
    return [obj for obj in gc.get_objects()
            if isinstance(obj, _lru_cache_wrapper) and getattr(obj, "__module__", "").startswith("specialists")
            and obj.cache_parameters()["maxsize"] is not None]


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


# ---------------------------------------------------------------- replay scaling across processes
_LAST_PASS = {"n": -1}


def _scaling_init(base: str, config: dict[str, Any], plan_refs: list[Any], barrier: Any, slots: Any) -> None:
    """A worker loads everything once (dictionaries, specialists, care plans) and waits for the others, so the
    timed part measures judging, not start-up. Each worker keeps to its own CPU (no migrations mid-run)."""
    from evaluation.replay import run_chunk

    with slots.get_lock():
        slot = slots.value
        slots.value += 1
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if cpus:
        os.sched_setaffinity(0, {cpus[slot % len(cpus)]})

    run_chunk(base, config, [Case("warm-up", 0, {"care_plan": ref, "turn": {"speaker": "patient", "text": "Hello."}})
                             for ref in plan_refs])
    barrier.wait()


def _scaling_job(job: tuple[int, str, dict[str, Any], list[Case]]) -> int:
    from evaluation.replay import run_chunk

    pass_no, base, config, chunk = job
    if _LAST_PASS["n"] != pass_no:  # each pass over the cases starts cold, as the first did
        clear_text_memos()
        _LAST_PASS["n"] = pass_no
    return len(run_chunk(base, config, chunk))


def _ready() -> None:
    """Answered only by a worker whose initializer finished, i.e. after every worker's (they wait on one barrier)."""


def bench_replay_scaling(cases_path: Path, workers: tuple[int, ...] = (1, 2), passes: int = 10,
                         chunk: int = 25) -> dict[str, Any]:
    """Deterministic replay throughput (cases/s) with each number of worker processes, start-up excluded."""
    import multiprocessing as mp

    from evaluation.replay import chunks
    from evaluation.replay_config import default_config
    from evaluation.replay_sources import from_cases_file

    source = from_cases_file(cases_path)
    base, config = str(source.base), default_config().model_dump(mode="json")
    plan_refs = list({json.dumps(c.data.get("care_plan"), sort_keys=True): c.data.get("care_plan")
                      for c in source.cases}.values())
    jobs = [(p, base, config, c) for p in range(passes) for c in chunks(source.cases, chunk)]
    out: dict[str, Any] = {"cases": len(source.cases), "passes": passes, "cpus": os.cpu_count(), "runs": {}}
    for n in workers:
        ctx = mp.get_context("spawn")
        with ctx.Pool(n, initializer=_scaling_init, initargs=(base, config, plan_refs, ctx.Barrier(n), ctx.Value("i", 0))) as pool:
            pool.apply(_ready)
            started = time.perf_counter()
            done = sum(pool.imap_unordered(_scaling_job, jobs))
            elapsed = time.perf_counter() - started
        out["runs"][n] = {"seconds": round(elapsed, 3), "cases_per_s": round(done / elapsed, 1)}
    if 1 in out["runs"]:
        base_rate = out["runs"][1]["cases_per_s"]
        out["speedup"] = {n: round(r["cases_per_s"] / base_rate, 3) for n, r in out["runs"].items()}
    return out
