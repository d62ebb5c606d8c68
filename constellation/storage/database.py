"""Engines, sessions and migrations.

SQLite (WAL) is the embedded default, in the project's data folder; PostgreSQL is the deployment
target. Schema changes go through the Alembic migrations in ``migrations/``; the Alembic
configuration is built here in code, so no ``alembic.ini`` is needed at run time.

Everything that can fail because of the URL or the server raises `StorageError` with a
one-line, human message (the password masked), chained to the original exception.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DB_FILENAME = "constellation.sqlite3"
DATA_DIR_ENV = "CONSTELLATION_DATA_DIR"

# busy_timeout first: switching a new file to WAL needs a lock another connection may hold.
SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("busy_timeout", "5000"),
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("synchronous", "NORMAL"),
)

# Any constant; serialises concurrent migrations on one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x636F6E73  # "cons"


class StorageError(Exception):
    """The database cannot be opened, reached or migrated; the message says why, for humans.

    ``bad_input`` marks errors in what the user gave (a malformed URL): the CLI exits 2 for those, 1 otherwise.
    """

    def __init__(self, message: str, *, bad_input: bool = False):
        super().__init__(message)
        self.bad_input = bad_input


# --------------------------------------------------------------------------------------------
# URLs and the data folder


def default_data_dir() -> Path:
    """Where the project keeps its data (not created here).

    ``$CONSTELLATION_DATA_DIR`` if set; else ``<repo>/data`` when this package sits in a source
    checkout (a ``pyproject.toml`` next to the package's parent folder); else
    ``~/.local/share/constellation``.
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[2]  # <repo>/constellation/storage/database.py
    if (repo / "pyproject.toml").is_file() and (repo / "constellation").is_dir():
        return repo / "data"
    return Path.home() / ".local" / "share" / "constellation"


def default_db_url() -> str:
    """The default database: an SQLite file in the data folder, which is created if missing."""
    folder = default_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the data folder {folder}: {_os_reason(exc)}") from exc
    return URL.create("sqlite+pysqlite", database=str(folder / DB_FILENAME)).render_as_string()


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL; plain PostgreSQL URLs get the psycopg 3 driver."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"invalid database URL {str(url)!r}: expected e.g. sqlite:///path/to/file.db "
                           "or postgresql://user:password@host:5432/dbname", bad_input=True) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def display_url(url: str | URL) -> str:
    """The URL for messages: password masked, driver name left out (``postgresql://...``)."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return repr(str(url))
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL, or None for an in-memory or URI-style database."""
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:") or url.query.get("uri"):
        return None
    return Path(db)


# --------------------------------------------------------------------------------------------
# Engines


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: `default_db_url()`), configured for this project.

    SQLite: WAL journal, foreign keys on, 5 s busy timeout, synchronous=NORMAL, and real
    transactions (SQLAlchemy emits BEGIN, so DDL and savepoints are transactional).
    PostgreSQL: ``postgresql://`` and ``postgres://`` use psycopg 3; connections are pre-pinged.
    No connection is made here.
    """
    parsed = normalise_url(url if url is not None else default_db_url())
    kwargs.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(f"unsupported database URL {display_url(parsed)} ({exc}); "
                           "use sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DBNAME") from exc
    except ArgumentError as exc:
        raise StorageError(f"invalid database URL {display_url(parsed)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see `_on_begin`): the sqlite3 driver's legacy
        # transaction control would run DDL and SAVEPOINTs outside the transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for name, value in SQLITE_PRAGMAS:
                _sqlite_pragma(cursor, name, value)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Every transaction takes the write lock up front (BEGIN IMMEDIATE) and so waits on the busy
        # timeout for another writer. A deferred transaction that reads and then writes fails with
        # "database is locked" at once when another connection writes meanwhile (SQLite's deadlock guard).
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _sqlite_pragma(cursor: Any, name: str, value: str, *, timeout_s: float = 5.0) -> None:
    # Switching to WAL can report "database is locked" at once, without waiting on the busy
    # timeout, while another connection is creating the file or checkpointing it on close.
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            cursor.execute(f"PRAGMA {name}={value}")
            return
        except sqlite3.OperationalError as exc:
            transient = "locked" in str(exc) or "busy" in str(exc)
            if not transient or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _reason(exc: BaseException) -> str:
    """A one-line reason from a driver error."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip() or type(orig).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # psycopg: 'connection failed: connection to server at "h" (ip), port p failed: Connection refused'
    first = lines[0] if lines else text
    if "failed: " in first:
        first = first.rsplit("failed: ", 1)[1]
    return first[:1].lower() + first[1:] if first else first


