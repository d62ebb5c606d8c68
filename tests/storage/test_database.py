"""Engines, URLs, the data folder and error messages."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

import constellation
from constellation.storage import (
    Database,
    StorageError,
    current,
    default_data_dir,
    default_db_url,
    make_engine,
    open_database,
    upsert_rater,
)
from constellation.storage.models import Rater
from tests.conftest import free_port


def test_sqlite_runs_in_wal_mode_with_the_project_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    with open_database(f"sqlite:///{path}") as db:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        with db.transaction() as s:
            upsert_rater(s, "nurse1", password_hash="x")
        # WAL is a property of the file: a plain sqlite3 connection sees it too, and the log exists.
        plain = sqlite3.connect(path)
        try:
            assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            plain.close()
        assert path.with_name(path.name + "-wal").exists()


def test_sqlite_transactions_are_real_for_reads_and_ddl(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tx.sqlite3'}")
    try:
        with engine.connect() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.rollback()  # DDL rolled back: it ran inside a transaction
            assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name='t'")).scalar() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["postgresql://u:p@db.example/care", "postgres://u:p@db.example/care"])
def test_postgresql_urls_use_psycopg3(url: str) -> None:
    engine = make_engine(url)  # no connection is made
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.pool._pre_ping
    finally:
        engine.dispose()


def test_unreachable_postgresql_gives_a_clear_error_with_the_password_masked() -> None:
    port = free_port()
    url = f"postgresql://care:s3cret-pw@127.0.0.1:{port}/care"
    with pytest.raises(StorageError) as info:
        open_database(url)
    message = str(info.value)
    assert message.startswith(f"cannot connect to postgresql://care:***@127.0.0.1:{port}/care: ")
    assert "connection refused" in message.lower()
    assert "s3cret-pw" not in message
    assert "\n" not in message
    assert info.value.__cause__ is not None  # the original error stays available for --debug
    with pytest.raises(StorageError, match="cannot connect"):
        current(url)


def test_sqlite_under_a_file_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match=r"cannot create the folder of the SQLite database .*a-file/db\.sqlite3: "):
        open_database(f"sqlite:///{blocker / 'db.sqlite3'}")


def test_sqlite_path_that_is_a_folder_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder"):
        open_database(f"sqlite:///{tmp_path}")


def test_sqlite_unopenable_file_gives_a_clear_error(tmp_path: Path) -> None:
    # Read-only URI mode on a file that does not exist: SQLite itself refuses to open it.
    url = f"sqlite:///file:{tmp_path / 'missing.sqlite3'}?mode=ro&uri=true"
    with pytest.raises(StorageError, match=r"cannot connect to sqlite:///.*: unable to open database file"):
        open_database(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("nonsense", "invalid database URL 'nonsense'"), ("mysql://u@h/db", "unsupported database URL mysql://u@h/db")],
)
def test_bad_urls_give_a_clear_error(url: str, expected: str) -> None:
    with pytest.raises(StorageError, match=expected):
        open_database(url)


def test_default_url_honours_the_data_dir_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "care" / "data"
    monkeypatch.setenv("CONSTELLATION_DATA_DIR", str(folder))
    assert default_data_dir() == folder
    url = default_db_url()
    assert url == f"sqlite+pysqlite:///{folder / 'constellation.sqlite3'}"
    assert folder.is_dir()  # created on first use
    with open_database() as db:
        assert isinstance(db, Database)
    assert (folder / "constellation.sqlite3").is_file()


def test_default_data_dir_in_a_checkout_is_the_repo_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSTELLATION_DATA_DIR", raising=False)
    repo = Path(constellation.__file__).resolve().parents[1]
    assert (repo / "pyproject.toml").is_file()
    assert default_data_dir() == repo / "data"


def test_timestamps_come_back_timezone_aware_utc(db: Database) -> None:
    consent = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with db.transaction() as s:
        rater = upsert_rater(s, "nurse1", password_hash="x", consent_at=consent)
        rater_id = rater.id
    with db.session() as s:
        stored = s.get(Rater, rater_id)
        assert stored is not None and stored.consent_at is not None
        assert stored.consent_at == consent
        assert stored.consent_at.utcoffset() == dt.timedelta(0)
        assert stored.consent_at.hour == 7
        assert stored.created_at.tzinfo is not None
        assert abs(dt.datetime.now(dt.UTC) - stored.created_at) < dt.timedelta(minutes=5)
