"""One place that turns a storage failure into a one-line message.

``translate(exc)`` maps anything the database or the disk can raise (SQLAlchemy errors,
``sqlite3`` and ``psycopg`` errors, ENOSPC/EROFS) to a :class:`StorageError` whose
``kind`` is one of ``KINDS`` and whose message is one line in the UI language, never a
traceback and never a password. The TUI (``screens/faults.py``) and the CLI
(``cli/common.WuyeGroup``) both go through it.

``mask_url`` / ``mask_secrets`` hide the password of any database URL in a text;
``log_unexpected`` writes a traceback (masked, mode 0600) to ``errors.log`` in the data
folder for anything that is not a storage failure.

The core imports neither Textual nor Typer.
"""

from __future__ import annotations

import errno
import os
import re
import traceback
from datetime import datetime, timezone
from pathlib import Path

from .errors import WuyeError
from .i18n import N_, _

KINDS = ("connection", "timeout", "locked", "full", "readonly", "corrupt", "newer", "cancelled", "other")

# What happened, per kind (English id; zh in locale/zh_CN/faults.json).
_WHAT = {
    "connection": N_("The database cannot be reached"),
    "timeout": N_("The database did not answer in time"),
    "locked": N_("The database is busy: another terminal holds the write lock"),
    "full": N_("The disk is full: the database cannot grow"),
    "readonly": N_("The database is read-only"),
    "corrupt": N_("The database file is damaged; restore a backup with wuye db restore"),
    "cancelled": N_("Cancelled"),
    "other": N_("Database error"),
}
# Kinds that go away by themselves: worth a retry (key or backoff).
TRANSIENT = frozenset({"connection", "timeout", "locked"})

# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xff).
_SQLITE_KIND = {5: "locked", 6: "locked", 8: "readonly", 3: "readonly", 9: "cancelled", 10: "full",
                11: "corrupt", 13: "full", 14: "connection", 26: "corrupt"}
# SQLSTATE classes and codes of PostgreSQL.
_PG_CODE_KIND = {"55P03": "locked", "40P01": "locked", "40001": "locked", "57014": "timeout",
                 "53100": "full", "25006": "readonly", "XX001": "corrupt", "XX002": "corrupt",
                 "57P01": "connection", "57P02": "connection", "57P03": "connection", "53300": "connection"}
_PG_CLASS_KIND = {"08": "connection", "53": "full"}
_SQLITE_TEXT = (("locked", "locked"), ("busy", "locked"), ("disk is full", "full"), ("readonly", "readonly"),
                ("read-only", "readonly"), ("malformed", "corrupt"), ("not a database", "corrupt"),
                ("unable to open", "connection"), ("disk i/o", "full"), ("interrupted", "cancelled"))

# user:password@host, the password running to the LAST "@" of the token (an unencoded "@"
# in a password must not leave its tail visible).
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s'\"]*:)([^\s'\"]*)(@)(?=[^@\s'\"]*(?:[\s'\"]|$))")
_KV_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\"[^\"]*\"|\S+)", re.I)


class StorageError(WuyeError):
    """The database or its disk failed; ``kind`` says how (see ``KINDS``)."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.detail = detail  # the driver's first line, masked (for the log)

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


class Cancelled(StorageError):
    """The user cancelled before the write was committed: nothing was saved."""

    def __init__(self) -> None:
        super().__init__("cancelled", _("Cancelled: nothing was saved"))


class NewerDatabase(StorageError):
    def __init__(self, stored: str, known: str) -> None:
        super().__init__("newer", _(
            "The database is at revision {db}, newer than this program (knows up to {prog}): "
            "install the newer wuye to open it").format(db=stored, prog=known))


def mask_url(url: str) -> str:
    """``postgresql+psycopg://u:secret@h/db`` → ``postgresql+psycopg://u:***@h/db``."""
    return _URL_PASSWORD.sub(r"\1***\3", url)


def mask_secrets(text: str, *known: str) -> str:
    """Hide URL passwords, ``password=...`` pairs and any ``known`` secret in ``text``."""
    out = _KV_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***\3", text))
    for secret in known:
        if secret and len(secret) >= 3:
            out = out.replace(secret, "***")
    return out


