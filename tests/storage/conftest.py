"""Fixtures for the storage tests: a database URL per backend, each test on a fresh database.

PostgreSQL: set CONSTELLATION_TEST_PG_URL to a server URL (e.g. the one `scripts/pg-test-server
start` prints); every test creates its own database there and drops it afterwards (or, where
the role may not create databases, its own schema). Without that variable the PostgreSQL tests
are skipped, unless CONSTELLATION_REQUIRE_PG=1 (CI), which makes them fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, ProgrammingError

from careplans.model import CarePlan
from constellation.storage import Database, open_database
from constellation.storage.database import display_url, normalise_url

PG_URL_ENV = "CONSTELLATION_TEST_PG_URL"
REQUIRE_PG_ENV = "CONSTELLATION_REQUIRE_PG"


def pg_server_url() -> URL:
    """The test server URL, or skip (fail when PostgreSQL is required)."""
    raw = os.environ.get(PG_URL_ENV, "").strip()
    if not raw:
        message = (f"PostgreSQL tests need {PG_URL_ENV} (e.g. the URL printed by "
                   "`scripts/pg-test-server start`)")
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {PG_URL_ENV} is not set: {message}", pytrace=False)
        pytest.skip(message)
    return normalise_url(raw)


@pytest.fixture(scope="session")
def _pg_admin() -> Iterator[Any]:
    """An autocommit engine on the test server's own database (created once per run)."""
    server = pg_server_url()
    engine = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        reason = " ".join(str(exc.orig).split())
        pytest.fail(f"{PG_URL_ENV}={display_url(server)} is not reachable: {reason}", pytrace=False)
    yield engine
    engine.dispose()


def _fresh_pg_database(admin: Any) -> Iterator[str]:
    server: URL = admin.url
    name = f"constellation_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        try:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            kind = "database"
        except ProgrammingError:  # no CREATEDB privilege: isolate by schema instead
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
            kind = "schema"
    if kind == "database":
        url = server.set(database=name)
    else:
        url = server.update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if kind == "database":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A URL to a fresh, empty database: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        yield from _fresh_pg_database(request.getfixturevalue("_pg_admin"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An opened (migrated) database."""
    database = open_database(db_url)
    yield database
    database.close()


def make_plan(plan_id: str = "plan-a", **changes: Any) -> CarePlan:
    """A minimal, valid care plan."""
    data: dict[str, Any] = {
        "id": plan_id,
        "title": "Heart failure follow-up",
        "patient": {"name": "Ada Example", "date_of_birth": "1950-01-02"},
        "medications": [{"name": "furosemide", "dose": {"value": 40, "unit": "mg"}, "times_per_day": 1}],
        "checklist": [{"id": "weight", "text": "Ask about today's weight"}],
    }
    data.update(changes)
    return CarePlan.model_validate(data)
