"""Replay results in the database, case by case: what lets an interrupted run resume where it stopped and
the dashboard show past runs. A run is keyed by its configuration's digest and its cases' digest, so the
same command resumes, and a changed configuration or case file starts a new run."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from constellation.storage.models import ReplayResult, ReplayRun, utcnow
from evaluation.replay import Case
from evaluation.replay_config import ReplayConfig
from evaluation.replay_sources import ReplaySource


def run_key(config: ReplayConfig, source_digest: str) -> str:
    """Configuration, cases and the engine's own code: results stored by other code are never reused."""
    return hashlib.sha256(f"{config.digest()}:{source_digest}:{code_digest()}".encode()).hexdigest()


@cache
def code_digest() -> str:
    """A digest of what judges a case: the specialists and their knowledge, the care-plan reader, the engines."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    files = [p for d in ("specialists", "careplans") for p in (root / d).rglob("*")
             if p.suffix in {".py", ".yaml", ".yml", ".json", ".csv"} and "__pycache__" not in p.parts]
    files += [root / "evaluation" / n for n in ("engines.py", "replay.py", "replay_sources.py")]
    for path in sorted(files):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class RunSummary:
    id: int
    name: str
    source: str
    source_digest: str
    engine: str
    model: str | None
    n_cases: int
    n_done: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ReplayStore:
    def __init__(self, database: Any):
        self.db = database

    def start(self, config: ReplayConfig, source: ReplaySource, source_digest: str, *, fresh: bool = False
              ) -> tuple[int, dict[str, dict[str, Any]]]:
        """The run for this configuration and these cases, created if new, and the entries already stored."""
        key = run_key(config, source_digest)
        with self.db.transaction() as s:
            run = s.scalar(select(ReplayRun).where(ReplayRun.run_key == key))
            if run is not None and fresh:
                s.delete(run)
                s.flush()
                run = None
            if run is None:
                run = ReplayRun(run_key=key, config_name=config.name, config=config.model_dump(mode="json"),
                                source=source.label, source_digest=source_digest, base_dir=str(source.base),
                                n_cases=len(source.cases))
                s.add(run)
                s.flush()
            done = {case_id: entry for case_id, entry in
                    s.execute(select(ReplayResult.case_id, ReplayResult.entry).where(ReplayResult.run_id == run.id))}
            return run.id, done

    def save(self, run_id: int, cases: Sequence[Case], entries: Sequence[dict[str, Any]],
             positions: dict[str, int]) -> None:
        """One chunk's results, in one transaction (a chunk is all stored or not at all)."""
        with self.db.transaction() as s:
            s.add_all(ReplayResult(run_id=run_id, position=positions[c.id], case_id=c.id, conversation=c.conversation,
                                   case=c.data, entry=e) for c, e in zip(cases, entries, strict=True))

    def finish(self, run_id: int) -> None:
        with self.db.transaction() as s:
            run = s.get(ReplayRun, run_id)
            if run is not None and run.finished_at is None:
                run.finished_at = utcnow()

    def runs(self) -> list[RunSummary]:
        with self.db.transaction() as s:
            counts = dict(s.execute(select(ReplayResult.run_id, func.count()).group_by(ReplayResult.run_id)).all())
            return [RunSummary(r.id, r.config_name, r.source, r.source_digest, r.config.get("engine", "?"),
                               (r.config.get("model") or {}).get("model"), r.n_cases, counts.get(r.id, 0),
                               r.created_at, r.finished_at)
                    for r in s.scalars(select(ReplayRun).order_by(ReplayRun.created_at.desc(), ReplayRun.id.desc()))]

    def results(self, run_id: int) -> tuple[dict[str, Any], list[tuple[dict[str, Any], dict[str, Any]]]]:
        """A run's configuration and base folder, and its (case, entry) pairs in case order."""
        with self.db.transaction() as s:
            run = s.get(ReplayRun, run_id)
            if run is None:
                raise KeyError(f"no replay run {run_id}")
            rows = s.execute(select(ReplayResult.case, ReplayResult.entry).where(ReplayResult.run_id == run_id)
                             .order_by(ReplayResult.position)).all()
            return {"config": run.config, "base_dir": run.base_dir, "source": run.source}, [(c, e) for c, e in rows]

    def delete_run(self, run_id: int) -> None:
        with self.db.transaction() as s:
            s.execute(delete(ReplayRun).where(ReplayRun.id == run_id))
