"""`constellation db upgrade / current / downgrade` on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from constellation.storage import head_revision


def test_db_commands_round_trip(cli, db_url: str) -> None:
    head = head_revision()
    fresh = cli("db", "current", "--db", db_url)
    assert fresh.code == 0, fresh.err
    assert "base (empty)" in fresh.out
    up = cli("db", "upgrade", "--db", db_url)
    assert up.code == 0 and f"at revision {head}" in up.out, up.err
    assert f"at revision {head}; head is {head}" in cli("db", "current", "--db", db_url).out
    down = cli("db", "downgrade", "base", "--db", db_url)
    assert down.code == 0 and "at revision base" in down.out, down.err
    again = cli("db", "upgrade", "--db", db_url)
    assert again.code == 0 and f"at revision {head}" in again.out


def test_db_bad_urls(cli) -> None:
    bad = cli("db", "current", "--db", "not a url")
    assert bad.code == 2 and "invalid database URL" in bad.err and "Traceback" not in bad.err
    down = cli("db", "current", "--db", "postgresql://someone:s3cret@127.0.0.1:9/nothing")
    assert down.code == 1 and "cannot connect" in down.err
    assert "s3cret" not in down.err


def test_default_database_is_created_on_first_use(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CONSTELLATION_DATA_DIR", str(tmp_path / "data"))
    result = cli("db", "upgrade")
    assert result.code == 0, result.err
    assert (tmp_path / "data" / "constellation.sqlite3").exists()