def url_password(url: str) -> str:
    m = _URL_PASSWORD.search(url)
    return m.group(2) if m else ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return mask_secrets(text[0][:200] if text else type(exc).__name__)


def classify(exc: BaseException) -> str | None:
    """The kind of storage failure ``exc`` is, or None when it is not one."""
    if isinstance(exc, StorageError):
        return exc.kind
    try:
        import sqlalchemy.exc as sa_exc
    except ImportError:  # pragma: no cover
        sa_exc = None  # type: ignore[assignment]
    orig: BaseException | None = exc
    if sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError):
        if isinstance(exc, sa_exc.TimeoutError):
            return "timeout"
        orig = getattr(exc, "orig", None)
        if orig is None:
            if getattr(exc, "connection_invalidated", False):
                return "connection"
            return "other"
        if getattr(exc, "connection_invalidated", False):
            return "connection"
    kind = _driver_kind(orig)
    if kind:
        return kind
    if sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError):
        return "other"
    return None


def _driver_kind(orig: BaseException | None) -> str | None:
    import sqlite3

    if orig is None:
        return None
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_KIND:
            return _SQLITE_KIND[code & 0xFF]
        low = str(orig).lower()
        for needle, kind in _SQLITE_TEXT:
            if needle in low:
                return kind
        return "other"
    module = type(orig).__module__
    if module.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None) or ""
        if state in _PG_CODE_KIND:
            return _PG_CODE_KIND[state]
        if state[:2] in _PG_CLASS_KIND:
            return _PG_CLASS_KIND[state[:2]]
        import psycopg

        if isinstance(orig, psycopg.OperationalError) and not state:
            return "connection"  # refused, reset, server gone, connect timeout
        if isinstance(orig, psycopg.InterfaceError):
            return "connection"
        return "other"
    if isinstance(orig, OSError):
        if orig.errno == errno.ENOSPC or orig.errno == errno.EDQUOT:
            return "full"
        if orig.errno == errno.EROFS:
            return "readonly"
    return None


def translate(exc: BaseException) -> StorageError | None:
    """A StorageError with a one-line message for ``exc``, or None when it is not a
    storage failure (a bug: log it)."""
    if isinstance(exc, StorageError):
        return exc
    kind = classify(exc)
    if kind is None:
        return None
    detail = _first_line(exc)
    if kind == "cancelled":
        return Cancelled()
    what = _(_WHAT[kind])
    if kind == "other":
        what = _("Database error: {reason}").format(reason=detail)
    return StorageError(kind, what, detail)


def screen_message(err: StorageError, retry_key: str = "Ctrl+R") -> str:
    """The line a screen shows: what happened, that nothing was saved and the form is
    kept, and the key that retries."""
    if err.kind in ("cancelled",):
        return err.message
    if err.kind in ("corrupt", "newer"):
        return _("{what}. Not saved; your entries are kept.").format(what=err.message)
    return _("{what}. Not saved; your entries are kept. {key} retries.").format(what=err.message, key=retry_key)


# ---- the log of unexpected errors ----------------------------------------------------

def error_log_path() -> Path:
    from .config import data_dir

    return data_dir() / "errors.log"


def log_unexpected(exc: BaseException, where: str = "", secrets: tuple[str, ...] = ()) -> Path | None:
    """Append ``exc`` with its traceback (passwords masked) to the 0600 error log.
    Returns the log's path, or None when even that failed."""
    path = error_log_path()
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entry = f"--- {stamp} pid {os.getpid()} {where}\n{mask_secrets(text, *secrets)}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, entry.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError:
        return None
    return path


def crash_line(exc: BaseException, log: Path | None) -> str:
    reason = f"{type(exc).__name__}: {_first_line(exc)}"
    if log is None:
        return _("wuye stopped after an unexpected error ({reason})").format(reason=reason)
    return _("wuye stopped after an unexpected error ({reason}); details in {log}").format(reason=reason, log=log)
