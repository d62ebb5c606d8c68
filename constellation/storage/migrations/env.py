"""Alembic environment for constellation's storage.

The configuration is built in code (`constellation.storage.database.alembic_config`). When the
caller passes an open connection in ``config.attributes["connection"]`` (what `upgrade()`,
`downgrade()` and the tests do), the migrations run on it, inside the caller's transaction;
otherwise an engine is made from the ``sqlalchemy.url`` option. SQLite runs in batch mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from constellation.storage.database import make_engine
from constellation.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("offline migrations need the sqlalchemy.url option")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("online migrations need a connection or the sqlalchemy.url option")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