def _ensure_sqlite_folder(url: URL) -> None:
    path = sqlite_path(url)
    if path is None:
        return
    folder = path.expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder of the SQLite database {path}: {_os_reason(exc)}") from exc
    if path.is_dir():
        raise StorageError(f"cannot open the SQLite database {path}: it is a folder")


@contextmanager
def _connect(engine: Engine, *, migrating: bool = False) -> Iterator[Connection]:
    """A connection in a transaction; connection failures become `StorageError`."""
    _ensure_sqlite_folder(engine.url)
    shown = display_url(engine.url)
    try:
        conn = engine.connect()
    except (DBAPIError, sqlite3.Error) as exc:
        raise StorageError(f"cannot connect to {shown}: {_reason(exc)}") from exc
    except OSError as exc:
        raise StorageError(f"cannot connect to {shown}: {_os_reason(exc)}") from exc
    sqlite_migration = migrating and engine.dialect.name == "sqlite"
    try:
        if sqlite_migration:
            # Table rebuilds (batch mode) need foreign keys off; the pragma is a no-op inside a
            # transaction, so it goes straight to the driver first, and is checked and restored after.
            _sqlite_raw(conn, "PRAGMA foreign_keys=OFF")
            conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if migrating and engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            yield conn
            if sqlite_migration:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StorageError(f"migration of {shown} left {len(broken)} broken foreign keys, "
                                       f"first: {tuple(broken[0])}")
    finally:
        if sqlite_migration:
            _sqlite_raw(conn, "PRAGMA foreign_keys=ON")
        conn.close()


def _sqlite_raw(conn: Connection, sql: str) -> None:
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(sql)


# --------------------------------------------------------------------------------------------
# Migrations


def alembic_config(connection: Connection | None = None, url: str | URL | None = None) -> Config:
    """The Alembic configuration, built in code (no alembic.ini)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", normalise_url(url).render_as_string(hide_password=False).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships migrations
        raise StorageError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _migrate(url: str | URL | Engine, action: str, revision: str) -> None:
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        if action == "upgrade" and revision == "head":
            # The common case, checked without taking the write lock: already up to date.
            with _connect(engine) as conn:
                if _current(conn) == head_revision():
                    return
        with _connect(engine, migrating=True) as conn:
            cfg = alembic_config(conn)
            try:
                if action == "upgrade":
                    if revision == "head" and _current(conn) == head_revision():
                        return
                    command.upgrade(cfg, revision)
                else:
                    command.downgrade(cfg, revision)
            except CommandError as exc:
                raise StorageError(f"cannot {action} {display_url(engine.url)} to {revision}: {exc}") from exc
            except SQLAlchemyError as exc:
                raise StorageError(f"{action} of {display_url(engine.url)} to {revision} failed: {_reason(exc)}") from exc
    finally:
        if engine is not url:
            engine.dispose()


def upgrade(url: str | URL | Engine, revision: str = "head") -> None:
    """Migrate the database up to `revision` (creating the schema in a new database)."""
    _migrate(url, "upgrade", revision)


def downgrade(url: str | URL | Engine, revision: str) -> None:
    """Migrate the database down to `revision` (``"base"`` removes every table)."""
    _migrate(url, "downgrade", revision)


def current(url: str | URL | Engine) -> str | None:
    """The revision the database is at, None for an empty (unmigrated) database."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with _connect(engine) as conn:
            return _current(conn)
    finally:
        if engine is not url:
            engine.dispose()


# --------------------------------------------------------------------------------------------
# The database handle


@dataclass
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @property
    def url(self) -> str:
        """The URL, password masked."""
        return display_url(self.engine.url)

    def session(self) -> Session:
        """A new session; the caller commits (or use `transaction()`)."""
        return self.sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any exception."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_database(url: str | URL | None = None, *, migrate: bool = True) -> Database:
    """Open (and with `migrate`, create or upgrade to the newest schema) the database at `url`.

    `url` defaults to `default_db_url()`. The connection is checked here, so a bad URL or an
    unreachable server raises `StorageError` now rather than on first use.
    """
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
        else:
            with _connect(engine):
                pass
    except BaseException:
        engine.dispose()
        raise
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


__all__ = [
    "DATA_DIR_ENV", "DB_FILENAME", "MIGRATIONS_DIR", "Database", "StorageError", "alembic_config", "current",
    "default_data_dir", "default_db_url", "display_url", "downgrade", "head_revision", "make_engine",
    "normalise_url", "open_database", "upgrade",
]
