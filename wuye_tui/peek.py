"""A first look at a SQLite database with the standard library only, so the login screen can
show the site and the staff names within a few milliseconds of start-up, while the full
database layer (SQLAlchemy, the models, the services: about a second of imports) loads in
the background. Read-only and best effort: ``None`` whenever anything is unusual (not
SQLite, no file, an older or damaged schema), and the normal open then says what is wrong.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Peek:
    site_name: str
    staff_names: list[tuple[str, str]]  # (name, role) of active staff, by name


def peek_sqlite(url: str) -> Peek | None:
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///"):]
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        names = [(str(n), str(r)) for n, r in con.execute(
            "SELECT name, role FROM staff WHERE active = 1 ORDER BY name")]
        row = con.execute("SELECT value FROM setting WHERE key = 'site_name'").fetchone()
        site = json.loads(row[0]) if row else ""
        return Peek(site if isinstance(site, str) else "", names)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        con.close()
