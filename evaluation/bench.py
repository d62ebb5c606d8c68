"""Benchmarks that print numbers (not timed assertions): specialist latency and replay throughput."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from evaluation.replay import PlanCache, read_cases, run_case


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
    for case in parsed.cases:  # warm-up: load plans, dictionaries and caches once
        run_case(case, plans)
    latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(repeat):
        for case in parsed.cases:
            entry = run_case(case, plans)
            if "error" not in entry:
                latencies.append(entry["latency_ms"])
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(parsed.cases) * repeat
    return {
        "cases": len(parsed.cases), "repeat": repeat, "cpu": note,
        "latency_ms": {"mean": round(statistics.fmean(latencies), 3), "p50": round(latencies[len(latencies) // 2], 3),
                       "p95": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 3),
                       "max": round(latencies[-1], 3)},
        "throughput_cases_per_s": round(n / elapsed, 1),
    }
