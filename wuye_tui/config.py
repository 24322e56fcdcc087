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


WEB_TERMINAL_ENV = "WUYE_TERMINAL_PREFIX"  # set by ``wuye serve`` for the terminals it starts


def terminal_name() -> str:
    """The terminal name of this app process: ``web:<host>:<pid>`` when started for a
    browser, else host and tty (stable across restarts, so wrong-PIN delays cannot be reset
    by restarting)."""
    prefix = os.environ.get(WEB_TERMINAL_ENV)
    if prefix:
        return f"{prefix}:{os.uname().nodename}:{os.getpid()}"
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = f"pid{os.getpid()}"
    return f"{os.uname().nodename}:{tty}"[:60]


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return None


@dataclass
class Settings:
    db_url: str
    lang: str = "zh"
    kiosk: bool = False
