"""Run replay cases through one or more engine configurations and build the reports.

For each configuration: look up what is already stored for it (resume), run the rest in chunks (in this
process, across worker processes, or as Ray tasks), store each chunk as it comes back, then assemble the
CONTRACT.md §3 report from everything stored. With several configurations the report holds one §3 report
per configuration under "runs" and a comparison (evaluation/compare.py); its top-level "cases", "metrics"
and "engine" are the first configuration's, so tools reading a plain §3 report still work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from evaluation.compare import CaseResult, compare
from evaluation.replay import Case, chunks, metrics, percentile, run_chunk
from evaluation.replay_config import ReplayConfig, default_config
from evaluation.replay_sources import ReplaySource
from evaluation.replay_store import ReplayStore

Progress = Callable[[int], None]
DETERMINISTIC_CHUNK = 25


class Interrupted(Exception):
    """The run stopped before every case was judged; what was judged is stored."""

    def __init__(self, config: str, done: int, total: int):
        super().__init__(f"{config}: stopped after {done} of {total} cases")
        self.config, self.done, self.total = config, done, total


def run_configs(source: ReplaySource, configs: Sequence[ReplayConfig], *, store: ReplayStore | None = None,
                workers: int = 1, ray_address: str | None = None, progress: Progress | None = None,
                notice: Callable[[str], None] | None = None, fresh: bool = False, n_boot: int = 1000
                ) -> dict[str, Any]:
    """The report for `source` under each configuration (none given: the deterministic default, and the plain
    §3 report)."""
    chosen = list(configs) or [default_config()]
    digest = source.digest()
    runs: list[dict[str, Any]] = []
    for config in chosen:
        entries = _run_one(source, config, digest, store=store, workers=workers, ray_address=ray_address,
                           progress=progress, notice=notice, fresh=fresh)
        runs.append(assemble(source, config, entries))
    return combined(source, chosen, runs, n_boot=n_boot) if configs else runs[0]


def combined(source: ReplaySource, configs: Sequence[ReplayConfig], runs: list[dict[str, Any]], *, n_boot: int
             ) -> dict[str, Any]:
    """The several-configuration report: the first run's §3 keys at the top, every run under "runs", and the
    comparison."""
    report = {k: runs[0][k] for k in ("cases", "metrics", "engine", "micro", "errors") if k in runs[0]}
    report["runs"] = runs
    report["comparison"] = comparison(source, configs, runs, n_boot=n_boot)
    return report


def _run_one(source: ReplaySource, config: ReplayConfig, digest: str, *, store: ReplayStore | None, workers: int,
             ray_address: str | None, progress: Progress | None, notice: Callable[[str], None] | None,
             fresh: bool) -> dict[str, dict[str, Any]]:
    run_id, done = store.start(config, source, digest, fresh=fresh) if store else (None, {})
    positions = {c.id: i for i, c in enumerate(source.cases)}
    todo = [c for c in source.cases if c.id not in done]
    if done:
        if notice:
            notice(f"{config.name}: {len(done)} of {len(source.cases)} cases already judged and stored "
                   f"(an earlier run of the same configuration, cases and code); judging the other {len(todo)}")
        if progress:
            progress(len(done))
    results = dict(done)
    try:
        for cases, entries in _execute(source, config, todo, workers=workers, ray_address=ray_address):
            if store and run_id is not None:
                store.save(run_id, cases, entries, positions)
            results.update((e["id"], e) for e in entries)
            if progress:
                progress(len(entries))
    except KeyboardInterrupt:
        raise Interrupted(config.name, len(results), len(source.cases)) from None
    if store and run_id is not None:
        store.finish(run_id)
    return results


def _execute(source: ReplaySource, config: ReplayConfig, cases: list[Case], *, workers: int,
             ray_address: str | None) -> Iterator[tuple[list[Case], list[dict[str, Any]]]]:
    """(cases, entries) per chunk as chunks finish, in whatever order they finish."""
    if not cases:
        return
    base = str(source.base)
    data = config.model_dump(mode="json")
    model = config.engine != "deterministic"
    # Model engines: chunks large enough that `concurrency` calls are in flight; deterministic: small chunks
    # so the workers stay evenly loaded and each stored chunk is little work to lose.
    size = config.concurrency * 4 if model else max(1, min(DETERMINISTIC_CHUNK, len(cases) // (max(workers, 1) * 4) or 1))
    batches = list(chunks(cases, size))
    if ray_address:
        yield from _execute_ray(ray_address, base, data, batches, workers)
    elif workers <= 1 or model:
        # A model engine waits on the network, not the CPU: one process with bounded concurrency is the
        # only place a rate limit can be held.
        for batch in batches:
            yield batch, run_chunk(base, data, batch)
    else:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(workers) as pool:
            jobs = [(base, data, batch) for batch in batches]
            for chunk, entries in pool.imap_unordered(_pool_job, jobs):
                yield chunk, entries


def _pool_job(job: tuple[str, dict[str, Any], list[Case]]) -> tuple[list[Case], list[dict[str, Any]]]:
    base, data, chunk = job
    return chunk, run_chunk(base, data, chunk)


def _execute_ray(address: str, base: str, data: dict[str, Any], chunks: list[list[Case]], workers: int
                 ) -> Iterator[tuple[list[Case], list[dict[str, Any]]]]:
    """The same chunks as Ray tasks on a cluster; every node needs this project installed."""
    from constellation.errors import UserError

    try:
        import ray
    except ImportError:
        raise UserError("--ray needs the ray package: pip install 'constellation-care[ray]'") from None
    _check_reachable(address)
    try:
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False,
                 runtime_env={"env_vars": {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}})
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UserError(f"--ray {address}: cannot reach the Ray cluster there ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:200]}). Start one with `ray start --head`, or check the "
                        "address.") from None
    try:
        remote = ray.remote(run_chunk)
        limit = max(workers, int(ray.cluster_resources().get("CPU", 1)))
        pending: dict[Any, list[Case]] = {}
        queue = list(chunks)
        while queue or pending:
            while queue and len(pending) < limit:  # a bounded number in flight: results stream back in order done
                chunk = queue.pop(0)
                pending[remote.remote(base, data, chunk)] = chunk
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                yield pending.pop(ref), ray.get(ref)
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail in seconds on a wrong address (Ray itself keeps retrying for minutes)."""
    import socket

    from constellation.errors import UserError

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" or a form Ray resolves itself
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except OSError as exc:
        raise UserError(f"--ray {address}: cannot reach the Ray cluster there ({exc.strerror or exc}). Start one with "
                        "`ray start --head`, or check the address.") from None


