"""Settings from the command line and the environment; platformdirs paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "wuye"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "wuye.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def resolve_db_url(value: str | os.PathLike[str] | None) -> str:
    """A file path or a SQLAlchemy URL (``--db`` / ``WUYE_DB``) becomes a URL."""
    raw = str(value) if value is not None else os.environ.get("WUYE_DB", "")
    raw = raw.strip()
    if not raw:
        path = default_db_path()
        return f"sqlite:///{path}"
    if "://" in raw:
        if raw.startswith("postgresql://") or raw.startswith("postgres://"):
            raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
        return raw
    path = Path(raw).expanduser().resolve()
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return None


@dataclass
class Settings:
    db_url: str
    lang: str = "zh"
    kiosk: bool = False
