"""Alembic migrations of constellation.storage (a package so that it ships in the wheel).

There is no alembic.ini: the configuration is built by
`constellation.storage.database.alembic_config`. To write a new migration after changing the
models, autogenerate it against a database at head and then review it (keep it runnable on SQLite
and PostgreSQL; name any new constraint through the models' naming convention)::

    python - <<'PY'
    from alembic import command
    from constellation.storage.database import alembic_config, make_engine, upgrade
    url = "sqlite:////tmp/autogen.sqlite3"
    upgrade(url)
    with make_engine(url).begin() as conn:
        command.revision(alembic_config(conn), message="what changed", autogenerate=True, rev_id="0002")
    PY
"""