# ---------------------------------------------------------------- reports
def assemble(source: ReplaySource, config: ReplayConfig, entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One configuration's CONTRACT.md §3 report: every case in input order, metrics over cases with gold."""
    cases = [entries[c.id] for c in source.cases]
    scored = [(c.data.get("expected") or [], e["findings"]) for c, e in zip(source.cases, cases, strict=True)
              if "expected" in c.data and "error" not in e]
    report: dict[str, Any] = {"cases": cases, "metrics": {}, "engine": config.engine_label()}
    if scored:
        every = metrics(scored)
        report["metrics"] = {k: v for k, v in every.items() if k != "micro"}
        report["micro"] = every["micro"]
    report["latency"] = latency_by_specialist(cases)
    failures = sum(len(e.get("model_errors", [])) for e in cases)
    if config.engine != "deterministic":
        report["model_failures"] = failures
    if source.errors:
        report["errors"] = source.errors
    return report


def latency_by_specialist(cases: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per specialist (and the whole case): p50 / p95 / max latency in ms."""
    per: dict[str, list[float]] = {"case": [c["latency_ms"] for c in cases if "error" not in c]}
    for c in cases:
        for name, ms in (c.get("specialist_latency_ms") or {}).items():
            per.setdefault(name, []).append(ms)
    return {name: {"p50_ms": round(percentile(v, 0.5), 3), "p95_ms": round(percentile(v, 0.95), 3),
                   "max_ms": round(max(v), 3), "n": len(v)} for name, v in per.items() if v}


def comparison(source: ReplaySource, configs: Sequence[ReplayConfig], runs: Sequence[dict[str, Any]], *,
               n_boot: int) -> dict[str, Any]:
    """Configurations compared on the cases that have gold and that every configuration could judge."""
    names = [c.name for c in configs]
    results = []
    for i, case in enumerate(source.cases):
        per = [run["cases"][i] for run in runs]
        if "expected" not in case.data or any("error" in e for e in per):
            continue
        results.append(CaseResult(case.id, case.conversation, case.data.get("expected") or [],
                                  {n: e["findings"] for n, e in zip(names, per, strict=True)}))
    if not results:
        return {"configs": {}, "differences": {}, "n_cases": 0, "n_calls": 0,
                "note": "no case has expected findings: nothing to compare against"}
    out = compare(results, names, n_boot=n_boot)
    for name, run in zip(names, runs, strict=True):
        out["configs"][name]["latency"] = run["latency"]
        out["configs"][name]["engine"] = run["engine"]
        if "model_failures" in run:
            out["configs"][name]["model_failures"] = run["model_failures"]
    return out


def report_from_store(store: ReplayStore, run_ids: Sequence[int], *, n_boot: int = 1000
                      ) -> tuple[dict[str, Any], ReplaySource]:
    """Stored runs rebuilt into the same report `constellation replay` writes, over the cases every run has
    (a run still in progress contributes what it has judged)."""
    loaded = [store.results(i) for i in run_ids]
    if not loaded:
        raise ValueError("choose at least one run")
    common = set.intersection(*({c["id"] for c, _ in rows} for _, rows in loaded))
    first_meta, first_rows = loaded[0]
    cases = [Case(c["id"], 0, c) for c, _ in first_rows if c["id"] in common]
    source = ReplaySource(cases, Path(first_meta["base_dir"]), first_meta["source"])
    configs, runs = [], []
    taken: set[str] = set()
    for run_id, (meta, rows) in zip(run_ids, loaded, strict=True):
        config = ReplayConfig.model_validate(meta["config"])
        if config.name in taken:  # the same configuration run twice (e.g. before and after a code change)
            config = config.model_copy(update={"name": f"{config.name} #{run_id}"})
        taken.add(config.name)
        configs.append(config)
        runs.append(assemble(source, config, {e["id"]: e for _, e in rows if e["id"] in common}))
    return combined(source, configs, runs, n_boot=n_boot), source


__all__ = ["Interrupted", "assemble", "combined", "comparison", "latency_by_specialist", "report_from_store", "run_configs"]
