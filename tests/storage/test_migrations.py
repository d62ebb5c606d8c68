"""Alembic migrations on SQLite and PostgreSQL: round trip, agreement with the models, first use."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from constellation.storage import (
    Base,
    current,
    downgrade,
    head_revision,
    make_engine,
    open_database,
    save_care_plan,
    upgrade,
)

from .conftest import make_plan

TABLES = {
    "care_plans", "call_sessions", "turns", "drafts", "findings", "escalations", "raters", "rating_forms",
    "assignments", "rating_audit",
    "ratings", "replay_runs", "replay_results",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_round_trip_upgrade_downgrade_upgrade(db_url: str) -> None:
    assert current(db_url) is None
    upgrade(db_url)
    assert current(db_url) == head_revision()
    assert _tables(db_url) == TABLES

    downgrade(db_url, "base")
    assert current(db_url) is None
    assert _tables(db_url) == set()

    upgrade(db_url, "head")
    assert current(db_url) == head_revision()
    assert _tables(db_url) == TABLES
    with open_database(db_url, migrate=False) as db, db.transaction() as s:
        assert save_care_plan(s, make_plan()).version == 1


def test_migrations_match_the_models(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "target_metadata": Base.metadata})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_indexes_exist(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        insp = inspect(engine)
        indexed = {
            table: {tuple(ix["column_names"]) for ix in insp.get_indexes(table)}
            | {tuple(uq["column_names"]) for uq in insp.get_unique_constraints(table)}
            for table in ("turns", "findings", "ratings")
        }
    finally:
        engine.dispose()
    assert ("session_id", "index") in indexed["turns"]
    assert ("turn_id",) in indexed["findings"]
    assert ("item_id", "question") in indexed["ratings"]


def test_upgrade_is_idempotent(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    assert current(db_url) == head_revision()


def test_open_database_creates_a_new_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.sqlite3"
    with open_database(f"sqlite:///{path}"):
        pass
    assert path.is_file()
    assert current(f"sqlite:///{path}") == head_revision()


def test_open_without_migrate_leaves_the_database_alone(db_url: str) -> None:
    with open_database(db_url, migrate=False):
        pass
    assert current(db_url) is None


def test_concurrent_first_opens_migrate_once(db_url: str) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            open_database(db_url).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current(db_url) == head_revision()
