"""The site secret and the audit checkpoints, kept OUTSIDE the database.

Each database gets a random ``site_id`` (a setting). The key folder is
``<user data folder>/keys`` (0700; ``WUYE_KEY_DIR`` overrides it, e.g. on a shared PostgreSQL
site each terminal gets a copy of the same key file):

- ``<site_id>.key`` (0600): 32 random bytes (hex), the pepper mixed into every PIN hash and
  the key of the audit chain's HMAC. A copied database without this file cannot be cracked
  offline and its audit chain cannot be rewritten undetected.
- ``<site_id>.heads`` (0600): one JSON line per checkpoint of the audit chain head (last id,
  its hash, the row count), so truncation or the restore of an older copy is caught.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from ...errors import WuyeError
from ...i18n import _

SITE_ID_KEY = "site_id"
_cache: dict[str, tuple[str, bytes]] = {}
_created: set[str] = set()  # site ids this process made (their key may be made too)
_PEPPERED = "SELECT 1 FROM staff WHERE pin_hash LIKE 'argon2id$%' OR pin_hash LIKE 'scrypt2$%' LIMIT 1"


def key_dir() -> Path:
    from ...config import data_dir
    from ...fsafe import private_dir

    raw = os.environ.get("WUYE_KEY_DIR", "").strip()
    if raw:
        return private_dir(Path(raw).expanduser())
    return private_dir(private_dir(data_dir()) / "keys")


def site_id(db) -> str:  # type: ignore[no-untyped-def]
    """The database's random id (created on first use)."""
    from ...models import Setting

    with db.read() as session:
        row = session.get(Setting, SITE_ID_KEY)
        if row is not None:
            return str(json.loads(row.value))
    new = secrets.token_hex(8)
    with db.write() as session:
        row = session.get(Setting, SITE_ID_KEY)
        if row is None:
            session.add(Setting(key=SITE_ID_KEY, value=json.dumps(new)))
            _created.add(new)
            return new
        return str(json.loads(row.value))


def _read_private(path: Path) -> bytes | None:
    from ...fsafe import _NOFOLLOW

    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WuyeError(_("Cannot read the key file {path}: {reason}").format(path=path,
                                                                             reason=exc.strerror)) from None
    try:
        st = os.fstat(fd)
        if st.st_mode & 0o077:
            os.fchmod(fd, 0o600)
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def secret(db) -> bytes:  # type: ignore[no-untyped-def]
    """The site secret for ``db`` (created 0600 on first use)."""
    sid = site_id(db)
    cached = _cache.get(db.url)
    if cached is not None and cached[0] == sid:
        return cached[1]
    from sqlalchemy import text

    with db.read() as session:
        may_create = sid in _created or session.execute(text(_PEPPERED)).first() is None
    key = _load_key(sid, may_create)
    _cache[db.url] = (sid, key)
    return key


def _load_key(sid: str, may_create: bool = True) -> bytes:
    """The key file of site ``sid``. A missing key is made only for a new site (or one whose
    PINs do not use it yet): elsewhere a second, different key would lock everyone out."""
    path = key_dir() / f"{sid}.key"
    data = _read_private(path)
    if data is None and not may_create:
        raise WuyeError(_("The site key {path} is missing: copy it from the first terminal or from the backup of "
                          "the key folder (see README, Security)").format(path=path))
    if data is None:
        from ...fsafe import _NOFOLLOW

        value = secrets.token_hex(32).encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            os.fchmod(fd, 0o600)
            os.write(fd, value + b"\n")
            os.fsync(fd)
            os.close(fd)
        except FileExistsError:
            pass
        data = _read_private(path) or value
    return bytes.fromhex(data.decode().strip())


def session_secret(session, create: bool = True) -> bytes | None:  # type: ignore[no-untyped-def]
    """The site secret from inside a transaction (``audit.record``): the site id is read, or
    created, through ``session`` itself, so no second connection waits on its write lock.
    None only when the key folder cannot be used (the row is then chained unkeyed)."""
    from sqlalchemy import text

    conn = session.connection()
    value = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": SITE_ID_KEY}).scalar()
    if value is None:
        if not create:
            return None
        sid = secrets.token_hex(8)
        conn.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": SITE_ID_KEY, "v": json.dumps(sid)})
        _created.add(sid)
    else:
        sid = str(json.loads(value))
    url = str(conn.engine.url)
    cached = _session_cache.get(url)
    if cached is not None and cached[0] == sid:
        return cached[1]
    may_create = sid in _created or conn.execute(text(_PEPPERED)).first() is None
    try:
        key = _load_key(sid, may_create)
    except (OSError, ValueError):
        return None
    _session_cache[url] = (sid, key)
    return key


_session_cache: dict[str, tuple[str, bytes]] = {}


def forget(db=None) -> None:  # type: ignore[no-untyped-def]
    """Drop cached secrets (after a restore replaced the database)."""
    _session_cache.clear()
    if db is None:
        _cache.clear()
    else:
        _cache.pop(db.url, None)


# ---- checkpoints of the audit chain head ---------------------------------------------

def heads_path(db) -> Path:  # type: ignore[no-untyped-def]
    return key_dir() / f"{site_id(db)}.heads"


def save_checkpoint(db, head: dict, note: str = "") -> None:  # type: ignore[no-untyped-def,type-arg]
    """Append the chain head to the key folder's checkpoint file."""
    from ...fsafe import _NOFOLLOW

    if not head.get("id"):
        return
    line = json.dumps({**head, **({"note": note} if note else {})}, ensure_ascii=False) + "\n"
    path = heads_path(db)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def last_checkpoint(db) -> dict | None:  # type: ignore[no-untyped-def,type-arg]
    data = _read_private(heads_path(db))
    if not data:
        return None
    for line in reversed(data.decode(errors="replace").splitlines()):
        try:
            return json.loads(line)  # type: ignore[no-any-return]
        except ValueError:
            continue
    return None
