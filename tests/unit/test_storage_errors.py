"""storage_errors: real driver errors become the right kind and one Chinese line; URLs
never keep their password."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wuye_tui.storage_errors import classify, mask_secrets, mask_url, screen_message, translate


def test_mask_url_and_secrets():
    assert mask_url("postgresql+psycopg://wuye:s3cr@t!@10.0.0.5:5432/db") == "postgresql+psycopg://wuye:***@10.0.0.5:5432/db"
    assert mask_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert mask_url("postgresql://nopass@h/db") == "postgresql://nopass@h/db"
    text = "failed for postgresql://u:pw123@h/db (password=pw123 host=h)"
    assert "pw123" not in mask_secrets(text)


def _conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    conn.execute("CREATE TABLE IF NOT EXISTS t (b BLOB)")
    return conn


def test_sqlite_full_locked_readonly_corrupt(tmp_path):
    path = tmp_path / "x.db"
    conn = _conn(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.Error) as full:
        conn.execute("INSERT INTO t VALUES (?)", (b"x" * 100_000,))
    assert classify(full.value) == "full"
    err = translate(full.value)
    assert err is not None and "磁盘已满" in screen_message(err) and "Ctrl+R" in screen_message(err)

    other = _conn(path)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.Error) as locked:
        conn.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    assert classify(locked.value) == "locked"

    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as readonly:
        ro.execute("INSERT INTO t VALUES (1)")
    assert classify(readonly.value) == "readonly"

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(sqlite3.Error) as corrupt:
        sqlite3.connect(junk).execute("SELECT * FROM sqlite_master").fetchall()
    assert classify(corrupt.value) == "corrupt"
    assert "wuye db restore" in translate(corrupt.value).message  # type: ignore[union-attr]


def test_sqlalchemy_wrapped_errors_and_non_storage():
    from sqlalchemy import create_engine, text

    engine = create_engine("postgresql+psycopg://u:topsecret@127.0.0.1:1/db",
                           connect_args={"connect_timeout": 2})
    with pytest.raises(Exception) as refused:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    err = translate(refused.value)
    assert err is not None and err.kind == "connection" and err.transient
    assert "topsecret" not in err.message and "topsecret" not in err.detail
    assert translate(ZeroDivisionError("x")) is None
